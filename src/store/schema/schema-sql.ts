/**
 * DDL text shared by every dialect: CREATE TABLE, ADD COLUMN, indexes, verbo's own tables, and the
 * checks a step must pass before it runs. A dialect supplies its type names and the few clauses
 * that differ (`DdlDialect`); the steps come from schema-planner.ts.
 */
import type { StorageKind } from '../../model/field-type.js';
import { type FieldDef, type Model, type ResourceDef, storedResources } from '../../model/model-types.js';
import { idKindOf } from '../../model/system-fields.js';
import type { SqlDialect } from '../sql/sql-dialect.js';
import type { IndexSpec, SchemaStep } from './schema-plan.js';
import { columnsOf, resourceOf, type StoredTypeNames } from './schema-planner.js';

export interface DdlDialect extends SqlDialect, StoredTypeNames {
  /** Column type for a storage kind in CREATE TABLE / ADD COLUMN. */
  columnType(storage: StorageKind): string;
  /** The id column's whole definition: its storage kind, and whether the database assigns it (auto-increment). */
  idColumn(storage: StorageKind, storeAssigned: boolean): string;
  /** Appended to CREATE TABLE (SQLite: ` STRICT`). */
  tableOptions: string;
  /** The column list of an index (PostgreSQL orders nullable columns NULLS FIRST and ends with id). */
  indexColumns(index: IndexSpec): string;
}

const ON_DELETE: Record<string, string> = {
  restrict: 'RESTRICT',
  cascade: 'CASCADE',
  'set-null': 'SET NULL',
};

export const referenceClause = (d: SqlDialect, target: string, onDelete: string): string =>
  `REFERENCES ${d.quote(target)}(id) ON DELETE ${ON_DELETE[onDelete] ?? 'NO ACTION'}`;

export function columnSql(d: DdlDialect, f: FieldDef, notNull = f.required): string {
  let sql = `${d.quote(f.name)} ${d.columnType(f.storage)}`;
  if (notNull) sql += ' NOT NULL';
  if (f.reference) sql += ` ${referenceClause(d, f.reference.resource, f.reference.onDelete)}`;
  return sql;
}

export interface CreateTableOptions {
  /** Another name for the table (SQLite builds a table under a temporary name, then renames it). */
  name?: string;
  /** NOT NULL per declared column (default: the field's `required`). */
  notNull?: (f: FieldDef) => boolean;
}

export function createTableSql(d: DdlDialect, r: ResourceDef, o: CreateTableOptions = {}): string {
  const cols = [
    d.idColumn(r.allFields.get('id')!.storage, idKindOf(r).assignedBy === 'store'),
    ...columnsOf(r).map((f) => columnSql(d, f, o.notNull ? o.notNull(f) : f.required)),
    `${d.quote('createdAt')} ${d.columnType('datetime')} NOT NULL`,
    `${d.quote('updatedAt')} ${d.columnType('datetime')} NOT NULL`,
    `${d.quote('_version')} ${d.columnType('integer')} NOT NULL DEFAULT 1`,
  ];
  return `CREATE TABLE ${d.quote(o.name ?? r.name)} (\n  ${cols.join(',\n  ')}\n)${d.tableOptions}`;
}

export function createIndexSql(d: DdlDialect, table: string, index: IndexSpec): string {
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${d.quote(index.name)} ON ${d.quote(table)}(${d.indexColumns(index)})`;
}

/** Steps every dialect writes the same way; `undefined` for the ones a dialect renders itself. */
export function commonStepSql(d: DdlDialect, model: Model, step: SchemaStep): string[] | undefined {
  switch (step.kind) {
    case 'create-table':
      return [createTableSql(d, resourceOf(model, step.resource))];
    case 'add-column': {
      // Added columns are nullable: the rows already stored have no value for them.
      const f = resourceOf(model, step.resource).allFields.get(step.field)!;
      return [`ALTER TABLE ${d.quote(step.resource)} ADD COLUMN ${columnSql(d, f, false)}`];
    }
    case 'create-index':
      return [createIndexSql(d, step.resource, step.index)];
    case 'drop-index':
      return [`DROP INDEX IF EXISTS ${d.quote(step.name)}`];
    default:
      return undefined;
  }
}

/** verbo's own tables: the storage each column was made with, and the key-value entries. */
export function bootstrapSql(d: DdlDialect): string[] {
  const text = d.columnType('text');
  return [
    `CREATE TABLE IF NOT EXISTS _verbo_columns (resource ${text} NOT NULL, field ${text} NOT NULL, storage ${text} NOT NULL, PRIMARY KEY (resource, field))${d.tableOptions}`,
    `CREATE TABLE IF NOT EXISTS _verbo_kv (namespace ${text} NOT NULL, key ${text} NOT NULL, value ${text} NOT NULL, expires_at ${d.columnType('integer')} NOT NULL, PRIMARY KEY (namespace, key))${d.tableOptions}`,
  ];
}

/** Records each column's storage kind, in one statement. */
export function rememberStoragesSql(d: SqlDialect, model: Model): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const rows: string[] = [];
  for (const r of storedResources(model))
    for (const f of columnsOf(r)) {
      values.push(r.name, f.name, f.storage);
      const n = values.length;
      rows.push(`(${d.param(n - 2)}, ${d.param(n - 1)}, ${d.param(n)})`);
    }
  return {
    sql: rows.length
      ? `INSERT INTO _verbo_columns (resource, field, storage) VALUES ${rows.join(', ')} ON CONFLICT (resource, field) DO UPDATE SET storage = excluded.storage`
      : '',
    values,
  };
}

/**
 * A query that finds a row the step would refuse: a reference to a record missing from its new
 * target, or two rows sharing the value of a field that becomes unique. None for other steps.
 */
export function stepCheckSql(d: SqlDialect, step: SchemaStep): { sql: string; problem: string } | undefined {
  if (step.kind === 'change-reference' && step.to) {
    const [t, c, target] = [d.quote(step.resource), d.quote(step.field), d.quote(step.to.target)];
    return {
      sql: `SELECT 1 AS found FROM ${t} WHERE ${c} IS NOT NULL AND ${c} NOT IN (SELECT id FROM ${target}) LIMIT 1`,
      problem: `${step.resource}.${step.field} would reference ${step.to.target}, but stored ${step.resource} records name ${step.to.target} records that do not exist: fix or clear those values first`,
    };
  }
  if (step.kind === 'create-index' && step.index.unique) {
    const [t, c] = [d.quote(step.resource), d.quote(step.index.field)];
    return {
      sql: `SELECT 1 AS found FROM ${t} WHERE ${c} IS NOT NULL GROUP BY ${c} HAVING COUNT(*) > 1 LIMIT 1`,
      problem: `${step.resource}.${step.index.field} would become unique, but stored records share a value`,
    };
  }
  return undefined;
}

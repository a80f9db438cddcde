/**
 * DDL text shared by every dialect: CREATE TABLE, ADD COLUMN, indexes, verbo's own tables, and the
 * checks a step must pass before it runs. A dialect supplies its type names and the few clauses
 * that differ (`DdlDialect`); the steps come from schema-planner.ts.
 */
import type { StorageKind } from '../../model/field-type.js';
import { type FieldDef, type Model, type ResourceDef, storedResources } from '../../model/model-types.js';
import { idKindOf } from '../../model/system-fields.js';
import { CHANGES_TABLE } from '../changes/change-log.js';
import { blobColumnsAdded, blobTablesSql } from '../files/sql-blob-store.js';
import { jobsTableSql } from '../jobs/job-table.js';
import type { SqlDialect } from '../sql/sql-dialect.js';
import type { IndexSpec, SchemaStep } from './schema-plan.js';
import { columnsOf, resourceOf, type StoredTypeNames, specOf } from './schema-planner.js';

export interface DdlDialect extends SqlDialect, StoredTypeNames {
  /** Column type for a storage kind in CREATE TABLE / ADD COLUMN. */
  columnType(storage: StorageKind): string;
  /** The id column's whole definition: its storage kind, and whether the database assigns it (auto-increment). */
  idColumn(storage: StorageKind, storeAssigned: boolean): string;
  /**
   * An integer key the database assigns in insert order, for a table whose newest row is never
   * deleted (the change log): each new value is then above every earlier one without the
   * bookkeeping that keeps a deleted maximum from coming back (SQLite's AUTOINCREMENT writes
   * `sqlite_sequence`, a page in every commit). Undefined: `idColumn(integer, true)`.
   */
  sequenceColumn?(name: string): string;
  /** The column type of raw bytes (file chunks, store/files/sql-blob-store.ts). */
  blobType: string;
  /** Appended to CREATE TABLE (SQLite: ` STRICT`). */
  tableOptions: string;
  /** The column list of an index (PostgreSQL orders nullable columns NULLS FIRST and ends with id). */
  indexColumns(index: IndexSpec): string;
  /**
   * How stored values of one storage kind become another, where they can: `bad` (a condition on
   * column `c`, or none when every value converts) finds the rows that cannot, `expr` converts one.
   */
  conversion(from: StorageKind, to: StorageKind): Conversion | undefined;
  /** Drops a column's DEFAULT, where the database can in place (PostgreSQL; SQLite keeps it). */
  dropDefaultSql?(table: string, column: string): string;
}

const literal = (v: string) => `'${v.replaceAll("'", "''")}'`;

/** A value as an SQL literal, as the dialect stores it (DDL takes no parameters). */
export function sqlLiteral(d: SqlDialect, value: unknown, storage: StorageKind): string {
  const v = d.encode(value, storage);
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return literal(v instanceof Date ? v.toISOString() : String(v));
}

export interface Conversion {
  bad?: (c: string) => string;
  expr: (c: string) => string;
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
export function commonStepSql(d: DdlDialect, model: Model, step: SchemaStep): SchemaStatement[] | undefined {
  const t = d.quote(step.resource);
  switch (step.kind) {
    case 'create-table':
      return [{ sql: createTableSql(d, resourceOf(model, step.resource)) }];
    case 'rename-table':
      return [{ sql: `ALTER TABLE ${d.quote(step.from)} RENAME TO ${t}` }];
    case 'drop-table':
      return [{ sql: `DROP TABLE ${t}` }];
    case 'rename-column':
      return [{ sql: `ALTER TABLE ${t} RENAME COLUMN ${d.quote(step.from)} TO ${d.quote(step.field)}` }];
    case 'add-column': {
      // An added column is nullable (the stored rows have no value for it; a later `tighten` step
      // makes it NOT NULL once verified), unless filled: then NOT NULL with the default written into
      // every stored row (both databases do it without rewriting the table), which is then dropped.
      const f = resourceOf(model, step.resource).allFields.get(step.field)!;
      if (step.fill === undefined) return [{ sql: `ALTER TABLE ${t} ADD COLUMN ${columnSql(d, f, false)}` }];
      const out = [
        {
          sql: `ALTER TABLE ${t} ADD COLUMN ${columnSql(d, f, true)} DEFAULT ${sqlLiteral(d, step.fill, f.storage)}`,
        },
      ];
      const drop = d.dropDefaultSql?.(step.resource, f.name);
      return drop ? [...out, { sql: drop }] : out;
    }
    case 'tighten':
      // `required` sets NOT NULL (the dialect's way); other rules are enforced by the API, once the
      // check (failingRowsSql) has verified the stored rows.
      return step.rule === 'required' ? undefined : [];
    case 'create-index':
      return [{ sql: createIndexSql(d, step.resource, step.index) }];
    case 'drop-index':
      return [{ sql: `DROP INDEX IF EXISTS ${d.quote(step.name)}` }];
    default:
      return undefined;
  }
}

export interface SchemaStatement {
  sql: string;
  values?: unknown[];
}

/**
 * verbo's own tables: each column's storage and field rules, the key-value entries, the migrations
 * applied, the change log (changes/change-log-sql.ts), the files of `driver: database` and the jobs
 * (jobs/job-table.ts).
 */
export function bootstrapSql(d: DdlDialect): string[] {
  const text = d.columnType('text');
  return [
    `CREATE TABLE IF NOT EXISTS _verbo_columns (resource ${text} NOT NULL, field ${text} NOT NULL, storage ${text} NOT NULL, PRIMARY KEY (resource, field))${d.tableOptions}`,
    `CREATE TABLE IF NOT EXISTS _verbo_fields (resource ${text} NOT NULL, field ${text} NOT NULL, spec ${text} NOT NULL, PRIMARY KEY (resource, field))${d.tableOptions}`,
    `CREATE TABLE IF NOT EXISTS _verbo_kv (namespace ${text} NOT NULL, key ${text} NOT NULL, value ${text} NOT NULL, expires_at ${d.columnType('integer')} NOT NULL, PRIMARY KEY (namespace, key))${d.tableOptions}`,
    `CREATE TABLE IF NOT EXISTS _verbo_migrations (${d.idColumn('integer', true)}, applied_at ${text} NOT NULL, config_hash ${text} NOT NULL, who ${text} NOT NULL, steps ${text} NOT NULL)${d.tableOptions}`,
    ...changeLogTableSql(d),
    ...blobTablesSql(text, d.columnType('integer'), d.blobType, d.tableOptions),
    jobsTableSql(text, d.columnType('integer'), d.tableOptions),
  ];
}

/**
 * Columns added to verbo's own tables after their first release (CREATE TABLE IF NOT EXISTS leaves
 * an older table as it was): each with the statement that adds it where the table lacks it.
 */
export function ownColumnsAdded(d: DdlDialect): { table: string; column: string; sql: string }[] {
  return blobColumnsAdded(d.columnType('integer'));
}

/**
 * Records each column's storage kind and each field's rules (`specOf`), replacing what was recorded
 * for the model's tables and for `gone` (tables renamed or dropped by this run).
 */
export function rememberSql(d: SqlDialect, model: Model, gone: string[]): SchemaStatement[] {
  const resources = storedResources(model);
  const names = [...resources.map((r) => r.name), ...gone];
  const list = names.map((_, i) => d.param(i + 1)).join(', ');
  const out: SchemaStatement[] = [
    { sql: `DELETE FROM _verbo_columns WHERE resource IN (${list})`, values: names },
    { sql: `DELETE FROM _verbo_fields WHERE resource IN (${list})`, values: names },
  ];
  const insert = (table: string, column: string, value: (r: ResourceDef, f: FieldDef) => string) => {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (const r of resources)
      for (const f of columnsOf(r)) {
        values.push(r.name, f.name, value(r, f));
        const n = values.length;
        rows.push(`(${d.param(n - 2)}, ${d.param(n - 1)}, ${d.param(n)})`);
      }
    if (rows.length)
      out.push({
        sql: `INSERT INTO ${table} (resource, field, ${column}) VALUES ${rows.join(', ')}`,
        values,
      });
  };
  insert('_verbo_columns', 'storage', (_, f) => f.storage);
  insert('_verbo_fields', 'spec', (_, f) => JSON.stringify(specOf(f)));
  return out;
}

/**
 * The change log (changes/change-log.ts). No index on `at`: every write would pay for it (a page a
 * commit), and pruning by age reads the oldest entries in `seq` order instead (change-log-sql.ts),
 * so the one an earlier version made is dropped. Pruning keeps the newest entry, so `seq` needs no
 * AUTOINCREMENT (`sequenceColumn`); a table an earlier version made with it keeps it and works alike.
 */
function changeLogTableSql(d: DdlDialect): string[] {
  const text = d.columnType('text');
  const seq = d.sequenceColumn?.('seq') ?? d.idColumn('integer', true).replace(/^id /, 'seq ');
  return [
    `CREATE TABLE IF NOT EXISTS ${CHANGES_TABLE} (${seq}, resource ${text} NOT NULL, id ${text} NOT NULL, kind ${text} NOT NULL, version ${d.columnType('integer')} NOT NULL, at ${text} NOT NULL, caller ${text})${d.tableOptions}`,
    `DROP INDEX IF EXISTS ${CHANGES_TABLE}_at_idx`,
  ];
}

/** `1 row has` / `3 rows have`: a count with its verb agreeing. */
const rows = (n: number, one: string, many: string) =>
  `${n} row${n === 1 ? '' : 's'} ${n === 1 ? one : many}`;

/** A query for the rows a step would refuse (their first ids and how many), and the refusal's words. */
export interface RowCheck {
  sql: string;
  problem(count: number, ids: unknown[]): string;
}

/** `says(n, ids)` words the refusal: `n` rows fail, the first of them `ids` (`(ids 3, 8, 12, …)`). */
function failing(
  d: SqlDialect,
  table: string,
  where: string,
  says: (n: number, ids: string) => string,
): RowCheck {
  return {
    sql: `SELECT id, COUNT(*) OVER () AS n FROM ${d.quote(table)} WHERE ${where} ORDER BY id LIMIT 3`,
    problem: (n, ids) =>
      says(n, `(id${ids.length === 1 ? '' : 's'} ${ids.join(', ')}${n > ids.length ? ', …' : ''})`),
  };
}

/**
 * The rows that stop a checked step: values that cannot convert, that a tightened rule refuses, that
 * share a value becoming unique, or that name a record missing from a reference's new target.
 */
export function failingRowsSql(d: DdlDialect, model: Model, step: SchemaStep): RowCheck | undefined {
  const at = 'field' in step ? `${step.resource}.${step.field}` : step.resource;
  const c = 'field' in step ? d.quote(step.field) : '';
  switch (step.kind) {
    case 'change-type': {
      const bad = d.conversion(step.from, step.to)?.bad;
      return (
        bad &&
        failing(
          d,
          step.resource,
          `${c} IS NOT NULL AND ${bad(c)}`,
          (n, ids) => `${at} → ${step.to}: ${rows(n, 'cannot', 'cannot')} convert ${ids}`,
        )
      );
    }
    case 'tighten':
      if (step.rule === 'required') {
        const f = resourceOf(model, step.resource).allFields.get(step.field);
        const advice =
          f?.default === undefined
            ? 'give the field a `default` in the config (written into the stored rows), fill them first, or keep it optional'
            : 'fill them first, or keep it optional';
        return failing(
          d,
          step.resource,
          `${c} IS NULL`,
          (n, ids) => `${at} is now required, but ${rows(n, 'has', 'have')} no value ${ids}: ${advice}`,
        );
      }
      if (step.rule === 'enum')
        return failing(
          d,
          step.resource,
          `${c} IS NOT NULL AND ${c} NOT IN (${step.values.map(literal).join(', ')})`,
          (n, ids) =>
            `${at} → one of ${step.values.join(', ')}: ${rows(n, 'holds', 'hold')} another value ${ids}`,
        );
      return failing(
        d,
        step.resource,
        `length(${c}) > ${Number(step.max)}`,
        (n, ids) => `${at} → at most ${step.max} characters: ${rows(n, 'is', 'are')} longer ${ids}`,
      );
    case 'create-index': {
      if (!step.index.unique) return undefined;
      const cols = step.index.columns.map((k) => d.quote(k.field));
      const tuple = cols.length === 1 ? cols[0] : `(${cols.join(', ')})`;
      const t = d.quote(step.resource);
      const names = step.index.columns.map((k) => k.field).join(', ');
      return failing(
        d,
        step.resource,
        `${tuple} IN (SELECT ${cols.join(', ')} FROM ${t} WHERE ${cols.map((k) => `${k} IS NOT NULL`).join(' AND ')} GROUP BY ${cols.join(', ')} HAVING COUNT(*) > 1)`,
        (n, ids) =>
          `${step.resource}.${names} would become unique, but stored records share a value: ${rows(n, 'shares', 'share')} one ${ids}`,
      );
    }
    case 'change-reference': {
      if (!step.to) return undefined;
      const target = d.quote(step.to.target);
      return failing(
        d,
        step.resource,
        `${c} IS NOT NULL AND ${c} NOT IN (SELECT id FROM ${target})`,
        (n, ids) =>
          `${at} would reference ${step.to!.target}, but stored ${step.resource} records name ${step.to!.target} records that do not exist: fix or clear those values first (${rows(n, 'names', 'name')} a missing record ${ids})`,
      );
    }
    default:
      return undefined;
  }
}

/** A newly required field's default written into the stored rows that have no value (before its check). */
export function fillSql(d: SqlDialect, model: Model, step: SchemaStep): SchemaStatement | undefined {
  if (step.kind !== 'tighten' || step.rule !== 'required' || step.fill === undefined) return undefined;
  const f = resourceOf(model, step.resource).allFields.get(step.field)!;
  const c = d.quote(f.name);
  return {
    sql: `UPDATE ${d.quote(step.resource)} SET ${c} = ${d.param(1)} WHERE ${c} IS NULL`,
    values: [d.encode(step.fill, f.storage)],
  };
}

/** Text a number or a date must match to convert (both dialects test them: REGEXP / `~`). */
export const CONVERTIBLE_TEXT = {
  integer: '^-?[0-9]{1,18}$',
  real: '^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$',
  date: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
} as const;

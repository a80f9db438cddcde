/**
 * SQLite's part of schema sync (the diff itself is schema/schema-planner.ts): introspection through
 * PRAGMAs, its DDL clauses, and the table rebuild a changed reference needs.
 *
 * SQLite cannot alter a foreign key in place, so a changed reference rebuilds the table with its
 * documented 12-step procedure (https://www.sqlite.org/lang_altertable.html#otheralter): the caller
 * turns foreign keys off outside the transaction, the rows are checked against the new target first
 * (schema-sql.ts#stepCheckSql), then new table, copy, drop, rename, indexes — in the one sync
 * transaction, so a failure leaves the old table as it was. Rebuilding keeps the data and matches
 * what PostgreSQL does (drop and add the constraint), where a refusal would leave a user no way on.
 */
import type Database from 'better-sqlite3';
import type { Model } from '../../model/model-types.js';
import { idKindOf } from '../../model/system-fields.js';
import type { DbTable, SchemaPlan, SchemaStep } from '../schema/schema-plan.js';
import { columnsOf, indexesOf, resourceOf } from '../schema/schema-planner.js';
import { createIndexSql, createTableSql } from '../schema/schema-sql.js';
import {
  historyOf,
  type MigrationRecord,
  planFor,
  type RenderContext,
  run,
  runTaskSync,
  type SchemaDialect,
  type SchemaStatement,
  type SchemaTask,
  type SyncOptions,
  syncSchema,
} from '../schema/schema-sync.js';
import { sqliteConversion } from './sqlite-conversions.js';
import { SQLITE_TYPES, sqliteDialect } from './sqlite-dialect.js';
import { afterRebuildSql, createSearchSql, dropSearchSql, introspectSearch } from './sqlite-search.js';

const q = sqliteDialect.quote;
const ON_DELETE: Record<string, string> = {
  RESTRICT: 'restrict',
  CASCADE: 'cascade',
  'SET NULL': 'set-null',
};

function* introspectTable(name: string): SchemaTask<DbTable> {
  const columns = yield* run(`PRAGMA table_info(${q(name)})`);
  const keys = yield* run(`PRAGMA foreign_key_list(${q(name)})`);
  const indexes = yield* run(`PRAGMA index_list(${q(name)})`);
  return {
    name,
    columns: new Map(
      columns.map((c) => [
        String(c.name),
        { name: String(c.name), type: String(c.type), notNull: Number(c.notnull) === 1 },
      ]),
    ),
    foreignKeys: keys.map((k) => ({
      column: String(k.from),
      target: String(k.table),
      onDelete: ON_DELETE[String(k.on_delete)] ?? String(k.on_delete).toLowerCase(),
    })),
    indexes: new Set(indexes.map((i) => String(i.name))),
  };
}

/**
 * The 12-step rebuild of `step.resource` as the model declares it: new table, copy (retyped columns
 * through their conversion), drop, rename, indexes. Earlier steps of the run (renames, added columns)
 * have already run, so every declared column is in the table under its name; a dropped one is not
 * copied. Each column is NOT NULL when its field is required (a set or dropped NOT NULL is a rebuild).
 */
function rebuildSql(step: SchemaStep, { model, plan, rebuilt }: RenderContext): string[] {
  if (rebuilt.has(step.resource)) return [];
  rebuilt.add(step.resource);
  const r = resourceOf(model, step.resource);
  const mine = plan.steps.filter((s) => s.resource === r.name);
  const temp = `_verbo_rebuild_${r.name}`;
  const names = ['id', ...columnsOf(r).map((f) => f.name), 'createdAt', 'updatedAt', '_version'];
  const values = names.map((n) => {
    const retype = mine.find((x) => x.kind === 'change-type' && x.field === n);
    return retype?.kind === 'change-type' ? sqliteConversion(retype.from, retype.to)!.expr(q(n)) : q(n);
  });
  const sql = [
    // NOT NULL as the model declares it: a `tighten` step verified the stored rows first.
    createTableSql(sqliteSchemaDialect, r, { name: temp }),
    `INSERT INTO ${q(temp)} (${names.map(q).join(', ')}) SELECT ${values.join(', ')} FROM ${q(r.name)}`,
  ];
  // AUTOINCREMENT's high-water mark moves with the table, so a deleted id is never handed out again.
  if (idKindOf(r).assignedBy === 'store')
    sql.push(
      `DELETE FROM sqlite_sequence WHERE name = '${temp}'`,
      `INSERT INTO sqlite_sequence (name, seq) SELECT '${temp}', seq FROM sqlite_sequence WHERE name = '${r.name}'`,
    );
  sql.push(`DROP TABLE ${q(r.name)}`, `ALTER TABLE ${q(temp)} RENAME TO ${q(r.name)}`);
  for (const index of indexesOf(r)) sql.push(createIndexSql(sqliteSchemaDialect, r.name, index));
  sql.push(...afterRebuildSql(r, plan));
  return sql;
}

/**
 * SQLite has no ALTER INDEX … RENAME: the index's entry in sqlite_schema gets its new name and text
 * (the documented way to change a schema object in place, lang_altertable.html#otheralter; the
 * connection runs with defensive mode off around the sync, syncSqliteSchema). The index's pages are
 * untouched. The table or column rename of the same run changes the schema cookie, so other
 * connections reload the schema.
 */
function renameIndexSql(step: SchemaStep & { kind: 'rename-index' }): string[] {
  const text = (v: string) => `'${v.replaceAll("'", "''")}'`;
  const create = createIndexSql(sqliteSchemaDialect, step.resource, step.index).replace(' IF NOT EXISTS', '');
  return [
    'PRAGMA writable_schema = ON',
    `UPDATE sqlite_schema SET name = ${text(step.index.name)}, sql = ${text(create)} WHERE type = 'index' AND name = ${text(step.from)}`,
    'PRAGMA writable_schema = RESET',
  ];
}

export const sqliteSchemaDialect: SchemaDialect = {
  ...sqliteDialect,
  columnType: (storage) => SQLITE_TYPES[storage],
  storedType: (storage) => SQLITE_TYPES[storage],
  idColumn: (storage, storeAssigned) =>
    `id ${SQLITE_TYPES[storage]} PRIMARY KEY ${storeAssigned ? 'AUTOINCREMENT' : 'NOT NULL'}`,
  // The rowid: one above the largest present (the newest row is kept, so never a reused value).
  sequenceColumn: (name) => `${q(name)} INTEGER PRIMARY KEY`,
  storedIdType: (storage) => SQLITE_TYPES[storage],
  blobType: 'BLOB',
  tableOptions: ' STRICT',
  indexColumns: (index) => index.columns.map((c) => `${q(c.field)}${c.descending ? ' DESC' : ''}`).join(', '),
  conversion: sqliteConversion,
  converts: (from, to) => sqliteConversion(from, to) !== undefined,
  *introspect() {
    const names = yield* run(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    );
    const tables = new Map<string, DbTable>();
    for (const { name } of names) tables.set(String(name), yield* introspectTable(String(name)));
    yield* introspectSearch(tables);
    return { tables };
  },
  renderStep(step, context) {
    if (step.kind === 'rename-index') return renameIndexSql(step);
    if (step.kind === 'create-search-index') return createSearchSql(step.resource, step.index);
    if (step.kind === 'drop-search-index') return dropSearchSql(step.index);
    return rebuildSql(step, context);
  },
};

const executor =
  (db: Database.Database) =>
  ({ sql, values = [] }: SchemaStatement): Record<string, unknown>[] => {
    const statement = db.prepare(sql);
    if (statement.reader) return statement.all(...values) as Record<string, unknown>[];
    statement.run(...values);
    return [];
  };

/**
 * One immediate transaction (two processes starting at once do not race; a crash leaves the old
 * schema or the new one), with defensive mode off (an index rename writes sqlite_schema) and foreign keys off around it: PRAGMA foreign_keys cannot change inside
 * a transaction, and a rebuild must not run the ON DELETE actions of the table it drops.
 */
export function syncSqliteSchema(db: Database.Database, model: Model, options: SyncOptions = {}): SchemaPlan {
  db.pragma('foreign_keys = OFF');
  db.unsafeMode(true);
  try {
    return db
      .transaction(() => runTaskSync(syncSchema(sqliteSchemaDialect, model, options), executor(db)))
      .immediate();
  } finally {
    // A rolled-back index rename leaves the connection's schema cache stale: read it again.
    db.pragma('writable_schema = RESET');
    db.unsafeMode(false);
    db.pragma('foreign_keys = ON');
  }
}

/** The plan, read in one transaction, changing nothing. */
export function planSqliteSchema(db: Database.Database, model: Model): SchemaPlan {
  return db.transaction(() => runTaskSync(planFor(sqliteSchemaDialect, model), executor(db)).plan)();
}

export function sqliteHistory(db: Database.Database): MigrationRecord[] {
  return runTaskSync(historyOf(sqliteSchemaDialect), executor(db));
}

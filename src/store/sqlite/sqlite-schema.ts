/** Schema sync for SQLite: create tables, add new columns, refuse destructive changes. */
import type Database from 'better-sqlite3';
import {
  extraSystemFields,
  type FieldDef,
  type Model,
  type ResourceDef,
  storedResources,
} from '../../model/model-types.js';
import { SchemaChangeRefused } from '../store-errors.js';
import { SQLITE_TYPES, sqliteDialect } from './sqlite-dialect.js';

const q = sqliteDialect.quote;
const ON_DELETE = { restrict: 'RESTRICT', cascade: 'CASCADE', 'set-null': 'SET NULL' } as const;

function columnSql(f: FieldDef, model: Model): string {
  let sql = `${q(f.name)} ${SQLITE_TYPES[f.storage]}`;
  if (f.required) sql += ' NOT NULL';
  if (f.reference) {
    const target = model.byName.get(f.reference.resource)!;
    sql += ` REFERENCES ${q(target.name)}(id) ON DELETE ${ON_DELETE[f.reference.onDelete]}`;
  }
  return sql;
}

function createTableSql(r: ResourceDef, model: Model): string {
  const id = r.idType === 'integer' ? 'id INTEGER PRIMARY KEY AUTOINCREMENT' : 'id TEXT PRIMARY KEY NOT NULL';
  const cols = [
    id,
    ...columnsOf(r).map((f) => columnSql(f, model)),
    '"createdAt" TEXT NOT NULL',
    '"updatedAt" TEXT NOT NULL',
    '"_version" INTEGER NOT NULL DEFAULT 1',
  ];
  return `CREATE TABLE ${q(r.name)} (\n  ${cols.join(',\n  ')}\n) STRICT`;
}

/** Declared fields plus server-set extra columns (ownerId), which are nullable and indexed. */
const columnsOf = (r: ResourceDef): FieldDef[] => [...r.fields, ...extraSystemFields(r)];

function indexSql(r: ResourceDef, f: FieldDef): string {
  const name = q(`${r.name}_${f.name}_${f.unique ? 'key' : 'idx'}`);
  return `CREATE ${f.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON ${q(r.name)}(${q(f.name)})`;
}

/** Runs inside one immediate transaction, so two processes starting at once do not race. */
export function syncSqliteSchema(db: Database.Database, model: Model): void {
  db.exec(`CREATE TABLE IF NOT EXISTS _verbo_columns (resource TEXT NOT NULL, field TEXT NOT NULL, storage TEXT NOT NULL, PRIMARY KEY (resource, field)) STRICT;
    CREATE TABLE IF NOT EXISTS _verbo_kv (namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (namespace, key)) STRICT`);
  const known = db.prepare('SELECT field, storage FROM _verbo_columns WHERE resource = ?');
  const remember = db.prepare(
    'INSERT OR REPLACE INTO _verbo_columns (resource, field, storage) VALUES (?, ?, ?)',
  );
  const refused: string[] = [];
  const statements: string[] = [];
  for (const r of storedResources(model)) {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(r.name);
    if (!exists) {
      statements.push(createTableSql(r, model));
    } else {
      const columns = new Map(
        (db.pragma(`table_info(${q(r.name)})`) as { name: string; type: string }[]).map((c) => [
          c.name,
          c.type,
        ]),
      );
      const storages = new Map(
        (known.all(r.name) as { field: string; storage: string }[]).map((k) => [k.field, k.storage]),
      );
      const idType = columns.get('id');
      if (idType && idType !== (r.idType === 'integer' ? 'INTEGER' : 'TEXT'))
        refused.push(`${r.name}.id would change type from ${idType} to ${r.idType}`);
      for (const f of columnsOf(r)) {
        const had = columns.get(f.name);
        if (!had)
          statements.push(
            `ALTER TABLE ${q(r.name)} ADD COLUMN ${columnSql({ ...f, required: false }, model)}`,
          );
        else if (
          storages.has(f.name) ? storages.get(f.name) !== f.storage : had !== SQLITE_TYPES[f.storage]
        ) {
          refused.push(
            `${r.name}.${f.name} would change from ${storages.get(f.name) ?? had} to ${f.storage} storage`,
          );
        }
      }
      const declared = new Set([
        'id',
        'createdAt',
        'updatedAt',
        '_version',
        'ownerId',
        ...r.fields.map((f) => f.name),
      ]);
      for (const c of columns.keys())
        if (!declared.has(c))
          refused.push(`${r.name}.${c} is stored but no longer declared: it would be dropped`);
    }
    for (const f of columnsOf(r)) if (f.index) statements.push(indexSql(r, f));
    // Newest-first lists (`sort=-createdAt`) and createdAt filters read this index.
    const createdAt = r.allFields.get('createdAt');
    if (createdAt) statements.push(indexSql(r, createdAt));
  }
  if (refused.length) throw new SchemaChangeRefused(refused);
  for (const s of statements) db.exec(s);
  for (const r of storedResources(model))
    for (const f of columnsOf(r)) remember.run(r.name, f.name, f.storage);
}

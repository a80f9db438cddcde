/**
 * The change log's SQL, written once for every dialect as tasks of statements (the schema sync's
 * generator form: SQLite drives them synchronously inside its immediate transaction, PostgreSQL
 * asynchronously inside its own): the table, the entries of a write, and deletes that log what
 * the database's ON DELETE actions do to the rows referencing them.
 */
import { fromIntegerText } from '../../model/exact-integer.js';
import type { ResourceDef } from '../../model/model-types.js';
import { run, type SchemaTask } from '../schema/schema-sync.js';
import { limitClause, Params } from '../sql/sql-compiler.js';
import type { SqlDialect } from '../sql/sql-dialect.js';
import {
  CHANGES_TABLE,
  type ChangeEntry,
  type ChangeKind,
  type PendingChange,
  type Retention,
} from './change-log.js';

/** The PostgreSQL NOTIFY channel a committed change wakes. */
export const CHANGES_CHANNEL = 'verbo_changes';
/** Most values in one statement's IN list or multi-row VALUES. */
const CHUNK = 500;

export interface ChangeLogDialect extends SqlDialect {
  /**
   * Run before a transaction's entries are inserted (PostgreSQL: a transaction-scoped advisory lock,
   * so sequence numbers are committed in order and a reader never skips one still in flight, and
   * the NOTIFY that wakes the other instances at commit). SQLite's one writer needs none.
   */
  changeLogPrelude?: string;
}

/** `$from, $from+1, …` (n placeholders). */
const inList = (d: SqlDialect, n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => d.param(from + i)).join(', ');

/** Inserts the entries of one write, in its transaction. */
export function* logChanges(
  d: ChangeLogDialect,
  changes: PendingChange[],
  at: string,
  caller: string | null,
): SchemaTask<void> {
  if (changes.length === 0) return;
  if (d.changeLogPrelude) yield* run(d.changeLogPrelude);
  for (let i = 0; i < changes.length; i += CHUNK) {
    const part = changes.slice(i, i + CHUNK);
    const values: unknown[] = [];
    const rows = part.map((c) => {
      values.push(c.resource, String(c.id), c.kind, c.version, at, caller);
      const n = values.length - 6;
      return `(${inList(d, 6, n + 1)})`;
    });
    yield* run(
      `INSERT INTO ${CHANGES_TABLE} (resource, id, kind, version, at, caller) VALUES ${rows.join(', ')}`,
      values,
    );
  }
}

const change = (resource: string, kind: ChangeKind) => (row: Record<string, unknown>) => ({
  resource,
  id: row.id,
  kind,
  version: Number(row._version),
});

/** Resources whose rows an ON DELETE action changes when a row of `r` goes. */
const acting = (r: ResourceDef) =>
  r.toMany.filter((t) => t.onDelete === 'cascade' || t.onDelete === 'set-null');

/**
 * Deletes the rows of `r` matching `cond` (a condition with its values) and returns how many, with
 * the changes to log: each deleted row, and what ON DELETE does to the rows that reference them
 * (cascade → deleted, recursively; set-null → updated: cleared here first with a new `_version`, so
 * their ETag changes and the feed sees it). `lookup` names a resource's definition.
 */
export function* deleteRows(
  d: SqlDialect,
  lookup: (name: string) => ResourceDef,
  r: ResourceDef,
  cond: { sql: string; values: unknown[] },
  at: string,
): SchemaTask<{ count: number; changes: PendingChange[] }> {
  const t = d.quote(r.name);
  const where = cond.sql ? ` WHERE ${cond.sql}` : '';
  if (acting(r).length === 0) {
    const rows = yield* run(`DELETE FROM ${t}${where} RETURNING id, ${d.quote('_version')}`, cond.values);
    return { count: rows.length, changes: rows.map(change(r.name, 'deleted')) };
  }
  const lock = d.rowLocks ? ' FOR UPDATE' : '';
  const rows = yield* run(`SELECT id, ${d.quote('_version')} FROM ${t}${where}${lock}`, cond.values);
  const ids = rows.map((x) => x.id);
  const changes = rows.map(change(r.name, 'deleted'));
  changes.push(...(yield* onDeleteActions(d, lookup, r, ids, at, new Set())));
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    yield* run(`DELETE FROM ${t} WHERE id IN (${inList(d, part.length)})`, part);
  }
  return { count: rows.length, changes };
}

/** The changes ON DELETE actions make when rows `ids` of `r` are deleted (before the delete runs). */
function* onDeleteActions(
  d: SqlDialect,
  lookup: (name: string) => ResourceDef,
  r: ResourceDef,
  ids: unknown[],
  at: string,
  seen: Set<string>,
): SchemaTask<PendingChange[]> {
  const out: PendingChange[] = [];
  for (const rel of acting(r)) {
    const child = lookup(rel.resource);
    const t = d.quote(child.name);
    const f = d.quote(rel.field);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      if (rel.onDelete === 'set-null') {
        const rows = yield* run(
          `UPDATE ${t} SET ${f} = NULL, ${d.quote('updatedAt')} = ${d.param(1)}, ${d.quote('_version')} = ${d.quote('_version')} + 1 WHERE ${f} IN (${inList(d, part.length, 2)}) RETURNING id, ${d.quote('_version')}`,
          [d.encode(at, 'datetime'), ...part],
        );
        out.push(...rows.map(change(child.name, 'updated')));
        continue;
      }
      const lock = d.rowLocks ? ' FOR UPDATE' : '';
      const rows = (yield* run(
        `SELECT id, ${d.quote('_version')} FROM ${t} WHERE ${f} IN (${inList(d, part.length)})${lock}`,
        part,
      )).filter((x) => !seen.has(`${child.name}:${String(x.id)}`));
      for (const x of rows) seen.add(`${child.name}:${String(x.id)}`);
      out.push(...rows.map(change(child.name, 'deleted')));
      if (rows.length)
        out.push(
          ...(yield* onDeleteActions(
            d,
            lookup,
            child,
            rows.map((x) => x.id),
            at,
            seen,
          )),
        );
    }
  }
  return out;
}

/** Entries after `after`, at most `limit`, in seq order (LIMIT as the dialect writes it: sql-compiler.ts#limitClause). */
export function readChangesSql(
  d: SqlDialect,
  after: number,
  limit: number,
): { sql: string; values: unknown[] } {
  const p = new Params(d);
  const from = p.add(after);
  return {
    sql: `SELECT seq, resource, id, kind, version, at, caller FROM ${CHANGES_TABLE} WHERE seq > ${from} ORDER BY seq${limitClause(d, p, limit)}`,
    values: p.values,
  };
}
export const CHANGE_BOUNDS_SQL = `SELECT MIN(seq) AS first, MAX(seq) AS last FROM ${CHANGES_TABLE}`;

/**
 * Deletes past the retention; the newest entry always stays (it carries the newest seq). An entry
 * stamped in the very millisecond of the cutoff is past it too (`maxAgeMs: 0` keeps only the newest).
 * By age: every entry before the first one newer than the cutoff, found by reading from the oldest
 * in `seq` order (entries are stamped in about the order of their seq), so no index on `at` is needed
 * and the read stops where the deleting does.
 */
export function pruneChangesSql(d: SqlDialect, retention: Retention): { sql: string; values: unknown[] } {
  const cutoff = new Date(Date.now() - retention.maxAgeMs).toISOString();
  const newest = `(SELECT MAX(seq) FROM ${CHANGES_TABLE})`;
  const firstKept = `(SELECT seq FROM ${CHANGES_TABLE} WHERE at > ${d.param(1)} ORDER BY seq LIMIT 1)`;
  return {
    sql: `DELETE FROM ${CHANGES_TABLE} WHERE seq < ${newest} AND (seq < COALESCE(${firstKept}, ${newest}) OR seq <= ${newest} - ${d.param(2)})`,
    values: [cutoff, retention.maxCount],
  };
}

/** A row of the table → an entry; ids of integer-id resources come back as the API writes them. */
export function decodeChange(
  row: Record<string, unknown>,
  integerIds: (resource: string) => boolean,
): ChangeEntry {
  const resource = String(row.resource);
  const id = String(row.id);
  return {
    seq: Number(row.seq),
    resource,
    id: integerIds(resource) ? fromIntegerText(id) : id,
    kind: row.kind as ChangeKind,
    version: Number(row.version),
    at: String(row.at),
    caller: row.caller == null ? null : String(row.caller),
  };
}

/**
 * Index advice (docs/migrations.md): whether a list query's plan scans or sorts a table without an
 * index, and the `indexes:` line that would serve it — its equality filters first, then its sort.
 * The store reports the plan (`Store.explain`); this file only judges it.
 */
import type { ResourceDef } from '../model/model-types.js';
import type { ListQuery } from './query-types.js';

/** What a database's plan for a list query does, as `Store.explain` reports it. */
export interface QueryPlanShape {
  /** Reads the whole table (SQLite `SCAN`, PostgreSQL `Seq Scan`). */
  scansTable: boolean;
  /** Sorts the matching rows (SQLite `USE TEMP B-TREE FOR ORDER BY`, PostgreSQL `Sort`). */
  sortsRows: boolean;
  /** The plan as the database prints it. */
  detail: string;
}

/** The `indexes:` entry serving `query`: equality filters, then the sort (without the id tie-break). */
export function indexFor(query: ListQuery): string[] {
  const out: string[] = [];
  for (const f of query.where)
    if (f.op === 'eq' && f.field !== 'id' && !out.includes(f.field)) out.push(f.field);
  const sort = query.sort.at(-1)?.field === 'id' ? query.sort.slice(0, -1) : query.sort;
  for (const s of sort) {
    // A related record's value (`customer.name`): no index of this table orders by it, or past it.
    if (s.field.includes('.')) break;
    if (!out.includes(s.field)) out.push(`${s.desc ? '-' : ''}${s.field}`);
  }
  return out;
}

/**
 * The advice for one query, or none: a plan that sorts, or scans while filtering, a table of more
 * than `minRows` rows, where an index would help.
 */
export function adviceFor(
  r: ResourceDef,
  query: ListQuery,
  plan: QueryPlanShape,
  rows: number,
  minRows: number,
): string | undefined {
  if (rows <= minRows) return undefined;
  // A search reads its own index (docs/search.md): no `indexes:` line serves it.
  if (query.where.some((f) => f.op === 'search')) return undefined;
  // Sorting by a related value always sorts: an index of this table cannot spare it.
  const sorts = plan.sortsRows && !query.sort.some((s) => s.field.includes('.'));
  const what = sorts ? 'sorts' : plan.scansTable && query.where.length ? 'scans' : undefined;
  const fields = indexFor(query);
  if (!what || !fields.length) return undefined;
  const declared = r.indexes.map((i) =>
    i.fields.map((f) => `${f.descending ? '-' : ''}${f.name}`).join(', '),
  );
  const line = fields.join(', ');
  const already = declared.includes(line)
    ? ' (declared, but the database does not use it: is the database migrated?)'
    : '';
  return `${what} ${rows} ${r.name} rows without an index${already}: add to ${r.name}: indexes: [[${line}]]`;
}

/**
 * The list's own order (docs/query.md: NULL smallest, text by bytes, the id ascending on ties), to
 * put the records a change stream announces among the rows a table has loaded.
 */
import type { Row } from './format.js';

const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The list order of `sort` (`name`, `-createdAt`, `a,-b`), or undefined for one the app cannot follow. */
export function orderOf(
  sort: string,
  known: (field: string) => boolean,
): ((a: Row, b: Row) => number) | undefined {
  const keys = sort
    ? sort.split(',').map((k) => ({ name: k.replace(/^-/, ''), dir: k.startsWith('-') ? -1 : 1 }))
    : [];
  if (keys.some((k) => !known(k.name))) return undefined;
  return (a, b) => {
    for (const k of keys) {
      const c = compare(a[k.name], b[k.name]) * k.dir;
      if (c) return c;
    }
    return compare(a.id, b.id);
  };
}

/**
 * The loaded rows with new ones in the list's order. A new row past the last loaded one is left
 * out while more are still to come (the next page brings it); so is every new row when the order
 * is one the app cannot follow (a search's relevance), unless the list is all loaded (at its end).
 */
export function mergeRows(
  rows: Row[],
  fresh: Row[],
  order: ((a: Row, b: Row) => number) | undefined,
  done: boolean,
) {
  if (!fresh.length) return rows;
  if (!order) return done ? [...rows, ...fresh] : rows;
  const out: Row[] = [];
  let i = 0;
  for (const row of fresh.sort(order)) {
    while (i < rows.length && order(rows[i], row) < 0) out.push(rows[i++]);
    if (i === rows.length && !done) break;
    out.push(row);
  }
  while (i < rows.length) out.push(rows[i++]);
  return out;
}

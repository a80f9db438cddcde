/**
 * An open table follows its list's change stream (docs/realtime.md): each change goes where the
 * list's own order puts it among the rows loaded (docs/query.md: NULL smallest, text by bytes, the
 * id ascending on ties), and what is in view stays in view.
 */
import { useRef, useState } from 'preact/hooks';
import type { Row } from './format.js';
import { useLive } from './live.js';

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
 * The index a new row takes in `rows`, or -1 when it belongs past the loaded ones and more are still
 * to come (the next page brings it) or when the order is unknown (a search's relevance).
 */
export function placeOf(
  rows: Row[],
  row: Row,
  order: ((a: Row, b: Row) => number) | undefined,
  done: boolean,
) {
  if (!order) return done ? rows.length : -1;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order(rows[mid], row) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo === rows.length && !done ? -1 : lo;
}

interface LiveTable {
  /** The list's change stream (undefined: none). */
  url: string | undefined;
  order: ((a: Row, b: Row) => number) | undefined;
  /** Whether every matching row is loaded. */
  done: boolean;
  rows: Row[];
  setRows: (rows: Row[]) => void;
  /** A row went in (+1) or out (-1) at `index`: the table keeps what is in view where it is. */
  onShift: (index: number, delta: 1 | -1) => void;
  /** The stream lost track (its resume point is gone): read the list again. */
  onReset: () => void;
}

/** Applies created / updated / deleted events to the loaded rows: whether the stream is open, the ids changed a moment ago. */
export function useLiveTable(o: LiveTable): { live: boolean; recent: Set<string> } {
  const rows = useRef(o.rows);
  rows.current = o.rows;
  const [recent, setRecent] = useState<Set<string>>(new Set());
  const mark = (id: Row['id']) => {
    const key = String(id);
    setRecent((old) => new Set(old).add(key));
    setTimeout(
      () =>
        setRecent((old) => {
          const next = new Set(old);
          next.delete(key);
          return next;
        }),
      2000,
    );
  };
  const apply = (next: Row[]) => {
    rows.current = next;
    o.setRows(next);
  };
  const indexOf = (id: Row['id']) => rows.current.findIndex((r) => String(r.id) === String(id));
  const updated = (row: Row) => {
    const at = indexOf(row.id);
    if (at < 0) return;
    apply(rows.current.map((r, i) => (i === at ? row : r)));
    mark(row.id);
  };
  const live = useLive(o.url, {
    created(row) {
      if (indexOf(row.id) >= 0) return updated(row);
      const at = placeOf(rows.current, row, o.order, o.done);
      if (at < 0) return;
      apply([...rows.current.slice(0, at), row, ...rows.current.slice(at)]);
      o.onShift(at, 1);
      mark(row.id);
    },
    updated,
    deleted({ id }) {
      const at = indexOf(id);
      if (at < 0) return;
      apply(rows.current.filter((_, i) => i !== at));
      o.onShift(at, -1);
    },
    reset: o.onReset,
  });
  return { live, recent };
}

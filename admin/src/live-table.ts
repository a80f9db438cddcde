/**
 * An open table follows its list's change stream (docs/realtime.md): each change goes where the
 * list's own order puts it among the rows loaded (live-order.ts), and what is in view stays in view.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Row } from './format.js';
import { useLive } from './live.js';
import { mergeRows } from './live-order.js';

interface LiveTable {
  /** The list's change stream (undefined: none). */
  url: string | undefined;
  order: ((a: Row, b: Row) => number) | undefined;
  /** Whether every matching row is loaded. */
  done: boolean;
  rows: Row[];
  setRows: (rows: Row[]) => void;
  /** Rows went in or out: the table keeps what is in view where it is (`after` is what `setRows` got). */
  onMoved: (before: Row[], after: Row[]) => void;
  /** The stream lost track (its resume point is gone): read the list again. */
  onReset: () => void;
}

type Change = { kind: 'created' | 'updated' | 'deleted'; row: Row };

/**
 * Applies created / updated / deleted events to the loaded rows, all those of one animation frame
 * at once (an import into an open table is thousands of events: one pass over the rows for them
 * all); gives whether the stream is open and the ids changed a moment ago.
 */
export function useLiveTable(o: LiveTable): { live: boolean; recent: Set<string> } {
  const latest = useRef(o);
  latest.current = o;
  const queue = useRef<Change[]>([]);
  const frame = useRef(0);
  const [recent, setRecent] = useState<Set<string>>(new Set());

  const flush = () => {
    frame.current = 0;
    const { rows: before, order, done, setRows, onMoved } = latest.current;
    const changes = queue.current;
    queue.current = [];
    const known = new Map(before.map((r) => [String(r.id), r]));
    const replaced = new Map<string, Row>();
    const removed = new Set<string>();
    const created = new Map<string, Row>();
    for (const { kind, row } of changes) {
      const key = String(row.id);
      if (kind === 'deleted') {
        created.delete(key);
        replaced.delete(key);
        if (known.has(key)) removed.add(key);
      } else if (known.has(key)) {
        removed.delete(key);
        replaced.set(key, row);
      } else if (kind === 'created' || created.has(key)) created.set(key, row);
    }
    const kept = before.filter((r) => !removed.has(String(r.id))).map((r) => replaced.get(String(r.id)) ?? r);
    const after = mergeRows(kept, [...created.values()], order, done);
    if (after.length - kept.length < created.size) {
      const shown = new Set(after.map((r) => String(r.id)));
      for (const key of [...created.keys()]) if (!shown.has(key)) created.delete(key);
    }
    if (!replaced.size && !removed.size && !created.size) return;
    setRows(after);
    onMoved(before, after);
    const changed = [...replaced.keys(), ...created.keys()];
    setRecent((old) => new Set([...old, ...changed]));
    setTimeout(
      () =>
        setRecent((old) => {
          const next = new Set(old);
          for (const key of changed) next.delete(key);
          return next;
        }),
      2000,
    );
  };
  const add = (kind: Change['kind']) => (row: Row) => {
    queue.current.push({ kind, row });
    frame.current ||= requestAnimationFrame(flush);
  };
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  const live = useLive(o.url, {
    created: add('created'),
    updated: add('updated'),
    deleted: add('deleted') as (row: { id: Row['id'] }) => void,
    reset: () => {
      queue.current = [];
      latest.current.onReset();
    },
  });
  return { live, recent };
}

/**
 * Delivers a batch of change-log entries to the streams: the current rows are read once per
 * (resource, filters) and each record is serialised once per shape (docs/realtime.md), then every
 * stream decides synchronously what its client sees: created, updated or deleted, as the record
 * enters, changes within or leaves its filter. Rows are read through the filters, access included,
 * at send time, so a record a stream may not see is never shown to it.
 */
import type { Model } from '../../model/model-types.js';
import type { ChangeEntry } from '../../store/changes/change-log.js';
import type { Row, Store } from '../../store/store.js';
import { runInWriteScope } from '../../write/write-scope.js';
import { embedRelations } from '../query/embed.js';
import { toOutput } from '../respond/representation.js';
import type { ChangeStream, FeedShape } from './change-stream.js';

/** The latest entry of one record in a batch (earlier ones are folded into it). */
interface Folded {
  entry: ChangeEntry;
  /** The record's id as a map key. */
  key: string;
  /** The batch created the record (a resumed stream then says `created`). */
  created: boolean;
}

/** Most ids in one `id in (…)` read. */
const CHUNK = 500;

const idKey = (id: unknown): string => String(id);

/** A batch's entries folded per record, per resource, in the order of their last change. */
function fold(entries: ChangeEntry[]): Map<string, Folded[]> {
  const last = new Map<string, Folded>();
  for (const entry of entries) {
    const key = `${entry.resource}\u0000${idKey(entry.id)}`;
    const before = last.get(key);
    last.delete(key);
    last.set(key, {
      entry,
      key: idKey(entry.id),
      created: entry.kind === 'created' || (before?.created ?? false),
    });
  }
  const out = new Map<string, Folded[]>();
  for (const f of last.values()) {
    const list = out.get(f.entry.resource) ?? [];
    list.push(f);
    out.set(f.entry.resource, list);
  }
  return out;
}

/** The rows (matching `shape`) among the changed ids, by id. */
async function readRows(store: Store, shape: FeedShape, ids: unknown[]): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await store.list(shape.resource, {
      where: [...shape.where, { field: 'id', op: 'in', value: ids.slice(i, i + CHUNK) }],
      sort: [{ field: 'id', desc: false }],
    });
    for (const row of rows) out.set(idKey(row.id), row);
  }
  return out;
}

/** Each row as event data (JSON text), once per shape. */
export async function serialise(
  model: Model,
  store: Store,
  shape: FeedShape,
  rows: Row[],
): Promise<Map<string, string>> {
  // The representation applies field-level access for the caller of the current write scope: the
  // watcher's, whatever request's context woke the feed.
  const scope = { caller: () => shape.caller };
  const outputs = runInWriteScope(scope, () =>
    rows.map((row) => toOutput(shape.resource, row, shape.fields)),
  );
  if (shape.embed.length)
    await runInWriteScope(scope, () =>
      embedRelations(model, store, shape.resource, rows, outputs, shape.embed, shape.embedWhere),
    );
  const out = new Map<string, string>();
  for (const [i, row] of rows.entries()) out.set(idKey(row.id), JSON.stringify(outputs[i]));
  return out;
}

export async function deliver(
  model: Model,
  store: Store,
  entries: ChangeEntry[],
  streams: ChangeStream[],
): Promise<void> {
  if (entries.length === 0) return;
  const lastSeq = entries[entries.length - 1].seq;
  const byResource = fold(entries);
  const due = streams.filter((s) => s.cursor < lastSeq && !s.writer.closed);
  const rows = new Map<string, Promise<Map<string, Row>>>();
  const data = new Map<string, Promise<Map<string, string>>>();
  for (const s of due) {
    const changed = byResource.get(s.shape.resource.name)?.filter((f) => f.entry.seq > s.cursor);
    if (!changed?.length) continue;
    if (!rows.has(s.rowsKey))
      rows.set(
        s.rowsKey,
        readRows(
          store,
          s.shape,
          byResource.get(s.shape.resource.name)!.map((f) => f.entry.id),
        ),
      );
    if (!data.has(s.outputKey)) {
      const shape = s.shape;
      data.set(
        s.outputKey,
        rows.get(s.rowsKey)!.then((m) => serialise(model, store, shape, [...m.values()])),
      );
    }
  }
  const readRowsBy = new Map<string, Map<string, Row>>();
  for (const [k, p] of rows) readRowsBy.set(k, await p);
  const dataBy = new Map<string, Map<string, string>>();
  for (const [k, p] of data) dataBy.set(k, await p);
  for (const s of due) {
    const changed = byResource.get(s.shape.resource.name);
    const current = readRowsBy.get(s.rowsKey);
    const shown = dataBy.get(s.outputKey);
    if (changed && current && shown) {
      // Most changes concern none of a stream's records: only those that match or were shown go on.
      const mine = changed.filter(
        (f) =>
          f.entry.seq > s.cursor &&
          (current.has(f.key) || s.visible.has(f.key) || (s.resumed && f.entry.kind === 'deleted')),
      );
      if (mine.length)
        s.writer.batch(() => {
          for (const f of mine) send(s, f, current.get(f.key), shown);
        });
    }
    s.cursor = Math.max(s.cursor, lastSeq);
  }
}

/** What one stream's client sees of one record's change. */
function send(s: ChangeStream, f: Folded, row: Row | undefined, shown: Map<string, string>): void {
  const { key } = f;
  const before = s.visible.get(key);
  if (row) {
    const version = Number(row._version ?? 0);
    const text = shown.get(key)!;
    if (before === undefined) {
      s.visible.set(key, version);
      s.writer.event('created', text, f.entry.seq);
    } else if (before === 0 || version > before) {
      s.visible.set(key, version);
      s.writer.event(before === 0 && f.created ? 'created' : 'updated', text, f.entry.seq);
    }
    return;
  }
  if (before !== undefined) {
    s.visible.delete(key);
    s.writer.event('deleted', JSON.stringify({ id: f.entry.id }), f.entry.seq);
  } else if (s.resumed && f.entry.kind === 'deleted' && !s.shape.restricted) {
    s.writer.event('deleted', JSON.stringify({ id: f.entry.id }), f.entry.seq);
  }
}

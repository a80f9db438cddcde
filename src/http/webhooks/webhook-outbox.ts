/**
 * The outbox side of webhooks (docs/webhooks.md): the change log is written in each write's
 * transaction, so it already holds exactly the committed changes. Per webhook a cursor row says how
 * far the log has been turned into deliveries; advancing it and inserting the deliveries is one
 * transaction under the cursor's row lock, so two instances never queue a change twice and a crash
 * between the two loses nothing.
 */

import type { Model } from '../../model/model-types.js';
import type { WebhookTables } from '../../model/webhook-resources.js';
import type { WebhookDef } from '../../model/webhooks-config.js';
import type { ChangeEntry } from '../../store/changes/change-log.js';
import type { Row, Store } from '../../store/store.js';
import { UniqueViolation } from '../../store/store-errors.js';
import { toOutput } from '../respond/representation.js';

/** Log entries turned into deliveries per transaction. */
export const OUTBOX_BATCH = 200;
const EPOCH = new Date(0).toISOString();

/** Creates the webhook's cursor at the log's end when it has none: a new webhook sends what follows. */
export async function ensureCursor(store: Store, t: WebhookTables, hook: WebhookDef): Promise<void> {
  const found = await store.list(t.cursors, {
    where: [{ field: 'webhook', op: 'eq', value: hook.name }],
    sort: [{ field: 'id', desc: false }],
    limit: 1,
  });
  if (found.length) return;
  const { last } = await store.changes.bounds();
  await store.insert(t.cursors, { webhook: hook.name, seq: last }).catch((e) => {
    if (!(e instanceof UniqueViolation)) throw e;
  });
}

/** The body of one delivery: the record as someone not signed in reads it (field rules applied). */
async function payloadOf(model: Model, store: Store, e: ChangeEntry, type: string): Promise<string> {
  const r = model.byName.get(e.resource)!;
  const row = e.kind === 'deleted' ? undefined : await store.get(r, e.id);
  const data = row ? toOutput(r, row) : { id: e.id };
  return JSON.stringify({ type, timestamp: e.at, data });
}

/**
 * Queues the deliveries of the log entries after the cursor; returns how many entries it read.
 * The log is read outside the transaction (SQLite reads it only between transactions); the cursor
 * moves only if it still stands where the entries were read from, so a concurrent filler's work is
 * never repeated.
 */
export async function fillOutbox(
  model: Model,
  store: Store,
  t: WebhookTables,
  hook: WebhookDef,
): Promise<number> {
  const [cursor] = await store.list(t.cursors, {
    where: [{ field: 'webhook', op: 'eq', value: hook.name }],
    sort: [{ field: 'id', desc: false }],
    limit: 1,
  });
  if (!cursor) return 0;
  const from = Number(cursor.seq);
  const entries = await store.changes.read(from, OUTBOX_BATCH);
  if (!entries.length) return 0;
  const last = entries[entries.length - 1].seq;
  const queued: Row[] = [];
  const now = new Date().toISOString();
  for (const e of entries) {
    const type = `${e.resource}.${e.kind}`;
    if (!hook.events.includes(type)) continue;
    queued.push({
      webhook: hook.name,
      seq: e.seq,
      event: type,
      resource: e.resource,
      recordId: String(e.id),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      leaseUntil: EPOCH,
      payload: await payloadOf(model, store, e, type),
    });
  }
  return store.transaction(async (tx) => {
    // Under the cursor's row lock: another instance filling this outbox waits, then finds it moved.
    const moved = await tx.modify(t.cursors, cursor.id, (cur) =>
      cur && Number(cur.seq) === from ? { kind: 'update', values: { ...cur, seq: last } } : { kind: 'none' },
    );
    if (moved.kind !== 'updated') return 0;
    for (const values of queued) await tx.insert(t.deliveries, values);
    return entries.length;
  });
}

/**
 * The sending side of webhooks (docs/webhooks.md): claim a due delivery with a lease (a conditional
 * update under the row lock, so one instance sends it), POST it signed, record the attempt, and
 * either mark it delivered or schedule the next attempt with exponential backoff; after 24 h it is
 * marked failed. A record's deliveries go in order: one waits while an earlier one of the same
 * record is still pending.
 */
import { randomUUID } from 'node:crypto';
import type { WebhookTables } from '../../model/webhook-resources.js';
import type { WebhookDef } from '../../model/webhooks-config.js';
import type { Row, Store } from '../../store/store.js';
import { signedHeaders } from './webhook-signature.js';
import { postWebhook } from './webhook-target.js';

/** Deliveries looked at per round. */
const BATCH = 20;
/** Give up once a delivery has been retried for this long. */
export const GIVE_UP_MS = 24 * 3600_000;
/** The first retry waits this long, each next one twice as long (at most MAX_DELAY_MS). */
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 3600_000;

export const INSTANCE = randomUUID();

/** Delay before attempt `n + 1` after `n` failed ones (±10 % jitter so instances spread out). */
export function backoffMs(failed: number): number {
  const base = Math.min(FIRST_DELAY_MS * 2 ** (failed - 1), MAX_DELAY_MS);
  return Math.round(base * (0.9 + Math.random() * 0.2));
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Claims `d` for this instance until the attempt's timeout has passed; false when another has it. */
async function claim(store: Store, t: WebhookTables, d: Row, leaseMs: number): Promise<boolean> {
  const now = Date.now();
  const r = await store.modify(t.deliveries, d.id, (cur) =>
    cur && cur.status === 'pending' && Date.parse(String(cur.leaseUntil)) <= now
      ? { kind: 'update', values: { ...cur, leaseUntil: iso(now + leaseMs) } }
      : { kind: 'none' },
  );
  return r.kind === 'updated';
}

/** True when an earlier delivery of the same record to the same webhook is still pending. */
async function waitsForEarlier(store: Store, t: WebhookTables, d: Row): Promise<boolean> {
  const n = await store.count(t.deliveries, [
    { field: 'webhook', op: 'eq', value: d.webhook },
    { field: 'resource', op: 'eq', value: d.resource },
    { field: 'recordId', op: 'eq', value: d.recordId },
    { field: 'status', op: 'eq', value: 'pending' },
    { field: 'seq', op: 'lt', value: d.seq },
  ]);
  return n > 0;
}

async function attempt(store: Store, t: WebhookTables, hook: WebhookDef, d: Row): Promise<void> {
  const secret = process.env[hook.secretEnv];
  const body = String(d.payload);
  const id = `msg_${d.id}`;
  const result = secret
    ? await postWebhook(hook.url, signedHeaders(secret, id, Math.floor(Date.now() / 1000), body), body, {
        timeoutMs: hook.timeoutSeconds * 1000,
        allowPrivate: hook.allowPrivateTargets,
      })
    : { error: `the environment variable ${hook.secretEnv} (secretEnv) is not set`, responseMs: 0 };
  const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
  const now = Date.now();
  await store.transaction(async (tx) => {
    const r = await tx.modify(t.deliveries, d.id, (cur) => {
      if (!cur) return { kind: 'none' };
      const attempts = Number(cur.attempts) + 1;
      const next = now + backoffMs(attempts);
      const gaveUp = !ok && next - Date.parse(String(cur.createdAt)) > GIVE_UP_MS;
      return {
        kind: 'update',
        values: {
          ...cur,
          attempts,
          status: ok ? 'delivered' : gaveUp ? 'failed' : 'pending',
          nextAttemptAt: iso(ok || gaveUp ? now : next),
          leaseUntil: iso(0),
          lastStatus: result.status ?? null,
          lastError: result.error ?? (ok ? null : `HTTP ${result.status}`),
        },
      };
    });
    const row = r.row as Row;
    await tx.insert(t.attempts, {
      delivery: d.id,
      webhook: hook.name,
      event: d.event,
      recordId: d.recordId,
      attempt: row.attempts,
      outcome: row.status,
      status: result.status ?? null,
      responseMs: result.responseMs,
      error: result.error ?? (ok ? null : `HTTP ${result.status}`),
    });
  });
}

/** Sends the due deliveries of `hook` (those this instance claims); returns how many it tried. */
export async function sendDue(store: Store, t: WebhookTables, hook: WebhookDef): Promise<number> {
  const due = await store.list(t.deliveries, {
    where: [
      { field: 'webhook', op: 'eq', value: hook.name },
      { field: 'status', op: 'eq', value: 'pending' },
      { field: 'nextAttemptAt', op: 'lte', value: iso(Date.now()) },
      { field: 'leaseUntil', op: 'lte', value: iso(Date.now()) },
    ],
    sort: [
      { field: 'seq', desc: false },
      { field: 'id', desc: false },
    ],
    limit: BATCH,
  });
  const busy = new Set<string>();
  const sends: Promise<void>[] = [];
  for (const d of due) {
    const key = `${d.resource}/${d.recordId}`;
    if (busy.has(key)) continue;
    busy.add(key);
    if (await waitsForEarlier(store, t, d)) continue;
    if (!(await claim(store, t, d, hook.timeoutSeconds * 1000 + 5000))) continue;
    sends.push(attempt(store, t, hook, d));
  }
  await Promise.all(sends);
  return sends.length;
}

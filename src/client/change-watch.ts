/**
 * `watch`: a change stream (docs/realtime.md) as an async iterable of typed changes. It asks for
 * `text/event-stream` on the list (or record) URL, and when the connection drops (a network
 * failure, a server restart, a 503 `event: error`) it reconnects by itself with `Last-Event-ID`, so
 * no change is lost or seen twice; `reset` says the local copy must be rebuilt.
 */
import type { CallOptions, ListQuery } from './client-types.js';
import type { HttpTransport } from './http-transport.js';
import { buildQuery } from './query-string.js';
import { backoffDelay } from './retry-policy.js';
import { readSse } from './sse-reader.js';
import { envelopeOf, VerboError } from './verbo-error.js';

/** One change: `seq` is the change's number in the server's change log (its SSE id). */
export type Change<T, Id = unknown> =
  /** A record matching the query when the stream opened (`snapshot: true`), in the list's order. */
  | { type: 'snapshot'; record: T }
  /** The snapshot is complete (or, without one, the stream is live). */
  | { type: 'ready'; seq: number }
  /** A record entered the query (created, or changed to match it) or changed within it. */
  | { type: 'created' | 'updated'; seq: number; record: T }
  /** A record was deleted or stopped matching. */
  | { type: 'deleted'; seq: number; id: Id }
  /** The changes since the last one seen are no longer known: drop local state; a snapshot follows when asked. */
  | { type: 'reset' };

export interface WatchOptions extends CallOptions {
  /** Start with the matching records (`snapshot` changes), then `ready`. */
  snapshot?: boolean;
  /** Resume after this change (a `seq` seen before): every later change, no snapshot. */
  lastEventId?: string | number;
  /** Reconnect after a dropped connection (default true). */
  reconnect?: boolean;
}

export type WatchQuery<T, F extends keyof T, E extends string> = Pick<
  ListQuery<T, F, E>,
  'where' | 'sort' | 'fields' | 'embed'
> &
  WatchOptions;

/** A `text/event-stream` answer's wait before reconnecting, until the server advises otherwise. */
const DEFAULT_RETRY_MS = 2000;

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Worth reconnecting after: no answer, a body cut off, or the server busy or going away. */
const transient = (e: unknown) =>
  !(e instanceof VerboError) || e.status === 0 || e.status === 502 || e.status === 503 || e.status === 504;

export async function* watchChanges<T>(
  transport: HttpTransport,
  path: string,
  query: WatchQuery<Record<string, unknown>, string, string>,
): AsyncGenerator<Change<T>, void, undefined> {
  const pairs = buildQuery({
    where: query.where,
    sort: query.sort,
    fields: query.fields,
    embed: query.embed,
  });
  const qs = [pairs, query.snapshot ? 'snapshot=true' : ''].filter(Boolean).join('&');
  const { signal } = query;
  let lastId = query.lastEventId === undefined ? undefined : String(query.lastEventId);
  let retryMs = DEFAULT_RETRY_MS;
  let failures = 0;
  /** Snapshot changes were given but no `ready` yet: a fresh start must say `reset` first. */
  let partial = false;
  while (!signal?.aborted) {
    const controller = new AbortController();
    const stop = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', stop, { once: true });
    try {
      const res = await transport.stream({
        path,
        query: qs,
        signal: controller.signal,
        headers: {
          ...query.headers,
          accept: 'text/event-stream',
          ...(lastId ? { 'last-event-id': lastId } : {}),
        },
      });
      if (partial && lastId === undefined) {
        partial = false;
        yield { type: 'reset' };
      }
      for await (const m of readSse(res.body!, (ms) => (retryMs = ms), lastId)) {
        failures = 0;
        lastId = m.lastEventId;
        const data = JSON.parse(m.data);
        const seq = Number(m.lastEventId);
        if (m.event === 'snapshot') {
          partial = true;
          yield { type: 'snapshot', record: data };
        } else if (m.event === 'ready') {
          partial = false;
          yield { type: 'ready', seq };
        } else if (m.event === 'created' || m.event === 'updated') yield { type: m.event, seq, record: data };
        else if (m.event === 'deleted') yield { type: 'deleted', seq, id: data.id };
        else if (m.event === 'reset') {
          partial = false;
          yield { type: 'reset' };
        } else if (m.event === 'error') {
          const errors = envelopeOf(data);
          const status = errors[0]?.status ?? 500;
          throw new VerboError({
            status,
            code: errors[0]?.code ?? `HTTP_${status}`,
            errors,
            method: 'GET',
            url: res.url,
          });
        }
      }
    } catch (e) {
      if (signal?.aborted) return;
      if (query.reconnect === false || !transient(e)) throw e;
      failures++;
    } finally {
      signal?.removeEventListener('abort', stop);
      controller.abort();
    }
    if (query.reconnect === false) return;
    const wait = failures > 1 ? Math.max(retryMs, backoffDelay(transport.policy, failures - 1)) : retryMs;
    await sleep(wait, signal);
  }
}

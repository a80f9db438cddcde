/**
 * Bulk data from the client (docs/bulk.md): `api.customers.import(rows | stream)` sends the rows as
 * NDJSON to `POST /{r}/imports` and returns a handle on the job (`progress()`, `done()`,
 * `cancel()`); `api.customers.export(query)` reads `GET /{r}` as NDJSON, one record at a time,
 * every matching row (no paging unless `limit` is given).
 */
import type { CallOptions, ListQuery } from './client-types.js';
import type { HttpTransport } from './http-transport.js';
import { buildQuery } from './query-string.js';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What `GET /jobs/{id}` answers (the `Job` schema of /openapi.json). */
export interface Job {
  id: string;
  kind: 'import';
  resource: string;
  state: JobState;
  progress: { done: number; total: number | null };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  result: {
    created?: number;
    updated?: number;
    skipped?: number;
    failed?: number;
    /** Envelope entries; `pointer` is `/rows/{n}/{field}` (n: the row in the input, from 1). */
    errors?: Array<{ code: string; pointer?: string; userMessage?: string; internalMessage?: string }>;
    moreErrors?: number;
  } | null;
}

export interface ImportOptions extends CallOptions {
  /** `all-or-nothing` (default) or `valid-rows`. */
  mode?: 'all-or-nothing' | 'valid-rows';
  /** A row whose id or unique field is taken: `fail` (default), `skip` or `update`. */
  onConflict?: 'fail' | 'skip' | 'update';
}

export interface ImportJob {
  /** The job's id and URL (`Location`). */
  readonly id: string;
  readonly location: string;
  /** The job as the server has it now (state and `progress: { done, total }`). */
  progress(options?: CallOptions): Promise<Job>;
  /** Polls (as `Retry-After` says) until the job has finished; the finished job, whatever its state. */
  done(options?: CallOptions): Promise<Job>;
  /** Cancels a running job (an all-or-nothing import is rolled back). */
  cancel(options?: CallOptions): Promise<Job>;
}

export type ImportRows<T> = Iterable<T> | AsyncIterable<T>;

const FINISHED: JobState[] = ['succeeded', 'failed', 'cancelled'];
const encoder = new TextEncoder();

/** The rows as an NDJSON body: a string for an array, else a stream read as it is sent. */
function ndjsonBody(rows: ImportRows<unknown>): string | ReadableStream<Uint8Array> {
  if (Array.isArray(rows)) return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  const source =
    Symbol.asyncIterator in rows
      ? (rows as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : (rows as Iterable<unknown>)[Symbol.iterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
    },
    async cancel() {
      await source.return?.();
    },
  });
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function bulkClient(transport: HttpTransport, path: string) {
  function jobHandle(id: string, location: string, url: string): ImportJob {
    const get = async (options?: CallOptions) =>
      (await transport.request<Job>({ method: 'GET', path: url, ...options })).data;
    return {
      id,
      location,
      progress: get,
      async done(options?: CallOptions) {
        for (;;) {
          const res = await transport.request<Job>({ method: 'GET', path: url, ...options });
          if (FINISHED.includes(res.data.state)) return res.data;
          const after = Number(res.headers.get('retry-after') ?? 1);
          await sleep(Math.min(Math.max(after, 0.05), 60) * 1000, options?.signal);
        }
      },
      async cancel(options?: CallOptions) {
        await transport.request({ method: 'DELETE', path: url, ...options });
        return get(options);
      },
    };
  }

  async function startImport(rows: ImportRows<unknown>, options: ImportOptions = {}): Promise<ImportJob> {
    const query = new URLSearchParams();
    if (options.mode) query.set('mode', options.mode);
    if (options.onConflict) query.set('onConflict', options.onConflict);
    const res = await transport.request<Job>({
      method: 'POST',
      path: `${path}/imports`,
      query: query.toString(),
      raw: ndjsonBody(rows),
      contentType: 'application/x-ndjson',
      // A body read once cannot be sent twice: no Idempotency-Key, so no retry.
      idempotencyKey: false,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      headers: options.headers,
    });
    const location = res.headers.get('location') ?? `/jobs/${res.data.id}`;
    // Location is a path from the server's root (its basePath included): resolved against the answer's URL.
    return jobHandle(res.data.id, location, transport.resolve(location, res.url));
  }

  return {
    // Not a method: its compiled text would read as a dynamic import to the build check.
    import: startImport,

    async *export(query: ListQuery<Record<string, unknown>, string, string> = {}) {
      const res = await transport.stream({
        path,
        query: buildQuery(query as Parameters<typeof buildQuery>[0]),
        signal: query.signal,
        headers: { ...query.headers, accept: 'application/x-ndjson' },
      });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let rest = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const lines = (rest + value).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) if (line.trim()) yield JSON.parse(line) as Record<string, unknown>;
        }
        if (rest.trim()) yield JSON.parse(rest) as Record<string, unknown>;
      } finally {
        await reader.cancel().catch(() => {});
      }
    },
  };
}

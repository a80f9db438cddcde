/** Collection calls, at `/{r}` and at a nested `/{parent}/{id}/{r}`: list, create, deleteWhere. */

import { type Change, type WatchQuery, watchChanges } from './change-watch.js';
import type { RequestSpec } from './client-options.js';
import type {
  CallOptions,
  CreateOptions,
  EmbedItem,
  IdOf,
  ListQuery,
  ReadOf,
  Selected,
  Shape,
  Where,
  WriteOptions,
} from './client-types.js';
import type { HttpTransport } from './http-transport.js';
import { makePage, type Page, type PagePromise, pagePromise } from './page.js';
import { buildQuery, filterPairs } from './query-string.js';
import type { RelationSortKey, RelationWhere } from './relation-types.js';

export interface CollectionClient<R, K extends keyof R, Body = Shape<R, K>['create']> {
  /**
   * One page of records (`await`), or every record across pages (`for await … of`).
   * `where`, `sort`, `limit`, `offset`, `cursor`, `fields`, `embed`, `count` follow docs/query.md.
   */
  list<F extends keyof ReadOf<R, K> = keyof ReadOf<R, K>, E extends EmbedItem<R, K> = never>(
    query?: ListQuery<ReadOf<R, K>, F, E, RelationWhere<R, K>, RelationSortKey<R, K>>,
  ): PagePromise<Selected<R, K, F, E>>;
  /** POST: the created record (201). An Idempotency-Key is added when retries are on. */
  create(body: Body, options: CreateOptions & { minimal: true }): Promise<undefined>;
  create(body: Body, options?: CreateOptions): Promise<ReadOf<R, K>>;
  /** Bulk DELETE by filter (at least one filter): how many records went. */
  deleteWhere(where: Where<ReadOf<R, K>>, options?: CallOptions): Promise<{ deleted: number }>;
  /**
   * The query's changes as they happen (docs/realtime.md):
   * `for await (const change of api.customers.watch({ where, snapshot: true }))`. Reconnects by
   * itself with Last-Event-ID after a dropped connection; `break` or `signal` closes the stream.
   */
  watch<F extends keyof ReadOf<R, K> = keyof ReadOf<R, K>, E extends EmbedItem<R, K> = never>(
    query?: WatchQuery<ReadOf<R, K>, F, E>,
  ): AsyncIterable<Change<Selected<R, K, F, E>, IdOf<R, K>>>;
}

/** Prefer header for writes: the representation unless the caller asks for minimal. */
export function preferOf(options: WriteOptions | undefined): Record<string, string> {
  const h: Record<string, string> = { prefer: options?.minimal ? 'return=minimal' : 'return=representation' };
  if (options?.ifMatch !== undefined) h['if-match'] = options.ifMatch;
  return { ...h, ...options?.headers };
}

export function callOf(
  options: CallOptions | undefined,
): Pick<RequestSpec, 'signal' | 'timeoutMs' | 'headers'> {
  return { signal: options?.signal, timeoutMs: options?.timeoutMs, headers: options?.headers };
}

type Untyped = Record<string, unknown>;

export function collectionClient(
  transport: HttpTransport,
  path: string,
): CollectionClient<Record<string, never>, never> {
  const list = (query: ListQuery<Untyped, string, string> = {}): PagePromise<Untyped> => {
    const call = callOf(query);
    if (query.count === 'estimated') call.headers = { prefer: 'count=estimated', ...call.headers };
    const load = async (url: string): Promise<Page<Untyped>> => {
      const res = await transport.request<Untyped[]>({ method: 'GET', path: url, ...call });
      return makePage(Array.isArray(res.data) ? res.data : [], res.headers, res.url, load);
    };
    return pagePromise(load(transport.urlOf(path, buildQuery(query as Parameters<typeof buildQuery>[0]))));
  };
  const client = {
    list,
    async create(body: unknown, options?: CreateOptions) {
      const res = await transport.request({
        method: 'POST',
        path,
        body,
        idempotencyKey: options?.idempotencyKey,
        ...callOf(options),
        headers: preferOf(options),
      });
      return res.data;
    },
    watch: (query: WatchQuery<Untyped, string, string> = {}) => watchChanges(transport, path, query),
    async deleteWhere(where: object, options?: CallOptions) {
      const query = filterPairs(where).length ? buildQuery({ where }) : '';
      const res = await transport.request<{ deleted: number }>({
        method: 'DELETE',
        path,
        query,
        ...callOf(options),
      });
      return res.data;
    },
  };
  return client as unknown as CollectionClient<Record<string, never>, never>;
}

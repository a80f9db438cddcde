/** Item calls on `/{r}/{id}` (get, replace, patch, delete, update) plus the collection and nested ones. */

import { type AggregateClient, aggregateClient } from './aggregate-client.js';
import { bulkClient, type ImportJob, type ImportOptions, type ImportRows } from './bulk-client.js';
import type {
  CallOptions,
  CreateOptions,
  EmbedItem,
  FileMetadata,
  FileOf,
  GetOptions,
  IdOf,
  JsonPatchOperation,
  ListQuery,
  NestedCreate,
  ReadOf,
  ReplaceBody,
  Selected,
  Shape,
  WriteOptions,
} from './client-types.js';
import { type CollectionClient, callOf, collectionClient, preferOf } from './collection-client.js';
import { type DownloadOptions, type FileData, fileTransfer, type UploadOptions } from './file-transfer.js';
import type { HttpTransport } from './http-transport.js';
import { jsonEqual, mergeDiff } from './merge-diff.js';
import { buildQuery } from './query-string.js';
import { VerboError } from './verbo-error.js';

/** Changes the draft in place (returning nothing), or returns the new record. */
// biome-ignore lint/suspicious/noConfusingVoidType: a callback that mutates and returns nothing is typed void
export type Mutator<T> = (draft: T) => T | undefined | void | Promise<T | undefined | void>;

export interface UpdateOptions extends CallOptions {
  /** `patch` (default) sends the change as a merge patch; `put` sends the whole record. */
  method?: 'patch' | 'put';
  /** Tries in all when someone else changed the record in between (412): default 5. */
  attempts?: number;
}

/** A record with its validators, for conditional writes. */
export interface Entry<T> {
  record: T;
  etag: string | undefined;
  lastModified: string | undefined;
}

export type NestedClients<R, K extends keyof R> = {
  [N in keyof Shape<R, K>['toMany']]: Shape<R, K>['toMany'][N] extends { resource: infer C }
    ? C extends keyof R
      ? CollectionClient<R, C, NestedCreate<R, K, N>> & AggregateClient<ReadOf<R, C>>
      : never
    : never;
};

export interface ResourceClient<R, K extends keyof R>
  extends CollectionClient<R, K>,
    AggregateClient<ReadOf<R, K>> {
  /** GET one record; `fields` and `embed` as in list. */
  get<F extends keyof ReadOf<R, K> = keyof ReadOf<R, K>, E extends EmbedItem<R, K> = never>(
    id: IdOf<R, K>,
    options?: GetOptions<F, E>,
  ): Promise<Selected<R, K, F, E>>;
  /** GET one record with its ETag and Last-Modified. */
  getEntry(id: IdOf<R, K>, options?: CallOptions): Promise<Entry<ReadOf<R, K>>>;
  /** PUT: full replacement (omitted optional fields are cleared). */
  replace(
    id: IdOf<R, K>,
    body: ReplaceBody<R, K>,
    options: WriteOptions & { minimal: true },
  ): Promise<undefined>;
  replace(id: IdOf<R, K>, body: ReplaceBody<R, K>, options?: WriteOptions): Promise<ReadOf<R, K>>;
  /** PATCH: an object is a JSON Merge Patch, an array is a JSON Patch (RFC 6902). */
  patch(
    id: IdOf<R, K>,
    body: Shape<R, K>['update'] | readonly JsonPatchOperation[],
    options: CreateOptions & { minimal: true },
  ): Promise<undefined>;
  patch(
    id: IdOf<R, K>,
    body: Shape<R, K>['update'] | readonly JsonPatchOperation[],
    options?: CreateOptions,
  ): Promise<ReadOf<R, K>>;
  /** DELETE one record (204). */
  delete(id: IdOf<R, K>, options?: WriteOptions): Promise<void>;
  /**
   * Read-modify-write without lost updates: GET, apply `fn` to a copy, write it with If-Match,
   * and start again from a fresh GET when the record changed meanwhile (412).
   */
  update(id: IdOf<R, K>, fn: Mutator<ReadOf<R, K>>, options?: UpdateOptions): Promise<ReadOf<R, K>>;
  /**
   * The nested collections under one record: `client.customers.of(1).orders.list()`, and their
   * groups: `client.customers.of(1).orders.aggregate({ groupBy: ['stage'] })`.
   */
  of(id: IdOf<R, K>): NestedClients<R, K>;
  /** Uploads a file field's bytes (docs/files.md): a Blob, a ReadableStream, bytes, or a path in Node. */
  upload(id: IdOf<R, K>, field: FileOf<R, K>, data: FileData, options?: UploadOptions): Promise<FileMetadata>;
  /** Downloads a file field: the Response (stream its body; `thumb`, `range`, `ifNoneMatch`). */
  download(id: IdOf<R, K>, field: FileOf<R, K>, options?: DownloadOptions): Promise<Response>;
  /**
   * An import job (docs/bulk.md): the rows (an array, or any iterable or async iterable, streamed)
   * go as NDJSON to `POST /{r}/imports`; `await job.done()` for the finished job.
   */
  import(rows: ImportRows<Shape<R, K>['create']>, options?: ImportOptions): Promise<ImportJob>;
  /** Every matching record, read as NDJSON one at a time: `for await (const c of api.customers.export())`. */
  export<F extends keyof ReadOf<R, K> = keyof ReadOf<R, K>>(
    query?: Omit<ListQuery<ReadOf<R, K>, F, never>, 'cursor' | 'count' | 'embed'>,
  ): AsyncIterable<Selected<R, K, F, never>>;
}

type Rec = Record<string, unknown>;
const RELATION_NAME = /^[a-z][a-z0-9_]*$/;

export function resourceClient(
  transport: HttpTransport,
  name: string,
): ResourceClient<Record<string, never>, never> {
  const base = `/${name}`;
  const itemPath = (id: unknown) => `${base}/${encodeURIComponent(String(id))}`;

  async function getEntry(id: unknown, options?: CallOptions): Promise<Entry<Rec>> {
    const res = await transport.request<Rec>({ method: 'GET', path: itemPath(id), ...callOf(options) });
    return {
      record: res.data,
      etag: res.headers.get('etag') ?? undefined,
      lastModified: res.headers.get('last-modified') ?? undefined,
    };
  }

  async function write(
    method: 'PUT' | 'PATCH',
    id: unknown,
    body: unknown,
    options?: CreateOptions,
  ): Promise<unknown> {
    const contentType =
      method === 'PUT'
        ? 'application/json'
        : Array.isArray(body)
          ? 'application/json-patch+json'
          : 'application/merge-patch+json';
    const res = await transport.request({
      method,
      path: itemPath(id),
      body,
      contentType,
      idempotencyKey: options?.idempotencyKey,
      ...callOf(options),
      headers: preferOf(options),
    });
    return res.data;
  }

  async function update(id: unknown, fn: (r: Rec) => unknown, options: UpdateOptions = {}): Promise<unknown> {
    const attempts = Math.max(1, options.attempts ?? 5);
    for (let attempt = 1; ; attempt++) {
      const { record, etag } = await getEntry(id, options);
      const draft = structuredClone(record);
      const changed = ((await fn(draft)) ?? draft) as Rec;
      const write$ =
        options.method === 'put'
          ? { method: 'PUT' as const, body: changed }
          : { method: 'PATCH' as const, body: mergeDiff(record, changed) };
      if (write$.method === 'PATCH' && Object.keys(write$.body).length === 0) return record;
      if (write$.method === 'PUT' && jsonEqual(record, changed)) return record;
      try {
        return await write(write$.method, id, write$.body, { ...options, ifMatch: etag });
      } catch (e) {
        if (!(e instanceof VerboError) || e.status !== 412 || attempt >= attempts) throw e;
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 20 * attempt)));
      }
    }
  }

  const of = (id: unknown) =>
    new Proxy({} as Record<string, unknown>, {
      get(cache, prop) {
        if (typeof prop !== 'string' || !RELATION_NAME.test(prop) || prop === 'then') return undefined;
        const path = `${itemPath(id)}/${prop}`;
        cache[prop] ??= { ...collectionClient(transport, path), ...aggregateClient(transport, path) };
        return cache[prop];
      },
    });

  const client = {
    ...collectionClient(transport, base),
    async get(id: unknown, options?: GetOptions<unknown, string>) {
      const query = buildQuery({ fields: options?.fields, embed: options?.embed });
      const res = await transport.request({ method: 'GET', path: itemPath(id), query, ...callOf(options) });
      return res.data;
    },
    getEntry,
    replace: (id: unknown, body: unknown, options?: WriteOptions) => write('PUT', id, body, options),
    patch: (id: unknown, body: unknown, options?: CreateOptions) => write('PATCH', id, body, options),
    async delete(id: unknown, options?: WriteOptions) {
      const headers =
        options?.ifMatch === undefined
          ? options?.headers
          : { 'if-match': options.ifMatch, ...options.headers };
      await transport.request({ method: 'DELETE', path: itemPath(id), ...callOf(options), headers });
    },
    update,
    of,
    ...fileTransfer(transport, itemPath),
    ...bulkClient(transport, base),
    ...aggregateClient(transport, base),
  };
  return client as unknown as ResourceClient<Record<string, never>, never>;
}

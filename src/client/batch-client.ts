/** `client.batch([...])`: several operations in one transaction (POST /batch, docs/batch.md). */
import type {
  CallOptions,
  JsonPatchOperation,
  LooseResources,
  ReadOf,
  ReplaceBody,
  Shape,
} from './client-types.js';
import type { HttpTransport } from './http-transport.js';

/** A string `"$ref.field"`: a value of an earlier operation's result. */
export type BatchReference = `$${string}.${string}`;
/** A body whose values may also be references to earlier results. */
export type WithReferences<T> = { [P in keyof T]: T[P] | BatchReference };

interface OperationBase {
  /** content-type, if-match, if-none-match or prefer of this operation. */
  headers?: Record<string, string>;
  /** Names this operation's result for later ones. */
  ref?: string;
}
type Item<K extends string> = `/${K}/${string}`;
type List<K extends string> = `/${K}` | `/${K}?${string}`;

/** The operations on one resource `K`, typed by its shapes (loose without generated types). */
type OperationsOn<R, K extends keyof R & string> =
  | (OperationBase & { method: 'POST'; path: `/${K}`; body: WithReferences<Shape<R, K>['create']> })
  | (OperationBase & { method: 'GET'; path: List<K> | Item<K>; body?: undefined })
  | (OperationBase & { method: 'PUT'; path: Item<K>; body: WithReferences<ReplaceBody<R, K>> })
  | (OperationBase & {
      method: 'PATCH';
      path: Item<K>;
      body: WithReferences<Partial<Shape<R, K>['update']>> | JsonPatchOperation[];
    })
  | (OperationBase & { method: 'DELETE'; path: Item<K> | List<K>; body?: undefined });

/**
 * One operation of a batch. `path` is a path of the API (`/customers/$c.id/orders`: `$ref.field`
 * takes a value of an earlier result); with the types `verbo types` writes, the body is checked
 * against the resource the path names.
 */
export type BatchOperation<R = LooseResources> = {
  [K in keyof R & string]: OperationsOn<R, K>;
}[keyof R & string];

export interface BatchResult<T = unknown> {
  status: number;
  /** Location, ETag, Last-Modified and Preference-Applied, when the operation sent them. */
  headers: Record<string, string>;
  body: T;
}

/** What one operation answers: the record (create, read, replace, patch), a page, or a deletion. */
type BodyOf<R, O> = O extends { method: infer M; path: `/${infer K}` }
  ? K extends `${infer N}/${infer Rest}`
    ? N extends keyof R
      ? Rest extends `${string}/${string}`
        ? unknown
        : M extends 'DELETE'
          ? null
          : ReadOf<R, N>
      : unknown
    : (K extends `${infer N}?${string}` ? N : K) extends infer N
      ? N extends keyof R
        ? M extends 'GET'
          ? ReadOf<R, N>[]
          : M extends 'POST'
            ? ReadOf<R, N>
            : unknown
        : unknown
      : unknown
  : unknown;

/** The results of a batch, one per operation, in order, each typed by its operation. */
export type BatchResults<R, O extends readonly unknown[]> = {
  -readonly [I in keyof O]: BatchResult<BodyOf<R, O[I]>>;
};

/**
 * Runs the operations in order in one transaction: every result when all succeed; otherwise the
 * failing operation's error as a VerboError (its problems' pointers under `/operations/{i}`), and
 * nothing written. Retried safely with an Idempotency-Key, like every POST of this client.
 */
export async function runBatch(
  transport: HttpTransport,
  operations: readonly unknown[],
  options: CallOptions = {},
): Promise<BatchResult[]> {
  const res = await transport.request<{ operations: BatchResult[] }>({
    method: 'POST',
    path: '/batch',
    body: { operations },
    ...options,
  });
  return res.data.operations;
}

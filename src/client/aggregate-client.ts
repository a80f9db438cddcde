/**
 * `api.orders.aggregate({ groupBy, aggregate, having, where, sort, limit, offset })` (docs/aggregates.md):
 * `GET /{r}?groupBy=…&aggregate=…`, rows typed from the resource's read shape: `groupBy: ['stage']`
 * and `aggregate: ['count()', 'sum(amount)']` give `{ stage, count: number, sum_amount }[]`.
 */
import type { CallOptions, Where } from './client-types.js';
import type { HttpTransport } from './http-transport.js';
import { buildQuery } from './query-string.js';

type Name<T> = keyof T & string;
export type DateUnit = 'hour' | 'day' | 'week' | 'month' | 'year';
export type AggregateFunction = 'count' | 'countDistinct' | 'sum' | 'avg' | 'min' | 'max';

/** A field, or a date/datetime field's bucket: `createdAt:month` (its value is the bucket's start). */
export type GroupSpec<T> = Name<T> | `${Name<T>}:${DateUnit}`;
/** `count()`, or a function of a field: `sum(amount)`. */
export type AggregateSpec<T> = 'count()' | `${AggregateFunction}(${Name<T>})`;

/** The result key of a group spec (`createdAt:month` → `createdAt`) or of an aggregate (`sum(amount)` → `sum_amount`). */
export type GroupKey<S> = S extends `${infer F}:${string}` ? F : S;
export type AggregateKey<S> = S extends 'count()'
  ? 'count'
  : S extends `${infer Fn}(${infer F})`
    ? `${Fn}_${F}`
    : never;

/** Counts are integers; avg a number; sums numbers (integer sums beyond ±2^53 as digit strings); min/max the field's type. */
type ValueOf<T, S> = S extends 'count()' | `count(${string})` | `countDistinct(${string})`
  ? number
  : S extends `avg(${string})`
    ? number | null
    : S extends `sum(${string})`
      ? number | string | null
      : S extends `${'min' | 'max'}(${infer F})`
        ? (F extends keyof T ? T[F] : unknown) | null
        : unknown;

/** One row: the group fields, then the aggregates (`count` alone when only `groupBy` is given). */
export type AggregateRow<T, G extends string, A extends string> = { [K in GroupKey<G> & keyof T]: T[K] } & ([
  A,
] extends [never]
  ? { count: number }
  : { [S in A as AggregateKey<S>]: ValueOf<T, S> });

/** A condition on an aggregate, after grouping: `{ sum_amount: { gt: 1000 } }`. */
export interface HavingFilter {
  eq?: number | string | boolean;
  ne?: number | string | boolean;
  gt?: number | string;
  gte?: number | string;
  lt?: number | string;
  lte?: number | string;
}

type SortableKey<G, A> = GroupKey<G> | ([A] extends [never] ? 'count' : AggregateKey<A>);

export interface AggregateQuery<T, G extends GroupSpec<T>, A extends AggregateSpec<T>> extends CallOptions {
  groupBy?: readonly G[];
  aggregate?: readonly A[];
  having?: { [K in SortableKey<G, A> & string]?: HavingFilter };
  /** Applied to the records before grouping (docs/query.md filters). */
  where?: Where<T>;
  /** A full-text search the records must match before grouping (docs/search.md). */
  q?: string;
  sort?: `${'' | '-'}${SortableKey<G, A> & string}` | readonly `${'' | '-'}${SortableKey<G, A> & string}`[];
  limit?: number;
  offset?: number;
}

export interface AggregateClient<T> {
  /** Groups and their aggregates (docs/aggregates.md); at most `limit` groups (25 by default). */
  aggregate<const G extends GroupSpec<T> = never, const A extends AggregateSpec<T> = never>(
    query: AggregateQuery<T, G, A>,
  ): Promise<AggregateRow<T, G, A>[]>;
}

/** `having` as the query string carries it: `sum_amount[gt]=1000`, one parameter each. */
function havingPairs(having: Record<string, HavingFilter | undefined> | undefined): string[] {
  const out: string[] = [];
  for (const [key, ops] of Object.entries(having ?? {}))
    for (const [op, v] of Object.entries(ops ?? {}))
      if (v !== undefined) out.push(`having=${encodeURIComponent(`${key}[${op}]=${String(v)}`)}`);
  return out;
}

export function aggregateClient(
  transport: HttpTransport,
  path: string,
): AggregateClient<Record<string, unknown>> {
  return {
    async aggregate(
      q: AggregateQuery<Record<string, unknown>, string, AggregateSpec<Record<string, unknown>>>,
    ) {
      const pairs = [buildQuery({ where: q.where, q: q.q, sort: q.sort, limit: q.limit, offset: q.offset })];
      if (q.groupBy?.length) pairs.push(`groupBy=${encodeURIComponent(q.groupBy.join(','))}`);
      if (q.aggregate?.length) pairs.push(`aggregate=${encodeURIComponent(q.aggregate.join(','))}`);
      pairs.push(...havingPairs(q.having as Record<string, HavingFilter>));
      const res = await transport.request<Record<string, unknown>[]>({
        method: 'GET',
        path,
        query: pairs.filter(Boolean).join('&'),
        signal: q.signal,
        timeoutMs: q.timeoutMs,
        headers: q.headers,
      });
      return res.data as never;
    },
  };
}

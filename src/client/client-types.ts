/**
 * Types of the client, driven by the `Resources` map that `verbo types` generates. Without it,
 * every resource is loosely typed (`Record<string, unknown>` records).
 */

export interface Relation {
  resource: string;
  field: string;
}

/** What `verbo types` writes for each resource. */
export interface ResourceShape {
  id: string | number;
  read: object;
  create: object;
  update: object;
  toOne: object;
  toMany: object;
  /** The file fields' names (`never` when none). */
  files?: string;
}

/** Any map of resource names to shapes (a generated `interface Resources` fits). */
export type ResourceMap<R> = { [K in keyof R]: ResourceShape };

/** The shape of a resource when no generated types are given. */
export interface LooseResource {
  id: string | number;
  read: Record<string, unknown>;
  create: Record<string, unknown>;
  update: Record<string, unknown>;
  toOne: Record<string, Relation>;
  toMany: Record<string, Relation>;
}
export type LooseResources = Record<string, LooseResource>;

export type Shape<R, K extends keyof R> = R[K] extends ResourceShape ? R[K] : LooseResource;
export type ReadOf<R, K extends keyof R> = Shape<R, K>['read'];
export type IdOf<R, K extends keyof R> = Shape<R, K>['id'];
/** The names of a resource's file fields (any name when the types are loose). */
export type FileOf<R, K extends keyof R> = Shape<R, K> extends { files: infer F extends string } ? F : string;

/** A file field's value (docs/files.md). */
export interface FileMetadata {
  name: string;
  size: number;
  type: string;
  sha256: string;
  url: string;
}
type ReadByName<R, N> = N extends keyof R ? ReadOf<R, N> : Record<string, unknown>;
type TargetOf<M, N> = N extends keyof M ? (M[N] extends { resource: infer T } ? T : never) : never;

/** Relation names usable in `embed`. */
export type EmbedName<R, K extends keyof R> = (keyof Shape<R, K>['toOne'] | keyof Shape<R, K>['toMany']) &
  string;

/**
 * One `embed` item (docs/query.md): a relation name, or a relation followed by a field list
 * and/or a nested relation, e.g. `customer(name,email)` or `orders(id,amount).customer`.
 */
export type EmbedItem<R, K extends keyof R> =
  | EmbedName<R, K>
  | `${EmbedName<R, K>}(${string})${string}`
  | `${EmbedName<R, K>}.${string}`;

/** The relation an embed item starts with: `orders(id).customer` → `orders`. */
type EmbedHead<S extends string> = S extends `${infer H}(${string}`
  ? H extends `${infer D}.${string}`
    ? D
    : H
  : S extends `${infer H}.${string}`
    ? H
    : S;

/** A plain item embeds whole records; one with a field list or nested embeds, a partial one. */
type EmbeddedRecord<Read, S extends string, N extends string> = [Exclude<S, N>] extends [never]
  ? Read
  : Partial<Read> & Record<string, unknown>;

type ItemsOf<E extends string, N extends string> = Extract<E, N | `${N}(${string}` | `${N}.${string}`>;

/** What `embed` adds to each record: a to-one record (or null) or a to-many array. */
export type Embedded<R, K extends keyof R, E extends string> = {
  [N in EmbedHead<E> & keyof Shape<R, K>['toOne']]: EmbeddedRecord<
    ReadByName<R, TargetOf<Shape<R, K>['toOne'], N>>,
    ItemsOf<E, N>,
    N
  > | null;
} & {
  [N in EmbedHead<E> & keyof Shape<R, K>['toMany']]: EmbeddedRecord<
    ReadByName<R, TargetOf<Shape<R, K>['toMany'], N>>,
    ItemsOf<E, N>,
    N
  >[];
};

/** A record as returned with `fields` (a subset) and `embed` (relations added). */
export type Selected<R, K extends keyof R, F extends keyof ReadOf<R, K>, E extends string> = Pick<
  ReadOf<R, K>,
  F
> &
  Embedded<R, K, E>;

type Scalar<V> = V extends string ? V | Date : V;
/** Operators of docs/query.md on one field. */
export interface FieldFilter<V> {
  eq?: Scalar<V>;
  ne?: Scalar<V>;
  gt?: Scalar<V>;
  gte?: Scalar<V>;
  lt?: Scalar<V>;
  lte?: Scalar<V>;
  in?: readonly Scalar<V>[];
  nin?: readonly Scalar<V>[];
  /** `*` is the wildcard: `{ like: 'A*' }`. */
  like?: string;
  ilike?: string;
  /** true: the field is null; false: it is not. */
  null?: boolean;
}

/**
 * Filters, ANDed: `{ status: 'active' }` (equals), `{ amount: { gte: 10 } }`, `{ id: { in: [1, 2] } }`,
 * `{ status: ['lead', 'active'] }` (in), `{ phone: null }` (is null).
 */
export type Where<T> = {
  [P in keyof T]?:
    | Scalar<NonNullable<T[P]>>
    | readonly Scalar<NonNullable<T[P]>>[]
    | null
    | FieldFilter<NonNullable<T[P]>>;
};

export type SortKey<T> = (keyof T & string) | `-${keyof T & string}`;

/** A search's rank as a sort key (with `q` only): `-relevance`, best matches first. */
export type Relevance = 'relevance' | '-relevance';

/** Per-call options every method accepts. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call (whole call, retries included). */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface WriteOptions extends CallOptions {
  /** `If-Match`: the ETag the write expects (412 when the record changed). */
  ifMatch?: string;
  /** `Prefer: return=minimal` → no body; the method then resolves to undefined. */
  minimal?: boolean;
}

export interface CreateOptions extends WriteOptions {
  /** A key of your own; `false` sends none (and the request is then never retried). */
  idempotencyKey?: string | false;
}

/** `W`, `S`: the filters and sort keys through relations (relation-types.ts), when the call takes them. */
export interface ListQuery<T, F extends keyof T, E extends string, W = unknown, S extends string = never>
  extends CallOptions {
  where?: Where<T> & W;
  /**
   * Full-text search (docs/search.md), on a resource with `search: true` fields: words matched
   * ignoring case and accents, all required, `garc*` a prefix. With it, sort by `-relevance`.
   */
  q?: string;
  sort?: SortKey<T> | S | Relevance | readonly (SortKey<T> | S | Relevance)[];
  limit?: number;
  offset?: number;
  cursor?: string;
  fields?: readonly F[];
  embed?: readonly E[];
  /**
   * Ask for `X-Total-Count` (`page.total`): `true` an exact count, `'estimated'` one that never
   * costs a full count (`Prefer: count=estimated`: exact up to 10 000 matches, an estimate beyond).
   */
  count?: boolean | 'estimated';
}

export interface GetOptions<F, E extends string> extends CallOptions {
  fields?: readonly F[];
  embed?: readonly E[];
}

/** One JSON Patch (RFC 6902) operation. */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** PUT body: the create shape, plus id/createdAt/updatedAt when sending back a fetched record. */
export type ReplaceBody<R, K extends keyof R> = Omit<Shape<R, K>['create'], 'id'> & {
  id?: IdOf<R, K>;
  createdAt?: string;
  updatedAt?: string;
};

/** Body of a create on a nested collection: the parent's field is filled from the URL. */
export type NestedCreate<R, K extends keyof R, N> = N extends keyof Shape<R, K>['toMany']
  ? Shape<R, K>['toMany'][N] extends { resource: infer C; field: infer F }
    ? C extends keyof R
      ? Omit<Shape<R, C>['create'], F & PropertyKey> & Partial<Shape<R, C>['create']>
      : never
    : never
  : never;

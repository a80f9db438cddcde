/**
 * The one small interface every database implements (one folder each: sqlite/, postgres/).
 * Rows are plain objects of API values (booleans, parsed JSON, ISO datetimes) plus `_version`.
 * Core code depends on this file only, never on a dialect.
 */
import type { Model, ResourceDef } from '../model/model-types.js';
import type { AggregateQuery } from './aggregate-query.js';
import type { ChangeLog } from './changes/change-log.js';
import type { BlobStore } from './files/blob-store.js';
import type { QueryPlanShape } from './index-advice.js';
import type { JobStore } from './jobs/job-table.js';
import type { Filter, JsonEmbed, ListQuery } from './query-types.js';
import type { SchemaPlan } from './schema/schema-plan.js';
import type { MigrationRecord, SyncOptions } from './schema/schema-sync.js';

export type Row = Record<string, unknown> & { _version?: number };

/** A record's JSON text as the API shows it, and the stored columns its ETag and Last-Modified come from. */
export interface JsonRecord {
  json: string;
  row: Row;
}

/** What a read-modify-write decides once it has seen the current row (under a row lock). */
export type Change =
  | { kind: 'update'; values: Row }
  | { kind: 'insert'; values: Row }
  | { kind: 'delete' }
  | { kind: 'none' };

/** Sees the current row (undefined when there is none) and decides; synchronous, may throw to abort. */
export type Decide = (current: Row | undefined) => Change;

export type ModifyResult =
  | { kind: 'updated'; row: Row }
  | { kind: 'inserted'; row: Row }
  | { kind: 'deleted'; row: Row }
  | { kind: 'none'; row: Row | undefined };

export interface StoreCapabilities {
  /** Most values one statement can bind; embeds and bulk lookups chunk to it. */
  maxBindParams: number;
  /** Several processes may share this store (WAL file or a server database). */
  multiProcess: boolean;
  /** `transaction(fn, { failFast: true })` saves work here (a savepoint per write; on PostgreSQL a round trip). */
  failFast?: boolean;
  /**
   * Statements issued without waiting for the one before share round trips (PostgreSQL's
   * pipelining): POST /batch then starts its independent creates without waiting for each other.
   */
  pipelines?: boolean;
}

export interface TransactionOptions {
  /**
   * Any failure fails the whole transaction (POST /batch): the store may leave out the savepoint it
   * puts around a single write, so `fn` must not carry on past a failed write (what a caught one
   * leaves is the store's business: PostgreSQL aborts the transaction, so even looking up what a
   * refused reference names fails). The error may thus not be the one a guarded transaction gives:
   * run it again without the option to learn that.
   */
  failFast?: boolean;
}

/** Key-value entries with expiry, shared by every instance (idempotency keys, sessions). */
export interface KeyValueStore {
  /** Inserts when absent or expired; returns false when a live entry exists. */
  putIfAbsent(namespace: string, key: string, value: unknown, ttlMs: number): Promise<boolean>;
  get(namespace: string, key: string): Promise<unknown | undefined>;
  set(namespace: string, key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
}

export interface Store {
  readonly capabilities: StoreCapabilities;
  readonly kv: KeyValueStore;
  /** Files kept in the database (`storage.files.driver: database`), where the store can (docs/files.md). */
  readonly blobs?: BlobStore;
  /** Long-running jobs (imports), visible from every instance (store/jobs/job-table.ts). */
  readonly jobs: JobStore;
  /**
   * Every committed change to a declared resource's records, in commit order: written by `insert`,
   * `modify` and `deleteWhere` in their own transaction (changes/change-log.ts).
   */
  readonly changes: ChangeLog;
  /**
   * Brings the database to the model (schema/schema-planner.ts) in one transaction and returns the
   * plan applied; throws SchemaChangeRefused (a change it cannot make, rows a check refuses) or
   * MigrationNeeded (a step riskier than `options.allow`), changing nothing.
   */
  sync(model: Model, options?: SyncOptions): Promise<SchemaPlan>;
  /** The plan that would bring the database to the model, changing nothing (`verbo migrate`). */
  plan(model: Model): Promise<SchemaPlan>;
  /** The migrations applied so far, oldest first (`verbo migrate status`). */
  migrations(): Promise<MigrationRecord[]>;
  /** How the database would run a list query (index advice, store/index-advice.ts). */
  explain(resource: ResourceDef, query: ListQuery): Promise<QueryPlanShape>;
  /** Copies the whole database to a new file, where the store is a file (SQLite: VACUUM INTO). */
  backup?(path: string): Promise<void>;
  get(resource: ResourceDef, id: unknown): Promise<Row | undefined>;
  /**
   * One record as the JSON text of `fields` built by the database (store/sql/json-select.ts), with
   * the columns its headers read (`id`, `_version`, `createdAt`, `updatedAt`, decoded as `get` would);
   * undefined when there is no such record, null when this store cannot render one of the fields
   * exactly. Optional: a store without it is read through `get` (PostgreSQL: its JSON text spaces
   * its members, `{"id" : 1}`, and an item's body stays the same on every store).
   */
  getJson?(
    resource: ResourceDef,
    id: unknown,
    fields: readonly string[],
  ): Promise<JsonRecord | undefined | null>;
  /**
   * `getJson` answered at once, without a promise, or false when the store would have to wait first
   * (SQLite: a transaction holds its one connection). Optional: the read shortcut
   * (http/shortcut/item-read-shortcut.ts) uses it on a store that reads synchronously.
   */
  getJsonNow?(
    resource: ResourceDef,
    id: unknown,
    fields: readonly string[],
  ): JsonRecord | undefined | null | false;
  /**
   * A text that changes whenever a commit by any connection or process may have changed what this
   * store holds, read at once; false when the store would have to wait first. Optional: the read
   * shortcut keeps its answers (http/shortcut/read-cache.ts) only on a store that has it.
   */
  changeStampNow?(): string | false;
  list(resource: ResourceDef, query: ListQuery): Promise<Row[]>;
  /**
   * The records of `list` as JSON texts of `fields` (in that order, as the API shows them), with the
   * to-one `embeds` after them (query-types.ts), built by the database; undefined when this store cannot render one of the fields exactly. Optional: a
   * store without it is read through `list`.
   */
  listJson?(
    resource: ResourceDef,
    query: ListQuery,
    fields: readonly string[],
    embeds?: readonly JsonEmbed[],
  ): Promise<string[] | undefined>;
  /**
   * The records of `list` as CSV lines of `fields` (store/sql/csv-select.ts), built by the database,
   * with the last record's sort values (decoded, for the next page's keyset); undefined when this
   * store cannot render one of the fields exactly. Optional: exports then format rows themselves.
   */
  listCsv?(
    resource: ResourceDef,
    query: ListQuery,
    fields: readonly string[],
  ): Promise<{ lines: string[]; last?: Row } | undefined>;
  count(resource: ResourceDef, where: Filter[]): Promise<number>;
  /** The groups of an aggregate query (docs/aggregates.md), each keyed by result key, as API values. */
  aggregate(resource: ResourceDef, query: AggregateQuery): Promise<Record<string, unknown>[]>;
  /**
   * `Prefer: count=estimated`: the exact count while it is at most `exactUpTo` (counting stops
   * there), beyond it the database's estimate where it has one (PostgreSQL's planner), else
   * `exactUpTo` itself (SQLite). Never a full count of a large table.
   */
  estimateCount(resource: ResourceDef, where: Filter[], exactUpTo: number): Promise<number>;
  /** Sets createdAt/updatedAt/_version; `values.id` is used when given (client-chosen or uuid). */
  insert(resource: ResourceDef, values: Row): Promise<Row>;
  /**
   * Several inserts as one (imports): all the rows or none (a savepoint inside a transaction), their
   * change-log entries written together. Returns the stored rows in order.
   */
  insertMany(resource: ResourceDef, rows: Row[]): Promise<Row[]>;
  /**
   * Reads the row under a lock, calls `decide` (synchronous; may throw to abort), applies its
   * change, all in one transaction.
   */
  modify(resource: ResourceDef, id: unknown, decide: Decide): Promise<ModifyResult>;
  /** Deletes every matching row in one transaction; all or nothing (restrict → StillReferenced). */
  deleteWhere(resource: ResourceDef, where: Filter[]): Promise<number>;
  /**
   * Runs `fn` in one transaction: every read and write through `tx` (kv included) is part of it,
   * all committed when `fn` resolves, all rolled back when it throws (the error is rethrown).
   * `tx.transaction` nests as a savepoint. Other callers never see a half-done transaction: on
   * SQLite (one connection) they wait until it ends; on PostgreSQL it holds one pooled connection.
   * `tx` must not be used once `fn` has settled.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

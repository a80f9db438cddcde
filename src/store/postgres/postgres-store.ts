/**
 * The server store: PostgreSQL through `postgres` (porsager), prepared statements, two bounded pools
 * (writes and transactions; plain reads, pipelined: postgres-read-pool.ts).
 */
import type postgres from 'postgres';
import { type Model, type ResourceDef, storedResources } from '../../model/model-types.js';
import type { AggregateQuery } from '../aggregate-query.js';
import type { PendingChange } from '../changes/change-log.js';
import { deleteRows, logChanges } from '../changes/change-log-sql.js';
import { currentWriter } from '../changes/write-context.js';
import type { BlobStore } from '../files/blob-store.js';
import type { QueryPlanShape } from '../index-advice.js';
import { type JobStore, SqlJobTable } from '../jobs/job-table.js';
import type { Filter, JsonEmbed, ListQuery } from '../query-types.js';
import { presentColumns, samePresentColumns, stampInsert, stampUpdate } from '../row-stamp.js';
import type { SchemaPlan } from '../schema/schema-plan.js';
import { type MigrationRecord, runTask, type SchemaTask, type SyncOptions } from '../schema/schema-sync.js';
import { compileAggregate } from '../sql/aggregate-compiler.js';
import { compileSelectJson } from '../sql/json-select.js';
import {
  compileCappedCount,
  compileCount,
  compileSelect,
  compileWhere,
  Params,
} from '../sql/sql-compiler.js';
import {
  changedFields,
  compileGetById,
  compileInsert,
  compileInsertMany,
  compileUpdate,
  encodeRows,
  encodeValues,
  statementSizes,
} from '../sql/write-compiler.js';
import type {
  Change,
  Decide,
  ModifyResult,
  Row,
  Store,
  StoreCapabilities,
  TransactionOptions,
} from '../store.js';
import { UniqueViolation } from '../store-errors.js';
import { compileGetMany, GetBatcher } from './get-batcher.js';
import { postgresBlobs } from './postgres-blobs.js';
import { loggedWriteSql, PostgresChangeLog } from './postgres-changes.js';
import { connectPool, exec, type Result } from './postgres-connection.js';
import { pgDialect as d } from './postgres-dialect.js';
import { type Operation, translatePgError } from './postgres-errors.js';
import { type PgQuery, PostgresKeyValue } from './postgres-kv.js';
import { PostgresReadPool } from './postgres-read-pool.js';
import { planPostgresSchema, postgresHistory, syncPostgresSchema } from './postgres-schema.js';
import { begin, type Conn, PostgresWritePool, type TxConn } from './postgres-write-pool.js';

/** Where a statement runs: a leased write connection, or the transaction it is in. */
type Sql = Conn | TxConn;

export interface PostgresStoreOptions {
  url: string;
  /** Most connections of the write pool: writes, transactions, kv, blobs, jobs, schema (default 10). */
  poolSize?: number;
  /**
   * Most connections of the read pool: plain reads outside a transaction, pipelined up to
   * READ_PIPELINE_DEPTH on each (default: half of poolSize, rounded up).
   */
  readPoolSize?: number;
  /** Longest wait for a free connection, and for a new one to connect, before StoreUnavailable (default 5000). */
  acquireTimeoutMs?: number;
  /** Longest wait for a row or table lock before StoreUnavailable (default 5000). */
  lockTimeoutMs?: number;
}

interface Meta {
  get: string;
  /** Plain reads by id outside a transaction, gathered (get-batcher.ts). */
  gets: GetBatcher;
  lock: string;
  /** Moves the identity sequence past a client-chosen integer id (like SQLite's AUTOINCREMENT). */
  bump?: string;
}

/** Most rows in one multi-row INSERT of `insertMany`. */
const MAX_ROWS_PER_INSERT = 256;

export class PostgresStore implements Store {
  /** The driver refuses 65534 or more parameters in one statement. */
  readonly capabilities: StoreCapabilities = {
    maxBindParams: 65533,
    multiProcess: true,
    failFast: true,
    pipelines: true,
  };
  readonly kv: PostgresKeyValue;
  /** Files of `storage.files.driver: database`, in bytea chunks (store/files/sql-blob-store.ts). */
  readonly blobs: BlobStore;
  readonly jobs: JobStore;
  private readonly writes: PostgresWritePool;
  /** LISTEN's own connection (postgres.js opens it on the first `listen`). */
  private readonly listener: postgres.Sql;
  private readonly reads: PostgresReadPool;
  private readonly readPoolSize: number;
  private readonly meta = new Map<string, Meta>();
  /** Set on the view a `transaction` hands out: every operation runs on its connection. */
  private readonly txSql?: TxConn;
  private readonly txState?: { done: boolean };
  /** Set on the view of a `transaction({ failFast: true })`: single writes take no savepoint. */
  private readonly txFailFast?: boolean;
  readonly changes: PostgresChangeLog;
  /** Every stored resource by name; `logged`: those whose changes go to the change log (not verbo's own). */
  private readonly resources = new Map<string, ResourceDef>();
  private readonly logged = new Set<string>();

  constructor(options: PostgresStoreOptions) {
    const poolSize = poolSizeOption('poolSize', options.poolSize) ?? 10;
    const readPoolSize = poolSizeOption('readPoolSize', options.readPoolSize) ?? Math.ceil(poolSize / 2);
    const acquireTimeoutMs = options.acquireTimeoutMs ?? 5000;
    const { lockTimeoutMs } = options;
    this.writes = new PostgresWritePool(options.url, {
      connections: poolSize,
      acquireTimeoutMs,
      lockTimeoutMs,
    });
    this.listener = connectPool(options.url, { max: 1, connectTimeoutMs: acquireTimeoutMs });
    this.readPoolSize = readPoolSize;
    this.reads = new PostgresReadPool(options.url, {
      connections: readPoolSize,
      acquireTimeoutMs,
      lockTimeoutMs,
    });
    const write: PgQuery = (text, params) => this.run(undefined, 'write', (sql) => exec(sql, text, params));
    this.kv = new PostgresKeyValue(write);
    this.blobs = postgresBlobs((fn) => this.run(undefined, 'write', fn), exec);
    this.changes = new PostgresChangeLog(
      this.listener,
      (text, params) => this.read(undefined, text, params),
      write,
      (name) => this.resources.get(name)?.allFields.get('id')?.storage === 'integer',
    );
    this.jobs = new SqlJobTable(d, async (text, params) => {
      const rows = await write(text, params);
      return { rows, changes: rows.count };
    });
  }

  /** Runs `fn` holding a pool slot (inside a transaction: on its connection). */
  private async slot<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.txSql) {
      if (this.txState?.done) throw new Error('a store transaction was used after it ended');
      return fn(this.txSql);
    }
    return this.writes.lease(fn);
  }

  /**
   * One plain read statement: on the read pool (pipelined, so it never waits behind a write), or on
   * the transaction's connection inside one; driver errors turned into neutral ones.
   */
  private async read(r: ResourceDef | undefined, text: string, values: unknown[]): Promise<Result> {
    if (this.txSql) return this.run(r, 'read', (sql) => exec(sql, text, values));
    try {
      return await this.reads.query(text, values);
    } catch (e) {
      throw translatePgError(e, r, 'read');
    }
  }

  /** One operation in a write-pool slot, with driver errors turned into neutral ones. */
  private async run<T>(r: ResourceDef | undefined, op: Operation, fn: (sql: Sql) => Promise<T>): Promise<T> {
    try {
      return await this.slot(fn);
    } catch (e) {
      throw translatePgError(e, r, op);
    }
  }

  async plan(model: Model): Promise<SchemaPlan> {
    return this.run(undefined, 'read', (sql) =>
      begin(sql, (tx) => planPostgresSchema(tx, model), 'read only'),
    );
  }

  async migrations(): Promise<MigrationRecord[]> {
    return this.run(undefined, 'read', (sql) => begin(sql, (tx) => postgresHistory(tx), 'read only'));
  }

  async sync(model: Model, options?: SyncOptions): Promise<SchemaPlan> {
    const { plan, sequences } = await this.run(undefined, 'write', (sql) =>
      begin(sql, (tx) => syncPostgresSchema(tx, model, options)),
    );
    for (const r of model.resources) this.logged.add(r.name);
    for (const r of storedResources(model)) {
      this.resources.set(r.name, r);
      const seq = sequences.get(r.name);
      const get = compileGetById(d, r);
      const getMany = compileGetMany(r);
      this.meta.set(r.name, {
        get,
        gets: new GetBatcher(
          this.readPoolSize,
          (id) => this.read(r, get, [id]).then((rows) => rows[0]),
          (ids) =>
            this.read(r, getMany, [ids]).then((rows) => rows.map((x) => (x.id === null ? undefined : x))),
        ),
        lock: compileGetById(d, r, true),
        bump:
          seq &&
          `SELECT setval('${seq.replace(/'/g, "''")}', $1::bigint) FROM ${seq} ` +
            'WHERE last_value < $1::bigint OR (last_value = $1::bigint AND NOT is_called)',
      });
    }
    return plan;
  }

  private m(r: ResourceDef): Meta {
    const m = this.meta.get(r.name);
    if (!m) throw new Error(`resource ${r.name} was not synced`);
    return m;
  }

  async get(r: ResourceDef, id: unknown): Promise<Row | undefined> {
    const m = this.m(r);
    if (!this.txSql) return m.gets.get(id);
    const [row] = await this.read(r, m.get, [id]);
    return row;
  }

  async list(r: ResourceDef, query: ListQuery): Promise<Row[]> {
    const c = compileSelect(d, r, query);
    const rows = await this.read(r, c.sql, c.values);
    return c.reversed ? rows.reverse() : rows;
  }

  async listJson(
    r: ResourceDef,
    query: ListQuery,
    fields: readonly string[],
    embeds?: readonly JsonEmbed[],
  ): Promise<string[] | undefined> {
    const c = compileSelectJson(d, r, query, fields, embeds);
    if (!c) return undefined;
    const rows = await this.read(r, c.sql, c.values);
    const texts = rows.map((row) => Object.values(row)[0] as string);
    return c.reversed ? texts.reverse() : texts;
  }

  /**
   * The plan with sequential scans and sorts priced out of reach: one that still scans or sorts has
   * no index to serve the query (on a small table the planner would rightly choose them anyway).
   */
  async explain(r: ResourceDef, query: ListQuery): Promise<QueryPlanShape> {
    const c = compileSelect(d, r, query);
    const rows = await this.run(r, 'read', (sql) =>
      begin(
        sql,
        async (tx) => {
          await tx.unsafe(
            'SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off',
          );
          return exec(tx, `EXPLAIN ${c.sql}`, c.values);
        },
        'read only',
      ),
    );
    const detail = rows.map((x) => String(x['QUERY PLAN'])).join('\n');
    return {
      // A `Filter:` reads rows an index did not select (an index scan in sort order, filtering as it goes).
      scansTable: /Seq Scan|^\s*Filter:/m.test(detail),
      sortsRows: /^\s*(->\s*)?(Incremental )?Sort\b/m.test(detail),
      detail,
    };
  }

  async count(r: ResourceDef, where: Filter[]): Promise<number> {
    const c = compileCount(d, r, where);
    const [row] = await this.read(r, c.sql, c.values);
    return Number(row.n);
  }

  async aggregate(r: ResourceDef, query: AggregateQuery): Promise<Record<string, unknown>[]> {
    const c = compileAggregate(d, r, query);
    const rows = await this.read(r, c.sql, c.values);
    return rows.map(c.decode);
  }

  async estimateCount(r: ResourceDef, where: Filter[], exactUpTo: number): Promise<number> {
    // One more than the cap tells whether the cap was reached.
    const c = compileCappedCount(d, r, where, exactUpTo + 1);
    const [row] = await this.read(r, c.sql, c.values);
    const counted = Number(row.n);
    if (counted <= exactUpTo) return counted;
    const q = compileCount(d, r, where);
    const [plan] = await this.read(r, `EXPLAIN (FORMAT JSON) ${q.sql}`, q.values);
    const top = (
      plan['QUERY PLAN'] as { Plan: { Plans?: { 'Plan Rows': number }[]; 'Plan Rows': number } }[]
    )[0].Plan;
    // The count's input: the scan under the Aggregate node.
    const estimate = top.Plans?.[0]?.['Plan Rows'] ?? top['Plan Rows'];
    return Math.max(exactUpTo + 1, Math.round(estimate));
  }

  /** The INSERT and its change-log entry in one statement (atomic without a transaction of its own). */
  private async insertRow(sql: Sql, r: ResourceDef, values: Row): Promise<Row> {
    const row = stampInsert(r, values);
    const names = presentColumns(row);
    const params = encodeValues(d, r, row, names);
    const insert = compileInsert(d, r, names);
    const [out] = this.logged.has(r.name)
      ? await exec(sql, loggedWriteSql(insert, names.length, r.name), [
          ...params,
          new Date().toISOString(),
          currentWriter(),
        ])
      : await exec(sql, insert, params);
    const bump = this.m(r).bump;
    if (bump && values.id !== undefined) await exec(sql, bump, [out.id]);
    return out;
  }

  async insert(r: ResourceDef, values: Row): Promise<Row> {
    const row = await this.run(r, 'write', (sql) =>
      this.txFailFast ? this.insertRow(sql, r, values) : atomic(sql, (tx) => this.insertRow(tx, r, values)),
    );
    this.changes.wakeUps.emit();
    return row;
  }

  /**
   * Rows inserted by multi-row INSERT … RETURNING statements, each with its rows' change-log entries
   * (as one row's insert has): a run of rows naming the same columns goes in as statements of 2^k
   * rows, so a shape has a handful of texts to prepare. After a run of rows that chose their ids,
   * the identity sequence is moved past the largest (as each such row's insert does), so the rows
   * after them that get an id from it never take one of theirs.
   */
  private async insertRows(sql: Sql, r: ResourceDef, rows: Row[]): Promise<Row[]> {
    const now = new Date().toISOString();
    const stamped = rows.map((values) => stampInsert(r, values, now));
    const bump = this.m(r).bump;
    const out: Row[] = [];
    for (let i = 0; i < stamped.length; ) {
      const names = presentColumns(stamped[i]);
      let end = i + 1;
      while (end < stamped.length && samePresentColumns(stamped[end], names)) end++;
      const run: Row[] = [];
      // Two parameters more for the change log's time and writer.
      const maxParams = this.capabilities.maxBindParams - 2;
      for (const k of statementSizes(end - i, names.length, MAX_ROWS_PER_INSERT, maxParams)) {
        const insert = compileInsertMany(d, r, names, k, true);
        const params = encodeRows(d, r, stamped.slice(i, i + k), names);
        const written = this.logged.has(r.name)
          ? await exec(sql, loggedWriteSql(insert, params.length, r.name), [
              ...params,
              new Date().toISOString(),
              currentWriter(),
            ])
          : await exec(sql, insert, params);
        run.push(...written);
        i += k;
      }
      if (bump && rows[i - 1].id !== undefined) {
        // The ids may pass 2^53 (their digits, model/exact-integer.ts): compared as BigInts.
        let most = BigInt(String(run[0].id));
        for (const row of run) if (BigInt(String(row.id)) > most) most = BigInt(String(row.id));
        await exec(sql, bump, [String(most)]);
      }
      out.push(...run);
    }
    return out;
  }

  async insertMany(r: ResourceDef, rows: Row[]): Promise<Row[]> {
    const written = await this.run(r, 'write', (sql) => atomic(sql, (tx) => this.insertRows(tx, r, rows)));
    if (written.length) this.changes.wakeUps.emit();
    return written;
  }

  /** Runs a task of statements in the transaction (the change log's SQL). */
  private task<T>(tx: Sql, task: SchemaTask<T>): Promise<T> {
    return runTask(task, (s) => exec(tx, s.sql, s.values ?? []));
  }

  /** Logs the changes of the write in progress, in its transaction (changes/change-log.ts). */
  private async log(tx: Sql, changes: PendingChange[]): Promise<void> {
    const kept = changes.filter((c) => this.logged.has(c.resource));
    if (kept.length) await this.task(tx, logChanges(d, kept, new Date().toISOString(), currentWriter()));
  }

  /** Deletes the rows matching `cond`, and logs them and what ON DELETE does to their referrers. */
  private async deleteLogged(
    tx: Sql,
    r: ResourceDef,
    cond: { sql: string; values: unknown[] },
  ): Promise<number> {
    const lookup = (name: string) => this.resources.get(name)!;
    const { count, changes } = await this.task(tx, deleteRows(d, lookup, r, cond, new Date().toISOString()));
    await this.log(tx, changes);
    return count;
  }

  private async updateRow(sql: Sql, r: ResourceDef, id: unknown, current: Row, values: Row): Promise<Row> {
    const { text, params } = updateOf(r, id, current, values, false);
    const [out] = await exec(sql, text, params);
    return out;
  }

  /**
   * The hot path of `modify` outside a transaction (a PATCH or PUT of a record that exists): decide
   * on the row as read, then write it with one statement, the UPDATE and its change-log entry,
   * only if the row is still at the version read. Two round trips, each pipelined with other
   * requests' statements, where the locking transaction below takes five (BEGIN, SELECT … FOR
   * UPDATE, UPDATE, the log, COMMIT); the outcome is the one that transaction would have had at
   * the moment of the read. Undefined, and the transaction decides again, when there is no row
   * (a PUT that creates, a 404), when the decision is not an update (a delete), or when another
   * write came in between. What `decide` throws (a 412, a rule) is the answer.
   */
  private async updateIfUnchanged(
    r: ResourceDef,
    id: unknown,
    decide: Decide,
  ): Promise<ModifyResult | undefined> {
    const current = await this.get(r, id);
    if (!current) return undefined;
    const change = decide(current);
    if (change.kind === 'none') return { kind: 'none', row: current };
    if (change.kind !== 'update') return undefined;
    const update = updateOf(r, id, current, change.values, true);
    const [out] = await this.run(r, 'write', (sql) =>
      this.logged.has(r.name)
        ? exec(sql, loggedWriteSql(update.text, update.params.length, r.name, 'updated'), [
            ...update.params,
            new Date().toISOString(),
            currentWriter(),
          ])
        : exec(sql, update.text, update.params),
    );
    if (!out) return undefined;
    this.changes.wakeUps.emit();
    return { kind: 'updated', row: out };
  }

  /**
   * Outside a transaction, `updateIfUnchanged` first; otherwise (and when it declines) one
   * transaction: lock the row, decide, write. Two callers that both found no row and insert the
   * same id collide on the primary key; the loser runs again and decides on the winner's row, as
   * it would have under SQLite's one-writer-at-a-time transactions.
   */
  async modify(r: ResourceDef, id: unknown, decide: Decide): Promise<ModifyResult> {
    if (!this.txSql) {
      const done = await this.updateIfUnchanged(r, id, decide);
      if (done) return done;
    }
    const m = this.m(r);
    for (let attempt = 1; ; attempt++) {
      let kind: Change['kind'] | undefined;
      let decided: { error: unknown } | undefined;
      try {
        // A fail-fast transaction's write takes no savepoint of its own (TransactionOptions).
        const within = (sql: Sql, fn: (tx: Sql) => Promise<ModifyResult>) =>
          this.txFailFast ? fn(sql) : begin(sql, fn);
        return await this.slot((sql) =>
          within(sql, async (tx): Promise<ModifyResult> => {
            const [current] = await exec(tx, m.lock, [id]);
            let change: Change;
            try {
              change = decide(current);
            } catch (error) {
              decided = { error };
              throw error;
            }
            kind = change.kind;
            switch (change.kind) {
              case 'none':
                return { kind: 'none', row: current };
              case 'insert':
                return { kind: 'inserted', row: await this.insertRow(tx, r, { ...change.values, id }) };
              case 'update': {
                const row = await this.updateRow(tx, r, id, current!, change.values);
                await this.log(tx, [
                  { resource: r.name, id: row.id, kind: 'updated', version: Number(row._version) },
                ]);
                return { kind: 'updated', row };
              }
              case 'delete':
                await this.deleteLogged(tx, r, { sql: 'id = $1', values: [id] });
                return { kind: 'deleted', row: current! };
            }
          }),
        ).then((result) => {
          if (result.kind !== 'none') this.changes.wakeUps.emit();
          return result;
        });
      } catch (e) {
        // The decision's own error comes back as the same object, even if the rollback failed.
        if (decided) throw decided.error;
        const err = translatePgError(e, r, kind === 'delete' ? 'delete' : 'write');
        const raced = kind === 'insert' && err instanceof UniqueViolation && err.fields.join() === 'id';
        if (!raced || attempt === 3) throw err;
      }
    }
  }

  /** One transaction: a restrict violation deletes nothing. */
  async deleteWhere(r: ResourceDef, where: Filter[]): Promise<number> {
    const p = new Params(d);
    const cond = { sql: compileWhere(d, r, where, p), values: p.values };
    const count = await this.run(r, 'delete', (sql) => begin(sql, (tx) => this.deleteLogged(tx, r, cond)));
    if (count) this.changes.wakeUps.emit();
    return count as number;
  }

  /**
   * `fn` with a view of this store whose every operation (kv included) runs on one connection in
   * one transaction (`sql.begin`): committed when `fn` resolves, rolled back when it throws.
   * Inside a transaction, `transaction` is a savepoint.
   */
  async transaction<T>(fn: (tx: Store) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.run(undefined, 'write', (sql) =>
      begin(sql, async (tx) => {
        const view = Object.create(this) as PostgresStore;
        const kv = new PostgresKeyValue((text, params) =>
          view.run(undefined, 'write', (s) => exec(s, text, params)),
        );
        const state = { done: false };
        Object.defineProperties(view, { txSql: { value: tx }, txState: { value: state }, kv: { value: kv } });
        if (options?.failFast) Object.defineProperty(view, 'txFailFast', { value: true });
        try {
          return await fn(view);
        } finally {
          state.done = true;
        }
      }),
    );
  }

  async close(): Promise<void> {
    if (this.txSql) return;
    await this.changes.stop();
    await Promise.all([this.writes.end(), this.reads.end(), this.listener.end({ timeout: 5 })]);
  }
}

/** The UPDATE of `values` over `current` and its parameters (write-compiler.ts compileUpdate). */
function updateOf(r: ResourceDef, id: unknown, current: Row, values: Row, guarded: boolean) {
  const row = stampUpdate(current, values);
  const { sql: text, names } = compileUpdate(d, r, changedFields(d, r, current, values), guarded);
  const params = [...encodeValues(d, r, row, names), id];
  if (guarded) params.push(current._version);
  return { text, params };
}

/** One statement alone is atomic; inside a transaction a savepoint keeps its failure from aborting the rest. */
function atomic<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return 'savepoint' in sql ? sql.savepoint(fn) : fn(sql);
}

/** A pool size from the options: undefined for the default, else a whole number of at least 1. */
function poolSizeOption(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`PostgresStore: ${name} must be a whole number of at least 1, got ${value}`);
  return value;
}

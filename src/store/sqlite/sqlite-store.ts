/** The embedded store: better-sqlite3, WAL, foreign keys on, statements prepared once per shape. */
import type Database from 'better-sqlite3';
import { fromBigInt } from '../../model/exact-integer.js';
import { type Model, type ResourceDef, storedResources } from '../../model/model-types.js';
import type { AggregateQuery } from '../aggregate-query.js';
import { CHANGES_TABLE, type PendingChange } from '../changes/change-log.js';
import { deleteRows, logChanges } from '../changes/change-log-sql.js';
import { currentWriter } from '../changes/write-context.js';
import type { BlobStore } from '../files/blob-store.js';
import type { QueryPlanShape } from '../index-advice.js';
import { type JobStore, SqlJobTable } from '../jobs/job-table.js';
import type { Filter, JsonEmbed, ListQuery } from '../query-types.js';
import { presentColumns, samePresentColumns, stampInsert, stampUpdate } from '../row-stamp.js';
import type { SchemaPlan } from '../schema/schema-plan.js';
import {
  type MigrationRecord,
  runTaskSync,
  type SchemaStatement,
  type SchemaTask,
  type SyncOptions,
} from '../schema/schema-sync.js';
import { type CompiledAggregate, compileAggregate } from '../sql/aggregate-compiler.js';
import { compileSelectCsv } from '../sql/csv-select.js';
import { compileGetJson, compileSelectJson, JSON_RECORD_FACTS } from '../sql/json-select.js';
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
import { StampedCache, statementKey } from '../stamped-cache.js';
import type {
  Decide,
  JsonRecord,
  KeyValueStore,
  ModifyResult,
  Row,
  Store,
  StoreCapabilities,
  TransactionOptions,
} from '../store.js';
import { MissingReference, StillReferenced, UniqueViolation } from '../store-errors.js';
import { openDatabaseFile } from './database-file.js';
import { GroupCommit } from './group-commit.js';
import { dropValueSamples } from './planner-statistics.js';
import { sqliteBlobs } from './sqlite-blobs.js';
import { SqliteChangeLog } from './sqlite-changes.js';
import { regexpFunction } from './sqlite-conversions.js';
import { sqliteDialect as d, rowDecoder } from './sqlite-dialect.js';
import { type SqliteError, translateIoError, uniqueFieldsFromMessage } from './sqlite-errors.js';
import { SqliteKeyValue } from './sqlite-kv.js';
import { planSqliteSchema, sqliteHistory, syncSqliteSchema } from './sqlite-schema.js';
import { type StoredColumn, storedColumns, storedRow } from './stored-row.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';
import { WriterLock } from './writer-lock.js';

interface Prepared {
  get: Database.Statement;
  decode: (row: Record<string, unknown>) => Row;
  /** Decodes the columns beside a record's JSON text (sql/json-select.ts JSON_RECORD_FACTS). */
  decodeFacts: (row: Record<string, unknown>) => Row;
  /** INSERTs by their column list (joined with commas): built once per shape, not per request. */
  insert: Map<string, Database.Statement>;
  /** One-row INSERTs by their column list: with RETURNING, and without it where stored-row.ts knows the row. */
  single: Map<string, SingleInsert>;
}

interface SingleInsert {
  returning: Database.Statement;
  plain: Database.Statement | undefined;
  columns: StoredColumn[] | undefined;
}

export interface SqliteStoreOptions {
  /** File path or `:memory:`. */
  path: string;
  busyTimeoutMs?: number;
  /** How often the worker thread checkpoints the WAL (default 250 ms). */
  walCheckpointMs?: number;
}

/** Most rows in one multi-row INSERT of `insertMany`. */
const MAX_ROWS_PER_INSERT = 256;

/** The `created` entries of rows inserted together, their ids a JSON array of texts (in order). */
const LOG_CREATED_SQL = `INSERT INTO ${CHANGES_TABLE} (resource, id, kind, version, at, caller) SELECT ?, value, 'created', 1, ?, ? FROM json_each(?) ORDER BY key`;
/** The entry of one written row (an insert or an update). */
const LOG_ONE_SQL = `INSERT INTO ${CHANGES_TABLE} (resource, id, kind, version, at, caller) VALUES (?, ?, ?, ?, ?, ?)`;

/** The budget of listJson's kept pages: 8 MiB, some 300 pages of 25 records of a few hundred bytes. */
const KEPT_PAGES_BYTES = 8 * 1024 * 1024;

/** How often the WAL is checkpointed: a window's writes are copied to the database file once. */
const WAL_CHECKPOINT_MS = 250;

export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities;
  private readonly prepared = new Map<string, Prepared>();
  private readonly statements = new Map<string, Database.Statement>();
  /** getJsonNow's SQL per field list (an array the caller keeps) and resource. */
  private readonly jsonSql = new WeakMap<readonly string[], { r: ResourceDef; sql: string | undefined }>();
  private readonly db: Database.Database;
  /** One transaction wrapper for all read-modify-writes (better-sqlite3 builds several functions per wrapper). */
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;
  /** The kv entries as other requests reach them: each waits while a transaction is open. */
  readonly kv: KeyValueStore;
  private readonly rawKv: SqliteKeyValue;
  /** Files of `storage.files.driver: database`, in BLOB chunks (store/files/sql-blob-store.ts). */
  readonly blobs: BlobStore;
  /** Held by an open `transaction`; shared with its view. */
  private readonly lock = new WriterLock();
  /** Set on the view a `transaction` hands out: runs inside it, never waits for it. */
  private readonly txState?: { done: boolean };
  /** Set on the view of a `transaction({ failFast: true })`: single writes take no savepoint. */
  private readonly txFailFast?: boolean;
  private savepoints = 0;
  private logOneStatement?: Database.Statement;
  /** listJson's pages, kept while nothing is written (stamped-cache.ts). */
  private readonly keptPages = new StampedCache<string[]>(KEPT_PAGES_BYTES, (texts) =>
    texts.reduce((n, t) => n + t.length, 0),
  );
  /** changeStampNow's two statements, prepared on its first call. */
  private stampStatements?: [Database.Statement, Database.Statement];
  readonly changes: SqliteChangeLog;
  /** Every stored resource by name; `logged`: those whose changes go to the change log (not verbo's own). */
  private readonly resources = new Map<string, ResourceDef>();
  private readonly logged = new Set<string>();
  readonly jobs: JobStore;
  private readonly checkpointer: WalCheckpointer | undefined;
  /** Single inserts outside a transaction, made in groups (group-commit.ts). */
  private readonly group: GroupCommit;

  constructor(options: SqliteStoreOptions) {
    // An in-memory database belongs to one process; a file in WAL mode can be shared by several.
    this.capabilities = { maxBindParams: 32766, multiProcess: options.path !== ':memory:', failFast: true };
    const db = openDatabaseFile(options.path);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (options.path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.function('regexp', { deterministic: true }, regexpFunction());
    // File databases: a worker thread checkpoints the WAL, never a request (wal-checkpointer.ts).
    this.checkpointer =
      options.path === ':memory:'
        ? undefined
        : startWalCheckpointer(db, options.path, options.walCheckpointMs ?? WAL_CHECKPOINT_MS);
    this.db = db;
    this.tx = db.transaction((fn: () => unknown) => fn());
    const [begin, commit, rollback] = ['BEGIN IMMEDIATE', 'COMMIT', 'ROLLBACK'].map((sql) => db.prepare(sql));
    this.group = new GroupCommit({
      atomically: (fn) => this.guard(() => this.tx.immediate(fn)) as ReturnType<typeof fn>,
      begin: () => this.guard(() => begin.run()),
      commit: () => commit.run(),
      rollback: () => rollback.run(),
      inTransaction: () => db.inTransaction,
      lock: this.lock,
      committed: () => this.changes.wakeUps.emit(),
    });
    this.rawKv = new SqliteKeyValue(db);
    this.kv = gatedKv(this.rawKv, () => this.blocked(), this.lock);
    this.blobs = sqliteBlobs(
      db,
      async () => {
        while (this.blocked()) await this.lock.released();
      },
      this,
    );
    this.changes = new SqliteChangeLog(
      db,
      (name) => this.resources.get(name)?.allFields.get('id')?.storage === 'integer',
    );
    // Outside a transaction each call waits for one to end, like every other operation.
    this.jobs = new SqlJobTable(d, async (sql, values) => {
      while (this.blocked()) await this.lock.released();
      return this.guard(() => {
        const s = this.statement(sql);
        return s.reader
          ? { rows: s.all(...values) as Row[], changes: 0 }
          : { rows: [], changes: s.run(...values).changes };
      });
    });
  }

  /** Whether this call must wait: another caller's transaction holds the one connection. */
  private blocked(): boolean {
    if (!this.txState) return this.lock.held;
    if (this.txState.done) throw new Error('a store transaction was used after it ended');
    return false;
  }

  /**
   * BEGIN IMMEDIATE (the write lock at once, so a second process waits at the start rather than
   * failing midway), `fn` with a view of this store inside the transaction, COMMIT; ROLLBACK when
   * `fn` throws. Other calls on this store wait for the end (better-sqlite3 is one connection).
   * Inside a transaction, `transaction` is a savepoint: its failure undoes only its own writes.
   */
  async transaction<T>(fn: (tx: Store) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (this.txState) return this.savepoint(fn);
    await this.lock.acquire();
    const state = { done: false };
    try {
      this.guard(() => this.db.exec('BEGIN IMMEDIATE'));
      const view = Object.create(this) as SqliteStore;
      Object.defineProperties(view, {
        txState: { value: state },
        kv: { value: this.rawKv },
        txFailFast: { value: options?.failFast === true },
      });
      try {
        const out = await fn(view);
        this.guard(() => this.db.exec('COMMIT'));
        return out;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    } finally {
      state.done = true;
      this.lock.release();
    }
  }

  private async savepoint<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    this.blocked();
    const name = `verbo_sp_${++this.savepoints}`;
    this.guard(() => this.db.exec(`SAVEPOINT ${name}`));
    try {
      const out = await fn(this);
      this.guard(() => this.db.exec(`RELEASE ${name}`));
      return out;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw e;
    }
  }

  async plan(model: Model): Promise<SchemaPlan> {
    while (this.blocked()) await this.lock.released();
    return this.guard(() => planSqliteSchema(this.db, model));
  }

  async migrations(): Promise<MigrationRecord[]> {
    while (this.blocked()) await this.lock.released();
    return this.guard(() => sqliteHistory(this.db));
  }

  /** A consistent copy of the whole database in a new file (`VACUUM INTO`), e.g. before a migration. */
  async backup(path: string): Promise<void> {
    while (this.blocked()) await this.lock.released();
    this.guard(() => this.db.prepare('VACUUM INTO ?').run(path));
  }

  async sync(model: Model, options?: SyncOptions): Promise<SchemaPlan> {
    while (this.blocked()) await this.lock.released();
    const plan = this.guard(() => syncSqliteSchema(this.db, model, options));
    this.guard(() => dropValueSamples(this.db));
    this.rawKv.init();
    for (const r of model.resources) this.logged.add(r.name);
    for (const r of storedResources(model)) {
      this.resources.set(r.name, r);
      this.prepared.set(r.name, {
        get: this.db.prepare(compileGetById(d, r)).safeIntegers(true),
        decode: rowDecoder(r.allFields.values()),
        decodeFacts: rowDecoder(JSON_RECORD_FACTS.flatMap((n) => r.allFields.get(n) ?? [])),
        insert: new Map(),
        single: new Map(),
      });
    }
    return plan;
  }

  private meta(r: ResourceDef): Prepared {
    const p = this.prepared.get(r.name);
    if (!p) throw new Error(`resource ${r.name} was not synced`);
    return p;
  }

  /**
   * Cache of statements by SQL text: a query shape is prepared once, then reused. Statements that
   * return rows read integers as BigInt, so a 64-bit value keeps its digits (the decoder converts).
   */
  private statement(sql: string, pluck = false): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      // One column of text (a record's JSON, store/sql/json-select.ts): the value alone.
      if (pluck) s.pluck(true);
      else if (s.reader) s.safeIntegers(true);
      if (this.statements.size > 2000) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw translateIoError(e as SqliteError);
    }
  }

  /** An id as the driver binds it: an integer id beyond 2^53 arrives as its digits (model/exact-integer.ts). */
  private key(r: ResourceDef, id: unknown): unknown {
    return r.allFields.get('id')!.storage === 'integer' && typeof id === 'string' ? BigInt(id) : id;
  }

  async get(r: ResourceDef, id: unknown): Promise<Row | undefined> {
    while (this.blocked()) await this.lock.released();
    const m = this.meta(r);
    const row = this.guard(() => m.get.get(this.key(r, id))) as Row | undefined;
    return row && m.decode(row);
  }

  async getJson(
    r: ResourceDef,
    id: unknown,
    fields: readonly string[],
  ): Promise<JsonRecord | undefined | null> {
    while (this.blocked()) await this.lock.released();
    return this.getJsonNow(r, id, fields) as JsonRecord | undefined | null;
  }

  getJsonNow(r: ResourceDef, id: unknown, fields: readonly string[]): JsonRecord | undefined | null | false {
    if (this.blocked()) return false;
    // The shortcut passes the same field list every time: its SQL is looked up without joining it.
    let known = this.jsonSql.get(fields);
    if (known?.r !== r) {
      known = { r, sql: compileGetJson(d, r, fields) };
      this.jsonSql.set(fields, known);
    }
    const { sql } = known;
    if (!sql) return null;
    const row = this.guard(() => this.statement(sql).get(this.key(r, id))) as Row | undefined;
    if (!row) return undefined;
    const json = row._json as string;
    row._json = undefined;
    return { json, row: this.meta(r).decodeFacts(row) };
  }

  changeStampNow(): string | false {
    if (this.blocked()) return false;
    // data_version moves on every commit by another connection or process, total_changes() on
    // every row this connection inserts, updates or deletes (triggers' included).
    this.stampStatements ??= [
      this.db.prepare('PRAGMA data_version').pluck(),
      this.db.prepare('SELECT total_changes()').pluck(),
    ];
    const [version, changes] = this.stampStatements;
    return this.guard(() => `${version.get()}:${changes.get()}`);
  }

  async list(r: ResourceDef, query: ListQuery): Promise<Row[]> {
    while (this.blocked()) await this.lock.released();
    const m = this.meta(r);
    const c = compileSelect(d, r, query);
    const rows = this.guard(() => this.statement(c.sql).all(...c.values)) as Row[];
    if (c.reversed) rows.reverse();
    for (const row of rows) m.decode(row);
    // Related values a list sorts by (relation-query.ts) are columns too: the cursor carries them.
    if (query.related?.length)
      rows.forEach(rowDecoder(query.related.map((v) => ({ ...v.field, name: v.name }))));
    return rows;
  }

  async listJson(
    r: ResourceDef,
    query: ListQuery,
    fields: readonly string[],
    embeds?: readonly JsonEmbed[],
  ): Promise<string[] | undefined> {
    while (this.blocked()) await this.lock.released();
    const c = compileSelectJson(d, r, query, fields, embeds);
    if (!c) return undefined;
    // Outside a transaction a page is committed state: kept under the stamp read before it, it is
    // the answer again until anything is written (stamped-cache.ts). Callers get their own array.
    const stamp = this.db.inTransaction ? false : this.changeStampNow();
    const key = stamp === false ? '' : statementKey(c.sql, c.values);
    const kept = stamp === false ? undefined : this.keptPages.get(key, stamp);
    if (kept) return kept.slice();
    const texts = this.guard(() => this.statement(c.sql, true).all(...c.values)) as string[];
    if (c.reversed) texts.reverse();
    if (stamp !== false) this.keptPages.set(key, stamp, texts.slice());
    return texts;
  }

  async listCsv(
    r: ResourceDef,
    query: ListQuery,
    fields: readonly string[],
  ): Promise<{ lines: string[]; last?: Row } | undefined> {
    while (this.blocked()) await this.lock.released();
    const c = compileSelectCsv(d, r, query, fields);
    if (!c) return undefined;
    const rows = this.guard(() => this.statement(c.sql).all(...c.values)) as Row[];
    if (c.reversed) rows.reverse();
    const lines = rows.map((row) => row._csv as string);
    const last = rows.at(-1);
    return { lines, last: last && this.meta(r).decode({ ...last }) };
  }

  async explain(r: ResourceDef, query: ListQuery): Promise<QueryPlanShape> {
    while (this.blocked()) await this.lock.released();
    const c = compileSelect(d, r, query);
    const rows = this.guard(() => this.db.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...c.values)) as {
      detail: string;
    }[];
    const detail = rows.map((x) => x.detail).join('\n');
    return {
      scansTable: /^SCAN /m.test(detail),
      sortsRows: /USE TEMP B-TREE FOR (RIGHT PART OF )?ORDER BY/.test(detail),
      detail,
    };
  }

  async count(r: ResourceDef, where: Filter[]): Promise<number> {
    while (this.blocked()) await this.lock.released();
    const c = compileCount(d, r, where);
    return Number((this.guard(() => this.statement(c.sql).get(...c.values)) as { n: bigint }).n);
  }

  async aggregate(r: ResourceDef, query: AggregateQuery): Promise<Record<string, unknown>[]> {
    while (this.blocked()) await this.lock.released();
    const read = (c: CompiledAggregate) =>
      (this.guard(() => this.statement(c.sql).all(...c.values)) as Record<string, unknown>[]).map(c.decode);
    try {
      return read(compileAggregate(d, r, query));
    } catch (e) {
      // SUM of integers past the 64-bit range: again, with each sum taken in two exact halves.
      if (!/integer overflow/.test(String((e as Error).message))) throw e;
      return read(compileAggregate(d, r, query, true));
    }
  }

  async estimateCount(r: ResourceDef, where: Filter[], exactUpTo: number): Promise<number> {
    while (this.blocked()) await this.lock.released();
    const c = compileCappedCount(d, r, where, exactUpTo);
    return Number((this.guard(() => this.statement(c.sql).get(...c.values)) as { n: bigint }).n);
  }

  private insertRow(r: ResourceDef, values: Row, now?: string): Row {
    const row = stampInsert(r, values, now);
    const names = presentColumns(row);
    const m = this.meta(r);
    const shape = names.join(',');
    let insert = m.single.get(shape);
    if (!insert) {
      const returning = this.db.prepare(compileInsert(d, r, names)).safeIntegers(true);
      const columns = storedColumns(returning, names);
      const plain = columns && this.db.prepare(compileInsert(d, r, names, false)).safeIntegers(true);
      insert = { returning, plain, columns };
      if (m.single.size >= 64) m.single.clear();
      m.single.set(shape, insert);
    }
    const { returning, plain, columns } = insert;
    const bound = encodeValues(d, r, row, names);
    // The row as stored, known without RETURNING when its values say it exactly (stored-row.ts).
    const stored = plain && columns && storedRow(columns, bound);
    if (stored) {
      const info = this.writeGuard(r, row, () => plain.run(...bound));
      if (stored.id === undefined) stored.id = info.lastInsertRowid;
      return m.decode(stored);
    }
    // .all(), not .get(): stepping to the end completes the statement, so in autocommit the COMMIT
    // runs (and fails, e.g. disk full) inside this call rather than after the row was handed back.
    const out = this.writeGuard(r, row, () => returning.all(...bound)[0]) as Row;
    return m.decode(out);
  }

  /**
   * The row and its change-log entry in one transaction (a savepoint inside `transaction`); a failed
   * commit (disk full) throws here, so no 201 is ever given for a lost record. Outside a transaction
   * the insert joins the round's group commit (group-commit.ts).
   */
  async insert(r: ResourceDef, values: Row): Promise<Row> {
    const write = () => {
      const now = new Date().toISOString();
      const row = this.insertRow(r, values, now);
      this.logOne(r.name, row.id, 'created', Number(row._version), now, currentWriter());
      return row;
    };
    if (!this.txState) return this.group.run(write);
    // Inside a transaction nothing waits; blocked() throws for a view used after its transaction ended.
    this.blocked();
    const row = this.guard(() => this.atomically(write));
    this.changes.wakeUps.emit();
    return row;
  }

  /**
   * Inserts rows with multi-row INSERTs and no RETURNING (which makes an insert into an indexed
   * table about five times slower on SQLite): each row is what was written (fields not given are
   * NULL, the id the table assigned). A run of rows naming the same columns goes in as statements
   * of 2^k rows (at most MAX_ROWS_PER_INSERT), so a shape prepares at most a handful; one statement
   * per many rows also spares a full-text index the flush it does at the end of every statement.
   * Store-assigned ids are consecutive within a statement (one writer, AUTOINCREMENT): the last
   * insert rowid names them all.
   */
  private insertKnown(r: ResourceDef, rows: Row[]): Row[] {
    const now = new Date().toISOString();
    const m = this.meta(r);
    const out = rows.map((values) => stampInsert(r, values, now));
    let i = 0;
    while (i < out.length) {
      const names = presentColumns(out[i]);
      const shape = names.join(',');
      let end = i + 1;
      while (end < out.length && samePresentColumns(out[end], names)) end++;
      for (const k of statementSizes(
        end - i,
        names.length,
        MAX_ROWS_PER_INSERT,
        this.capabilities.maxBindParams,
      )) {
        const key = `known:${k}:${shape}`;
        let insert = m.insert.get(key);
        if (!insert) {
          insert = this.db.prepare(compileInsertMany(d, r, names, k)).safeIntegers(true);
          if (m.insert.size >= 64) m.insert.clear();
          m.insert.set(key, insert);
        }
        const part = out.slice(i, i + k);
        const values = encodeRows(d, r, part, names);
        const statement = insert;
        const info = this.writeGuard(r, part, () => statement.run(values));
        if (!names.includes('id')) {
          const last = BigInt(info.lastInsertRowid);
          part.forEach((row, j) => {
            row.id = fromBigInt(last - BigInt(k - 1 - j));
          });
        }
        i += k;
      }
    }
    for (const row of out) for (const f of r.fields) if (row[f.name] === undefined) row[f.name] = null;
    return out;
  }

  async insertMany(r: ResourceDef, rows: Row[]): Promise<Row[]> {
    while (this.blocked()) await this.lock.released();
    // One savepoint and one change-log statement for the lot: the per-row costs an import pays once.
    const written = this.guard(() =>
      this.tx.immediate(() => {
        const out = this.insertKnown(r, rows);
        if (out.length && this.logged.has(r.name))
          this.statement(LOG_CREATED_SQL).run(
            r.name,
            new Date().toISOString(),
            currentWriter(),
            JSON.stringify(out.map((row) => String(row.id))),
          );
        return out;
      }),
    ) as Row[];
    if (written.length) this.changes.wakeUps.emit();
    return written;
  }

  /** Runs a task of statements on the connection (the change log's SQL). */
  private task<T>(task: SchemaTask<T>): T {
    return runTaskSync(task, (s: SchemaStatement) => {
      const statement = this.statement(s.sql);
      if (statement.reader) return statement.all(...(s.values ?? [])) as Record<string, unknown>[];
      statement.run(...(s.values ?? []));
      return [];
    });
  }

  /** Logs the change of one row, in the write's transaction: one statement, prepared once. */
  private logOne(
    resource: string,
    id: unknown,
    kind: 'created' | 'updated',
    version: number,
    at: string,
    caller: string | null,
  ): void {
    if (!this.logged.has(resource)) return;
    this.logOneStatement ??= this.db.prepare(LOG_ONE_SQL);
    this.logOneStatement.run(resource, String(id), kind, version, at, caller);
  }

  /** Logs the changes of the write in progress, in its transaction (changes/change-log.ts). */
  private log(changes: PendingChange[]): void {
    const kept = changes.filter((c) => this.logged.has(c.resource));
    if (kept.length) this.task(logChanges(d, kept, new Date().toISOString(), currentWriter()));
  }

  /** Deletes the rows matching `cond`, and logs them and what ON DELETE does to their referrers. */
  private deleteLogged(r: ResourceDef, cond: { sql: string; values: unknown[] }): number {
    const lookup = (name: string) => this.resources.get(name)!;
    const { count, changes } = this.writeGuard(r, undefined, () =>
      this.task(deleteRows(d, lookup, r, cond, new Date().toISOString())),
    );
    this.log(changes);
    return count;
  }

  private updateRow(r: ResourceDef, id: unknown, current: Row, values: Row): Row {
    const m = this.meta(r);
    const row = stampUpdate(current, values);
    const update = compileUpdate(d, r, changedFields(d, r, current, values));
    const out = this.writeGuard(r, row, () =>
      this.statement(update.sql).get(...encodeValues(d, r, row, update.names), this.key(r, id)),
    ) as Row;
    return m.decode(out);
  }

  async modify(r: ResourceDef, id: unknown, decide: Decide): Promise<ModifyResult> {
    while (this.blocked()) await this.lock.released();
    const m = this.meta(r);
    const run = (): ModifyResult => {
      const raw = m.get.get(this.key(r, id)) as Row | undefined;
      const current = raw && m.decode(raw);
      const change = decide(current);
      switch (change.kind) {
        case 'none':
          return { kind: 'none', row: current };
        case 'insert': {
          const now = new Date().toISOString();
          const row = this.insertRow(r, { ...change.values, id }, now);
          this.logOne(r.name, row.id, 'created', Number(row._version), now, currentWriter());
          return { kind: 'inserted', row };
        }
        case 'update': {
          const row = this.updateRow(r, id, current!, change.values);
          this.logOne(
            r.name,
            row.id,
            'updated',
            Number(row._version),
            new Date().toISOString(),
            currentWriter(),
          );
          return { kind: 'updated', row };
        }
        case 'delete':
          this.deleteLogged(r, { sql: 'id = ?', values: [this.key(r, id)] });
          return { kind: 'deleted', row: current! };
      }
    };
    // Made with the round's other single writes, in this caller's context (group-commit.ts).
    if (!this.txState) return this.group.run(run);
    const result = this.guard(() => this.atomically(run));
    if (result.kind !== 'none') this.changes.wakeUps.emit();
    return result;
  }

  async deleteWhere(r: ResourceDef, where: Filter[]): Promise<number> {
    while (this.blocked()) await this.lock.released();
    const p = new Params(d);
    const cond = { sql: compileWhere(d, r, where, p), values: p.values };
    const count = this.guard(() => this.tx.immediate(() => this.deleteLogged(r, cond)) as number);
    if (count) this.changes.wakeUps.emit();
    return count;
  }

  /** `fn` all or nothing: a savepoint inside a transaction, none inside a fail-fast one (TransactionOptions). */
  private atomically<T>(fn: () => T): T {
    return this.txFailFast ? fn() : (this.tx.immediate(fn) as T);
  }

  /**
   * Runs a write of `rows` (a row, the rows of a multi-row INSERT, undefined for deletes) and turns
   * constraint failures into neutral errors.
   */
  private writeGuard<T>(r: ResourceDef, rows: Row | Row[] | undefined, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      const err = e as SqliteError;
      if (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new UniqueViolation(uniqueFieldsFromMessage(err.message, r.name));
      }
      // RESTRICT actions report SQLITE_CONSTRAINT_TRIGGER; deferred checks SQLITE_CONSTRAINT_FOREIGNKEY.
      if (
        err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ||
        (err.code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/.test(err.message))
      ) {
        // SQLite does not say which key failed: the model's reference fields are checked one by one;
        // should none be missing (a key still on an old table), every set reference is named.
        if (rows) {
          const each = Array.isArray(rows) ? rows : [rows];
          const setOf = (row: Row) => r.fields.filter((f) => f.reference && row[f.name] != null);
          const missingOf = (row: Row) =>
            setOf(row).filter((f) => !this.exists(f.reference!.resource, d.encode(row[f.name], f.storage)));
          // Of several rows, the first whose reference is missing (the statement failed as a whole).
          const row = each.find((x) => missingOf(x).length) ?? each[0];
          const missing = missingOf(row);
          throw new MissingReference((missing.length ? missing : setOf(row)).map((f) => f.name));
        }
        throw new StillReferenced(r.toMany.filter((t) => t.onDelete === 'restrict').map((t) => t.resource));
      }
      throw translateIoError(err);
    }
  }

  private exists(resource: string, id: unknown): boolean {
    return this.statement(`SELECT 1 FROM ${d.quote(resource)} WHERE id = ?`).get(id) !== undefined;
  }

  async close(): Promise<void> {
    if (this.txState) return;
    await this.group.idle();
    this.changes.stop();
    await this.checkpointer?.stop();
    // The last connection to close checkpoints the WAL and removes it.
    if (this.db.open) this.db.close();
  }
}

/** The kv entries for callers outside a transaction: each call waits while one is open. */
function gatedKv(kv: SqliteKeyValue, blocked: () => boolean, lock: WriterLock): KeyValueStore {
  return {
    async putIfAbsent(namespace, key, value, ttlMs) {
      while (blocked()) await lock.released();
      return kv.putIfAbsent(namespace, key, value, ttlMs);
    },
    async get(namespace, key) {
      while (blocked()) await lock.released();
      return kv.get(namespace, key);
    },
    async set(namespace, key, value, ttlMs) {
      while (blocked()) await lock.released();
      return kv.set(namespace, key, value, ttlMs);
    },
    async delete(namespace, key) {
      while (blocked()) await lock.released();
      return kv.delete(namespace, key);
    },
  };
}

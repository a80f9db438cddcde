/**
 * Reads of one record by id, gathered: while `limit` statements of a resource are in flight, the
 * next reads wait and then go as one statement (`compileGetMany`), the way group commit gathers
 * writes. Under load a W1 of 50 clients becomes a few statements of ten ids each, so the driver and
 * the database pay their per-statement cost once for many requests; with nothing in flight a read
 * goes at once, alone, and waits for nobody.
 *
 * A read waits at most HOLD_MS for a statement in flight to settle: past that, what waited goes
 * anyway (one more statement), so a statement stuck on a lock holds up nobody for long, and every
 * read meets the read pool's own limits (its acquire timeout, StoreUnavailable) as it would alone.
 *
 * Exact as a read of its own: a gathered statement is sent after every read in it was asked for,
 * so each sees every write committed before it was asked (and maybe later ones, as a read of its own
 * sent a little later would). A gathered statement that fails is sent again as one read per id, so
 * one bad id answers only its own request (unless the database is out of reach: StoreUnavailable
 * answers them all).
 */
import type { ResourceDef } from '../../model/model-types.js';
import type { Row } from '../store.js';
import { StoreUnavailable } from '../store-errors.js';
import { ARRAY_TYPES, pgDialect } from './postgres-dialect.js';
import { pgRowColumns } from './postgres-search.js';

interface Waiter {
  id: unknown;
  resolve: (row: Row | undefined) => void;
  reject: (e: unknown) => void;
}

/** Longest a read waits, unsent, for a statement in flight to settle. */
export const HOLD_MS = 5;

export class GetBatcher {
  private queue: Waiter[] = [];
  private inFlight = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly limit: number,
    private readonly one: (id: unknown) => Promise<Row | undefined>,
    /** The rows of `ids` in their order, undefined where there is none. */
    private readonly many: (ids: unknown[]) => Promise<(Row | undefined)[]>,
  ) {}

  get(id: unknown): Promise<Row | undefined> {
    if (this.inFlight < this.limit) return this.track(this.one(id));
    return new Promise((resolve, reject) => {
      if (!this.queue.length) {
        this.timer = setTimeout(() => this.send(), HOLD_MS);
        this.timer.unref();
      }
      this.queue.push({ id, resolve, reject });
    });
  }

  private track<T>(pending: Promise<T>): Promise<T> {
    this.inFlight++;
    const done = () => {
      this.inFlight--;
      this.drain();
    };
    pending.then(done, done);
    return pending;
  }

  /** Sends what waited once a statement in flight has settled. */
  private drain(): void {
    if (this.queue.length && this.inFlight < this.limit) this.send();
  }

  /** What waited, as one statement. */
  private send(): void {
    clearTimeout(this.timer);
    const batch = this.queue;
    if (!batch.length) return;
    this.queue = [];
    if (batch.length === 1) {
      const [w] = batch;
      this.track(this.one(w.id)).then(w.resolve, w.reject);
      return;
    }
    this.track(this.many(batch.map((w) => w.id))).then(
      (rows) => {
        for (let i = 0; i < batch.length; i++) batch[i].resolve(rows[i]);
      },
      (e) => {
        // The database out of reach answers every read alike; any other failure may be one id's.
        if (e instanceof StoreUnavailable) for (const w of batch) w.reject(e);
        else for (const w of batch) this.one(w.id).then(w.resolve, w.reject);
      },
    );
  }
}

/**
 * The rows of an array of ids (`$1`), one per id in the array's order, with every column NULL
 * where there is no such row (ids are never NULL): the same columns, in the same order, as
 * compileGetById's, so a gathered row is the row a read of its own would give. Each id is looked up
 * by its own index scan whatever the planner's statistics say (LIMIT keeps the lateral subquery from
 * being flattened into a join the planner could turn into a scan of the table).
 */
export function compileGetMany(r: ResourceDef): string {
  const storage = r.allFields.get('id')?.storage ?? 'integer';
  const table = pgDialect.quote(r.name);
  // Text columns carry the "C" collation; the array's elements must compare under it too.
  const key = storage === 'text' ? '_verbo_ids.v COLLATE "C"' : '_verbo_ids.v';
  return (
    `SELECT _verbo_row.* FROM unnest($1::${ARRAY_TYPES[storage]}[]) WITH ORDINALITY AS _verbo_ids(v, i) ` +
    `LEFT JOIN LATERAL (SELECT ${pgRowColumns(r) ?? '*'} FROM ${table} WHERE ${table}.id = ${key} LIMIT 1) AS _verbo_row ON true ` +
    'ORDER BY _verbo_ids.i'
  );
}

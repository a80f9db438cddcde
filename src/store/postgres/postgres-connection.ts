/** One postgres.js pool as verbo opens it (the write pool and the read pool alike), and one statement on it. */
import postgres from 'postgres';
import type { Row } from '../store.js';
import { pgDriverTypes, toPgParams } from './postgres-dialect.js';

export type Result = Row[] & { count: number };

/** What a statement runs on: a postgres.js pool (a read connection) or a leased write connection. */
export interface Runner {
  unsafe(text: string, values: never[], options: { prepare: boolean }): PromiseLike<unknown>;
}

/** How long a statement waits for a row or table lock before it is refused (ms). */
export const LOCK_TIMEOUT_MS = 5000;

export interface PoolSettings {
  /** Most connections the pool opens. */
  max: number;
  /** Longest wait for a new connection to connect (ms). */
  connectTimeoutMs: number;
  lockTimeoutMs?: number;
  /** Called each time one of the pool's connections closes (an error, the server gone, idle). */
  onclose?: () => void;
  /**
   * `null`: a connection is never closed for its age. postgres.js otherwise closes one after 30–60
   * minutes the moment it is idle, which for a write connection may be between two statements of
   * a transaction (the write pool runs BEGIN … COMMIT as plain statements).
   */
  maxLifetimeSeconds?: null;
}

/** A pool whose every connection has the same session settings, so either pool reads a value the same way. */
export function connectPool(url: string, settings: PoolSettings): postgres.Sql {
  return postgres(url, {
    max: settings.max,
    connect_timeout: settings.connectTimeoutMs / 1000,
    idle_timeout: 60,
    // Reconnect attempts back off at most 1 s, so the store recovers quickly once the database is back.
    backoff: (attempt) => Math.min(0.05 * 2 ** attempt, 1),
    fetch_types: false,
    types: pgDriverTypes,
    transform: { undefined: null },
    // The text forms the parsers rely on, whatever the server's defaults: UTC ISO dates, exact doubles.
    connection: {
      TimeZone: 'UTC',
      DateStyle: 'ISO, MDY',
      extra_float_digits: 3,
      application_name: 'verbo',
      // A request never waits forever on a row lock held by a stuck transaction: after 5 s it is
      // refused with 503 + Retry-After (55P03, postgres-errors.ts). Schema sync lifts this.
      lock_timeout: settings.lockTimeoutMs ?? LOCK_TIMEOUT_MS,
    },
    onnotice: () => {},
    ...(settings.onclose ? { onclose: settings.onclose } : {}),
    ...(settings.maxLifetimeSeconds === null ? { max_lifetime: null } : {}),
  });
}

/** A prepared statement with compiled values (arrays become literals). */
export function exec(sql: Runner, text: string, values: unknown[]): Promise<Result> {
  return sql.unsafe(text, toPgParams(values), { prepare: true }) as Promise<Result>;
}

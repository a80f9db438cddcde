/**
 * The read pool: plain autocommit reads (get, list, count, aggregates, the change log) on
 * connections of their own, on which postgres.js pipelines statements (several in flight on one
 * connection, answered in order). Writes and transactions never run here, so a read never waits
 * behind a write stuck on a row lock, and reads never take the write pool's slots.
 */
import type postgres from 'postgres';
import { Gate, noConnectionWithin } from './pool-gate.js';
import { connectPool, exec, type Result } from './postgres-connection.js';

/** Reads in flight per connection of the read pool (the gate's size is connections × this). */
export const READ_PIPELINE_DEPTH = 8;

export interface ReadPoolSettings {
  connections: number;
  acquireTimeoutMs: number;
  lockTimeoutMs?: number;
}

export class PostgresReadPool {
  private readonly sql: postgres.Sql;
  private readonly gate: Gate;

  constructor(url: string, settings: ReadPoolSettings) {
    this.gate = new Gate(settings.connections * READ_PIPELINE_DEPTH, settings.acquireTimeoutMs);
    this.sql = connectPool(url, {
      max: settings.connections,
      connectTimeoutMs: settings.acquireTimeoutMs,
      lockTimeoutMs: settings.lockTimeoutMs,
    });
  }

  /**
   * One statement. It waits at most the acquire timeout in all to be handed to a connection: first
   * for a slot at the gate, then in the driver's queue (while connections connect, or cannot
   * because the database is down). Past that the caller gets StoreUnavailable; the statement keeps
   * its slot until the driver settles it, so abandoned statements never pile up past the gate.
   */
  async query(text: string, values: unknown[]): Promise<Result> {
    const deadline = performance.now() + this.gate.timeoutMs;
    await this.gate.acquire();
    const pending = exec(this.sql, text, values);
    const settled = pending.finally(() => this.gate.release());
    return new Promise<Result>((resolve, reject) => {
      // The driver sets `state` (the backend it runs on) when it hands the statement to a connection.
      const timer = setTimeout(
        () => {
          if (!(pending as unknown as { state: unknown }).state)
            reject(noConnectionWithin(this.gate.timeoutMs));
        },
        Math.max(0, deadline - performance.now()),
      );
      settled.then(
        (rows) => {
          clearTimeout(timer);
          resolve(rows);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  end(): Promise<void> {
    return this.sql.end({ timeout: 5 });
  }
}

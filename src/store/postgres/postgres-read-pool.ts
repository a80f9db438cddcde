/**
 * The read pool: plain autocommit reads (get, list, count, aggregates, the change log) on
 * connections of their own, on which postgres.js pipelines statements (several in flight on one
 * connection, answered in order). Writes and transactions never run here, so a read never waits
 * behind a write stuck on a row lock, and reads never take the write pool's slots.
 *
 * Each connection is a postgres.js pool of one: a read goes to the connection with the fewest in
 * flight, so one slow read holds up few others. (In one postgres.js pool of several connections
 * every pipelined statement scans a list of busy connections that grows with each statement until
 * all of them are idle at once: 11% of the CPU of W1 at 50 clients, driver 3.4.9.)
 */
import { Gate, noConnectionWithin } from './pool-gate.js';
import { exec, type Result } from './postgres-connection.js';
import { RenewedConnection } from './renewed-connection.js';

/** Reads in flight per connection of the read pool (the gate's size is connections × this). */
export const READ_PIPELINE_DEPTH = 8;

export interface ReadPoolSettings {
  connections: number;
  acquireTimeoutMs: number;
  lockTimeoutMs?: number;
}

export class PostgresReadPool {
  private readonly connections: RenewedConnection[];
  /** Statements in flight on each connection. */
  private readonly load: number[];
  private readonly gate: Gate;

  constructor(url: string, settings: ReadPoolSettings) {
    // Every connection has READ_PIPELINE_DEPTH or fewer in flight: the gate admits no more than all
    // of them can take, and a read goes to the least loaded.
    this.gate = new Gate(settings.connections * READ_PIPELINE_DEPTH, settings.acquireTimeoutMs);
    // Each connection starts afresh after it closes (renewed-connection.ts: a postgres.js 3.4.x
    // reconnect could keep a statement unsent; test/store/postgres-read-pool.test.ts cuts them mid-load).
    this.connections = Array.from(
      { length: settings.connections },
      () =>
        new RenewedConnection(url, {
          connectTimeoutMs: settings.acquireTimeoutMs,
          lockTimeoutMs: settings.lockTimeoutMs,
        }),
    );
    this.load = this.connections.map(() => 0);
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
    let i = 0;
    for (let j = 1; j < this.load.length; j++) if (this.load[j] < this.load[i]) i = j;
    this.load[i]++;
    const pending = exec(this.connections[i], text, values);
    const settled = pending.finally(() => {
      this.load[i]--;
      this.gate.release();
    });
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

  async end(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.end(5)));
  }
}

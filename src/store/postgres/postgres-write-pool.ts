/**
 * The write pool: writes, transactions, kv, blobs, jobs and schema work, each on a connection it
 * holds alone for its duration (a lease). Each connection starts afresh after it closes
 * (renewed-connection.ts), and transactions are this module's own BEGIN … COMMIT on the lease.
 *
 * Why not postgres.js's `begin` on one pool of several connections: besides the reconnect that
 * could keep a statement unsent (renewed-connection.ts), a transaction whose connection closed
 * still sends its next statement, or `begin`'s own ROLLBACK, to the closed socket; postgres.js
 * 3.4.x then throws from a timer (`nextWrite`: socket is null), which would end the process. A
 * lease knows its connection closed (postgres.js calls `onclose` synchronously, before anything
 * else can run), refuses every later statement with CONNECTION_CLOSED (a 503), and never lets one
 * reach the old connection or run outside its transaction on a new one.
 */
import type postgres from 'postgres';
import { Gate } from './pool-gate.js';
import type { Result } from './postgres-connection.js';
import { RenewedConnection } from './renewed-connection.js';

export interface WritePoolSettings {
  connections: number;
  acquireTimeoutMs: number;
  lockTimeoutMs?: number;
}

/** What a statement on a lease can be given (postgres.js `unsafe`'s own arguments). */
export type Values = postgres.ParameterOrJSON<never>[];

/** One connection held alone: statements in order, refused once the connection has closed. */
export interface Conn {
  unsafe(text: string, values?: Values, options?: { prepare?: boolean }): Promise<Result>;
  /** The connection's state is unknown (a ROLLBACK failed on it): it is closed, never reused. */
  discard?(): void;
}

/** A connection inside a transaction: a nested unit of work is a savepoint. */
export interface TxConn extends Conn {
  savepoint<T>(fn: (tx: TxConn) => Promise<T>): Promise<T>;
}

/** The error a statement on a closed connection gets: postgres.js's own code, so it maps to 503. */
function closedError(): Error {
  return Object.assign(new Error('write failed: the connection to the database was closed'), {
    code: 'CONNECTION_CLOSED',
  });
}

class Lease implements Conn {
  /** The connection closed after taking one of this lease's statements: nothing more is sent. */
  dead = false;
  discarded = false;
  /** This lease's statements (the driver's query objects: `state` is set once one is handed over). */
  private readonly statements: { state?: unknown }[] = [];
  constructor(private readonly connection: RenewedConnection) {}

  discard(): void {
    this.discarded = true;
  }

  /**
   * The connection closed. A close while it was still connecting took none of this lease's
   * statements (postgres.js sends them once it is connected): the lease goes on.
   */
  closed(): void {
    if (this.statements.some((q) => q.state)) this.dead = true;
  }

  unsafe(text: string, values?: Values, options?: { prepare?: boolean }): Promise<Result> {
    if (this.dead) return Promise.reject(closedError());
    const query = this.connection.unsafe(text, values as never[] | undefined, options);
    this.statements.push(query as unknown as { state?: unknown });
    return query;
  }
}

export class PostgresWritePool {
  private readonly connections: RenewedConnection[];
  /** The lease holding each connection, if any. */
  private readonly leases: (Lease | undefined)[];
  private readonly free: number[];
  private readonly gate: Gate;

  constructor(url: string, settings: WritePoolSettings) {
    this.gate = new Gate(settings.connections, settings.acquireTimeoutMs);
    this.connections = Array.from(
      { length: settings.connections },
      (_, i) =>
        new RenewedConnection(url, {
          connectTimeoutMs: settings.acquireTimeoutMs,
          lockTimeoutMs: settings.lockTimeoutMs,
          // Never closed for its age mid-transaction (postgres-connection.ts). A connection still
          // closes after 60 s idle, so a transaction that sends nothing for a minute loses it (503).
          maxLifetimeSeconds: null,
          // Called synchronously inside the driver's close, before anything else can run.
          onclose: () => {
            this.leases[i]?.closed();
          },
        }),
    );
    this.leases = this.connections.map(() => undefined);
    this.free = this.connections.map((_, i) => i);
  }

  /** `fn` on a connection of its own (StoreUnavailable when none is free within the acquire timeout). */
  async lease<T>(fn: (conn: Conn) => Promise<T>): Promise<T> {
    await this.gate.acquire();
    const i = this.free.pop()!;
    const lease = new Lease(this.connections[i]);
    this.leases[i] = lease;
    try {
      return await fn(lease);
    } finally {
      this.leases[i] = undefined;
      if (lease.discarded) this.connections[i].renew();
      this.free.push(i);
      this.gate.release();
    }
  }

  async end(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.end(5)));
  }
}

/**
 * `fn` in a transaction on `conn` (`mode`: e.g. 'read only'), or in a savepoint when `conn` is
 * already in one: committed when `fn` resolves, rolled back when it throws. When the ROLLBACK
 * cannot be sent or fails, the connection is discarded, never handed on inside a transaction.
 */
export async function begin<T>(conn: Conn | TxConn, fn: (tx: TxConn) => Promise<T>, mode = ''): Promise<T> {
  if ('savepoint' in conn) return conn.savepoint(fn);
  await conn.unsafe(`BEGIN ${mode}`.trim());
  let savepoints = 0;
  const tx: TxConn = {
    unsafe: (text, values, options) => conn.unsafe(text, values, options),
    discard: () => conn.discard?.(),
    async savepoint<U>(inner: (t: TxConn) => Promise<U>): Promise<U> {
      const name = `verbo_sp_${++savepoints}`;
      await conn.unsafe(`SAVEPOINT ${name}`);
      try {
        const out = await inner(tx);
        await conn.unsafe(`RELEASE SAVEPOINT ${name}`);
        return out;
      } catch (e) {
        await conn.unsafe(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => {});
        throw e;
      }
    },
  };
  let out: T;
  try {
    out = await fn(tx);
  } catch (e) {
    await conn.unsafe('ROLLBACK').catch(() => conn.discard?.());
    throw e;
  }
  await conn.unsafe('COMMIT');
  return out;
}

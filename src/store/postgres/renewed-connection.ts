/**
 * One database connection that starts afresh after it closes: a postgres.js pool of one, replaced
 * by a new pool when a connection that had taken a statement closes (both pools build on it).
 *
 * postgres.js 3.4.x clears a connection's write timer on close without resetting it (connection.js
 * `closed()`), so after a close with a write pending, a statement sent on the reconnected
 * connection can sit unsent until the next close: a request that never answers. A new pool starts
 * clean; whatever the old one still holds fails with CONNECTION_DESTROYED, a 503 like the close.
 *
 * A connection that never took a statement (the database is down, refusing) is not replaced:
 * postgres.js's own reconnect keeps its back-off. (Replacing those too made a new pool per refused
 * statement, with no back-off: about a hundred connections at once when the database came back.)
 * Except when a statement has waited the whole connect timeout: the startup message is written
 * the same way, and a cut right after the socket connected can leave it unsent on every later
 * attempt of that pool, which would then never connect again.
 */
import type postgres from 'postgres';
import { connectPool, type Result } from './postgres-connection.js';

export interface RenewedConnectionSettings {
  connectTimeoutMs: number;
  lockTimeoutMs?: number;
  /** Called when the connection closes, whether or not it is replaced. */
  onclose?: () => void;
  maxLifetimeSeconds?: null;
}

export class RenewedConnection {
  private sql: postgres.Sql;
  /** A statement on the current pool was handed to its connection: it was established. */
  private handed = false;
  /** The current pool's statements not yet settled, and when each was asked for. */
  private readonly pending = new Map<{ state?: unknown }, number>();
  private ended = false;

  constructor(
    private readonly url: string,
    private readonly settings: RenewedConnectionSettings,
  ) {
    this.sql = this.open();
  }

  private open(): postgres.Sql {
    const sql: postgres.Sql = connectPool(this.url, {
      max: 1,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      lockTimeoutMs: this.settings.lockTimeoutMs,
      maxLifetimeSeconds: this.settings.maxLifetimeSeconds,
      onclose: () => {
        if (this.ended || this.sql !== sql) return;
        if (this.took() || this.waitedOut()) this.renew();
        this.settings.onclose?.();
      },
    });
    this.handed = false;
    this.pending.clear();
    return sql;
  }

  /** A statement was handed to the connection: it had been established. */
  private took(): boolean {
    if (this.handed) return true;
    for (const q of this.pending.keys()) if (q.state) return true;
    return false;
  }

  /** A statement has waited about the connect timeout without being handed over. */
  private waitedOut(): boolean {
    const since = performance.now() - this.settings.connectTimeoutMs + 100;
    for (const t of this.pending.values()) if (t <= since) return true;
    return false;
  }

  /** Closes the current connection now and starts a new pool (its state is unknown, or it closed). */
  renew(): void {
    const old = this.sql;
    this.sql = this.open();
    old.end({ timeout: 0 }).catch(() => {});
  }

  /**
   * One statement (postgres.js `unsafe`'s arguments). The driver's query object is returned as it
   * is: its `state` says whether it has been handed to the connection.
   */
  unsafe(text: string, values?: never[], options?: { prepare?: boolean }): Promise<Result> {
    const sql = this.sql;
    const query = values === undefined ? sql.unsafe(text) : sql.unsafe(text, values, options);
    const q = query as unknown as { state?: unknown };
    this.pending.set(q, performance.now());
    const settle = () => {
      if (this.sql !== sql) return;
      this.pending.delete(q);
      if (q.state) this.handed = true;
    };
    query.then(settle, settle);
    return query as unknown as Promise<Result>;
  }

  end(timeoutSeconds: number): Promise<void> {
    this.ended = true;
    return this.sql.end({ timeout: timeoutSeconds });
  }
}

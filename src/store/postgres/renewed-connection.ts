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
  /** Until one is handed over: the current pool's statements (the driver sets `state` when it hands one). */
  private unhanded: { state?: unknown }[] = [];
  /** When the current pool was first asked for a statement while none had been handed over. */
  private waitingSince: number | undefined;
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
    this.unhanded = [];
    this.waitingSince = undefined;
    return sql;
  }

  /** A statement was handed to the connection: it had been established. */
  private took(): boolean {
    if (!this.handed && this.unhanded.some((q) => q.state)) {
      this.handed = true;
      this.unhanded = [];
    }
    return this.handed;
  }

  /** Statements have waited about the connect timeout without any being handed over. */
  private waitedOut(): boolean {
    return (
      this.waitingSince !== undefined &&
      performance.now() - this.waitingSince >= this.settings.connectTimeoutMs - 100
    );
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
    const query = values === undefined ? this.sql.unsafe(text) : this.sql.unsafe(text, values, options);
    // Once one statement has been handed over, nothing more is tracked.
    if (!this.took()) {
      this.waitingSince ??= performance.now();
      this.unhanded.push(query as unknown as { state?: unknown });
    }
    return query as unknown as Promise<Result>;
  }

  end(timeoutSeconds: number): Promise<void> {
    this.ended = true;
    return this.sql.end({ timeout: timeoutSeconds });
  }
}

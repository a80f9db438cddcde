/**
 * The change log on PostgreSQL: read through the store's read pool, pruned through its write pool; woken by this process's own
 * commits and by `LISTEN verbo_changes` (every writing transaction NOTIFYs at commit, from any
 * process or instance), with a slow poll as a safety net should the listening connection drop.
 */
import type postgres from 'postgres';
import {
  CHANGES_TABLE,
  type ChangeEntry,
  type ChangeLog,
  type Retention,
  WakeUps,
} from '../changes/change-log.js';
import {
  CHANGE_BOUNDS_SQL,
  CHANGES_CHANNEL,
  decodeChange,
  pruneChangesSql,
  readChangesSql,
} from '../changes/change-log-sql.js';
import { CHANGE_LOG_LOCK, pgDialect as d } from './postgres-dialect.js';
import type { PgQuery } from './postgres-kv.js';

/**
 * `INSERT … RETURNING *` (or `UPDATE … RETURNING *`, with `kind` 'updated'; `n` parameters) and
 * its change-log entry in one statement: the advisory lock and the NOTIFY of `changeLogPrelude` are
 * taken in the same statement, after the row is written, so seq still follows commit order.
 * `$n+1` is the time, `$n+2` the writer. A write of no row logs nothing.
 */
export function loggedWriteSql(
  write: string,
  n: number,
  resource: string,
  kind: 'created' | 'updated' = 'created',
): string {
  const name = `'${resource.replaceAll("'", "''")}'`;
  return `WITH w AS (${write}), l AS (INSERT INTO ${CHANGES_TABLE} (resource, id, kind, version, at, caller) SELECT ${name}, w.id::text, '${kind}', w."_version", $${n + 1}, $${n + 2} FROM w, pg_advisory_xact_lock(${CHANGE_LOG_LOCK}) AS lk, pg_notify('${CHANGES_CHANNEL}', '') AS nt) SELECT * FROM w`;
}

/** The safety-net poll (ms): a NOTIFY lost with a dropped connection is noticed by then. */
const SAFETY_POLL_MS = 1000;

export class PostgresChangeLog implements ChangeLog {
  readonly wakeUps = new WakeUps();
  private timer: NodeJS.Timeout | undefined;
  private listening: Promise<{ unlisten(): Promise<void> } | undefined> | undefined;

  constructor(
    private readonly sql: postgres.Sql,
    private readonly query: PgQuery,
    private readonly write: PgQuery,
    private readonly integerIds: (resource: string) => boolean,
  ) {}

  async read(after: number, limit: number): Promise<ChangeEntry[]> {
    const { sql, values } = readChangesSql(d, after, limit);
    const rows = await this.query(sql, values);
    return rows.map((row) => decodeChange(row, this.integerIds));
  }

  async bounds(): Promise<{ first: number; last: number }> {
    const [row] = await this.query(CHANGE_BOUNDS_SQL, []);
    return { first: Number(row?.first ?? 0), last: Number(row?.last ?? 0) };
  }

  async prune(retention: Retention): Promise<number> {
    const { sql, values } = pruneChangesSql(d, retention);
    return (await this.write(sql, values)).count;
  }

  onWake(listener: () => void): () => void {
    return this.wakeUps.add(
      listener,
      () => {
        const emit = () => this.wakeUps.emit();
        this.listening = this.sql.listen(CHANGES_CHANNEL, emit, emit).catch(() => undefined);
        this.timer = setInterval(emit, SAFETY_POLL_MS);
        this.timer.unref();
      },
      () => void this.stop(),
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const listening = this.listening;
    this.listening = undefined;
    await (await listening)?.unlisten().catch(() => undefined);
  }
}

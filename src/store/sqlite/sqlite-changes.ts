/**
 * The change log on SQLite: read with prepared statements; woken by this process's own commits
 * and, for the other processes on the same file, by `PRAGMA data_version` (it changes when
 * another connection commits), read on a short interval while anyone listens.
 */
import type Database from 'better-sqlite3';
import { type ChangeEntry, type ChangeLog, type Retention, WakeUps } from '../changes/change-log.js';
import {
  CHANGE_BOUNDS_SQL,
  decodeChange,
  pruneChangesSql,
  readChangesSql,
} from '../changes/change-log-sql.js';
import { sqliteDialect as d } from './sqlite-dialect.js';
import { guard } from './sqlite-kv.js';

/** How often another process's commits are looked for (ms). */
const CROSS_PROCESS_POLL_MS = 50;

export class SqliteChangeLog implements ChangeLog {
  readonly wakeUps = new WakeUps();
  private timer: NodeJS.Timeout | undefined;
  private dataVersion = 0;
  /** Prepared once: polled every CROSS_PROCESS_POLL_MS while anyone listens (`db.pragma` prepares each call). */
  private dataVersionStatement?: Database.Statement;
  /** The read statement per limit (a few: each reader of the log has its batch size). */
  private readonly readers = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly integerIds: (resource: string) => boolean,
  ) {}

  /**
   * Inside an open transaction this connection would see its uncommitted entries: nothing is read
   * until it ends (a wake-up follows shortly).
   */
  private busy(): boolean {
    if (!this.db.inTransaction) return false;
    setTimeout(() => this.wakeUps.emit(), 10).unref();
    return true;
  }

  async read(after: number, limit: number): Promise<ChangeEntry[]> {
    if (this.busy()) return [];
    const { sql, values } = readChangesSql(d, after, limit);
    let reader = this.readers.get(sql);
    if (!reader) {
      reader = this.db.prepare(sql);
      if (this.readers.size >= 16) this.readers.clear();
      this.readers.set(sql, reader);
    }
    const statement = reader;
    const rows = guard(() => statement.all(...values)) as Record<string, unknown>[];
    return rows.map((row) => decodeChange(row, this.integerIds));
  }

  async bounds(): Promise<{ first: number; last: number }> {
    while (this.db.inTransaction) await new Promise((resolve) => setTimeout(resolve, 5));
    const row = guard(() => this.db.prepare(CHANGE_BOUNDS_SQL).get()) as {
      first: number | null;
      last: number | null;
    };
    return { first: Number(row.first ?? 0), last: Number(row.last ?? 0) };
  }

  async prune(retention: Retention): Promise<number> {
    if (this.db.inTransaction) return 0;
    const { sql, values } = pruneChangesSql(d, retention);
    return guard(() => this.db.prepare(sql).run(...values)).changes;
  }

  onWake(listener: () => void): () => void {
    return this.wakeUps.add(
      listener,
      () => {
        this.dataVersion = this.currentDataVersion();
        this.timer = setInterval(() => {
          const v = this.currentDataVersion();
          if (v === this.dataVersion) return;
          this.dataVersion = v;
          this.wakeUps.emit();
        }, CROSS_PROCESS_POLL_MS);
        this.timer.unref();
      },
      () => {
        clearInterval(this.timer);
        this.timer = undefined;
      },
    );
  }

  private currentDataVersion(): number {
    if (!this.db.open) return this.dataVersion;
    this.dataVersionStatement ??= this.db.prepare('PRAGMA data_version').pluck();
    return this.dataVersionStatement.get() as number;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

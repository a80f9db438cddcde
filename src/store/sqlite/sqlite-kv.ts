/** Expiring key-value entries in a table, shared by every process on the same file. */
import type Database from 'better-sqlite3';
import type { KeyValueStore } from '../store.js';
import { type SqliteError, translateIoError } from './sqlite-errors.js';

/** Runs a statement; a busy or unreadable file becomes a neutral error (→ 503), as for records. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw translateIoError(e as SqliteError);
  }
}

export class SqliteKeyValue implements KeyValueStore {
  private kv?: {
    get: Database.Statement;
    insertIfAbsent: Database.Statement;
    upsert: Database.Statement;
    remove: Database.Statement;
    purge: Database.Statement;
  };
  private lastPurge = 0;

  constructor(private readonly db: Database.Database) {}

  /** Prepares the statements; the table exists once the schema is synced. */
  init(): void {
    this.kv = {
      get: this.db.prepare('SELECT value FROM _verbo_kv WHERE namespace = ? AND key = ? AND expires_at > ?'),
      insertIfAbsent: this.db.prepare(
        `INSERT INTO _verbo_kv (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
         WHERE _verbo_kv.expires_at <= ?`,
      ),
      upsert: this.db.prepare(
        'INSERT OR REPLACE INTO _verbo_kv (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)',
      ),
      remove: this.db.prepare('DELETE FROM _verbo_kv WHERE namespace = ? AND key = ?'),
      purge: this.db.prepare('DELETE FROM _verbo_kv WHERE expires_at <= ?'),
    };
  }

  private statements() {
    if (!this.kv) throw new Error('store not synced');
    const now = Date.now();
    if (now - this.lastPurge > 60_000) {
      this.lastPurge = now;
      guard(() => this.kv!.purge.run(now));
    }
    return this.kv;
  }

  async putIfAbsent(namespace: string, key: string, value: unknown, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const s = this.statements();
    return guard(
      () => s.insertIfAbsent.run(namespace, key, JSON.stringify(value), now + ttlMs, now).changes === 1,
    );
  }

  async get(namespace: string, key: string): Promise<unknown | undefined> {
    const s = this.statements();
    const row = guard(() => s.get.get(namespace, key, Date.now())) as { value: string } | undefined;
    return row ? JSON.parse(row.value) : undefined;
  }

  async set(namespace: string, key: string, value: unknown, ttlMs: number): Promise<void> {
    const s = this.statements();
    guard(() => s.upsert.run(namespace, key, JSON.stringify(value), Date.now() + ttlMs));
  }

  async delete(namespace: string, key: string): Promise<void> {
    const s = this.statements();
    guard(() => s.remove.run(namespace, key));
  }
}

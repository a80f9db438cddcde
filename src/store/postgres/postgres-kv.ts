/** Expiring key-value entries in `_verbo_kv`, shared by every instance on the same database. */
import type { KeyValueStore } from '../store.js';

/** Runs one prepared statement through the store (pool gate, error mapping). */
export type PgQuery = (
  text: string,
  params: unknown[],
) => Promise<Record<string, unknown>[] & { count: number }>;

const SQL = {
  get: 'SELECT value FROM _verbo_kv WHERE namespace = $1 AND key = $2 AND expires_at > $3',
  // Atomic: inserts when absent, overwrites only an expired entry; a live entry leaves 0 rows changed.
  putIfAbsent: `INSERT INTO _verbo_kv (namespace, key, value, expires_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
    WHERE _verbo_kv.expires_at <= $5`,
  upsert: `INSERT INTO _verbo_kv (namespace, key, value, expires_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  remove: 'DELETE FROM _verbo_kv WHERE namespace = $1 AND key = $2',
  purge: 'DELETE FROM _verbo_kv WHERE expires_at <= $1',
};

/** Values are kept as JSON text (not jsonb), so a stored response replays byte for byte. */
export class PostgresKeyValue implements KeyValueStore {
  private lastPurge = 0;

  constructor(private readonly query: PgQuery) {}

  private async purge(now: number): Promise<void> {
    if (now - this.lastPurge <= 60_000) return;
    this.lastPurge = now;
    await this.query(SQL.purge, [now]);
  }

  async putIfAbsent(namespace: string, key: string, value: unknown, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    await this.purge(now);
    const result = await this.query(SQL.putIfAbsent, [
      namespace,
      key,
      JSON.stringify(value),
      now + ttlMs,
      now,
    ]);
    return result.count === 1;
  }

  async get(namespace: string, key: string): Promise<unknown | undefined> {
    const now = Date.now();
    await this.purge(now);
    const [row] = await this.query(SQL.get, [namespace, key, now]);
    return row ? JSON.parse(row.value as string) : undefined;
  }

  async set(namespace: string, key: string, value: unknown, ttlMs: number): Promise<void> {
    await this.query(SQL.upsert, [namespace, key, JSON.stringify(value), Date.now() + ttlMs]);
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.query(SQL.remove, [namespace, key]);
  }
}

/**
 * Picks a store from a `--db` value: a postgres:// URL or a SQLite file path / `:memory:`.
 * The only place that knows which dialects exist.
 */

import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  poolSize?: number;
  readPoolSize?: number;
}

export async function openStore(db: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(db)) {
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    return new PostgresStore({ url: db, ...options });
  }
  return new SqliteStore({ path: db });
}

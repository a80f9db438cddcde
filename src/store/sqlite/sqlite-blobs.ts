/** The `database` file driver on SQLite: the shared SqlBlobStore over this connection (BLOB chunks). */
import type Database from 'better-sqlite3';
import { type BlobQuery, SqlBlobStore } from '../files/sql-blob-store.js';
import type { Store } from '../store.js';
import { guard } from './sqlite-kv.js';

/** `$1`-style statements (each parameter used once, in order) on this connection. */
export function sqliteBlobQuery(db: Database.Database): BlobQuery {
  const statements = new Map<string, Database.Statement>();
  return async (text, params) =>
    guard(() => {
      let s = statements.get(text);
      if (!s) {
        s = db.prepare(text.replace(/\$\d+/g, '?'));
        statements.set(text, s);
      }
      if (s.reader) return { rows: s.all(...params) as Record<string, unknown>[], count: 0 };
      return { rows: [], count: s.run(...params).changes };
    });
}

/**
 * `gate` waits while another caller's transaction holds the connection (as the kv entries do);
 * `transaction` runs on the connection with the store's writer lock held.
 */
export function sqliteBlobs(
  db: Database.Database,
  gate: () => Promise<void>,
  store: Pick<Store, 'transaction'>,
) {
  const direct = sqliteBlobQuery(db);
  return new SqlBlobStore({
    async query(text, params) {
      await gate();
      return direct(text, params);
    },
    transaction: (fn) => store.transaction(() => fn(direct)),
  });
}

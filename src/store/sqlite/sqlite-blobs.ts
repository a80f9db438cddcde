/** The `database` file driver on SQLite: the shared SqlBlobStore over this connection (BLOB chunks). */
import type Database from 'better-sqlite3';
import { type BlobQuery, SqlBlobStore } from '../files/sql-blob-store.js';
import type { Store } from '../store.js';
import { guard } from './sqlite-kv.js';

/**
 * The page cache (KiB) a blob statement runs with. better-sqlite3 builds SQLite with a 16 MB cache a
 * connection, and every page a chunk is written to (or read from the WAL) stays there: the first
 * 16 MB of a file filled the cache, which the process then kept (measured: +10 to +18 MB of peak RSS
 * on a 500 MB upload or download, from SQLite's allocations on the main thread). File bytes are read
 * once and gain nothing from the cache, so a blob statement runs with this much (a 256 KiB chunk
 * spans 64 pages; more spill to the WAL), and the store's own size comes back after it. Lowering the
 * size drops the least recently used pages beyond it: a file transfer costs the records' cache at
 * most what it costs with the full cache, where its pages push the records' out.
 */
export const BLOB_CACHE_KIB = 1024;

/** `$1`-style statements (each parameter used once, in order) on this connection, with a small page cache. */
export function sqliteBlobQuery(db: Database.Database): BlobQuery {
  const statements = new Map<string, Database.Statement>();
  const own = Number(db.pragma('cache_size', { simple: true }));
  // Each call prepares: SQLite sets the cache size when it compiles the PRAGMA, not when it runs it.
  const cache = (size: number) => db.pragma(`cache_size = ${size}`);
  return async (text, params) =>
    guard(() => {
      let s = statements.get(text);
      if (!s) {
        s = db.prepare(text.replace(/\$\d+/g, '?'));
        statements.set(text, s);
      }
      cache(-BLOB_CACHE_KIB);
      try {
        if (s.reader) return { rows: s.all(...params) as Record<string, unknown>[], count: 0 };
        return { rows: [], count: s.run(...params).changes };
      } finally {
        cache(own);
      }
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

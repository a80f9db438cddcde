/** Maps better-sqlite3 errors to the store's neutral errors. */
import { StoreFull, StoreUnavailable } from '../store-errors.js';

export interface SqliteError extends Error {
  code?: string;
}

/** Unique index name → field: indexes are named `{resource}_{field}_key`. */
export function uniqueFieldsFromMessage(message: string, resource: string): string[] {
  const m = /UNIQUE constraint failed: (.+)$/.exec(message);
  if (!m) return [];
  return m[1].split(',').map((s) => s.trim().replace(`${resource}.`, ''));
}

export function translateIoError(e: SqliteError): Error {
  switch (e.code) {
    case 'SQLITE_FULL':
      return new StoreFull('the disk holding the database is full');
    case 'SQLITE_READONLY':
    case 'SQLITE_READONLY_DBMOVED':
    case 'SQLITE_IOERR_WRITE':
      return new StoreFull('the database file is read-only');
  }
  // Base and extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_TIMEOUT, SQLITE_LOCKED_SHAREDCACHE, SQLITE_IOERR_…):
  // another process holds the file past the busy timeout, or the file cannot be used right now.
  const base = /^SQLITE_[A-Z]+/.exec(e.code ?? '')?.[0];
  if (base === 'SQLITE_BUSY' || base === 'SQLITE_LOCKED')
    return new StoreUnavailable('the database is busy', 1);
  if (base === 'SQLITE_IOERR' || base === 'SQLITE_CANTOPEN')
    return new StoreUnavailable('the database file cannot be read or written', 5);
  return e;
}

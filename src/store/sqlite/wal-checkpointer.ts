/**
 * WAL checkpoints on a timer instead of inside a committing write. SQLite's automatic checkpoint
 * (every 1000 WAL pages) runs in the commit of whichever write crosses the mark, so one request in a
 * few hundred pays for copying everyone's pages back into the database file, and a page written by
 * many commits (the last leaf of a table, of each index) is copied once per checkpoint window. A
 * passive checkpoint every `intervalMs` copies each such page once per window, off the request path,
 * and never waits for readers or for other processes (a busy database is simply tried again next
 * time). Durability is unchanged: a commit is in the WAL when it returns, checkpointed or not.
 */
import type Database from 'better-sqlite3';

export function startWalCheckpointer(db: Database.Database, intervalMs: number): () => void {
  db.pragma('wal_autocheckpoint = 0');
  const timer = setInterval(() => {
    try {
      if (db.open) db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // SQLITE_BUSY from another process's checkpoint, or an I/O error that the next write reports: try again later.
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint (every 1000 WAL pages) runs in
 * the commit of whichever write crosses the mark: that request pays for copying everyone's pages back
 * into the database file and for the two fsyncs around it, and the whole event loop waits with it.
 * Here the store's own connection never checkpoints on commit (`wal_autocheckpoint = 0`):
 * - a worker thread with a second connection runs a passive checkpoint every `intervalMs`, so the
 *   copying and its fsyncs block only the worker (and never wait for readers, writers or other
 *   processes: a busy database is simply tried again next time);
 * - under a steady stream of writes a passive checkpoint from another thread never catches up with
 *   the last frame, and SQLite rewinds the WAL only after a complete one, so the WAL would grow
 *   without bound: once a second the store's own thread runs a passive checkpoint between requests,
 *   which has only the frames written since the worker's last pass left to copy, completes, and lets
 *   the next write start the WAL over (`journal_size_limit` then trims the file).
 * Durability is unchanged: a commit is in the WAL when it returns, checkpointed or not.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** The driver's entry file: the worker requires it by path (its own `require` would start from the cwd). */
const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

/** CommonJS run by the worker (`eval`), so it works from compiled and from TypeScript sources alike. */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('wal_autocheckpoint = 0');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // SQLITE_BUSY (another checkpoint runs) or a transient I/O error: try again next time.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('closed');
});
`;

export interface WalCheckpointer {
  /** Stops the worker after a last checkpoint and closes its connection. */
  stop(): Promise<void>;
}

/** How often the store's own thread completes a checkpoint, so the WAL can start over. */
const COMPLETE_EVERY_MS = 1000;
/** The WAL file is trimmed back to this size when it starts over (bytes). */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

export function startWalCheckpointer(
  db: Database.Database,
  path: string,
  intervalMs: number,
): WalCheckpointer {
  db.pragma('wal_autocheckpoint = 0');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  const completer = setInterval(
    () => {
      try {
        if (db.open) db.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        // SQLITE_BUSY while the worker (or another process) checkpoints: next time.
      }
    },
    Math.max(COMPLETE_EVERY_MS, intervalMs),
  );
  completer.unref();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, intervalMs, driver: DRIVER },
  });
  worker.unref();
  let gone = false;
  worker.once('exit', () => {
    gone = true;
  });
  // A worker that cannot run (e.g. no threads) must not take the server down: fall back to SQLite's own checkpoints.
  worker.on('error', () => {
    gone = true;
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  });
  return {
    async stop() {
      clearInterval(completer);
      if (gone) return;
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        worker.once('message', done);
        worker.once('exit', done);
        worker.once('error', done);
        worker.postMessage('stop');
      });
      await worker.terminate();
    },
  };
}

/**
 * WAL checkpoints in a worker thread, never inside a request. SQLite's automatic checkpoint (every
 * 1000 WAL pages) runs in the commit of whichever write crosses the mark: that request pays for
 * copying everyone's pages back into the database file and for the two fsyncs around it, and the
 * whole event loop waits with it. Here the store's own connection never checkpoints
 * (`wal_autocheckpoint = 0`); a worker thread with a second connection to the same file runs a
 * passive checkpoint every `intervalMs`: it never waits for readers or writers (or other processes:
 * a busy database is simply tried again next time), and its copying and fsyncs block only the worker.
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

export function startWalCheckpointer(
  db: Database.Database,
  path: string,
  intervalMs: number,
): WalCheckpointer {
  db.pragma('wal_autocheckpoint = 0');
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

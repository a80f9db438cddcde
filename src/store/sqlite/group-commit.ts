/**
 * Group commit for SQLite: the single-record writes (inserts, and the read-modify-writes of
 * `Store.modify`: each reads what the write before it left) that arrive while the event loop serves one
 * round of I/O are made together, at the end of that round (setImmediate), in one transaction —
 * BEGIN IMMEDIATE, each write under its own savepoint, one COMMIT — and only then is each caller
 * answered. The COMMIT writes the WAL frames of the pages the writes share (the table's last page,
 * each index's, the full-text index's new segment, the change log's) once for the group, not once
 * per write: most of what a POST costs SQLite and the kernel.
 *
 * Every caller gets what its own transaction would have given it:
 * - a write that fails (a unique email) undoes its savepoint only; the others go on;
 * - should SQLite end the whole transaction (disk full, I/O error) or the COMMIT fail, nothing of
 *   the group was stored, and each write is made again alone, in a transaction of its own;
 * - a write is never acknowledged before the COMMIT that holds it;
 * - the group runs synchronously in one callback: no other operation ever sees it half done, and
 *   the database's write lock is held no longer than one multi-row write would hold it.
 * A group of one runs as a write always ran (its own BEGIN … COMMIT, no savepoint). Each write runs
 * in its caller's write scope (write-context.ts), as it would have run at once: what it reads of its request (the
 * write scope: field access, the change log's caller) is its own, not the first write's.
 */
import { currentHolder, NO_WRITER, withWriter } from '../changes/write-context.js';
import type { WriterLock } from './writer-lock.js';

interface Member {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

export interface GroupCommitHost {
  /** The store's transaction wrapper: BEGIN … COMMIT, or a savepoint inside an open transaction. */
  atomically<T>(fn: () => T): T;
  begin(): void;
  commit(): void;
  rollback(): void;
  inTransaction(): boolean;
  /** Held by an open `Store.transaction`: a group waits for it to end. */
  lock: WriterLock;
  /** After each COMMIT that stored something (wakes the change feed). */
  committed(): void;
}

/** Most writes in one group: a group holds the thread (and the write lock) while it runs. */
const MAX_GROUP = 64;
/** The real one, taken at load: fake timers in an embedding app's tests must not hold writes back. */
const atRoundEnd = setImmediate;

export class GroupCommit {
  private queue: Member[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly host: GroupCommitHost) {}

  /** Runs `fn` (synchronous, all or nothing) with the round's other writes; resolves once committed. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // The caller's write scope, entered again around its write (an AsyncResource per write, which
      // carries every async context, cost W3 30–50 µs a request: bench/profile.mjs W3, alternated).
      const holder = currentHolder() ?? NO_WRITER;
      const write = () => withWriter(holder, fn);
      this.queue.push({ fn: write, resolve: resolve as (value: unknown) => void, reject });
      this.flushing ??= new Promise<void>((done) => atRoundEnd(() => this.flush().then(done, done)));
    });
  }

  /** Resolves once every write queued so far has been made. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    // A `Store.transaction` holds the connection across awaits: the group waits for its end.
    while (this.host.lock.held) await this.host.lock.released();
    this.flushing = undefined;
    const queue = this.queue;
    this.queue = [];
    for (let i = 0; i < queue.length; i += MAX_GROUP) {
      const group = queue.slice(i, i + MAX_GROUP);
      try {
        if (group.length === 1 || !this.together(group)) this.alone(group);
      } catch (e) {
        // A wake-up listener threw after a COMMIT: its writes are stored, the callers still hear of it
        // (as they did when each insert woke the listeners itself); the next groups still run.
        for (const m of group) m.reject(e);
      }
    }
  }

  /** The group in one transaction; false when nothing of it was stored and each must be made alone. */
  private together(group: Member[]): boolean {
    const h = this.host;
    try {
      h.begin();
    } catch {
      // e.g. another process holds the write lock past the busy timeout: each meets it on its own.
      return false;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    for (const m of group) {
      try {
        outcomes.push({ ok: true, value: h.atomically(m.fn) });
      } catch (e) {
        // SQLite ended the whole transaction (disk full, I/O): nothing of the group is stored.
        if (!h.inTransaction()) return false;
        outcomes.push({ ok: false, value: e });
      }
    }
    try {
      h.commit();
    } catch {
      try {
        if (h.inTransaction()) h.rollback();
      } catch {
        // The connection ended the transaction itself.
      }
      return false;
    }
    h.committed();
    group.forEach((m, i) => {
      const o = outcomes[i];
      if (o.ok) m.resolve(o.value);
      else m.reject(o.value);
    });
    return true;
  }

  /** Each write in its own transaction: what it gets is what it would have got without groups. */
  private alone(group: Member[]): void {
    for (const m of group) {
      let value: unknown;
      try {
        value = this.host.atomically(m.fn);
      } catch (e) {
        m.reject(e);
        continue;
      }
      this.host.committed();
      m.resolve(value);
    }
  }
}

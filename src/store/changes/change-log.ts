/**
 * The change log (docs/realtime.md): one append-only table, `_verbo_changes {seq, resource, id,
 * kind, version, at, caller}`, written by the stores inside the transaction of every write (insert,
 * modify, deleteWhere, and the rows an ON DELETE action reaches), so a rolled-back write is never
 * logged and a committed one always is. `seq` is global and increases in commit order. The log is
 * the truth; wake-ups (`onWake`) only say "look".
 */
export const CHANGES_TABLE = '_verbo_changes';

export type ChangeKind = 'created' | 'updated' | 'deleted';

/** One logged change: which record, what happened to it, its `_version` after the change. */
export interface ChangeEntry {
  seq: number;
  resource: string;
  /** The record's id as the API writes it (an integer beyond 2^53 as its digits). */
  id: unknown;
  kind: ChangeKind;
  version: number;
  /** ISO time of the write. */
  at: string;
  /** Who wrote it (`user:<id>`), or null for anonymous callers and the server itself. */
  caller: string | null;
}

/** A change to log, before the store gives it a sequence number. */
export interface PendingChange {
  resource: string;
  id: unknown;
  kind: ChangeKind;
  version: number;
}

/** How much of the log is kept: entries older than `maxAgeMs`, or beyond the newest `maxCount`, go. */
export interface Retention {
  maxAgeMs: number;
  maxCount: number;
}

export const DEFAULT_RETENTION: Retention = { maxAgeMs: 24 * 3600_000, maxCount: 1_000_000 };

export interface ChangeLog {
  /** Entries with `seq > after`, oldest first, at most `limit`. */
  read(after: number, limit: number): Promise<ChangeEntry[]>;
  /**
   * The oldest retained and the newest seq (both 0 before anything was logged). Pruning always
   * keeps the newest entry, so `last` is the newest seq ever given.
   */
  bounds(): Promise<{ first: number; last: number }>;
  /** Deletes entries past the retention (never the newest one); returns how many. */
  prune(retention: Retention): Promise<number>;
  /**
   * Calls `listener` when new entries may have been committed, by this process or any other
   * (PostgreSQL: LISTEN/NOTIFY; SQLite: the file's data_version, read on a short interval).
   * Returns the function that stops it.
   */
  onWake(listener: () => void): () => void;
}

/** The listeners of one store's wake-ups. */
export class WakeUps {
  private readonly listeners = new Set<() => void>();

  get size(): number {
    return this.listeners.size;
  }

  add(listener: () => void, onFirst?: () => void, onLast?: () => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) onFirst?.();
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) onLast?.();
    };
  }

  emit(): void {
    for (const listener of this.listeners) listener();
  }
}

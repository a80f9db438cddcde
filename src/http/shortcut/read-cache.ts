/**
 * The read shortcut's answers kept for the next read of the same URL (docs/architecture.md, "The
 * read shortcut"): the body and the headers that depend on the record, stamped with the store's
 * change stamp (`Store.changeStampNow`) read before the record was. An answer is used again only
 * while the stamp is unchanged, that is while nothing at all was written to the database by any
 * connection or process; after a write it is read again. Bounded by a byte budget, oldest out first.
 */

/** What a plain read of one record sends besides the constant headers of its route. */
export interface ReadAnswer {
  json: string;
  etag: string;
  lastModified: string;
  /** Content-Length, as the header's text. */
  length: string;
}

interface Entry extends ReadAnswer {
  stamp: string;
  bytes: number;
}

/** What an entry is counted as besides its body: its strings, the entry and the map's slot. */
const ENTRY_OVERHEAD = 256;

export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private used = 0;

  constructor(private readonly budget: number) {}

  /** The answer kept for `key` under this very stamp, or undefined. */
  get(key: string, stamp: string): ReadAnswer | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.stamp === stamp ? entry : undefined;
  }

  /** Keeps `answer` for `key` under `stamp` (read before the answer was), dropping the oldest beyond the budget. */
  set(key: string, stamp: string, answer: ReadAnswer): void {
    const bytes = key.length + answer.json.length + ENTRY_OVERHEAD;
    if (bytes > this.budget) return;
    this.delete(key);
    while (this.used + bytes > this.budget) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    this.entries.set(key, { ...answer, stamp, bytes });
    this.used += bytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The bytes the entries are counted as (never above the budget). */
  get bytes(): number {
    return this.used;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.used -= entry.bytes;
  }
}

/**
 * Values kept under a store's change stamp (`Store.changeStampNow`): a value is given back only
 * under the very stamp it was kept with (read before the value was), that is while nothing at all
 * was written to the database by any connection or process since. Bounded by a byte budget, oldest
 * out first. The read shortcut keeps its answers in one (http/shortcut/read-cache.ts), SQLite its
 * pages of JSON texts in another (sqlite-store.ts `listJson`).
 */

interface Entry<V> {
  value: V;
  stamp: string;
  bytes: number;
}

/** What an entry is counted as besides its value: its strings, the entry and the map's slot. */
const ENTRY_OVERHEAD = 256;

export class StampedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private used = 0;

  /** `sizeOf`: the bytes a value is counted as (its text's length is close enough). */
  constructor(
    private readonly budget: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  /** The value kept for `key` under this very stamp, or undefined. */
  get(key: string, stamp: string): V | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.stamp === stamp ? entry.value : undefined;
  }

  /** Keeps `value` for `key` under `stamp` (read before the value was), dropping the oldest beyond the budget. */
  set(key: string, stamp: string, value: V): void {
    const bytes = key.length + this.sizeOf(value) + ENTRY_OVERHEAD;
    if (bytes > this.budget) return;
    this.delete(key);
    while (this.used + bytes > this.budget) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    this.entries.set(key, { value, stamp, bytes });
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

/** A key for a statement and its values: two keys are equal only when both are (types included). */
export function statementKey(sql: string, values: readonly unknown[]): string {
  let key = sql;
  for (const v of values) {
    const text = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    key += `\u0000${typeof v}${text.length}:${text}`;
  }
  return key;
}

/** A counting gate in front of a connection pool: it bounds the operations that use the pool at once. */
import { StoreUnavailable } from '../store-errors.js';

/** At most `size` operations hold a slot; the others wait up to `timeoutMs`, then fail. */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    private readonly size: number,
    readonly timeoutMs: number,
  ) {}

  /** A slot, or StoreUnavailable after `timeoutMs`. */
  async acquire(): Promise<void> {
    if (this.active < this.size) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(noConnectionWithin(this.timeoutMs));
      }, this.timeoutMs);
      this.waiting.push(grant);
    });
  }

  /** Hands the slot straight to the next waiter, if any. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

/** What a request that found no connection in time is told (503, Retry-After: 1). */
export function noConnectionWithin(ms: number): StoreUnavailable {
  return new StoreUnavailable(`no database connection became free within ${ms} ms`, 1);
}

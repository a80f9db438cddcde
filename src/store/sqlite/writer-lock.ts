/**
 * The one connection's turn (better-sqlite3 is one connection): while a `Store.transaction` is
 * open, every other operation of the store waits for it to end instead of running inside it.
 */
export class WriterLock {
  held = false;
  private waiters: (() => void)[] = [];

  /** Resolves once the lock is released; the caller checks `held` again before it runs. */
  released(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async acquire(): Promise<void> {
    while (this.held) await this.released();
    this.held = true;
  }

  release(): void {
    this.held = false;
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }
}

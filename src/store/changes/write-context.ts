/**
 * Who is writing: the HTTP layer runs each request inside `withWriter`, and the stores read
 * `currentWriter()` when they log a change, so every write path (handlers, batch, imports,
 * transactions) names its caller in the change log without passing it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface WriterHolder {
  /** `user:<id>` once the request is authenticated. */
  caller?: string;
}

const storage = new AsyncLocalStorage<WriterHolder>();

/** Runs `fn` with a holder whose `caller` later writes (in this async context) are logged under. */
export function withWriter<T>(holder: WriterHolder, fn: () => T): T {
  return storage.run(holder, fn);
}

export const currentWriter = (): string | null => storage.getStore()?.caller ?? null;

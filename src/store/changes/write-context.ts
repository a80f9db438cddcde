/**
 * Who is writing: the HTTP layer runs each request inside one context (write/write-scope.ts builds
 * on this one), and the stores read `currentWriter()` when they log a change, so every write path
 * (handlers, batch, imports, transactions) names its caller in the change log without passing it
 * along. One AsyncLocalStorage for the request: the write scope's holder is this holder.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface WriterHolder {
  /** `user:<id>` once the request is authenticated. */
  readonly writer?: string;
}

const storage = new AsyncLocalStorage<WriterHolder>();

/** The holder of a write made outside any request (a seed, the CLI): no writer. */
export const NO_WRITER: WriterHolder = {};

/** Runs `fn` with a holder whose `writer` later writes (in this async context) are logged under. */
export function withWriter<T>(holder: WriterHolder, fn: () => T): T {
  return storage.run(holder, fn);
}

/** The holder of the running context (write/write-scope.ts reads its own fields from it). */
export const currentHolder = (): WriterHolder | undefined => storage.getStore();

export const currentWriter = (): string | null => storage.getStore()?.writer ?? null;

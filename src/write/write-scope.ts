/**
 * Who is writing, for the steps of the write pipeline that need it (business rules, hooks): set
 * once per request by http (app.ts) and read by every write made while serving it, whichever path
 * makes it (handlers, batch, imports). Writes outside a request (seeds, the CLI) have no caller.
 */
import type { ExpressionCaller } from '../model/expressions/cel-environment.js';
import { currentHolder, type WriterHolder, withWriter } from '../store/changes/write-context.js';

/** The request's one async context: also the store's writer holder (store/changes/write-context.ts). */
export interface WriteScope extends WriterHolder {
  /** No request: seeds and the CLI write as the operator, past field access rules. */
  trusted?: boolean;
  /** The signed-in caller, read when a step needs it (authentication runs after the scope opens). */
  caller(): ExpressionCaller | null;
  /** The request's trace id, for the logs of afterCommit failures. */
  traceId?: string;
  /** The request's logger. */
  log?: { error(obj: object, msg: string): void };
}

const NOBODY: WriteScope = { caller: () => null, trusted: true };

/** Runs `fn` with `scope` as the current write scope. */
export const runInWriteScope = <T>(scope: WriteScope, fn: () => T): T => withWriter(scope, fn);

const isScope = (holder: WriterHolder | undefined): holder is WriteScope =>
  typeof (holder as WriteScope | undefined)?.caller === 'function';

/** The write scope of the running request, or one without a caller. */
export const currentWriteScope = (): WriteScope => {
  const holder = currentHolder();
  return isScope(holder) ? holder : NOBODY;
};

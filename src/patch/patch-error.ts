/**
 * Error raised by the JSON Patch / JSON Merge Patch engine.
 *
 * - `malformed`: the patch document itself is invalid (not an array, an operation that is not an
 *   object, unknown `op`, missing or non-string `path`/`from`, missing `value`, bad pointer syntax).
 * - `test-failed`: a `test` operation found a value that differs from the expected one.
 * - `path-not-found`: the operation cannot apply to this document (missing location, bad or
 *   out-of-range array index, `-` where not allowed, move into own child, missing/non-container parent).
 */
export type PatchErrorKind = 'malformed' | 'test-failed' | 'path-not-found';

export interface PatchErrorDetails {
  /** Zero-based index of the failing operation in the patch document. */
  readonly operationIndex?: number;
  /** The `path` of the failing operation (e.g. `/tags/3`). */
  readonly pointer?: string;
}

export class PatchError extends Error {
  readonly kind: PatchErrorKind;
  readonly operationIndex: number | undefined;
  readonly pointer: string | undefined;

  constructor(kind: PatchErrorKind, message: string, details: PatchErrorDetails = {}) {
    super(message);
    this.name = 'PatchError';
    this.kind = kind;
    this.operationIndex = details.operationIndex;
    this.pointer = details.pointer;
  }
}

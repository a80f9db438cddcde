/** `client.batch([...])`: several operations in one transaction (POST /batch, docs/batch.md). */
import type { CallOptions } from './client-types.js';
import type { HttpTransport } from './http-transport.js';

export interface BatchOperation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path of the API (`/customers/$c.id/orders`: `$ref.field` takes a value of an earlier result). */
  path: string;
  /** The body; a string `"$ref.field"` anywhere in it takes that value of an earlier result. */
  body?: unknown;
  /** content-type, if-match, if-none-match or prefer of this operation. */
  headers?: Record<string, string>;
  /** Names this operation's result for later ones. */
  ref?: string;
}

export interface BatchResult<T = unknown> {
  status: number;
  /** Location, ETag, Last-Modified and Preference-Applied, when the operation sent them. */
  headers: Record<string, string>;
  body: T;
}

/**
 * Runs the operations in order in one transaction: every result when all succeed; otherwise the
 * failing operation's error as a VerboError (its problems' pointers under `/operations/{i}`), and
 * nothing written. Retried safely with an Idempotency-Key, like every POST of this client.
 */
export async function runBatch(
  transport: HttpTransport,
  operations: BatchOperation[],
  options: CallOptions = {},
): Promise<BatchResult[]> {
  const res = await transport.request<{ operations: BatchResult[] }>({
    method: 'POST',
    path: '/batch',
    body: { operations },
    ...options,
  });
  return res.data.operations;
}

/** Options of the client and of one raw request, and what a raw request resolves to. */
import type { CallOptions } from './client-types.js';
import type { RetryOptions } from './retry-policy.js';

export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface ClientOptions {
  /** Where the API lives, basePath included: `http://localhost:3000` or `https://api.example.com/v1`. */
  baseUrl: string;
  /** An API token, sent as `Authorization: Bearer …`; a function is asked before each call. */
  token?: TokenSource;
  /** A fetch of your own (default: the global fetch). */
  fetch?: typeof fetch;
  /** Headers sent with every request (e.g. `accept-language`). */
  headers?: Record<string, string>;
  /** Retries on 429, 503 and network errors (default 2); 0 turns them off. */
  retries?: number | RetryOptions;
  /** Deadline of each call in ms, retries and their waits included (default: none). */
  timeoutMs?: number;
  /** fetch's `credentials` (default 'same-origin'); 'include' for cookie sessions across origins. */
  credentials?: RequestCredentials;
}

export interface RequestSpec extends CallOptions {
  method: string;
  /** A path under baseUrl (`/customers`), or an absolute URL (a `Link` target). */
  path: string;
  /** Encoded query string without `?`. */
  query?: string;
  body?: unknown;
  /** A body sent as it is (NDJSON text or a stream of it) instead of `body` as JSON. */
  raw?: string | ReadableStream<Uint8Array>;
  /** Content-Type of the body (default application/json). */
  contentType?: string;
  /** POST/PATCH: a key of your own, or false for none. Default: a fresh UUID when retries are on. */
  idempotencyKey?: string | false;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  data: T;
  /** The URL that answered (after redirects). */
  url: string;
}

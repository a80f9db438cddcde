/**
 * When and how long to wait before trying a request again: 429, 503 and network errors, for
 * idempotent methods or requests carrying an Idempotency-Key; exponential backoff with full
 * jitter, or the server's Retry-After when it gives one.
 */

export interface RetryOptions {
  /** Retries after the first attempt (default 2; 0 turns retries off). */
  retries?: number;
  /** Base of the exponential backoff (default 200 ms): attempt n waits random(0, base·2ⁿ). */
  baseDelayMs?: number;
  /** Cap of one backoff wait (default 10 s). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown (default 60 s). */
  maxRetryAfterMs?: number;
}

export type RetryPolicy = Required<RetryOptions> & { random: () => number };

export function retryPolicy(
  options: number | RetryOptions | undefined,
  random: () => number = Math.random,
): RetryPolicy {
  const o = typeof options === 'number' ? { retries: options } : (options ?? {});
  return {
    retries: Math.max(0, Math.floor(o.retries ?? 2)),
    baseDelayMs: o.baseDelayMs ?? 200,
    maxDelayMs: o.maxDelayMs ?? 10_000,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 60_000,
    random,
  };
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Whether a request may be sent again without risk of doing its effect twice. */
export function isRetrySafe(method: string, headers: Headers): boolean {
  const m = method.toUpperCase();
  if (IDEMPOTENT.has(m)) return true;
  return (m === 'POST' || m === 'PATCH') && headers.has('idempotency-key');
}

/** Statuses worth retrying: rate limited, unavailable; and a keyed request still in flight (409). */
export function isRetryableStatus(status: number, code: string | undefined, keyed: boolean): boolean {
  if (status === 429 || status === 503) return true;
  return keyed && status === 409 && code === 'REQUEST_IN_PROGRESS';
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Full jitter: a random wait in [0, min(cap, base·2^attempt)). `attempt` counts from 0. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(policy.random() * ceiling);
}

/** A v4 UUID for Idempotency-Key: crypto.randomUUID, else getRandomValues (insecure browser contexts). */
export function newIdempotencyKey(): string | undefined {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (!c) return undefined;
  if (typeof c.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch {
      // randomUUID exists but refuses outside secure contexts in some browsers: fall through.
    }
  }
  if (typeof c.getRandomValues !== 'function') return undefined;
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

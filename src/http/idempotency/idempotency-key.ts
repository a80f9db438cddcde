/**
 * The pure parts of Idempotency-Key (IETF httpapi draft): reading the header, fingerprinting a
 * request, and the shape of what the store keeps for one key.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../../errors/api-error.js';

/** What `store.kv` holds under one key: a marker while the first request runs, then its response. */
export type IdempotencyEntry =
  | { state: 'running'; fingerprint: string; startedAt: number }
  | {
      state: 'done';
      fingerprint: string;
      status: number;
      headers: Record<string, string>;
      body: string;
      /** The first request's trace id, swapped for the retry's own in replayed error bodies. */
      traceId: string;
    };

const KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * The key from the header: an RFC 8941 sf-string (`"abc"`) per the draft, or the bare token most
 * clients (Stripe's style) send. 1–255 visible ASCII characters; anything else → 400.
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const raw = (Array.isArray(header) ? header.join(', ') : header).trim();
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(raw);
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : raw;
  if (!KEY.test(key) || key.trim() !== key) {
    throw ApiError.of(
      'IDEMPOTENCY_KEY_INVALID',
      'Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID',
    );
  }
  return key;
}

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{ "b": 2, "a": 1 }` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return value === undefined ? '' : JSON.stringify(value);
}

/** Request headers that change what a write does, so they are part of the request's identity. */
const CONDITIONS = ['if-match', 'if-none-match', 'if-unmodified-since'] as const;

/**
 * Same method, path and query, body media type, (parsed) body and preconditions ⇔ same fingerprint.
 * A retry that adds If-Match after a 428 is another request: it needs another key.
 */
export function requestFingerprint(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: unknown,
): string {
  const media = headers['content-type']?.split(';')[0].trim().toLowerCase() ?? '';
  const conditions = CONDITIONS.map((h) => headers[h] ?? '').join('\n');
  return createHash('sha256')
    .update(`${method}\n${url}\n${media}\n${conditions}\n${canonicalJson(body)}`)
    .digest('base64url');
}

/** The kv key: the caller's scope and the client's key, hashed to a fixed length. */
export function storageKey(scope: string, key: string): string {
  return createHash('sha256').update(`${scope}\u0000${key}`).digest('base64url');
}

/** ETags, Last-Modified and the RFC 9110 precondition checks (docs/http-semantics.md). */
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../../errors/api-error.js';
import type { ResourceDef } from '../../model/model-types.js';
import type { Row } from '../../store/store.js';
import { httpDate, timestampMillis } from '../respond/http-date.js';

/** Strong ETag from the stored version; createdAt keeps a re-created record from reusing old tags. */
export function etagOf(row: Row): string {
  const born = timestampMillis(row.createdAt);
  return `"${row._version ?? 1}-${Number.isNaN(born) ? 0 : born.toString(36)}"`;
}

export const lastModifiedOf = (row: Row): string => httpDate(timestampMillis(row.updatedAt));

function listOfTags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Strong comparison (If-Match). */
export function matchesStrong(header: string, etag: string | undefined): boolean {
  if (header.trim() === '*') return etag !== undefined;
  return etag !== undefined && listOfTags(header).some((t) => t === etag);
}

/** Weak comparison (If-None-Match). */
export function matchesWeak(header: string, etag: string | undefined): boolean {
  if (header.trim() === '*') return etag !== undefined;
  if (etag === undefined) return false;
  const bare = etag.replace(/^W\//, '');
  return listOfTags(header).some((t) => t.replace(/^W\//, '') === bare);
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** For GET/HEAD: true when the client's copy is current (→ 304). */
export function notModified(headers: IncomingHttpHeaders, etag: string, updatedAt?: unknown): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) return matchesWeak(inm, etag);
  const ims = headers['if-modified-since'];
  if (ims && updatedAt !== undefined) {
    const since = Date.parse(ims);
    if (!Number.isNaN(since)) return seconds(timestampMillis(updatedAt)) <= seconds(since);
  }
  return false;
}

/**
 * For GET/HEAD on an existing item, before If-None-Match/If-Modified-Since: RFC 9110 §13.2.2
 * steps 1–2 apply to every method, so a failing If-Match or If-Unmodified-Since → 412 here too.
 */
export function checkReadPreconditions(headers: IncomingHttpHeaders, row: Row): void {
  if (headers['if-match'] === undefined && !headers['if-unmodified-since']) return;
  const etag = etagOf(row);
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    if (!matchesStrong(ifMatch, etag))
      throw ApiError.of(
        'PRECONDITION_FAILED',
        `If-Match ${ifMatch} does not match the current ETag ${etag}`,
        {},
        { etag },
      );
    return;
  }
  const ius = headers['if-unmodified-since'];
  const since = ius ? Date.parse(ius) : Number.NaN;
  if (!Number.isNaN(since) && seconds(timestampMillis(row.updatedAt)) > seconds(since)) {
    throw ApiError.of('PRECONDITION_FAILED', `the record was modified after ${ius}`, {}, { etag });
  }
}

/**
 * For writes, inside the transaction, with the current row (undefined when absent).
 * Throws 412 / 428 as RFC 9110 §13.2.2 orders them.
 */
export function checkWritePreconditions(
  r: ResourceDef,
  headers: IncomingHttpHeaders,
  current: Row | undefined,
): void {
  const ifMatch = headers['if-match'];
  // Computed only when a precondition header needs it: most writes carry none.
  const conditional =
    ifMatch !== undefined ||
    Boolean(headers['if-unmodified-since']) ||
    headers['if-none-match'] !== undefined;
  const etag = current && conditional ? etagOf(current) : undefined;
  if (ifMatch !== undefined) {
    if (!matchesStrong(ifMatch, etag))
      throw ApiError.of(
        'PRECONDITION_FAILED',
        `If-Match ${ifMatch} does not match the current ETag ${etag ?? '(none: the record does not exist)'}`,
        {},
        etag ? { etag } : {},
      );
  } else {
    const ius = headers['if-unmodified-since'];
    if (ius && current) {
      const since = Date.parse(ius);
      if (!Number.isNaN(since) && seconds(timestampMillis(current.updatedAt)) > seconds(since)) {
        throw ApiError.of('PRECONDITION_FAILED', `the record was modified after ${ius}`, {}, { etag: etag! });
      }
    }
    if (r.requireIfMatch && current)
      throw ApiError.of(
        'PRECONDITION_REQUIRED',
        `${r.name} requires If-Match on writes; GET the record and send its ETag`,
      );
  }
  const inm = headers['if-none-match'];
  if (inm !== undefined && matchesWeak(inm, etag)) {
    throw ApiError.of(
      'PRECONDITION_FAILED',
      `If-None-Match ${inm} matches the current ETag`,
      {},
      etag ? { etag } : {},
    );
  }
}

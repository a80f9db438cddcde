/**
 * docs/http-semantics.md on collections (`/{r}`, `/{parent}/{id}/{r}`): the weak ETag of a page, and the preconditions
 * of POST and bulk DELETE. A collection that answers at all exists, and it only has weak ETags.
 */
import * as crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../../errors/api-error.js';
import type { ResourceDef } from '../../model/model-types.js';
import type { Row } from '../../store/store.js';

export interface PageShape {
  rows: Row[];
  /** The records as sent, embeds included; hashed only when `embedded` (otherwise rows suffice). */
  outputs: Record<string, unknown>[];
  embedded: boolean;
  link?: string;
  total?: number;
}

/**
 * Weak ETag covering what the body and headers show: each row's identity and version, the Link
 * header, the total, and, when `embed` is used, the serialised records (embedded ones change
 * without the top-level rows changing). A single record with `embed` is a page of one.
 */
export function representationEtag(page: PageShape): string {
  // What a record's own ETag is made of (conditions.ts etagOf), without formatting each one.
  let identities = '';
  for (const row of page.rows) identities += `${row.id}:${row._version ?? 1}:${String(row.createdAt)},`;
  identities += `\n${page.link ?? ''}\n${page.total ?? ''}`;
  if (page.embedded) identities += `\n${JSON.stringify(page.outputs)}`;
  return `W/"${sha1(identities).slice(0, 22)}"`;
}

/** Weak ETag of a page sent as the JSON text the store built (page-reader.ts): the body is the representation. */
export function textEtag(body: string, link: string | undefined, total: number | undefined): string {
  return `W/"${sha1(`${body}\n${link ?? ''}\n${total ?? ''}`).slice(0, 22)}"`;
}

/**
 * SHA-1 of a text, base64url. One call where Node has `crypto.hash` (20.12 and later): it hashes a
 * 7 KB page in less than half the time of createHash().update().digest().
 */
const sha1: (text: string) => string = crypto.hash
  ? (text) => crypto.hash('sha1', text, 'base64url')
  : (text) => crypto.createHash('sha1').update(text).digest('base64url');

/**
 * RFC 9110 §13.1 for POST and bulk DELETE on a collection, in §13.2.2 order:
 * - If-Match: `*` passes (the collection exists); any tag → 412, since a collection's ETags are
 *   weak and If-Match compares strongly;
 * - no If-Match on a `requireIfMatch` resource → 428 for bulk DELETE (POST loses nothing);
 * - If-None-Match: `*` → 412 (the collection exists); specific tags have no effect on writes.
 * If-Unmodified-Since is ignored: a collection has no modification date (§13.1.4).
 */
export function checkCollectionPreconditions(
  r: ResourceDef,
  headers: IncomingHttpHeaders,
  method: 'POST' | 'DELETE',
): void {
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    if (ifMatch.trim() !== '*')
      throw ApiError.of(
        'PRECONDITION_FAILED',
        `If-Match ${ifMatch} cannot match ${r.name}: a collection has only weak ETags, and If-Match compares strongly (only * passes)`,
      );
  } else if (method === 'DELETE' && r.requireIfMatch) {
    throw ApiError.of(
      'PRECONDITION_REQUIRED',
      `${r.name} requires If-Match on writes; a bulk DELETE needs If-Match: *`,
    );
  }
  const inm = headers['if-none-match'];
  if (inm !== undefined && inm.trim() === '*')
    throw ApiError.of('PRECONDITION_FAILED', `If-None-Match: * fails: the collection ${r.name} exists`);
}

/** Response headers and request-header parameters, as reusable components (docs/http-semantics.md, docs/http-semantics.md, docs/query.md, docs/http-semantics.md). */
import type { JsonSchema } from '../model/field-type.js';
import type { Model } from '../model/model-types.js';
import { DEFAULT_PAGE_SIZE, headString, int, MAX_IDEMPOTENCY_KEY, MAX_PAGE_SIZE } from './openapi-limits.js';

export const ACCEPT_POST = 'application/json';
export const ACCEPT_PATCH = 'application/merge-patch+json, application/json-patch+json, application/json';

type Header = { description: string; schema: JsonSchema; required?: boolean };

export const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });
export const parameterRef = (name: string) => ({ $ref: `#/components/parameters/${name}` });

const HTTP_DATE = {
  type: 'string',
  maxLength: 29,
  pattern: '^[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT$',
  examples: ['Fri, 14 Mar 2025 09:26:53 GMT'],
};
const ETAG = {
  type: 'string',
  maxLength: 64,
  pattern: '^(W/)?"[\\x21\\x23-\\x7e]*"$',
  examples: ['"3-m8a1x2k4"'],
};

function corsText(model: Model): string {
  const cors = model.cors;
  if (!cors)
    return 'Not sent: this API has no `cors` configuration, so browsers on other origins cannot read its responses.';
  const listed = cors.origins.filter((o) => o !== '*');
  const parts = [];
  if (listed.length)
    parts.push(
      `the request's Origin when it is one of ${listed.join(', ')}${cors.credentials ? ' (with Access-Control-Allow-Credentials: true)' : ''}`,
    );
  if (cors.origins.includes('*')) parts.push('`*` for any other origin (never with credentials)');
  return `CORS (docs/http-semantics.md): ${parts.join('; ')}. Absent when the request has no allowed Origin.`;
}

function rateLimitText(model: Model): string {
  const rl = model.rateLimit;
  return rl
    ? `On every response (IETF RateLimit header fields draft): this API allows ${rl.max} requests per client address per ${rl.windowSeconds} s (per instance); 429 with Retry-After past it.`
    : 'Not sent: this API sets no request rate limit (`rateLimit` is not configured); sign-in attempts are limited separately.';
}

/** `components.headers`: every response header the server may send. */
export function responseHeaders(model: Model, locationMax: number, linkMax: number): Record<string, Header> {
  const headers: Record<string, Header> = {
    'X-Trace-Id': {
      description:
        'On every response: the trace id of this request (from `traceparent` or `X-Request-Id` when sent), the same as `traceId` in errors and in the server log.',
      schema: {
        type: 'string',
        minLength: 1,
        maxLength: 128,
        pattern: '^[A-Za-z0-9._:-]+$',
        examples: ['4bf92f3577b34da6a3ce929d0e0e4736'],
      },
    },
    'Access-Control-Allow-Origin': { description: corsText(model), schema: headString({ examples: ['*'] }) },
    'RateLimit-Limit': {
      description: `${rateLimitText(model)} This header: the requests allowed per window.`,
      schema: int(1, 2 ** 31),
    },
    'RateLimit-Remaining': {
      description: `${rateLimitText(model)} This header: the requests left in this window.`,
      schema: int(0, 2 ** 31),
    },
    'RateLimit-Reset': {
      description: `${rateLimitText(model)} This header: seconds until the window resets.`,
      schema: int(1, 2 ** 31),
    },
    ETag: {
      description:
        'Strong entity tag of the record (weak `W/` for a list page); changes with every write. Send it back in If-Match / If-None-Match.',
      schema: ETAG,
    },
    'Last-Modified': { description: "The record's updatedAt as an HTTP date.", schema: HTTP_DATE },
    Location: {
      description: 'The URL of the created record.',
      schema: {
        type: 'string',
        format: 'uri-reference',
        maxLength: locationMax,
        examples: [`${model.basePath}/items/42`],
      },
    },
    Link: {
      description:
        'RFC 8288 links to the `next`, `prev` and `first` pages, each present only when there is such a page. Follow them rather than building URLs.',
      schema: { type: 'string', maxLength: linkMax, examples: ['</items?cursor=eyJz...>; rel="next"'] },
    },
    'X-Total-Count': {
      description:
        'With `count=true` or `Prefer: count=exact`: how many records match the filters; with `Prefer: count=estimated`, exact up to 10 000 and an estimate beyond.',
      schema: int(0, Number.MAX_SAFE_INTEGER),
    },
    'Preference-Applied': {
      description: 'RFC 7240: the preference the server honoured.',
      schema: {
        type: 'string',
        enum: ['return=minimal', 'return=representation', 'count=exact', 'count=estimated'],
      },
    },
    'Idempotent-Replayed': {
      description: 'Present on a replayed response to a retried Idempotency-Key (docs/http-semantics.md).',
      schema: { type: 'string', enum: ['true'] },
    },
    'Retry-After': { description: 'Seconds to wait before retrying.', schema: int(0, 2 ** 31 - 1) },
    Allow: {
      description: 'The methods this path serves.',
      schema: {
        type: 'string',
        maxLength: 64,
        pattern: '^[A-Z]+(, [A-Z]+)*$',
        examples: ['GET, HEAD, POST, DELETE, OPTIONS'],
      },
    },
    'Accept-Post': {
      description:
        'Media types a POST body may have, comma-separated: application/json; also multipart/form-data with a file field; text/csv, application/x-ndjson and application/json for imports.',
      schema: { type: 'string', pattern: '^[a-z]+/[a-z0-9.+-]+(, [a-z]+/[a-z0-9.+-]+)*$', maxLength: 200 },
    },
    'Accept-Patch': {
      description: 'Media types a PATCH body may have.',
      schema: { type: 'string', enum: [ACCEPT_PATCH] },
    },
    Vary: {
      description:
        'Request headers that change this response (Prefer on writes, Accept on the index, Origin with CORS).',
      schema: { type: 'string', maxLength: 256, examples: ['Prefer'] },
    },
  };
  if (model.cors) {
    headers['Access-Control-Allow-Methods'] = {
      description: 'CORS preflight: the methods of this path.',
      schema: { type: 'string', maxLength: 64 },
    };
    headers['Access-Control-Allow-Headers'] = {
      description: 'CORS preflight: request headers a script may send.',
      schema: headString(),
    };
    headers['Access-Control-Max-Age'] = {
      description: 'CORS preflight: seconds a browser may cache this answer.',
      schema: int(0, 86400),
    };
  }
  if (model.auth)
    headers['WWW-Authenticate'] = {
      description: 'How to authenticate (RFC 9110 §11.6.1).',
      schema: { type: 'string', maxLength: 256, examples: ['Bearer realm="verbo"'] },
    };
  return headers;
}

/** Headers on every response: the trace id, CORS, the rate limit (each documented as absent when not configured). */
export const commonHeaders = () => ({
  'X-Trace-Id': headerRef('X-Trace-Id'),
  'Access-Control-Allow-Origin': headerRef('Access-Control-Allow-Origin'),
  'RateLimit-Limit': headerRef('RateLimit-Limit'),
  'RateLimit-Remaining': headerRef('RateLimit-Remaining'),
  'RateLimit-Reset': headerRef('RateLimit-Reset'),
  Vary: headerRef('Vary'),
});

const header = (name: string, description: string, schema: JsonSchema) => ({
  name,
  in: 'header',
  description,
  schema,
});

/** `components.parameters` shared by all resources: request headers and paging. */
export function sharedParameters(): Record<string, unknown> {
  const tags = headString({ examples: ['"3-m8a1x2k4"'] });
  return {
    IfMatch: header(
      'If-Match',
      'Write only if the record still has this ETag (else 412). Required (428) on resources with `requireIfMatch`. On a collection (POST, bulk DELETE) only `*` passes: its ETags are weak.',
      tags,
    ),
    IfNoneMatch: header(
      'If-None-Match',
      'On GET/HEAD: 304 when the ETag still matches. On writes: `*` makes a write fail with 412 when the record (for POST and bulk DELETE: the collection) exists; on POST and bulk DELETE other tags have no effect.',
      tags,
    ),
    IfModifiedSince: header(
      'If-Modified-Since',
      'On GET/HEAD: 304 when not modified since this HTTP date (ignored when If-None-Match is sent).',
      HTTP_DATE,
    ),
    IfUnmodifiedSince: header(
      'If-Unmodified-Since',
      'On writes: 412 when the record was modified after this HTTP date (ignored when If-Match is sent).',
      HTTP_DATE,
    ),
    PreferReturn: header(
      'Prefer',
      'RFC 7240 `return=minimal` (no body: 201 keeps Location, 200 becomes 204) or `return=representation`.',
      {
        type: 'string',
        maxLength: 256,
        examples: ['return=minimal'],
      },
    ),
    PreferCount: header(
      'Prefer',
      'RFC 7240 `count=exact` adds X-Total-Count (like `count=true`); `count=estimated` adds one that never costs a full count (exact up to 10 000 matches, an estimate beyond).',
      { type: 'string', maxLength: 256, examples: ['count=exact', 'count=estimated'] },
    ),
    IdempotencyKey: header(
      'Idempotency-Key',
      'Makes a retry safe (docs/http-semantics.md): the first request runs and its answer is kept; the same key and body replay it (Idempotent-Replayed: true); the same key with another body → 422; while the first still runs → 409.',
      {
        type: 'string',
        minLength: 1,
        maxLength: MAX_IDEMPOTENCY_KEY * 2 + 2,
        pattern: '^[\\x20-\\x7e]+$',
        examples: ['6f1d2c84-0c7e-4d8e-b3a5-1f0e9c2b7a60'],
      },
    ),
    AcceptLanguage: header(
      'Accept-Language',
      'Language of `userMessage` in errors: `es` or `en` (else the API default).',
      { type: 'string', maxLength: 256, examples: ['es'] },
    ),
    limit: {
      name: 'limit',
      in: 'query',
      description: `Page size, 1 to ${MAX_PAGE_SIZE}.`,
      schema: int(1, MAX_PAGE_SIZE, { default: DEFAULT_PAGE_SIZE }),
    },
    offset: {
      name: 'offset',
      in: 'query',
      description: 'Records to skip (offset paging). Not with `cursor`.',
      schema: int(0, Number.MAX_SAFE_INTEGER),
    },
    cursor: {
      name: 'cursor',
      in: 'query',
      description:
        'Opaque keyset cursor from a `Link` header (constant time at any depth); an altered cursor → 400. Not with `offset`.',
      schema: headString({ pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' }),
    },
    count: {
      name: 'count',
      in: 'query',
      description: '`true` adds X-Total-Count.',
      schema: { type: 'boolean', default: false },
    },
  };
}

/** Success responses, and the full `responses` object of an operation from its statuses. */
import type { Model } from '../model/model-types.js';
import { type ErrorStatus, errorResponseRef } from './openapi-errors.js';
import { commonHeaders, headerRef } from './openapi-headers.js';
import { MAX_PAGE_SIZE } from './openapi-limits.js';
import { eventStreamContent } from './openapi-realtime.js';
import { schemaRef } from './openapi-record-schemas.js';

export type Flavour = 'Post' | 'Patch';

export const headers = (...names: string[]) => {
  const out: Record<string, unknown> = { ...commonHeaders() };
  for (const n of names) out[n] = headerRef(n);
  return out;
};

const json = (schema: unknown) => ({ 'application/json': { schema } });

export function listOk(record: string, head: boolean) {
  return {
    description: `A page of records (at most ${MAX_PAGE_SIZE}), in sort order${head ? '; HEAD sends the headers only' : '; with `Accept: text/event-stream`, the change stream of the query (docs/realtime.md); `text/csv` or `application/x-ndjson`, every match (docs/bulk.md); with `groupBy`/`aggregate`, an array of groups (`x-verbo-aggregate-items`: AggregateRow, docs/aggregates.md)'}.`,
    headers: headers('ETag', 'Link', 'X-Total-Count', 'Preference-Applied'),
    ...(head
      ? {}
      : {
          content: {
            ...json({
              type: 'array',
              items: { anyOf: [schemaRef(record), schemaRef(`${record}Fields`)] },
              maxItems: MAX_PAGE_SIZE,
            }),
            ...eventStreamContent(),
          },
          // The rows of `groupBy`/`aggregate` answers: kept out of `content`, so that generated
          // clients (openapi-typescript) still type a list's records as records.
          'x-verbo-aggregate-items': schemaRef('AggregateRow'),
        }),
  };
}

export function recordOk(record: string, head: boolean) {
  return {
    description: head
      ? 'The record exists; the headers of its GET, no body.'
      : 'The record; with `Accept: text/event-stream`, its change stream (docs/realtime.md).',
    headers: headers('ETag', 'Last-Modified', 'Accept-Patch'),
    ...(head ? {} : { content: { ...json(schemaRef(record)), ...eventStreamContent() } }),
  };
}

/** 304 keeps the headers the 200 would have had. */
export const notModified = (of: 'list' | 'record') => ({
  description:
    'Not modified: the ETag in If-None-Match (or the If-Modified-Since date) still matches; no body.',
  headers:
    of === 'list'
      ? headers('ETag', 'Link', 'X-Total-Count', 'Preference-Applied')
      : headers('ETag', 'Last-Modified', 'Accept-Patch'),
});

export function created(record: string, by: 'POST' | 'PUT') {
  const extra = by === 'POST' ? 'Idempotent-Replayed' : 'Accept-Patch';
  return {
    description:
      'Created. The body is the record, or empty with `Prefer: return=minimal` (or when the API prefers minimal).',
    headers: headers('Location', 'ETag', 'Last-Modified', 'Preference-Applied', extra),
    content: json(schemaRef(record)),
  };
}

export function written(record: string, idempotent: boolean) {
  return {
    description: 'Written; the body is the record as stored.',
    headers: headers(
      'ETag',
      'Last-Modified',
      'Accept-Patch',
      'Preference-Applied',
      ...(idempotent ? ['Idempotent-Replayed'] : []),
    ),
    content: json(schemaRef(record)),
  };
}

export function writtenMinimal(idempotent: boolean) {
  return {
    description: 'Written, no body: `Prefer: return=minimal` (or the API default).',
    headers: headers(
      'ETag',
      'Last-Modified',
      'Accept-Patch',
      'Preference-Applied',
      ...(idempotent ? ['Idempotent-Replayed'] : []),
    ),
  };
}

export const deleted = () => ({ description: 'Deleted; no body.', headers: headers() });

export const bulkDeleted = () => ({
  description:
    'How many records the filters matched and deleted (all or none: a restrict reference stops the whole delete with 409).',
  headers: headers(),
  content: json(schemaRef('DeleteResult')),
});

export function options(model: Model, flavour: Flavour) {
  const preflight = model.cors
    ? ['Access-Control-Allow-Methods', 'Access-Control-Allow-Headers', 'Access-Control-Max-Age']
    : [];
  return {
    description: `The methods of this path in Allow, and the body types in Accept-${flavour}${model.cors ? '; also answers CORS preflights' : ''}.`,
    headers: headers('Allow', `Accept-${flavour}`, ...preflight),
  };
}

/** Errors every route can answer: Accept, oversized headers, faults, shutdown (and the rate limit when set). */
export function commonStatuses(model: Model): ErrorStatus[] {
  return [406, ...(model.rateLimit ? [429 as const] : []), 431, 500, 503];
}

/** Errors of a method whose body Fastify parses when one is sent (POST, PUT, PATCH, DELETE, OPTIONS). */
export const bodyStatuses: ErrorStatus[] = [400, 413, 415];

/** Builds `responses`: the success entries plus a $ref for each error status, sorted. */
export function responses(
  success: Record<string, unknown>,
  errors: ErrorStatus[],
  flavour: Flavour,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...success };
  for (const s of [...new Set(errors)].sort((a, b) => a - b)) out[String(s)] = errorResponseRef(s, flavour);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => Number(a) - Number(b)));
}

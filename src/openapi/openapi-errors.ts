/**
 * The error envelope (docs/errors.md) (a JSON array of error objects) and its RFC 9457 alternative, and one
 * response component per status verbo answers with, listing the catalogue's codes for it.
 */
import { statusTitle } from '../errors/status-titles.js';
import type { JsonSchema } from '../model/field-type.js';
import type { Model } from '../model/model-types.js';
import { commonHeaders, headerRef } from './openapi-headers.js';
import { envelopeMaxItems, int, type Limits, MAX_HEAD_BYTES } from './openapi-limits.js';
import { schemaRef } from './openapi-record-schemas.js';

/** The error catalogue as the http layer has it (code → status and English message). */
export type ErrorCodes = Readonly<Record<string, { status: number; en: string }>>;

export const ERROR_STATUSES = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  406: 'NotAcceptable',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'ContentTooLarge',
  415: 'UnsupportedMediaType',
  416: 'RangeNotSatisfiable',
  422: 'UnprocessableContent',
  428: 'PreconditionRequired',
  429: 'TooManyRequests',
  431: 'RequestHeaderFieldsTooLarge',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
  507: 'InsufficientStorage',
} as const;

export type ErrorStatus = keyof typeof ERROR_STATUSES;

const EXTRA_HEADERS: Partial<Record<ErrorStatus, string[]>> = {
  401: ['WWW-Authenticate'],
  409: ['Retry-After'],
  412: ['ETag'],
  416: ['Content-Range'],
  429: ['Retry-After'],
  503: ['Retry-After'],
  507: ['Retry-After'],
};

const TRACE = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' };

export function errorSchemas(model: Model, limits: Limits): Record<string, JsonSchema> {
  const text = { type: 'string', maxLength: limits.messageMax };
  return {
    Error: {
      type: 'object',
      description: 'One problem found in the request (docs/errors.md).',
      properties: {
        code: {
          type: 'string',
          maxLength: 64,
          pattern: '^[A-Z][A-Z0-9_]*$',
          description: 'Stable machine code from the catalogue (docs/errors.md).',
          examples: ['VALIDATION_FAILED'],
        },
        status: int(400, 599, { description: 'The HTTP status again.' }),
        internalMessage: {
          ...text,
          description: 'For developers; says nothing internal for a 5xx in production.',
        },
        userMessage: {
          ...text,
          description: 'Safe to show an end user, in the language of Accept-Language.',
        },
        traceId: { ...TRACE, description: 'Equal to the X-Trace-Id header.' },
        pointer: {
          type: 'string',
          maxLength: limits.bodyLimit,
          description: 'JSON Pointer into the request body.',
          examples: ['/email'],
        },
        parameter: {
          type: 'string',
          maxLength: MAX_HEAD_BYTES,
          description: 'The query parameter at fault.',
          examples: ['limit'],
        },
        rule: {
          type: 'string',
          maxLength: 64,
          description: 'The business rule broken (`BUSINESS_RULE_VIOLATED`, docs/rules.md).',
          examples: ['won-needs-amount'],
        },
      },
      required: ['code', 'status', 'internalMessage', 'userMessage', 'traceId'],
    },
    ErrorEnvelope: {
      type: 'array',
      description:
        'Every 4xx and 5xx body: one entry per problem found (validation reports every failing field at once).',
      items: schemaRef('Error'),
      minItems: 1,
      maxItems: envelopeMaxItems(model),
    },
    ProblemDetails: {
      type: 'object',
      description:
        'RFC 9457, for clients that send `Accept: application/problem+json`: the same errors in `errors`.',
      properties: {
        type: { type: 'string', const: 'about:blank' },
        code: { type: 'string', maxLength: 64, pattern: '^[A-Z][A-Z0-9_]*$' },
        title: { type: 'string', maxLength: 64 },
        status: int(400, 599),
        detail: { ...text, maxLength: limits.messageMax * 4 },
        instance: { type: 'string', format: 'uri-reference', maxLength: MAX_HEAD_BYTES },
        traceId: TRACE,
        errors: schemaRef('ErrorEnvelope'),
      },
      required: ['type', 'code', 'title', 'status', 'detail', 'instance', 'traceId', 'errors'],
    },
  };
}

function codesFor(status: number, codes?: ErrorCodes): [string, string][] {
  return codes
    ? Object.entries(codes)
        .filter(([, e]) => e.status === status)
        .map(([c, e]) => [c, e.en])
    : [];
}

/** `components.responses`: one per error status (415 twice: the POST and PATCH flavours of Accept-*). */
export function errorResponses(model: Model, codes?: ErrorCodes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const make = (status: ErrorStatus, extra: string[], note = '') => {
    const listed = codesFor(status, codes);
    const [code, message] = listed[0] ?? ['INTERNAL_ERROR', statusTitle(status)];
    const entry = {
      code,
      status,
      internalMessage: `example: ${statusTitle(status).toLowerCase()}`,
      userMessage: message.replace(/\{(\w+)\}/g, '$1'),
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    };
    const headers: Record<string, unknown> = { ...commonHeaders() };
    for (const h of extra) headers[h] = headerRef(h);
    return {
      description: `${statusTitle(status)}.${note}${listed.length ? ` Codes: ${listed.map(([c]) => `\`${c}\``).join(', ')}.` : ''}`,
      headers,
      content: {
        'application/json': { schema: schemaRef('ErrorEnvelope'), example: [entry] },
        'application/problem+json': { schema: schemaRef('ProblemDetails') },
      },
    };
  };
  for (const [status, name] of Object.entries(ERROR_STATUSES)) {
    const s = Number(status) as ErrorStatus;
    if (s === 401 && !model.auth) continue;
    if (s === 415) continue;
    out[name] = make(
      s,
      (EXTRA_HEADERS[s] ?? []).filter((h) => h !== 'WWW-Authenticate' || model.auth),
    );
  }
  out.UnsupportedMediaTypePost = make(415, ['Accept-Post'], ' Accept-Post lists what POST takes.');
  out.UnsupportedMediaTypePatch = make(415, ['Accept-Patch'], ' Accept-Patch lists what PUT and PATCH take.');
  return out;
}

export const errorResponseRef = (status: ErrorStatus, flavour?: 'Post' | 'Patch') => ({
  $ref: `#/components/responses/${ERROR_STATUSES[status]}${status === 415 ? (flavour ?? 'Post') : ''}`,
});

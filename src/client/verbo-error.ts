/** The one error the client throws: an HTTP error with the error envelope (docs/errors.md), or a failure to get an answer. */

/** One entry of the error envelope (docs/errors.md). */
export interface ErrorEntry {
  code: string;
  status: number;
  internalMessage: string;
  userMessage: string;
  traceId: string;
  pointer?: string;
  parameter?: string;
  /** The business rule a BUSINESS_RULE_VIOLATED entry is about (docs/rules.md). */
  rule?: string;
}

/**
 * The codes a verbo server answers with (its catalogue, docs/errors.md), so callers can switch on
 * them with types. Kept here, not imported: the client depends on nothing of the server; a test
 * (test/client/client-codes.test.ts) checks this list against the server's catalogue.
 */
export const API_ERROR_CODES = [
  'MALFORMED_JSON',
  'EMPTY_BODY',
  'FORBIDDEN_JSON_KEY',
  'INVALID_QUERY_PARAMETER',
  'MALFORMED_PATCH',
  'FILTER_REQUIRED',
  'BUSINESS_RULE_VIOLATED',
  'MALFORMED_ROW',
  'BAD_REQUEST',
  'IDEMPOTENCY_KEY_INVALID',
  'UNAUTHENTICATED',
  'LOGIN_FAILED',
  'INVALID_TOKEN',
  'FORBIDDEN',
  'CSRF_REJECTED',
  'REGISTRATION_CLOSED',
  'ROUTE_NOT_FOUND',
  'RECORD_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'NOT_ACCEPTABLE',
  'UNIQUE_VIOLATION',
  'STILL_REFERENCED',
  'JOB_FINISHED',
  'PATCH_TEST_FAILED',
  'PATCH_PATH_NOT_FOUND',
  'REQUEST_IN_PROGRESS',
  'PRECONDITION_FAILED',
  'RANGE_NOT_SATISFIABLE',
  'PAYLOAD_TOO_LARGE',
  'URI_TOO_LONG',
  'UNSUPPORTED_MEDIA_TYPE',
  'VALIDATION_FAILED',
  'REFERENCE_NOT_FOUND',
  'JSON_TOO_DEEP',
  'JSON_ARRAY_TOO_LONG',
  'INVALID_UNICODE',
  'NUMBER_OUT_OF_RANGE',
  'INEXACT_NUMBER',
  'IDEMPOTENCY_KEY_REUSED',
  'PRECONDITION_REQUIRED',
  'RATE_LIMITED',
  'TOO_MANY_STREAMS',
  'TOO_MANY_ATTEMPTS',
  'HEADERS_TOO_LARGE',
  'JOB_INTERRUPTED',
  'INTERNAL_ERROR',
  'NOT_IMPLEMENTED',
  'SERVICE_UNAVAILABLE',
  'STREAM_TOO_SLOW',
  'INSUFFICIENT_STORAGE',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Codes of failures that have no HTTP answer (status 0). */
export type TransportErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED' | 'INVALID_RESPONSE';

export interface VerboErrorInit {
  status: number;
  code: string;
  errors?: ErrorEntry[];
  traceId?: string;
  method?: string;
  url?: string;
  headers?: Headers;
  message?: string;
  cause?: unknown;
}

export class VerboError extends Error {
  /** HTTP status; 0 when no response arrived (network error, timeout, abort). */
  readonly status: number;
  /** The first error's code (`VALIDATION_FAILED`…), or a TransportErrorCode when status is 0. */
  readonly code: string;
  /** The error envelope (docs/errors.md), one entry per problem (empty when status is 0). */
  readonly errors: ErrorEntry[];
  /** `X-Trace-Id` of the response: quote it when reporting a problem. */
  readonly traceId: string | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: Headers | undefined;

  constructor(init: VerboErrorInit) {
    const first = init.errors?.[0];
    super(
      init.message ??
        `${init.method ?? ''} ${init.url ?? ''} → ${init.status} ${init.code}${first ? `: ${init.errors!.map((e) => e.internalMessage).join('; ')}` : ''}`.trim(),
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = 'VerboError';
    this.status = init.status;
    this.code = init.code;
    this.errors = init.errors ?? [];
    this.traceId = init.traceId ?? first?.traceId;
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
  }

  /** Messages safe to show an end user (one per problem). */
  get userMessages(): string[] {
    return this.errors.map((e) => e.userMessage);
  }
}

const isEntry = (v: unknown): v is ErrorEntry =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as ErrorEntry).code === 'string' &&
  typeof (v as ErrorEntry).status === 'number';

/** The envelope of an error body: the docs/errors.md array, or the `errors` of an RFC 9457 problem object. */
export function envelopeOf(body: unknown): ErrorEntry[] {
  if (Array.isArray(body)) return body.filter(isEntry);
  if (typeof body === 'object' && body !== null && Array.isArray((body as { errors?: unknown }).errors)) {
    return (body as { errors: unknown[] }).errors.filter(isEntry);
  }
  return [];
}

/** A VerboError for an HTTP error response whose body was already parsed. */
export function httpError(method: string, url: string, res: Response, body: unknown): VerboError {
  const errors = envelopeOf(body);
  return new VerboError({
    status: res.status,
    code: errors[0]?.code ?? `HTTP_${res.status}`,
    errors,
    traceId: res.headers.get('x-trace-id') ?? errors[0]?.traceId,
    method,
    url,
    headers: res.headers,
  });
}

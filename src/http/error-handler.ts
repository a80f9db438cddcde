/** Turns anything thrown into the error envelope (docs/errors.md). The only place that writes error bodies. */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type Language } from '../errors/api-error.js';
import { envelope, problemDetails } from '../errors/error-envelope.js';
import { PatchError } from '../patch/index.js';
import { StillReferenced, StoreFull, StoreUnavailable } from '../store/store-errors.js';
import { storeRefusalProblems } from '../write/store-problems.js';
import { fromPatchError } from './plan/patch-plan.js';
import { ACCEPT_PATCH, ACCEPT_POST } from './request/body-media-type.js';
import { prefersProblemJson } from './request/content-negotiation.js';
import { addVary } from './respond/vary.js';
import { STANDARD_METHODS } from './routes/resource-routes.js';

const SERVED_METHODS: ReadonlySet<string> = new Set(STANDARD_METHODS);

const FASTIFY_CODES: Record<string, () => ApiError> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    ApiError.of('EMPTY_BODY', 'the body is empty but Content-Type says JSON'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => ApiError.of('PAYLOAD_TOO_LARGE', 'the body is larger than the limit'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    ApiError.of('BAD_REQUEST', 'Content-Length does not match the body'),
  FST_ERR_BAD_URL: () => ApiError.of('BAD_REQUEST', 'the URL path is not valid percent-encoding'),
  FST_ERR_MAX_PARAM_LENGTH: () => ApiError.of('URI_TOO_LONG', 'a path segment is longer than 500 characters'),
};

/** Maps errors of every layer (store, patch engine, Fastify, JSON parser) to one ApiError. */
export function toApiError(err: unknown, req: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  const refused = storeRefusalProblems(err);
  if (refused) return new ApiError(refused);
  if (err instanceof StillReferenced) return ApiError.of('STILL_REFERENCED', `cannot delete: ${err.message}`);
  if (err instanceof StoreUnavailable)
    return ApiError.of(
      'SERVICE_UNAVAILABLE',
      err.message,
      {},
      { 'retry-after': String(err.retryAfterSeconds) },
    );
  if (err instanceof StoreFull)
    return ApiError.of('INSUFFICIENT_STORAGE', err.message, {}, { 'retry-after': '60' });
  if (err instanceof PatchError) return fromPatchError(err);
  const fe = err as FastifyError;
  if (fe.code && FASTIFY_CODES[fe.code]) return FASTIFY_CODES[fe.code]();
  // Fastify asks a body method it knows (e.g. QUERY) for a Content-Type before any route runs:
  // a method verbo does not implement is 501 either way (docs/http-semantics.md); a standard one gets the 415 below.
  if (fe.code === 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE' && !SERVED_METHODS.has(req.method)) {
    return ApiError.of('NOT_IMPLEMENTED', `method ${req.method} is not implemented by this server`);
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.code === 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE') {
    const isItem = /\/:id$/.test(req.routeOptions.url ?? '');
    return ApiError.of(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type ${req.headers['content-type'] ?? '(none)'} is not accepted`,
      {},
      isItem ? { 'accept-patch': ACCEPT_PATCH } : { 'accept-post': ACCEPT_POST },
    );
  }
  if (err instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    if (/prototype|constructor/i.test(fe.message))
      return ApiError.of(
        'FORBIDDEN_JSON_KEY',
        'the body uses __proto__ or constructor.prototype, which are refused',
      );
    return ApiError.of('MALFORMED_JSON', `the body is not valid JSON: ${fe.message}`);
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new ApiError([{ code: 'BAD_REQUEST', internalMessage: fe.message }], {}, fe.statusCode);
  }
  return new ApiError([{ code: 'INTERNAL_ERROR', internalMessage: (err as Error)?.message ?? String(err) }]);
}

export interface ErrorOptions {
  production: boolean;
  defaultLanguage: Language;
  languageOf(req: FastifyRequest): Language;
}

/** The error a request answers (logged when a 500, internals hidden in production) and its language. */
export function answeredError(
  err: unknown,
  req: FastifyRequest,
  options: ErrorOptions,
): { apiError: ApiError; lang: Language } {
  const apiError = toApiError(err, req);
  if (apiError.status === 500) req.log.error({ err }, 'request failed');
  if (apiError.status >= 500) {
    if (options.production)
      for (const p of apiError.problems)
        p.internalMessage = 'internal error (see the server log for this traceId)';
  }
  return { apiError, lang: options.languageOf(req) };
}

export function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply, options: ErrorOptions) {
  const { apiError, lang } = answeredError(err, req, options);
  reply.code(apiError.status).headers(apiError.headers).header('content-language', lang);
  addVary(reply, 'Accept', 'Accept-Language');
  if (prefersProblemJson(req.headers.accept)) {
    return reply
      .type('application/problem+json; charset=utf-8')
      .send(JSON.stringify(problemDetails(apiError, lang, req.id, req.url)));
  }
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(envelope(apiError, lang, req.id)));
}

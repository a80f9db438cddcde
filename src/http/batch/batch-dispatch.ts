/**
 * A batch operation on a resource's JSON routes (collection, item, nested collection), run in
 * process by calling the route's handler (docs/batch.md "How it works"): the steps Fastify's
 * pipeline takes for such a request, in its order, without what an operation never shows (a fake
 * socket, hooks that only add response headers, a response serialised to be parsed back).
 *
 * What each global hook does for an operation, and how it is kept here:
 * - trace id, security and CORS headers, rate limit, request log: response headers an operation does
 *   not show, the batch's request already counted and logged → nothing to do;
 * - URL length (414), trailing-slash redirect (301), a body over the size limit (413), a percent-encoding
 *   or parameter the router refuses, any Content-Type but the JSON ones: left to `inject`
 *   (`matchBatchRoute` says no), which answers them as before;
 * - content negotiation: every operation accepts `application/json`, which each of these routes offers;
 * - authentication: the batch's own request carries the same credentials, already resolved: shared;
 * - route stages: the 401 check, the media-type stage (415), the JSON body parser of every request
 *   (shape, values and inexact integers), the write scope, the handler; Idempotency-Key is not an
 *   operation's header, so its hooks have nothing to do;
 * - errors: shaped by the error handler's own `answeredError`, into the same envelope entries.
 */
import type { FastifyRequest } from 'fastify';
import { envelope } from '../../errors/error-envelope.js';
import { runInWriteScope } from '../../write/write-scope.js';
import { requestWriteScope, shareCaller } from '../auth/caller.js';
import { answeredError, type ErrorOptions } from '../error-handler.js';
import { checkMediaType } from '../request/body-media-type.js';
import { traceIdFrom } from '../request/request-context.js';
import type { JsonBufferParser } from '../request/request-limits.js';
import type { BatchMatch } from './batch-routes.js';

/** What an operation answered: status, every header, the body as JSON gives it (failures: the envelope's entries). */
export interface OperationAnswer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: unknown;
}

/** A body text as the batch shows it: its JSON value, or the text when it is not JSON; null when empty. */
export function bodyValue(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The part of FastifyReply the resource handlers use, keeping what they send. */
class OperationReply {
  statusCode = 200;
  sent = false;
  payload: unknown;
  serialize: ((payload: unknown) => string) | undefined;
  private readonly values: Record<string, string | string[]> = {};

  code(status: number): this {
    this.statusCode = status;
    return this;
  }
  status(status: number): this {
    return this.code(status);
  }
  header(name: string, value: unknown): this {
    if (value === undefined) return this;
    const key = name.toLowerCase();
    const text = Array.isArray(value) ? value.map(String) : String(value);
    const had = this.values[key];
    // As Fastify: Set-Cookie accumulates, any other header is replaced.
    this.values[key] = key === 'set-cookie' && had !== undefined ? [...[had].flat(), ...[text].flat()] : text;
    return this;
  }
  headers(values: Record<string, unknown>): this {
    for (const [name, value] of Object.entries(values)) this.header(name, value);
    return this;
  }
  getHeader(name: string): string | string[] | undefined {
    return this.values[name.toLowerCase()];
  }
  getHeaders(): Record<string, string | string[]> {
    return { ...this.values };
  }
  hasHeader(name: string): boolean {
    return this.values[name.toLowerCase()] !== undefined;
  }
  removeHeader(name: string): this {
    delete this.values[name.toLowerCase()];
    return this;
  }
  type(contentType: string): this {
    return this.header('content-type', contentType);
  }
  serializer(fn: (payload: unknown) => string): this {
    this.serialize = fn;
    return this;
  }
  send(payload?: unknown): this {
    if (this.sent) return this;
    this.sent = true;
    this.payload = payload;
    return this;
  }

  /** The body as the batch shows it: what `inject` would have read and parsed back. */
  body(): unknown {
    const p = this.payload;
    if (this.statusCode === 204 || this.statusCode === 304 || p === undefined || p === null) return null;
    if (typeof p === 'string') return bodyValue(p);
    if (Buffer.isBuffer(p)) return bodyValue(p.toString('utf8'));
    // The routes' response schemas never narrow what they describe (respond/output-schema.ts):
    // their serialiser writes what JSON.stringify writes.
    return JSON.parse((this.serialize ?? JSON.stringify)(p));
  }
}

export interface DirectEnv {
  jsonBodies: JsonBufferParser;
  errorOptions: ErrorOptions;
}

const parseBody = (parse: JsonBufferParser, req: FastifyRequest, text: string): Promise<unknown> =>
  new Promise((resolve, reject) => {
    parse(req, Buffer.from(text, 'utf8'), (err, value) => (err ? reject(err) : resolve(value)));
  });

/**
 * Runs one matched operation as the request `method path` with `headers` and the JSON `text`
 * (the headers `inject` would have sent), calling as `batchReq`'s caller.
 */
export async function dispatchDirect(
  env: DirectEnv,
  batchReq: FastifyRequest,
  match: BatchMatch,
  method: string,
  path: string,
  headers: Record<string, string>,
  text: string | undefined,
): Promise<OperationAnswer> {
  const { route } = match;
  const req = {
    id: traceIdFrom(headers),
    method,
    url: path,
    headers,
    params: match.params,
    query: match.query,
    body: undefined as unknown,
    log: batchReq.log,
    ip: batchReq.ip,
    server: batchReq.server,
    routeOptions: { method, url: route.url, config: { ...route.config, url: route.url, method } },
  } as unknown as FastifyRequest;
  shareCaller(batchReq, req);
  const reply = new OperationReply();
  try {
    route.checks?.authenticate?.(req);
    if (route.checks?.body) checkMediaType(req, route.checks.body.types, route.checks.body.accept);
    if (text !== undefined) req.body = await parseBody(env.jsonBodies, req, text);
    const result = await runInWriteScope(requestWriteScope(req), () =>
      route.handler.call(batchReq.server, req, reply as never),
    );
    if (!reply.sent && result !== undefined && result !== reply) reply.send(result);
    return { status: reply.statusCode, headers: reply.getHeaders(), body: reply.body() };
  } catch (err) {
    const { apiError, lang } = answeredError(err, req, env.errorOptions);
    return {
      status: apiError.status,
      headers: { ...reply.getHeaders(), ...apiError.headers },
      body: envelope(apiError, lang, req.id),
    };
  }
}

/**
 * CORS from `cors: { origins, credentials }` (docs/http-semantics.md), off unless configured. A small module rather
 * than @fastify/cors: that plugin answers every OPTIONS from its own hook and wildcard route
 * (a plain OPTIONS would lose our `Allow`/`Accept-*` headers, its strict mode answers a text/plain
 * 400 outside the error envelope (docs/errors.md)) and lists one fixed Allow-Methods for all routes.
 *
 * Actual requests (those with an Origin): headers added in onRequest (Fastify keeps them on errors),
 * so errors, redirects and 304s carry them too; every response says Vary: Origin.
 * Preflights (OPTIONS + Origin + Access-Control-Request-Method from an allowed origin): 204 with
 * Allow-Methods (the route's `Allow`), Allow-Headers and Max-Age, before routing to the handler.
 */
import type { FastifyInstance } from 'fastify';
import type { CorsConfig } from '../../model/model-types.js';
import { addVary } from '../respond/vary.js';

/** Response headers a browser script may read. */
export const EXPOSED_HEADERS = [
  'ETag',
  'Last-Modified',
  'Location',
  'Link',
  'X-Total-Count',
  'X-Trace-Id',
  'Preference-Applied',
  'Idempotent-Replayed',
  'Retry-After',
  'Allow',
  'Accept-Patch',
  'Accept-Post',
  'WWW-Authenticate',
  'Content-Length',
].join(', ');

/** Request headers allowed when the preflight names none. */
const DEFAULT_ALLOWED_HEADERS = [
  'Content-Type',
  'Authorization',
  'If-Match',
  'If-None-Match',
  'If-Modified-Since',
  'If-Unmodified-Since',
  'Prefer',
  'Idempotency-Key',
  'Accept-Language',
  'X-Request-Id',
  'traceparent',
].join(', ');

/** What every response says in Vary under CORS (the read shortcut's header block too). */
export const CORS_VARY = 'Origin';

const ALL_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
const MAX_AGE_SECONDS = '600';
const TOKEN_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The `Allow` value of the route's path, for CORS preflights. */
    allow?: string;
  }
}

const normalize = (origin: string): string => origin.trim().replace(/\/+$/, '').toLowerCase();

/**
 * The Access-Control-Allow-Origin value for a request, or undefined when refused. `'*'` stays `*`
 * and never goes with credentials: a wildcard answering every site's cookies would undo SameSite.
 */
export function allowedOrigin(
  cors: CorsConfig,
  origin: string | undefined,
): { value: string; credentials: boolean } | undefined {
  const listed =
    origin !== undefined && cors.origins.some((o) => o !== '*' && normalize(o) === normalize(origin));
  if (listed) return { value: origin, credentials: cors.credentials };
  if (cors.origins.includes('*')) return { value: '*', credentials: false };
  return undefined;
}

export function registerCors(app: FastifyInstance, cors: CorsConfig | undefined): void {
  if (!cors) return;

  // One callback-style hook: no promise per request, and nothing left to do at onSend.
  app.addHook('onRequest', (req, reply, done) => {
    // Every response varies on Origin (caches keep sites apart); later steps append to Vary (vary.ts).
    reply.header('vary', CORS_VARY);
    const origin = req.headers.origin;
    // Browsers send Origin on every cross-origin request (Fetch standard); without it no CORS
    // check happens, so the headers would be bytes for nothing.
    if (origin === undefined) return done();
    const allowed = allowedOrigin(cors, origin);
    if (!allowed) return done();
    // Set before routing, so errors, redirects and 304s carry them too (Fastify keeps headers on errors).
    reply.header('access-control-allow-origin', allowed.value);
    if (allowed.credentials) reply.header('access-control-allow-credentials', 'true');
    reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    const method = req.headers['access-control-request-method'];
    if (req.method !== 'OPTIONS' || !method) return done();
    const requested = req.headers['access-control-request-headers'];
    const routeAllow = req.routeOptions.config?.allow;
    addVary(reply, 'Access-Control-Request-Method', 'Access-Control-Request-Headers');
    // An unknown or moved path is let through: the actual request then gets its 404 or redirect readably.
    if (routeAllow) reply.header('allow', routeAllow);
    reply
      .code(204)
      .headers({
        'access-control-allow-methods': routeAllow ?? ALL_METHODS,
        'access-control-allow-headers':
          requested && TOKEN_LIST.test(requested.trim()) ? requested.trim() : DEFAULT_ALLOWED_HEADERS,
        'access-control-max-age': MAX_AGE_SECONDS,
      })
      .send();
  });
}

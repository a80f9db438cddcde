/**
 * The authenticate step (an onRequest hook): `Authorization: Bearer <token>` or the session cookie
 * sets the caller. A Bearer credential that is bad, expired or revoked → 401 on any route. A stale
 * session cookie makes the request anonymous (routes that need a caller then answer 401), so a
 * browser with an old cookie can still read public data. Cookie-authenticated unsafe requests from
 * another origin → 403 (CSRF); Bearer requests are not affected (browsers never add them by themselves).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CorsConfig } from '../../model/model-types.js';
import { crossSiteRefused, unauthenticated } from './auth-errors.js';
import type { AuthServices } from './auth-services.js';
import { type Caller, markStaleSession, setCaller } from './caller.js';
import { clearSessionCookie, sessionIdOf } from './cookies.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer +(\S+) *$/i;
/** What a signed-in caller sees may be theirs alone (owner rules): never kept by shared caches. */
const PRIVATE = 'private';

/** Origins the config trusts with credentials (CORS with `credentials: true`, no wildcard). */
export function trustedOrigins(cors: CorsConfig | undefined): string[] {
  return cors?.credentials ? cors.origins.filter((o) => o !== '*').map((o) => o.toLowerCase()) : [];
}

/** True when the browser says the request comes from another origin than this server's. */
export function isCrossSite(req: FastifyRequest, trusted: string[]): boolean {
  const origin = req.headers.origin?.toLowerCase();
  if (origin !== undefined && trusted.includes(origin)) return false;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  if (origin === undefined) return false;
  try {
    // `req.host`: the Host header, HTTP/2's :authority, or X-Forwarded-Host behind a trusted proxy.
    return new URL(origin).host !== (req.host ?? '').toLowerCase();
  } catch {
    return true; // `Origin: null` (sandboxed frames, some redirects) or garbage
  }
}

/** The caller a Bearer token names now; undefined when it is unknown, expired or revoked. */
export async function callerFromToken(services: AuthServices, secret: string): Promise<Caller | undefined> {
  const found = await services.tokens.authenticate(secret);
  const user = found && (await services.users.get(found.userId));
  if (!found || !user) return undefined;
  return { id: user.id, email: user.email, roles: user.roles, via: 'token', tokenId: found.tokenId };
}

/** The caller a session names now; undefined when it has expired or ended. */
export async function callerFromSession(
  services: AuthServices,
  sessionId: string,
): Promise<Caller | undefined> {
  const session = await services.sessions.find(sessionId);
  const user = session && (await services.users.get(session.userId));
  return user ? { id: user.id, email: user.email, roles: user.roles, via: 'session', sessionId } : undefined;
}

/**
 * The caller the request's credentials name now (a change stream checks its own while it is
 * open): undefined when the token was revoked or the session ended.
 */
export async function currentCaller(
  services: AuthServices,
  req: FastifyRequest,
): Promise<Caller | undefined> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = BEARER.exec(header);
    return m ? callerFromToken(services, m[1]) : undefined;
  }
  const sessionId = sessionIdOf(req);
  return sessionId === undefined ? undefined : callerFromSession(services, sessionId);
}

export function authenticator(
  services: AuthServices,
  trusted: string[],
  secureCookie: (req: FastifyRequest) => boolean,
) {
  return async function authenticate(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = BEARER.exec(header);
      if (!m)
        throw unauthenticated(
          'the Authorization header must be "Bearer <token>"',
          'INVALID_TOKEN',
          'invalid_request',
        );
      const caller = await callerFromToken(services, m[1]);
      if (!caller)
        throw unauthenticated(
          'the Bearer token is not valid, has expired or was revoked',
          'INVALID_TOKEN',
          'invalid_token',
        );
      setCaller(req, caller);
      reply.header('cache-control', PRIVATE);
      return;
    }
    const sessionId = sessionIdOf(req);
    if (sessionId === undefined) return;
    const caller = await callerFromSession(services, sessionId);
    if (!caller) {
      markStaleSession(req);
      clearSessionCookie(reply, secureCookie(req));
      return;
    }
    if (!SAFE_METHODS.has(req.method) && isCrossSite(req, trusted)) throw crossSiteRefused();
    setCaller(req, caller);
    reply.header('cache-control', PRIVATE);
  };
}

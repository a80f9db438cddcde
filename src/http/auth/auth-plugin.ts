/**
 * Turns `auth` on for an app: @fastify/cookie (parses `Cookie` into `req.cookies`, writes
 * `reply.setCookie`; no secret: the session id is opaque and checked server-side), the
 * authenticate hook on every request, and the /auth routes under `basePath`. Auth responses are
 * never cached and never replayed by Idempotency-Key (a replay would show a token secret twice,
 * and the kept fingerprint would hash a password).
 */
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Model } from '../../model/model-types.js';
import type { Store } from '../../store/store.js';
import { ACCEPT_POST } from '../request/body-media-type.js';
import { registerPath } from '../routes/resource-routes.js';
import { crossSiteRefused } from './auth-errors.js';
import { type AuthServices, authServices } from './auth-services.js';
import { authenticator, isCrossSite, trustedOrigins } from './authenticate.js';
import { requireCaller, sessionHandlers } from './session-routes.js';
import { tokenHandlers } from './token-routes.js';

const h = (fn: unknown) => fn as RouteHandlerMethod;

export async function registerAuth(
  app: FastifyInstance,
  model: Model,
  store: Store,
  options: { tls: boolean },
): Promise<AuthServices | undefined> {
  if (!model.auth) return undefined;
  // Awaited: the plugin loads now, so its onRequest hook (the parse) runs before `authenticate`.
  await app.register(fastifyCookie);
  const services = authServices(store, model.auth);
  const trusted = trustedOrigins(model.cors);
  const secureCookie = (req: FastifyRequest) => options.tls || req.protocol === 'https';
  app.addHook('onRequest', authenticator(services, trusted, secureCookie));

  const base = model.basePath;
  const session = sessionHandlers(services, {
    base,
    secureCookie,
    refuseCrossSite: (req) => {
      if (isCrossSite(req, trusted)) throw crossSiteRefused();
    },
  });
  const tokens = tokenHandlers(services, base);
  app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      reply.header('cache-control', 'no-store');
      delete req.headers['idempotency-key'];
    });
    const post = { 'accept-post': ACCEPT_POST };
    const json = { types: ['application/json'], accept: 'accept-post' as const };
    const signedIn = { authenticate: (req: FastifyRequest) => void requireCaller(req) };
    registerPath(scope, {
      url: `${base}/auth/register`,
      handlers: { POST: h(session.register) },
      accept: post,
      checks: { POST: { body: json } },
    });
    registerPath(scope, {
      url: `${base}/auth/login`,
      handlers: { POST: h(session.login) },
      accept: post,
      checks: { POST: { body: json } },
    });
    registerPath(scope, { url: `${base}/auth/logout`, handlers: { POST: h(session.logout) }, accept: {} });
    registerPath(scope, { url: `${base}/auth/me`, handlers: { GET: h(session.me) }, accept: {} });
    registerPath(scope, {
      url: `${base}/auth/tokens`,
      handlers: { GET: h(tokens.list), POST: h(tokens.create) },
      accept: post,
      checks: { GET: signedIn, POST: { ...signedIn, body: json } },
    });
    registerPath(scope, {
      url: `${base}/auth/tokens/:id`,
      handlers: { GET: h(tokens.get), DELETE: h(tokens.revoke) },
      accept: {},
      checks: { GET: signedIn, DELETE: signedIn },
    });
  });
  return services;
}

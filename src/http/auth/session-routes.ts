/** POST /auth/register, POST /auth/login, POST /auth/logout, GET /auth/me (docs/auth.md). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { normalizeEmail } from '../../auth/user-accounts.js';
import { ApiError } from '../../errors/api-error.js';
import { requireBody } from '../request/body-media-type.js';
import { authBodies } from './auth-bodies.js';
import { unauthenticated } from './auth-errors.js';
import type { AuthServices } from './auth-services.js';
import { callerOf, hadStaleSession } from './caller.js';
import { clearSessionCookie, sessionIdOf, setSessionCookie } from './cookies.js';

export interface AuthRouteOptions {
  base: string;
  /** Whether cookies get `Secure` (TLS, or HTTPS as a trusted proxy reports it). */
  secureCookie(req: FastifyRequest): boolean;
  /** Throws 403 for a browser request from another origin (login CSRF). */
  refuseCrossSite(req: FastifyRequest): void;
}

/** The caller, or 401 (with WWW-Authenticate). */
export function requireCaller(req: FastifyRequest) {
  const caller = callerOf(req);
  if (!caller)
    throw unauthenticated(
      hadStaleSession(req)
        ? 'the session has expired or ended; sign in again'
        : 'this route needs a session cookie or a Bearer token',
    );
  return caller;
}

export function sessionHandlers(services: AuthServices, options: AuthRouteOptions) {
  const bodies = authBodies(services.settings);
  const { sessions, users, limiter, settings } = services;

  async function startSession(req: FastifyRequest, reply: FastifyReply, userId: number): Promise<void> {
    // A new id at every sign-in (no session fixation); the session this browser had ends.
    const previous = sessionIdOf(req);
    if (previous) await sessions.end(previous);
    const id = await sessions.create(userId);
    setSessionCookie(reply, id, settings.sessionTtlSeconds, options.secureCookie(req));
  }

  return {
    async register(req: FastifyRequest, reply: FastifyReply) {
      // The order of checks (docs/errors.md): authentication (CSRF), body, access, validation.
      options.refuseCrossSite(req);
      requireBody(req, ['application/json'], 'accept-post');
      if (settings.registration !== 'open')
        throw ApiError.of(
          'REGISTRATION_CLOSED',
          'registration is closed in this config (auth.registration: closed); an administrator adds users with `verbo users add`',
        );
      const body = bodies.register(req);
      const user = await users.create({ email: body.email, password: body.password, name: body.name });
      await startSession(req, reply, user.id);
      return reply.code(201).header('location', `${options.base}/auth/me`).send(user);
    },

    async login(req: FastifyRequest, reply: FastifyReply) {
      options.refuseCrossSite(req);
      const body = bodies.login(req);
      const claim = await limiter.claim(req.ip, normalizeEmail(body.email));
      if (!claim.ok) {
        throw ApiError.of(
          'TOO_MANY_ATTEMPTS',
          `too many sign-in attempts for this account or from this address; retry in ${claim.retryAfterSeconds} s`,
          {},
          { 'retry-after': String(claim.retryAfterSeconds) },
        );
      }
      const user = await users.verify(body.email, body.password);
      if (!user) throw unauthenticated('the email or password does not match an account', 'LOGIN_FAILED');
      await claim.release();
      await startSession(req, reply, user.id);
      return reply.code(200).send(user);
    },

    async logout(req: FastifyRequest, reply: FastifyReply) {
      const caller = callerOf(req);
      if (caller?.sessionId) await sessions.end(caller.sessionId);
      clearSessionCookie(reply, options.secureCookie(req));
      return reply.code(204).send();
    },

    async me(req: FastifyRequest) {
      const caller = requireCaller(req);
      const user = await users.get(caller.id);
      if (!user) throw unauthenticated('the account no longer exists');
      return user;
    },
  };
}

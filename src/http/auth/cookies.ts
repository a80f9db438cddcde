/**
 * The session cookie `verbo_session`: its name and attributes (HttpOnly, SameSite=Lax, Path=/,
 * Max-Age and Expires, Secure under TLS). Parsing `Cookie` and serialising `Set-Cookie` are
 * @fastify/cookie's, registered by auth-plugin.ts when auth is on. The value is an opaque random
 * id checked against the sessions kept server-side, so the cookie is not signed.
 */
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'verbo_session';

const attributes = (secure: boolean): CookieSerializeOptions => ({
  path: '/',
  httpOnly: true,
  sameSite: 'lax',
  secure,
});

/** The session id the request's `Cookie` header carries (the first `verbo_session`), or undefined. */
export function sessionIdOf(req: FastifyRequest): string | undefined {
  return req.cookies[SESSION_COOKIE] || undefined;
}

export function setSessionCookie(
  reply: FastifyReply,
  sessionId: string,
  maxAgeSeconds: number,
  secure: boolean,
): void {
  reply.setCookie(SESSION_COOKIE, sessionId, {
    ...attributes(secure),
    maxAge: maxAgeSeconds,
    expires: new Date(Date.now() + maxAgeSeconds * 1000),
  });
}

/** `verbo_session=` with Max-Age=0 and an Expires in 1970: the browser forgets it. */
export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, attributes(secure));
}

/** Who is calling: set once per request by the authenticate hook, read by the access policy. */
import type { FastifyRequest } from 'fastify';

export interface Caller {
  id: number;
  email: string;
  roles: string[];
  via: 'session' | 'token';
  /** The session id (cookie value) when signed in by cookie. */
  sessionId?: string;
  tokenId?: number;
}

interface AuthState {
  caller?: Caller;
  /** A session cookie came with the request but names no live session (expired or ended). */
  staleSession?: boolean;
}

const states = new WeakMap<FastifyRequest, AuthState>();

export const callerOf = (req: FastifyRequest): Caller | undefined => states.get(req)?.caller;
export const hadStaleSession = (req: FastifyRequest): boolean => states.get(req)?.staleSession === true;

export function setCaller(req: FastifyRequest, caller: Caller): void {
  states.set(req, { caller });
}

export function markStaleSession(req: FastifyRequest): void {
  states.set(req, { staleSession: true });
}

/** Keys of different callers never collide (Idempotency-Key scope). */
export const callerScope = (req: FastifyRequest): string => {
  const caller = callerOf(req);
  return caller ? `user:${caller.id}` : 'anonymous';
};

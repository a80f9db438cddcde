/** Who is calling: set once per request by the authenticate hook, read by the access policy. */
import type { FastifyRequest } from 'fastify';
import type { WriteScope } from '../../write/write-scope.js';

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

/** `to` calls as `from` did (a batch's operation as its batch: docs/batch.md). */
export function shareCaller(from: FastifyRequest, to: FastifyRequest): void {
  const state = states.get(from);
  if (state) states.set(to, state);
}

/**
 * The write scope of a request (write/write-scope.ts): the rules and hooks of every write made
 * while serving it see its caller, and the change log names it (store/changes/write-context.ts).
 */
export function requestWriteScope(req: FastifyRequest): WriteScope {
  return {
    caller() {
      const c = callerOf(req);
      return c ? { id: c.id, email: c.email, roles: c.roles } : null;
    },
    traceId: req.id,
    log: req.log,
    get writer() {
      const c = callerOf(req);
      return c ? `user:${c.id}` : undefined;
    },
  };
}

/** Keys of different callers never collide (Idempotency-Key scope). */
export const callerScope = (req: FastifyRequest): string => {
  const caller = callerOf(req);
  return caller ? `user:${caller.id}` : 'anonymous';
};

/** POST/GET /auth/tokens and GET/DELETE /auth/tokens/{id}: a user's API tokens (docs/auth.md). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import { parseExactInteger } from '../../model/exact-integer.js';
import { authBodies, tokenExpiry } from './auth-bodies.js';
import type { AuthServices } from './auth-services.js';
import { requireCaller } from './session-routes.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const tokenNotFound = (raw: string) =>
  ApiError.of('RECORD_NOT_FOUND', `auth/tokens/${raw} does not exist (or is not one of the caller's tokens)`);

function tokenId(raw: string): number {
  // Token ids are safe integers; anything else (digits beyond 2^53 included) names no token.
  const p = parseExactInteger(raw);
  if (!p.ok || typeof p.value !== 'number' || p.value < 1) throw tokenNotFound(raw);
  return p.value;
}

export function tokenHandlers(services: AuthServices, base: string) {
  const bodies = authBodies(services.settings);
  const { tokens, settings } = services;
  return {
    /** 201 with the secret, shown this once; only its hash is stored. */
    async create(req: FastifyRequest, reply: FastifyReply) {
      const caller = requireCaller(req);
      if (caller.via === 'token') {
        throw ApiError.of(
          'FORBIDDEN',
          'API tokens are created from a signed-in session, not with another token (a token could otherwise outlive its own expiry)',
        );
      }
      const body = bodies.token(req);
      const { token, secret } = await tokens.create(caller.id, body.name, tokenExpiry(body, settings));
      return reply
        .code(201)
        .header('location', `${base}/auth/tokens/${token.id}`)
        .send({ ...token, token: secret });
    },

    async list(req: FastifyRequest) {
      return tokens.list(requireCaller(req).id);
    },

    async get(req: IdRequest) {
      const caller = requireCaller(req);
      const token = await tokens.get(caller.id, tokenId(req.params.id));
      if (!token) throw tokenNotFound(req.params.id);
      return token;
    },

    /** 204; another user's token answers 404 like a missing one. */
    async revoke(req: IdRequest, reply: FastifyReply) {
      const caller = requireCaller(req);
      if (!(await tokens.revoke(caller.id, tokenId(req.params.id)))) throw tokenNotFound(req.params.id);
      return reply.code(204).send();
    },
  };
}

/** Which media types a request body may have: 400 for a missing body, 415 (+ Accept-Post/Accept-Patch) otherwise. */
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';

export const ACCEPT_POST = 'application/json';
export const ACCEPT_PATCH = 'application/merge-patch+json, application/json-patch+json, application/json';

/** The media type of the body without parameters, lowercased. */
export function mediaTypeOf(req: FastifyRequest): string | undefined {
  const ct = req.headers['content-type'];
  return ct ? ct.split(';')[0].trim().toLowerCase() : undefined;
}

/** 400 for a missing body, 415 (+ Accept-Post/Accept-Patch) for a media type the route does not take. */
export function requireBody(
  req: FastifyRequest,
  allowed: string[],
  acceptHeader: 'accept-post' | 'accept-patch',
): void {
  const type = mediaTypeOf(req);
  if (req.body === undefined && (type === undefined || allowed.includes(type))) {
    throw ApiError.of('EMPTY_BODY', 'this request needs a JSON body');
  }
  if (!type || !allowed.includes(type)) {
    throw ApiError.of(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type ${type ?? '(none)'} is not accepted here; use ${allowed.join(' or ')}`,
      {},
      {
        [acceptHeader]: acceptHeader === 'accept-post' ? ACCEPT_POST : ACCEPT_PATCH,
      },
    );
  }
}

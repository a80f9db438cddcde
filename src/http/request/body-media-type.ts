/** Which media types a request body may have: 400 for a missing body, 415 (+ Accept-Post/Accept-Patch) otherwise. */
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';

export const ACCEPT_POST = 'application/json';
/** The media types PATCH takes (merge patch, JSON Patch, and plain JSON as a merge patch). */
export const PATCH_TYPES = [
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/json',
];
export const ACCEPT_PATCH = 'application/merge-patch+json, application/json-patch+json, application/json';

/** The media type of the body without parameters, lowercased. */
export function mediaTypeOf(req: FastifyRequest): string | undefined {
  const ct = req.headers['content-type'];
  return ct ? ct.split(';')[0].trim().toLowerCase() : undefined;
}

const unsupported = (type: string | undefined, allowed: string[], acceptHeader: AcceptHeader) =>
  ApiError.of(
    'UNSUPPORTED_MEDIA_TYPE',
    `Content-Type ${type ?? '(none)'} is not accepted here; use ${allowed.join(' or ')}`,
    {},
    { [acceptHeader]: acceptHeader === 'accept-post' ? allowed.join(', ') : ACCEPT_PATCH },
  );

export type AcceptHeader = 'accept-post' | 'accept-patch';

/**
 * The media-type stage (docs/errors.md, order of checks), run before the body is read or parsed:
 * 415 (+ Accept-Post/Accept-Patch) for a body whose media type the route does not take. A request
 * with neither a body nor a Content-Type is left to `requireBody` (400 EMPTY_BODY).
 */
export function checkMediaType(req: FastifyRequest, allowed: string[], acceptHeader: AcceptHeader): void {
  const type = mediaTypeOf(req);
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (type === undefined && !hasBody) return;
  if (!type || !allowed.includes(type)) throw unsupported(type, allowed, acceptHeader);
}

/** 400 for a missing body, 415 (+ Accept-Post/Accept-Patch) for a media type the route does not take. */
export function requireBody(req: FastifyRequest, allowed: string[], acceptHeader: AcceptHeader): void {
  const type = mediaTypeOf(req);
  if (req.body === undefined && (type === undefined || allowed.includes(type))) {
    throw ApiError.of('EMPTY_BODY', 'this request needs a JSON body');
  }
  if (!type || !allowed.includes(type)) throw unsupported(type, allowed, acceptHeader);
}

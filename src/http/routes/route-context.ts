/** What every resource handler needs, built once at start-up. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Model, ResourceDef } from '../../model/model-types.js';
import type { Store } from '../../store/store.js';
import { ApiError } from '../errors/api-error.js';
import { parsePrefer } from '../pipeline/prefer.js';
import type { RecordValidator } from '../validation/record-validator.js';
import { addVary } from '../vary.js';

export interface AppContext {
  model: Model;
  store: Store;
  validator: RecordValidator;
}

export const ACCEPT_POST = 'application/json';
export const ACCEPT_PATCH = 'application/merge-patch+json, application/json-patch+json, application/json';

export const itemPath = (ctx: AppContext, r: ResourceDef, id: unknown): string =>
  `${ctx.model.basePath}/${r.name}/${encodeURIComponent(String(id))}`;

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

/** Whether to answer a write with its representation (Prefer, then the config default). */
export function wantsRepresentation(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): boolean {
  const pref = parsePrefer(req.headers.prefer).return;
  addVary(reply, 'Prefer');
  if (pref) reply.header('preference-applied', `return=${pref}`);
  return (pref ?? (ctx.model.preferMinimal ? 'minimal' : 'representation')) === 'representation';
}

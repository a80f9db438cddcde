/** The answer to a write that stored one record, shared by POST, PUT and PATCH. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResourceDef } from '../../model/model-types.js';
import type { Row } from '../../store/store.js';
import { parsePrefer } from '../request/prefer.js';
import type { AppContext } from '../routes/app-context.js';
import { toOutput } from './representation.js';
import { addVary } from './vary.js';

export const itemPath = (ctx: AppContext, r: ResourceDef, id: unknown): string =>
  `${ctx.model.basePath}/${r.name}/${encodeURIComponent(String(id))}`;

/** Whether to answer a write with its representation (Prefer, then the config default). */
export function wantsRepresentation(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): boolean {
  const pref = parsePrefer(req.headers.prefer).return;
  addVary(reply, 'Prefer');
  if (pref) reply.header('preference-applied', `return=${pref}`);
  return (pref ?? (ctx.model.preferMinimal ? 'minimal' : 'representation')) === 'representation';
}

/**
 * 201 (+ Location) or 200 with the record, or without it when the client prefers minimal: 201
 * stays 201, 200 becomes 204. The caller has set the record's headers (respond/record-headers.ts).
 */
export function sendWritten(
  ctx: AppContext,
  r: ResourceDef,
  req: FastifyRequest,
  reply: FastifyReply,
  row: Row,
  status: 200 | 201,
): FastifyReply {
  if (status === 201) reply.header('location', itemPath(ctx, r, row.id));
  if (!wantsRepresentation(ctx, req, reply)) return reply.code(status === 201 ? 201 : 204).send();
  return reply.code(status).send(toOutput(r, row));
}

/** GET, PUT, PATCH and DELETE on /{r}/{id}: request → plan → execute (one transaction) → respond. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResourceDef } from '../../model/model-types.js';
import { idKindOf } from '../../model/system-fields.js';
import { planWrite } from '../../write/plan-write.js';
import { parseId } from '../../write/record-id.js';
import { ApiError } from '../errors/api-error.js';
import { authorize } from '../plan/access-policy.js';
import { representationEtag } from '../plan/collection-conditions.js';
import { checkReadPreconditions, checkWritePreconditions, notModified } from '../plan/conditions.js';
import { patchFunction } from '../plan/patch-plan.js';
import { embedRelations } from '../query/embed.js';
import { parseItemQuery, type QueryInput } from '../query/list-query-parser.js';
import { requireBody } from '../request/body-media-type.js';
import { itemId, notFound } from '../request/item-id.js';
import { itemHeaders } from '../respond/record-headers.js';
import { toOutput } from '../respond/representation.js';
import { sendWritten } from '../respond/written-response.js';
import type { AppContext } from './app-context.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

export function itemHandlers(ctx: AppContext, r: ResourceDef) {
  return {
    async get(req: IdRequest, reply: FastifyReply) {
      const id = itemId(r, req.params.id);
      const selection = parseItemQuery(ctx.model, r, req.query as QueryInput);
      const row = await ctx.store.get(r, id);
      authorize(req, r, 'read', row);
      if (!row) throw notFound(r, id);
      const etag = itemHeaders(reply, row);
      checkReadPreconditions(req.headers, row);
      const output = toOutput(r, row, selection.fields);
      // `fields` keeps the order asked; the route's compiled serialiser writes the model's order.
      if (selection.fields) reply.type('application/json; charset=utf-8').serializer(JSON.stringify);
      if (!selection.embed.length) {
        if (notModified(req.headers, etag, row.updatedAt)) return reply.code(304).send();
        return output;
      }
      await embedRelations(
        ctx.model,
        ctx.store,
        r,
        [row],
        [output],
        selection.embed,
        (target) => authorize(req, target, 'read').where,
      );
      // Embedded records change without this record's version changing: the body's tag is a weak
      // one over both (as for collections); If-None-Match is checked against it alone.
      const weak = representationEtag({ rows: [row], outputs: [output], embedded: true });
      reply.header('etag', weak);
      if (notModified(req.headers, weak)) return reply.code(304).send();
      return output;
    },

    async put(req: IdRequest, reply: FastifyReply) {
      // PUT may create with a client-chosen id: one that can never be a key is a 422, not a 404.
      if (idKindOf(r).assignedBy !== 'store' && parseId(r, req.params.id) === undefined) {
        throw ApiError.of(
          'VALIDATION_FAILED',
          `id ${JSON.stringify(req.params.id)} is not ${idKindOf(r).expected}`,
          {
            pointer: '/id',
            userMessage: { en: 'The id is not valid.', es: 'El identificador no es válido.' },
          },
        );
      }
      const id = itemId(r, req.params.id);
      requireBody(req, ['application/json'], 'accept-patch');
      const result = await ctx.store.modify(r, id, (current) => {
        const access = authorize(req, r, current ? 'update' : 'create', current);
        checkWritePreconditions(r, req.headers, current);
        if (!current) {
          if (idKindOf(r).assignedBy === 'store') throw notFound(r, id);
          return {
            kind: 'insert',
            values: access.stamp(planWrite(r, ctx.validator, req.body, { kind: 'create', id })),
          };
        }
        return {
          kind: 'update',
          values: planWrite(r, ctx.validator, req.body, { kind: 'replace', id, current }),
        };
      });
      if (result.kind !== 'inserted' && result.kind !== 'updated')
        throw new Error('unexpected modify result');
      itemHeaders(reply, result.row);
      return sendWritten(ctx, r, req, reply, result.row, result.kind === 'inserted' ? 201 : 200);
    },

    async patch(req: IdRequest, reply: FastifyReply) {
      const id = itemId(r, req.params.id);
      requireBody(
        req,
        ['application/merge-patch+json', 'application/json-patch+json', 'application/json'],
        'accept-patch',
      );
      const apply = patchFunction(req);
      const result = await ctx.store.modify(r, id, (current) => {
        authorize(req, r, 'update', current);
        // Preconditions first: If-Match on an absent record → 412, as for PUT (§5).
        checkWritePreconditions(r, req.headers, current);
        if (!current) throw notFound(r, id);
        const patched = apply(toOutput(r, current));
        return {
          kind: 'update',
          values: planWrite(r, ctx.validator, patched, { kind: 'replace', id, current, patch: true }),
        };
      });
      if (result.kind !== 'updated') throw new Error('unexpected modify result');
      itemHeaders(reply, result.row);
      return sendWritten(ctx, r, req, reply, result.row, 200);
    },

    async delete(req: IdRequest, reply: FastifyReply) {
      const id = itemId(r, req.params.id);
      await ctx.store.modify(r, id, (current) => {
        authorize(req, r, 'delete', current);
        checkWritePreconditions(r, req.headers, current);
        if (!current) throw notFound(r, id);
        return { kind: 'delete' };
      });
      return reply.code(204).send();
    },
  };
}

/** GET, PUT, PATCH and DELETE on /{r}/{id}: request → plan → execute (one transaction) → respond. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { AccessAction } from '../../model/access-rules.js';
import type { ResourceDef } from '../../model/model-types.js';
import { idKindOf } from '../../model/system-fields.js';
import type { JsonRecord } from '../../store/store.js';
import { planWrite } from '../../write/plan-write.js';
import { parseId } from '../../write/record-id.js';
import { withReferenceProblems } from '../../write/reference-problems.js';
import { authorize, readsEveryRecord } from '../plan/access-policy.js';
import { representationEtag } from '../plan/collection-conditions.js';
import { checkReadPreconditions, checkWritePreconditions, notModified } from '../plan/conditions.js';
import { patchFunction } from '../plan/patch-plan.js';
import { embedRelations } from '../query/embed.js';
import { parseItemQuery, type QueryInput } from '../query/list-query-parser.js';
import { wantsEventStream } from '../realtime/change-feed.js';
import { PATCH_TYPES, requireBody } from '../request/body-media-type.js';
import { itemId, notFound } from '../request/item-id.js';
import { isUpload, readUploads, writeTypes } from '../request/multipart-body.js';
import { itemHeaders } from '../respond/record-headers.js';
import { outputFieldNames, readGuarded, toOutput } from '../respond/representation.js';
import { sendWritten } from '../respond/written-response.js';
import type { AppContext } from './app-context.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * The id in the URL, or — when it can name no record — the checks an absent record would get in
 * the order of checks (docs/errors.md): access (403), preconditions (a write's If-Match → 412), then 404.
 */
function idOf(r: ResourceDef, req: IdRequest, action: AccessAction): unknown {
  if (parseId(r, req.params.id) === undefined) {
    authorize(req, r, action);
    if (action !== 'read') checkWritePreconditions(r, req.headers, undefined);
  }
  return itemId(r, req.params.id);
}

/** GET of one record whose JSON text the store built: the headers and checks of the general path, no object made. */
function sendJsonRecord(
  req: IdRequest,
  reply: FastifyReply,
  r: ResourceDef,
  id: unknown,
  found: JsonRecord | undefined,
): FastifyReply {
  if (!found) throw notFound(r, id);
  const etag = itemHeaders(reply, found.row);
  checkReadPreconditions(req.headers, found.row);
  if (notModified(req.headers, etag, found.row.updatedAt)) return reply.code(304).send();
  // A string with a JSON media type is sent as it is (no serialiser).
  return reply.type('application/json; charset=utf-8').send(found.json);
}

export function itemHandlers(ctx: AppContext, r: ResourceDef) {
  return {
    async get(req: IdRequest, reply: FastifyReply) {
      if (ctx.feed && wantsEventStream(req)) return ctx.feed.openItem(req, reply, r, idOf(r, req, 'read'));
      const selection = parseItemQuery(ctx.model, r, req.query as QueryInput);
      const id = idOf(r, req, 'read');
      // The database's own JSON text, sent as it is, when nothing depends on the record's values:
      // no embed, no field with a read rule, a caller who may read every record.
      if (
        ctx.store.getJson &&
        !selection.embed.length &&
        !readGuarded(r).length &&
        readsEveryRecord(req, r)
      ) {
        const found = await ctx.store.getJson(r, id, selection.fields ?? outputFieldNames(r));
        if (found !== null) return sendJsonRecord(req, reply, r, id, found);
      }
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
      if (!isUpload(ctx.files, req)) requireBody(req, writeTypes(r, ['application/json']), 'accept-patch');
      // PUT may create with a client-chosen id: one that can never be a key is a 422 (validation
      // stage, after access and preconditions), not a 404.
      if (idKindOf(r).assignedBy !== 'store' && parseId(r, req.params.id) === undefined) {
        authorize(req, r, 'create');
        checkWritePreconditions(r, req.headers, undefined);
        throw ApiError.of(
          'VALIDATION_FAILED',
          `id ${JSON.stringify(req.params.id)} is not ${idKindOf(r).expected}`,
          { pointer: '/id', message: 'id.invalid' },
        );
      }
      const id = idOf(r, req, 'update');
      const uploads = await readUploads(ctx.files, req, reply, r);
      const result = await uploads
        .write((files) =>
          ctx.store.modify(r, id, (current) => {
            const access = authorize(req, r, current ? 'update' : 'create', current);
            checkWritePreconditions(r, req.headers, current);
            uploads.replacing(current);
            if (!current) {
              if (idKindOf(r).assignedBy === 'store') throw notFound(r, id);
              const values = planWrite(r, ctx.validator, req.body, { kind: 'create', id });
              return { kind: 'insert', values: access.stamp({ ...values, ...files }) };
            }
            const values = planWrite(r, ctx.validator, req.body, { kind: 'replace', id, current });
            return { kind: 'update', values: { ...values, ...files } };
          }),
        )
        .catch(async (e) => {
          throw await withReferenceProblems(ctx.store, ctx.model, r, req.body, e);
        });
      if (result.kind !== 'inserted' && result.kind !== 'updated')
        throw new Error('unexpected modify result');
      itemHeaders(reply, result.row);
      return sendWritten(ctx, r, req, reply, result.row, result.kind === 'inserted' ? 201 : 200);
    },

    async patch(req: IdRequest, reply: FastifyReply) {
      if (!isUpload(ctx.files, req)) requireBody(req, writeTypes(r, PATCH_TYPES), 'accept-patch');
      const id = idOf(r, req, 'update');
      // Refused callers are refused before their files are read.
      if (isUpload(ctx.files, req)) authorize(req, r, 'update');
      const uploads = await readUploads(ctx.files, req, reply, r);
      const apply = patchFunction(req);
      // The patched record, kept to name every missing reference when the write fails.
      let patched: unknown;
      const result = await uploads
        .write((files) =>
          ctx.store.modify(r, id, (current) => {
            authorize(req, r, 'update', current);
            // Preconditions first: If-Match on an absent record → 412, as for PUT (docs/http-semantics.md).
            checkWritePreconditions(r, req.headers, current);
            if (!current) throw notFound(r, id);
            uploads.replacing(current);
            patched = apply(toOutput(r, current));
            const values = planWrite(r, ctx.validator, patched, {
              kind: 'replace',
              id,
              current,
              patch: true,
            });
            return { kind: 'update', values: { ...values, ...files } };
          }),
        )
        .catch(async (e) => {
          throw await withReferenceProblems(ctx.store, ctx.model, r, patched, e);
        });
      if (result.kind !== 'updated') throw new Error('unexpected modify result');
      itemHeaders(reply, result.row);
      return sendWritten(ctx, r, req, reply, result.row, 200);
    },

    async delete(req: IdRequest, reply: FastifyReply) {
      const id = idOf(r, req, 'delete');
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

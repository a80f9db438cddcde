/** GET, POST and bulk DELETE on /{r} and on nested /{parent}/{id}/{r}. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { InverseRelation, ResourceDef } from '../../model/model-types.js';
import type { Filter } from '../../store/query-types.js';
import { scopeRelations } from '../../store/relation-query.js';
import type { Row } from '../../store/store.js';
import { planWrite } from '../../write/plan-write.js';
import { parseId } from '../../write/record-id.js';
import { withReferenceProblems } from '../../write/reference-problems.js';
import { authorize, readsEveryRecord } from '../plan/access-policy.js';
import { checkCollectionPreconditions, representationEtag, textEtag } from '../plan/collection-conditions.js';
import { notModified } from '../plan/conditions.js';
import { refuseHiddenQuery } from '../plan/field-access.js';
import { wantsAggregate } from '../query/aggregate-parser.js';
import { embedRelations, jsonEmbeds } from '../query/embed.js';
import {
  type ListPlan,
  parseFilters,
  parseListQuery,
  type QueryInput,
  RESERVED,
} from '../query/list-query-parser.js';
import { readPage, textsPage } from '../query/page-reader.js';
import { refuseHiddenRelated, refuseRelationKeys } from '../query/relation-filter-parser.js';
import { wantsEventStream } from '../realtime/change-feed.js';
import { requireBody } from '../request/body-media-type.js';
import { notFound } from '../request/item-id.js';
import { EXPORT_CONTENT_TYPES, listFormat } from '../request/list-format.js';
import { isUpload, readUploads, writeTypes } from '../request/multipart-body.js';
import { countWanted, parsePrefer } from '../request/prefer.js';
import { exportStream } from '../respond/export-stream.js';
import { linkHeader, rowsPage } from '../respond/link-header.js';
import { recordHeaders } from '../respond/record-headers.js';
import { toOutput } from '../respond/representation.js';
import { addVary } from '../respond/vary.js';
import { sendWritten } from '../respond/written-response.js';
import { listAggregates } from './aggregate-handler.js';
import type { AppContext } from './app-context.js';

type Req = FastifyRequest<{ Querystring: QueryInput; Params: { id?: string } }>;

/** A nested route's parent: checks it exists (404 otherwise) and gives the filter it implies. */
export interface NestedScope {
  parent: ResourceDef;
  relation: InverseRelation;
}

/** `Prefer: count=estimated` counts exactly up to this many rows (docs/query.md). */
export const ESTIMATE_EXACT_UP_TO = 10_000;

/** The page within what was read (one more than the limit, to know whether more exist). */
function pageOf<T>(fetched: T[], plan: ListPlan): { items: T[]; more: boolean } {
  const more = fetched.length > plan.query.limit;
  if (!more) return { items: fetched, more };
  return { items: plan.query.keyset?.direction === 'before' ? fetched.slice(1) : fetched.slice(0, -1), more };
}

export function collectionHandlers(ctx: AppContext, r: ResourceDef, scope?: NestedScope) {
  async function parentFilter(req: Req): Promise<Filter[]> {
    if (!scope) return [];
    const raw = req.params.id ?? '';
    const parentId = parseId(scope.parent, raw);
    const parent = parentId === undefined ? undefined : await ctx.store.get(scope.parent, parentId);
    authorize(req, scope.parent, 'read', parent);
    if (!parent) throw notFound(scope.parent, raw);
    return [{ field: scope.relation.field, op: 'eq', value: parentId }];
  }

  return {
    async list(req: Req, reply: FastifyReply) {
      if (wantsAggregate(req.query)) return listAggregates(ctx, r, req, reply, () => parentFilter(req));
      if (ctx.feed && wantsEventStream(req)) return ctx.feed.openList(req, reply, r, () => parentFilter(req));
      // JSON, or every matching row as CSV / NDJSON (docs/bulk.md); 406 for anything else.
      const format = listFormat(req.headers.accept);
      // The order of checks (docs/errors.md): the query string (400) before access (403) and the parent (404).
      const parsed = parseListQuery(ctx.model, r, req.query);
      const readable = authorize(req, r, 'read').where;
      refuseHiddenQuery(r, parsed.query.where, parsed.query.sort);
      refuseHiddenRelated(parsed.relatedFields);
      // Through relations, only the related rows the caller may read count (docs/query.md).
      const query = scopeRelations(parsed.query, (t) => authorize(req, t, 'read').where);
      const fixed = await parentFilter(req);
      const plan = { ...parsed, query: { ...query, where: [...fixed, ...readable, ...query.where] } };
      addVary(reply, 'Accept');
      if (format !== 'json') {
        const embed = plan.embed.length
          ? (rows: Row[], outputs: Record<string, unknown>[]) =>
              embedRelations(
                ctx.model,
                ctx.store,
                r,
                rows,
                outputs,
                plan.embed,
                (t) => authorize(req, t, 'read').where,
              )
          : undefined;
        const body = exportStream(
          ctx.store,
          r,
          {
            query: { ...plan.query, limit: undefined },
            // `?limit` still caps an export; without it every matching row is sent.
            cap: req.query.limit === undefined ? undefined : plan.query.limit,
            fields: plan.fields,
            embed,
          },
          format,
        );
        body.on('error', (e) => req.log.error({ err: e }, 'export stopped'));
        return reply.type(EXPORT_CONTENT_TYPES[format]).send(body);
      }
      const wanted = { ...plan.query, limit: plan.query.limit + 1 };
      const preferences = parsePrefer(req.headers.prefer);
      const counting = countWanted(preferences, plan.count);
      addVary(reply, 'Prefer');
      void ctx.indexAdvisor.observe(r, plan.query, req.log);
      const [page, total] = await Promise.all([
        readPage(
          ctx.store,
          r,
          wanted,
          plan,
          plan.embed.length
            ? jsonEmbeds(ctx.model, r, plan.embed, (t) => readsEveryRecord(req, t))
            : undefined,
        ),
        counting === 'exact'
          ? ctx.store.count(r, plan.query.where)
          : counting === 'estimated'
            ? ctx.store.estimateCount(r, plan.query.where, ESTIMATE_EXACT_UP_TO)
            : undefined,
      ]);
      const [path, search = ''] = req.url.split('?');
      const headers = (link: string | undefined) => {
        if (link) reply.header('link', link);
        if (total !== undefined) {
          reply.header('x-total-count', String(total));
          if (preferences.countExact) reply.header('preference-applied', 'count=exact');
          else if (counting === 'estimated') reply.header('preference-applied', 'count=estimated');
        }
      };
      if (page.texts) {
        const { items: texts, more } = pageOf(page.texts, plan);
        const link = linkHeader(path, new URLSearchParams(search), plan, textsPage(texts, more));
        headers(link);
        const body = `[${texts.join(',')}]`;
        const tag = textEtag(body, link, total);
        reply.header('etag', tag);
        if (notModified(req.headers, tag)) return reply.code(304).send();
        // Already JSON: Fastify sends a string with a JSON content type as it is.
        return reply.type('application/json; charset=utf-8').send(body);
      }
      const { items: rows, more } = pageOf(page.rows, plan);
      const outputs = rows.map((row) => toOutput(r, row, plan.fields));
      // `fields` keeps the order asked; the route's compiled serialiser writes the model's order.
      if (plan.fields) reply.type('application/json; charset=utf-8').serializer(JSON.stringify);
      if (plan.embed.length)
        await embedRelations(
          ctx.model,
          ctx.store,
          r,
          rows,
          outputs,
          plan.embed,
          (target) => authorize(req, target, 'read').where,
        );
      const link = linkHeader(path, new URLSearchParams(search), plan, rowsPage(rows, more));
      headers(link);
      const tag = representationEtag({ rows, outputs, embedded: plan.embed.length > 0, link, total });
      reply.header('etag', tag);
      if (notModified(req.headers, tag)) return reply.code(304).send();
      return outputs;
    },

    async create(req: Req, reply: FastifyReply) {
      if (!isUpload(ctx.files, req)) requireBody(req, writeTypes(r, ['application/json']), 'accept-post');
      const access = authorize(req, r, 'create');
      const fixed = await parentFilter(req);
      checkCollectionPreconditions(r, req.headers, 'POST');
      const uploads = await readUploads(ctx.files, req, reply, r);
      let body = req.body;
      if (scope && typeof body === 'object' && body !== null && !Array.isArray(body)) {
        const field = scope.relation.field;
        const given = (body as Record<string, unknown>)[field];
        if (given !== undefined && String(given) !== String(fixed[0].value)) {
          throw ApiError.of('VALIDATION_FAILED', `${field} in the body differs from the parent in the URL`, {
            pointer: `/${field}`,
            vars: { field },
          });
        }
        body = { ...(body as object), [field]: fixed[0].value };
      }
      let row: Row;
      try {
        const values = access.stamp(planWrite(r, ctx.validator, body, { kind: 'create' }));
        row = await uploads.write((files) => ctx.store.insert(r, { ...values, ...files }));
      } catch (e) {
        throw await withReferenceProblems(ctx.store, ctx.model, r, body, e);
      }
      recordHeaders(reply, row);
      return sendWritten(ctx, r, req, reply, row, 201);
    },

    async bulkDelete(req: Req, reply: FastifyReply) {
      const problems: ConstructorParameters<typeof ApiError>[0] = [];
      const filters = parseFilters(r, req.query, problems, refuseRelationKeys(req.query, problems), RESERVED);
      if (problems.length) throw new ApiError(problems);
      if (filters.length === 0) {
        throw ApiError.of(
          'FILTER_REQUIRED',
          'DELETE on a collection needs at least one filter, e.g. ?status=churned',
        );
      }
      const deletable = authorize(req, r, 'delete').where;
      refuseHiddenQuery(r, filters);
      const where = [...(await parentFilter(req)), ...filters];
      checkCollectionPreconditions(r, req.headers, 'DELETE');
      const deleted = await ctx.store.deleteWhere(r, [...where, ...deletable]);
      return reply.code(200).send({ deleted });
    },
  };
}

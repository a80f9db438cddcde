/**
 * `GET /{r}?groupBy=…&aggregate=…` (docs/aggregates.md): parse → access (the rows aggregated are
 * those the caller may list: the same filters `authorize` gives lists) → one store call → the
 * groups as a JSON array, with a weak ETag and offset-paging Link like a list page.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import { formatRule, grants } from '../../model/access-rules.js';
import type { ResourceDef } from '../../model/model-types.js';
import type { AggregateQuery } from '../../store/aggregate-query.js';
import type { Filter } from '../../store/query-types.js';
import { scopeRelations } from '../../store/relation-query.js';
import { currentWriteScope } from '../../write/write-scope.js';
import { authorize } from '../plan/access-policy.js';
import { textEtag } from '../plan/collection-conditions.js';
import { notModified } from '../plan/conditions.js';
import { refuseHiddenQuery } from '../plan/field-access.js';
import { parseAggregateQuery } from '../query/aggregate-parser.js';
import type { QueryInput } from '../query/list-query-parser.js';
import { refuseHiddenRelated } from '../query/relation-filter-parser.js';
import { negotiate } from '../request/content-negotiation.js';
import { offsetLinks } from '../respond/link-header.js';
import { readGuarded } from '../respond/representation.js';
import { addVary } from '../respond/vary.js';
import type { AppContext } from './app-context.js';

type Req = FastifyRequest<{ Querystring: QueryInput }>;

const OFFERS = ['application/json', 'application/problem+json'];

/**
 * A field the caller may not read cannot be grouped or aggregated (or named in `having`, which
 * only names aggregates): refused like filtering on it (http/plan/field-access.ts), 403.
 */
function refuseHiddenFields(r: ResourceDef, q: AggregateQuery): void {
  const caller = currentWriteScope().caller();
  for (const f of readGuarded(r)) {
    if (grants(f.access?.read, caller)) continue;
    const parameter = q.groupBy.some((g) => g.field === f.name)
      ? 'groupBy'
      : q.aggregates.some((t) => t.field === f.name)
        ? 'aggregate'
        : undefined;
    if (parameter)
      throw ApiError.of(
        'FORBIDDEN',
        `${f.name} of ${r.name} may be read by ${(f.access?.read ?? []).map(formatRule).join(' or ')} only: it cannot be grouped or aggregated`,
        { parameter },
      );
  }
}

export async function listAggregates(
  ctx: AppContext,
  r: ResourceDef,
  req: Req,
  reply: FastifyReply,
  parentFilter: () => Promise<Filter[]>,
) {
  if (!negotiate(req.headers.accept, OFFERS))
    throw ApiError.of('NOT_ACCEPTABLE', `Accept ${req.headers.accept} allows none of ${OFFERS.join(', ')}`);
  // The order of checks (docs/errors.md): the query string (400) before access (403) and the parent (404).
  const { query: parsed, relatedFields } = parseAggregateQuery(ctx.model, r, req.query);
  const readable = authorize(req, r, 'read').where;
  refuseHiddenQuery(r, parsed.where);
  refuseHiddenRelated(relatedFields);
  refuseHiddenFields(r, parsed);
  // Through relations, only the related rows the caller may read count, as in lists (docs/query.md).
  const { where } = scopeRelations({ where: parsed.where, sort: [] }, (t) => authorize(req, t, 'read').where);
  const fixed = await parentFilter();
  const query = { ...parsed, where: [...fixed, ...readable, ...where], limit: parsed.limit + 1 };
  const fetched = await ctx.store.aggregate(r, query);
  const more = fetched.length > parsed.limit;
  const rows = more ? fetched.slice(0, -1) : fetched;
  addVary(reply, 'Accept');
  const [path, search = ''] = req.url.split('?');
  // Groups page by offset only, with the list's offset links.
  const links = offsetLinks(path, new URLSearchParams(search), parsed.limit, parsed.offset ?? 0, more);
  const link = links.length ? links.join(', ') : undefined;
  if (link) reply.header('link', link);
  const body = JSON.stringify(rows);
  const tag = textEtag(body, link, undefined);
  reply.header('etag', tag);
  if (notModified(req.headers, tag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(body);
}

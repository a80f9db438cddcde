/**
 * The "parse" step of collection requests (docs/query.md): query string → typed, validated plan.
 * Every problem names its query parameter; identifiers are checked against the model here, so
 * nothing from the URL reaches SQL except as a bound value.
 */
import { ApiError, type Problem } from '../../errors/api-error.js';
import type { Model, ResourceDef } from '../../model/model-types.js';
import {
  type Filter,
  type Keyset,
  type ListQuery,
  RELEVANCE,
  type SortKey,
} from '../../store/query-types.js';
import { type RelatedValue, withRelatedFields } from '../../store/relation-query.js';
import { decodeCursor, keysetValuesFit, sortSpec } from './cursor.js';
import { type EmbedNode, parseEmbed } from './embed-parser.js';
import { bad, parseFilters, type QueryInput, RESERVED } from './filter-parser.js';
import {
  isRelationKey,
  parseRelationFilters,
  parseRelationSort,
  type RelatedFieldUse,
} from './relation-filter-parser.js';
import { isRelevance, parseSearch } from './search-parser.js';

export { parseFilters, type QueryInput, RESERVED } from './filter-parser.js';

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 1000;

export interface ListPlan {
  /** The resource listed: cursors are bound to it. */
  resource: string;
  query: ListQuery & { limit: number };
  fields?: string[];
  embed: EmbedNode[];
  count: boolean;
  /** How the client pages, so Link answers in kind. */
  paging: 'offset' | 'cursor';
  /** Fields of related records the filters and sort read (relation-filter-parser.ts). */
  relatedFields: RelatedFieldUse[];
}

export function single(q: QueryInput, name: string, problems: Problem[]): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) {
    problems.push(bad(name, 'may appear only once'));
    return undefined;
  }
  return v;
}

/** A `true|false` parameter (`count`; `snapshot`, which only change streams read), as sent. */
function booleanParameter(q: QueryInput, name: string, problems: Problem[]): string | undefined {
  const raw = single(q, name, problems);
  if (raw !== undefined && raw !== 'true' && raw !== 'false')
    problems.push(bad(name, 'must be true or false'));
  return raw;
}

function nonNegativeInt(raw: string): number | undefined {
  return /^(0|[1-9][0-9]{0,15})$/.test(raw) ? Number(raw) : undefined;
}

/**
 * `limit` (1 to MAX_LIMIT; DEFAULT_LIMIT when absent or refused) and `offset` (a non-negative
 * integer), each refused by name; `offsetGiven`: the query has an `offset`.
 */
export function parsePaging(
  q: QueryInput,
  problems: Problem[],
): { limit: number; offset?: number; offsetGiven: boolean } {
  const limitRaw = single(q, 'limit', problems);
  let limit = DEFAULT_LIMIT;
  if (limitRaw !== undefined) {
    const n = nonNegativeInt(limitRaw);
    if (n === undefined || n < 1 || n > MAX_LIMIT)
      problems.push(bad('limit', `must be an integer from 1 to ${MAX_LIMIT}`));
    else limit = n;
  }
  const offsetRaw = single(q, 'offset', problems);
  let offset: number | undefined;
  if (offsetRaw !== undefined) {
    offset = nonNegativeInt(offsetRaw);
    if (offset === undefined || offset > Number.MAX_SAFE_INTEGER)
      problems.push(bad('offset', 'must be a non-negative integer'));
  }
  return { limit, offset, offsetGiven: offsetRaw !== undefined };
}

function parseSort(
  model: Model,
  r: ResourceDef,
  raw: string,
  parameter: string,
  problems: Problem[],
  related: RelatedValue[],
): SortKey[] | undefined {
  const keys: SortKey[] = [];
  for (const part of raw.split(',')) {
    const desc = part.startsWith('-');
    const name = desc ? part.slice(1) : part;
    if (isRelevance(r, name)) {
      if (!keys.some((k) => k.field === RELEVANCE)) keys.push({ field: RELEVANCE, desc });
      continue;
    }
    if (name.includes('.')) {
      const value = parseRelationSort(model, r, name);
      if (typeof value === 'string') {
        problems.push(bad(parameter, value));
        return undefined;
      }
      if (!related.some((v) => v.name === name)) related.push(value);
      if (!keys.some((k) => k.field === name)) keys.push({ field: name, desc });
      continue;
    }
    const f = r.allFields.get(name);
    if (!f?.type.sortable) {
      problems.push(bad(parameter, `cannot sort by "${part}"`));
      return undefined;
    }
    if (!keys.some((k) => k.field === name)) keys.push({ field: name, desc });
  }
  if (!keys.some((k) => k.field === 'id')) keys.push({ field: 'id', desc: false });
  return keys;
}

/** The filters of a query string: on the resource's fields, and through relations (relation-filter-parser.ts). */
export function parseWhere(
  model: Model,
  r: ResourceDef,
  q: QueryInput,
  problems: Problem[],
  relatedFields: RelatedFieldUse[],
): Filter[] {
  const relationKeys = Object.keys(q).filter(isRelationKey);
  // `q`: a full-text search, one more condition (docs/search.md).
  const searchRaw = single(q, 'q', problems);
  const search = searchRaw === undefined ? undefined : parseSearch(r, searchRaw, problems);
  return [
    ...parseFilters(r, q, problems, relationKeys.length ? new Set([...RESERVED, ...relationKeys]) : RESERVED),
    ...(relationKeys.length ? parseRelationFilters(model, r, q, problems, relatedFields) : []),
    ...(search ? [search] : []),
  ];
}

export function parseListQuery(
  model: Model,
  r: ResourceDef,
  q: QueryInput,
  extraWhere: Filter[] = [],
): ListPlan {
  const problems: Problem[] = [];
  const relatedFields: RelatedFieldUse[] = [];
  const where = [...extraWhere, ...parseWhere(model, r, q, problems, relatedFields)];
  const { limit, offset, offsetGiven } = parsePaging(q, problems);
  const sortRaw = single(q, 'sort', problems);
  let related: RelatedValue[] = [];
  let sort = sortRaw !== undefined ? parseSort(model, r, sortRaw, 'sort', problems, related) : undefined;
  const cursorRaw = single(q, 'cursor', problems);
  let keyset: Keyset | undefined;
  if (cursorRaw !== undefined) {
    if (offsetGiven) problems.push(bad('cursor', 'cannot be combined with offset'));
    const c = decodeCursor(cursorRaw);
    const cursorRelated: RelatedValue[] = [];
    const cursorSort =
      c && c.resource === r.name ? parseSort(model, r, c.sort, 'cursor', [], cursorRelated) : undefined;
    const listed = withRelatedFields(r, cursorRelated);
    if (!c || !cursorSort || !keysetValuesFit(listed, cursorSort, c.keyset.values))
      problems.push(
        bad('cursor', 'is not a cursor this server issued for this collection (it may have been altered)'),
      );
    else if (sort && sortSpec(sort) !== sortSpec(cursorSort))
      problems.push(bad('cursor', 'was issued for another sort order'));
    else {
      sort = cursorSort;
      related = cursorRelated;
      keyset = c.keyset;
    }
  }
  // The relevance is a search's: without `q` there is none to sort by (a bad `q` is reported already).
  if (sort?.some((s) => s.field === RELEVANCE) && q.q === undefined)
    problems.push(bad(keyset ? 'cursor' : 'sort', 'relevance applies to a search only: add q'));
  const { fields, embed } = parseSelection(model, r, q, problems);
  const countRaw = booleanParameter(q, 'count', problems);
  booleanParameter(q, 'snapshot', problems);
  if (problems.length) throw new ApiError(problems);
  return {
    resource: r.name,
    query: {
      where,
      sort: sort ?? [{ field: 'id', desc: false }],
      limit,
      offset,
      keyset,
      ...(related.length ? { related } : {}),
    },
    fields,
    embed,
    count: countRaw === 'true',
    paging: offsetGiven ? 'offset' : 'cursor',
    relatedFields: [
      ...relatedFields,
      ...related.map((v) => ({
        parameter: 'sort',
        resource: v.path[v.path.length - 1].target,
        field: v.field,
      })),
    ],
  };
}

/** `fields` and `embed`, shared by collections and single records. */
export function parseSelection(
  model: Model,
  r: ResourceDef,
  q: QueryInput,
  problems: Problem[],
): { fields?: string[]; embed: EmbedNode[] } {
  const fieldsRaw = single(q, 'fields', problems);
  let fields: string[] | undefined;
  if (fieldsRaw !== undefined) {
    fields = [...new Set(fieldsRaw.split(','))];
    const unknown = fields.filter((f) => !r.allFields.has(f));
    if (unknown.length || fields.length === 0)
      problems.push(bad('fields', `unknown field(s): ${unknown.join(', ') || '(empty)'}`));
  }
  const embedRaw = single(q, 'embed', problems);
  const embed = embedRaw === undefined ? [] : parseEmbed(model, r, embedRaw, problems);
  return { fields, embed };
}

/** Query of `GET /{r}/{id}`: only `fields` and `embed`; anything else → 400 naming it. */
export function parseItemQuery(
  model: Model,
  r: ResourceDef,
  q: QueryInput,
): { fields?: string[]; embed: EmbedNode[] } {
  const problems: Problem[] = [];
  for (const key of Object.keys(q)) {
    if (key !== 'fields' && key !== 'embed' && key !== 'snapshot')
      problems.push(
        bad(key, 'a single record takes only fields and embed (and snapshot, read by its change stream)'),
      );
  }
  booleanParameter(q, 'snapshot', problems);
  const selection = parseSelection(model, r, q, problems);
  if (problems.length) throw new ApiError(problems);
  return selection;
}

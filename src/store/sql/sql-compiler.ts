/**
 * Compiles the neutral ListQuery into SQL text + bound values for any SqlDialect.
 * Identifiers come only from the model (validated at start-up); values are always bound.
 */
import type { FieldDef, ResourceDef } from '../../model/model-types.js';
import { type Filter, type Keyset, type ListQuery, RELEVANCE, type SortKey } from '../query-types.js';
import { withRelatedFields } from '../relation-query.js';
import { type CompileWhere, compileRelated, relatedSource } from './relation-compiler.js';
import { compileSearch, RELEVANCE_FIELD, rankedSource } from './search-sql.js';
import type { SqlDialect } from './sql-dialect.js';

const COMPARE: Record<string, string> = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Accumulates bound values and hands out placeholders, and table aliases unique in the statement. */
export class Params {
  readonly values: unknown[] = [];
  private aliases = 0;
  constructor(private readonly dialect: SqlDialect) {}
  add(value: unknown): string {
    this.values.push(value);
    return this.dialect.param(this.values.length);
  }
  /** `_rel1`, `_rel2`, … (relation-compiler.ts). */
  alias(): string {
    return this.dialect.quote(`_rel${++this.aliases}`);
  }
}

/** ` LIMIT n`: bound, or (SqlDialect.literalLimit) written out when it is a safe non-negative integer. */
export function limitClause(d: SqlDialect, p: Params, limit: number): string {
  return ` LIMIT ${d.literalLimit && Number.isSafeInteger(limit) && limit >= 0 ? String(limit) : p.add(limit)}`;
}

const notNull = (f: FieldDef): boolean => f.system || f.required;

function fieldOf(resource: ResourceDef, name: string): FieldDef {
  const f = name === RELEVANCE ? RELEVANCE_FIELD : resource.allFields.get(name);
  if (!f) throw new Error(`unknown field ${resource.name}.${name}`);
  return f;
}

/** `outer`: how a filter through a relation names the filtered row (the table, or a subquery's alias). */
export function compileFilter(
  d: SqlDialect,
  resource: ResourceDef,
  filter: Filter,
  p: Params,
  outer = d.quote(resource.name),
): string {
  if (filter.op === 'or') {
    const alternatives = (filter.value as Filter[][]).map((all) =>
      all.length ? `(${compileWhere(d, resource, all, p, outer)})` : '1 = 1',
    );
    return alternatives.length ? `(${alternatives.join(' OR ')})` : '1 = 0';
  }
  if (filter.op === 'exists' || filter.op === 'count')
    return compileRelated(d, filter, outer, p, nested(d, p));
  if (filter.op === 'search') return compileSearch(d, resource, filter, p);
  const f = fieldOf(resource, filter.field);
  const col = d.quote(f.name);
  const enc = (v: unknown) => d.encode(v, f.storage);
  switch (filter.op) {
    case 'null':
      return filter.value ? `${col} IS NULL` : `${col} IS NOT NULL`;
    case 'in':
    case 'nin': {
      const list = filter.value as unknown[];
      const negate = filter.op === 'nin';
      if (d.arrayParam) return d.arrayParam(col, p.add(list.map(enc)), f.storage, negate);
      const inner = list.map((v) => p.add(enc(v))).join(', ');
      return negate ? `(${col} IS NULL OR ${col} NOT IN (${inner}))` : `${col} IN (${inner})`;
    }
    case 'like':
    case 'ilike': {
      const placeholder = p.add(undefined);
      const { sql, value } = d.like(col, placeholder, String(filter.value), filter.op === 'ilike', f.storage);
      p.values[p.values.length - 1] = value;
      return sql;
    }
    case 'ne':
      return `(${col} IS NULL OR ${col} <> ${p.add(enc(filter.value))})`;
    default:
      return `${col} ${COMPARE[filter.op]} ${p.add(enc(filter.value))}`;
  }
}

export function compileWhere(
  d: SqlDialect,
  resource: ResourceDef,
  where: Filter[],
  p: Params,
  outer?: string,
): string {
  return where.map((w) => compileFilter(d, resource, w, p, outer)).join(' AND ');
}

const nested =
  (d: SqlDialect, p: Params): CompileWhere =>
  (r, where, outer) =>
    compileWhere(d, r, where, p, outer);

/**
 * ORDER BY with NULLs as the smallest values on every database. System columns (id, createdAt,
 * updatedAt) are never NULL and get a plain ASC/DESC: PostgreSQL reads their default (NULLS LAST)
 * indexes only for that; with NULLS FIRST it would sort the whole table for every page.
 */
export function compileOrder(
  d: SqlDialect,
  sort: SortKey[],
  reverse = false,
  resource?: ResourceDef,
): string {
  return sort
    .map((s) => {
      const desc = s.desc !== reverse;
      const nulls = resource?.allFields.get(s.field)?.system ? '' : desc ? ' NULLS LAST' : ' NULLS FIRST';
      return `${d.quote(s.field)} ${desc ? 'DESC' : 'ASC'}${nulls}`;
    })
    .join(', ');
}

/**
 * Keyset condition: rows strictly after (or before) the given sort-key values in the sort order,
 * NULLs counting as the smallest values.
 */
export function compileKeyset(
  d: SqlDialect,
  resource: ResourceDef,
  sort: SortKey[],
  keyset: Keyset,
  p: Params,
): string {
  const fields = sort.map((s) => fieldOf(resource, s.field));
  const forward = keyset.direction === 'after';
  const allSameDir = sort.every((s) => s.desc === sort[0].desc);
  const greater = sort[0].desc !== forward;
  // A row comparison (which both databases search an index with) is exact unless a NULL could lie
  // beyond the boundary: NOT NULL columns, or moving towards larger values from NULL-free values
  // (NULL is the smallest, and a NULL pair makes the comparison NULL, i.e. not beyond).
  if (allSameDir && (fields.every(notNull) || (greater && keyset.values.every((v) => v !== null)))) {
    const cols = fields.map((f) => d.quote(f.name)).join(', ');
    const vals = fields.map((f, i) => p.add(d.encode(keyset.values[i], f.storage))).join(', ');
    return `(${cols}) ${greater ? '>' : '<'} (${vals})`;
  }
  // The first key's bound, bound first (SQLite numbers `?` by position): with it an index on that
  // key is searched from the boundary; the OR below alone makes both databases scan from the start.
  const lead =
    sort.length > 1 ? leadingBound(d, fields[0], keyset.values[0], sort[0].desc !== forward, p) : undefined;
  const branches: string[] = [];
  for (let i = 0; i < sort.length; i++) {
    const greater = sort[i].desc !== forward;
    // Nothing sorts below NULL: skip the branch before binding any of its values.
    if (keyset.values[i] === null && !greater) continue;
    const parts: string[] = [];
    for (let j = 0; j < i; j++) parts.push(equals(d, fields[j], keyset.values[j], p));
    parts.push(beyondValue(d, fields[i], keyset.values[i], greater, p)!);
    branches.push(`(${parts.join(' AND ')})`);
  }
  const or = branches.length ? `(${branches.join(' OR ')})` : '1 = 0';
  return lead ? `${lead} AND ${or}` : or;
}

/** What every row beyond the keyset has in common on the first key, when it is index-friendly. */
function leadingBound(
  d: SqlDialect,
  f: FieldDef,
  v: unknown,
  greater: boolean,
  p: Params,
): string | undefined {
  const col = d.quote(f.name);
  if (v === null) return greater ? undefined : `${col} IS NULL`;
  if (!greater && !notNull(f)) return undefined;
  return `${col} ${greater ? '>=' : '<='} ${p.add(d.encode(v, f.storage))}`;
}

function equals(d: SqlDialect, f: FieldDef, v: unknown, p: Params): string {
  const col = d.quote(f.name);
  return v === null ? `${col} IS NULL` : `${col} = ${p.add(d.encode(v, f.storage))}`;
}

/** `col` strictly greater (or smaller) than v, with NULL the smallest value. Undefined = impossible. */
function beyondValue(
  d: SqlDialect,
  f: FieldDef,
  v: unknown,
  greater: boolean,
  p: Params,
): string | undefined {
  const col = d.quote(f.name);
  if (v === null) return greater ? `${col} IS NOT NULL` : undefined;
  const cmp = `${col} ${greater ? '>' : '<'} ${p.add(d.encode(v, f.storage))}`;
  return greater || notNull(f) ? cmp : `(${cmp} OR ${col} IS NULL)`;
}

export interface CompiledSelect {
  sql: string;
  values: unknown[];
  /** The rows come back in reverse order and must be reversed (a `prev` keyset page). */
  reversed: boolean;
}

/**
 * What a list row holds: every column (`*`), or the dialect's record columns plus the related sort
 * values; with a relevance sort, the rank too (the Link cursor reads it; no record shows it).
 */
function selectedColumns(d: SqlDialect, r: ResourceDef, q: ListQuery, ranked: boolean): string {
  const own = d.rowColumns?.(r);
  const row = own
    ? [own, ...(q.related ?? []).map((v) => d.quote(v.name))].join(', ')
    : ranked
      ? `${d.quote(r.name)}.*`
      : '*';
  return ranked ? `${row}, ${d.quote(RELEVANCE)}` : row;
}

/** The list query; `columns` is what each row holds (every column, or e.g. one JSON expression). */
export function compileSelect(
  d: SqlDialect,
  resource: ResourceDef,
  q: ListQuery,
  columns?: string,
): CompiledSelect {
  const p = new Params(d);
  // Sorting by related values: they are columns of the listed rows (relation-compiler.ts), bound first.
  const from = q.related?.length
    ? relatedSource(d, resource, q.related, p, nested(d, p))
    : d.quote(resource.name);
  const listed = withRelatedFields(resource, q.related);
  // A relevance sort joins the search's ranked source (search-sql.ts), its values bound next.
  const ranked = rankedSource(d, resource, q, p);
  const select = columns ?? selectedColumns(d, resource, q, ranked !== undefined);
  const where = ranked?.applied ? q.where.filter((w) => w !== ranked.applied) : q.where;
  const conditions: string[] = where.map((w) => compileFilter(d, resource, w, p));
  const reversed = q.keyset?.direction === 'before';
  if (q.keyset) conditions.push(compileKeyset(d, listed, q.sort, q.keyset, p));
  let sql = `SELECT ${select} FROM ${from}${ranked ? ` ${ranked.join}` : ''}`;
  if (conditions.length) sql += ` WHERE ${conditions.join(' AND ')}`;
  if (q.sort.length) sql += ` ORDER BY ${compileOrder(d, q.sort, reversed, listed)}`;
  if (q.limit !== undefined) sql += limitClause(d, p, q.limit);
  if (q.offset) sql += ` OFFSET ${p.add(q.offset)}`;
  return { sql, values: p.values, reversed };
}

export function compileCount(
  d: SqlDialect,
  resource: ResourceDef,
  where: Filter[],
): { sql: string; values: unknown[] } {
  const p = new Params(d);
  const cond = compileWhere(d, resource, where, p);
  return {
    sql: `SELECT COUNT(*) AS n FROM ${d.quote(resource.name)}${cond ? ` WHERE ${cond}` : ''}`,
    values: p.values,
  };
}

/** COUNT(*) of at most `cap` matching rows: stops reading once it has counted that many. */
export function compileCappedCount(
  d: SqlDialect,
  resource: ResourceDef,
  where: Filter[],
  cap: number,
): { sql: string; values: unknown[] } {
  const p = new Params(d);
  const cond = compileWhere(d, resource, where, p);
  const inner = `SELECT 1 FROM ${d.quote(resource.name)}${cond ? ` WHERE ${cond}` : ''}${limitClause(d, p, cap)}`;
  return { sql: `SELECT COUNT(*) AS n FROM (${inner}) AS capped`, values: p.values };
}

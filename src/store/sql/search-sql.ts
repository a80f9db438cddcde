/**
 * Full-text search in the shared SQL compiler (docs/search.md). A `search` filter (`?q=`) becomes the
 * dialect's match condition; a relevance sort joins the dialect's ranked source, whose `_relevance`
 * column then orders, bounds a keyset page and comes back with each row (the Link cursor reads it).
 */
import type { FieldDef, ResourceDef } from '../../model/model-types.js';
import { type Filter, type ListQuery, RELEVANCE, type SearchTerm } from '../query-types.js';
import type { Params } from './sql-compiler.js';
import type { SqlDialect } from './sql-dialect.js';

/** What a database with a search index tells the compiler (SQLite FTS5, PostgreSQL tsvector). */
export interface SearchDialect {
  /** The condition that a row of `r` holds every term in its search index. */
  match(r: ResourceDef, terms: SearchTerm[], p: Params): string;
  /**
   * What to join to `r` so that a `_relevance` column ranks each row (higher: more relevant).
   * `matches`: the join keeps only the matching rows itself (the match condition is then left out).
   */
  ranked(r: ResourceDef, terms: SearchTerm[], p: Params): { join: string; matches: boolean };
}

/** The relevance as a sort key's field: never NULL, a double the keyset compares exactly. */
export const RELEVANCE_FIELD = {
  name: RELEVANCE,
  storage: 'real',
  required: true,
  unique: false,
  index: false,
  options: {},
  system: true,
} as unknown as FieldDef;

export interface RankedSource {
  /** Appended after `FROM table`. */
  join: string;
  /** The search filter the join already applies. */
  applied?: Filter;
}

/** The ranked source of a query sorted by relevance (its `search` filter ranks), or undefined. */
export function rankedSource(
  d: SqlDialect,
  r: ResourceDef,
  q: ListQuery,
  p: Params,
): RankedSource | undefined {
  if (!q.sort.some((s) => s.field === RELEVANCE)) return undefined;
  const search = q.where.find((w) => w.op === 'search');
  if (!search || !d.search) throw new Error(`a relevance sort of ${r.name} needs a search`);
  const { join, matches } = d.search.ranked(r, search.value as SearchTerm[], p);
  return { join, applied: matches ? search : undefined };
}

/** The search filter's condition. */
export function compileSearch(d: SqlDialect, r: ResourceDef, filter: Filter, p: Params): string {
  if (!d.search) throw new Error(`this database has no search index for ${r.name}`);
  return d.search.match(r, filter.value as SearchTerm[], p);
}

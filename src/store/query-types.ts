/** The database-neutral shape of a collection query, produced by the HTTP planner, compiled by a dialect. */

import type { ResourceDef } from '../model/model-types.js';
import type { RelatedValue } from './relation-query.js';

export type FilterOp =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'nin'
  | 'like'
  | 'ilike'
  | 'null'
  | 'or'
  | 'exists'
  | 'count'
  | 'search';

export interface Filter {
  field: string;
  op: FilterOp;
  /**
   * Typed value(s): an array for in/nin, a boolean for null, and for like/ilike a pattern where
   * `*` is the only wildcard (every other character, `%` and `_` included, is literal).
   * For `or` (access rules written as expressions): alternatives, each a list of filters that all
   * hold (`Filter[][]`; none = false), and `field` is empty.
   * For `exists` and `count` (filters through relations): a `RelatedCondition` / `RelatedCount`
   * (relation-query.ts), and `field` is the relation path (`customer`, `orders.count`).
   * For `search` (`?q=`, docs/search.md): the words every matching row's search index holds
   * (`SearchTerm[]`), and `field` is empty.
   */
  value: unknown;
}

export interface SortKey {
  field: string;
  desc: boolean;
}

/** Keyset position: the sort-key values of the row a page starts after (or before, for `prev`). */
export interface Keyset {
  values: unknown[];
  direction: 'after' | 'before';
}

export interface ListQuery {
  where: Filter[];
  /** Always ends with the primary key, so the order is total. */
  sort: SortKey[];
  /** Undefined = no limit (used by embeds, bounded by the parent page). */
  limit?: number;
  offset?: number;
  keyset?: Keyset;
  /** Related records' values the sort names (`customer.name`), relation-query.ts. */
  related?: RelatedValue[];
}

/** One word of a full-text search (`?q=`): letters and digits only; `prefix` when written `word*`. */
export interface SearchTerm {
  word: string;
  prefix: boolean;
}

/**
 * The sort key of a search's relevance (`sort=-relevance`): no field can have the name (field names
 * start with a letter). A row read with it holds its rank under this name (higher: more relevant).
 */
export const RELEVANCE = '_relevance';

/**
 * A to-one relation shown inside each listed record's JSON text (store/sql/json-select.ts): the
 * record of `target` whose id is the row's `field`, as JSON of `fields`, under the key `name`.
 */
export interface JsonEmbed {
  name: string;
  field: string;
  target: ResourceDef;
  fields: readonly string[];
}

/**
 * The database-neutral shape of an aggregate query (docs/aggregates.md), produced by the HTTP
 * planner (http/query/aggregate-parser.ts), compiled by a dialect (sql/aggregate-compiler.ts).
 */
import type { Filter } from './query-types.js';

export const AGGREGATE_FUNCTIONS = ['count', 'countDistinct', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateFn = (typeof AGGREGATE_FUNCTIONS)[number];

/** Buckets of a date or datetime (`groupBy=createdAt:month`); `hour` applies to datetimes only. */
export const DATE_UNITS = ['hour', 'day', 'week', 'month', 'year'] as const;
export type DateUnit = (typeof DATE_UNITS)[number];

export interface GroupTerm {
  field: string;
  /** The value is the start of this bucket, in the field's canonical form (weeks start on Monday, UTC). */
  unit?: DateUnit;
}

export interface AggregateTerm {
  fn: AggregateFn;
  /** Undefined for `count()` only. */
  field?: string;
  /** The key of the result: `count`, `count_amount`, `sum_amount`, … */
  key: string;
}

export type HavingOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

export interface HavingFilter {
  /** The key of one of the query's aggregates. */
  key: string;
  op: HavingOp;
  value: unknown;
}

export interface AggregateQuery {
  /** Applied to the rows before grouping (the filters, access rules and a nested route's parent). */
  where: Filter[];
  groupBy: GroupTerm[];
  aggregates: AggregateTerm[];
  /** Applied to the groups, ANDed. */
  having: HavingFilter[];
  /** Result keys (group fields or aggregates); the group keys always follow, so the order is total. */
  sort: { key: string; desc: boolean }[];
  limit: number;
  offset?: number;
}

/** The result key of an aggregate: `count`, `count_amount`, `countDistinct_stage`, `sum_amount`, … */
export const aggregateKey = (fn: AggregateFn, field?: string): string => (field ? `${fn}_${field}` : fn);

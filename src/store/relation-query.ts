/**
 * Filters and sorts through relations (docs/query.md, "Filters through relations") in the neutral
 * query: a step from a row to its related rows, the conditions on those rows, and the value of a
 * related record's field a list sorts by. The dialects compile them (sql/relation-compiler.ts).
 */
import type { FieldDef, ResourceDef } from '../model/model-types.js';
import type { Filter, ListQuery } from './query-types.js';

/**
 * One step through a relation. `one`: the row's reference `field` names the target's id (orders →
 * customer); `many`: the target's rows whose reference `field` names the row's id (customers → orders).
 */
export interface RelationStep {
  kind: 'one' | 'many';
  target: ResourceDef;
  field: string;
  /** The related rows the caller may read (their access filters); undefined until the caller's rules are applied. */
  scope?: Filter[];
}

/** `op: 'exists'`: at least one related row (readable) satisfies every filter of `where` (one row for all). */
export interface RelatedCondition {
  step: RelationStep;
  where: Filter[];
}

export type CountCompare = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

/** `op: 'count'`: the number of (readable) related rows compares to `count`. */
export interface RelatedCount {
  step: RelationStep;
  compare: CountCompare;
  count: number;
}

/**
 * A value of a related record a list sorts by (through to-one steps only), seen as a column named
 * `name` (`customer.name`): null when the reference is null or names a record the caller may not read.
 */
export interface RelatedValue {
  name: string;
  path: RelationStep[];
  /** The target's field (its type, storage and name in the target). */
  field: FieldDef;
}

const extended = new WeakMap<ResourceDef, Map<string, ResourceDef>>();

/**
 * `r` with each related value as one more (never required, never system) field named by its path,
 * so the shared compiler and the cursor treat it like a column of the row.
 */
export function withRelatedFields(r: ResourceDef, related: readonly RelatedValue[] | undefined): ResourceDef {
  if (!related?.length) return r;
  const key = related.map((c) => c.name).join(',');
  let byKey = extended.get(r);
  if (!byKey) {
    byKey = new Map();
    extended.set(r, byKey);
  }
  let out = byKey.get(key);
  if (!out) {
    const allFields = new Map(r.allFields);
    for (const c of related)
      allFields.set(c.name, { ...c.field, name: c.name, required: false, system: false });
    out = { ...r, allFields };
    if (byKey.size > 256) byKey.clear();
    byKey.set(key, out);
  }
  return out;
}

/** The query with every relation step's scope set by `scopeOf` (the caller's access filters of its target). */
export function scopeRelations<Q extends ListQuery>(query: Q, scopeOf: (target: ResourceDef) => Filter[]): Q {
  if (!hasRelations(query)) return query;
  const step = (s: RelationStep): RelationStep => ({ ...s, scope: scopeOf(s.target) });
  const filters = (where: Filter[]): Filter[] =>
    where.map((f) => {
      if (f.op === 'exists') {
        const v = f.value as RelatedCondition;
        return { ...f, value: { step: step(v.step), where: filters(v.where) } satisfies RelatedCondition };
      }
      if (f.op === 'count') {
        const v = f.value as RelatedCount;
        return { ...f, value: { ...v, step: step(v.step) } satisfies RelatedCount };
      }
      return f;
    });
  return {
    ...query,
    where: filters(query.where),
    related: query.related?.map((c) => ({ ...c, path: c.path.map(step) })),
  };
}

/** Whether the query filters or sorts through a relation. */
export const hasRelations = (query: ListQuery): boolean =>
  query.related !== undefined || query.where.some((f) => f.op === 'exists' || f.op === 'count');

/**
 * Filters and sorts through relations (store/relation-query.ts) in SQL, for any SqlDialect:
 * - `exists`: `EXISTS (SELECT 1 FROM target AS _relN WHERE <link> AND <scope> AND <filters>)` — a
 *   null reference links nothing, so it never matches; every filter holds on the same related row;
 * - `count`: `(SELECT COUNT(*) FROM target AS _relN WHERE <link> AND <scope>) > $n`;
 * - a related value a list sorts by: a LEFT JOIN per to-one step, the value given as one more column
 *   of the listed table (`FROM (SELECT orders.*, _rel1.name AS "customer.name" FROM orders LEFT JOIN
 *   … AS _rel1 ON …) AS orders`), so the order, the keyset condition and the rows (the cursor reads
 *   them) name it like any column.
 * Inside a subquery the related table's columns are named unqualified (the nearest table has them);
 * the row it relates to is named by its alias (`outer`). Identifiers only from the model; values bound.
 */
import type { ResourceDef } from '../../model/model-types.js';
import type { Filter } from '../query-types.js';
import type { RelatedCondition, RelatedCount, RelatedValue, RelationStep } from '../relation-query.js';
import type { Params } from './sql-compiler.js';
import type { SqlDialect } from './sql-dialect.js';

/** compileWhere of sql-compiler.ts, over the rows of `r` whose related rows `outer` names. */
export type CompileWhere = (r: ResourceDef, where: Filter[], outer: string) => string;

const COMPARE: Record<string, string> = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** The caller's access filters of the step's target. */
function scopeOf(step: RelationStep): Filter[] {
  // An unscoped step would read rows the caller may not: a planner bug, never a silent leak.
  if (!step.scope) throw new Error(`relation to ${step.target.name} compiled without the caller's scope`);
  return step.scope;
}

/** How the related row `t` joins the row `outer`. */
function link(d: SqlDialect, step: RelationStep, t: string, outer: string): string {
  return step.kind === 'one'
    ? `${t}.${d.quote('id')} = ${outer}.${d.quote(step.field)}`
    : `${t}.${d.quote(step.field)} = ${outer}.${d.quote('id')}`;
}

/** The WHERE of a subquery over the related rows: link, the caller's scope, then `where`. */
function related(
  d: SqlDialect,
  step: RelationStep,
  where: Filter[],
  t: string,
  outer: string,
  compile: CompileWhere,
) {
  const all = [...scopeOf(step), ...where];
  const conditions = [link(d, step, t, outer)];
  if (all.length) conditions.push(compile(step.target, all, t));
  return `FROM ${d.quote(step.target.name)} AS ${t} WHERE ${conditions.join(' AND ')}`;
}

/** An `exists` or `count` filter (relation-query.ts) of the row `outer`. */
export function compileRelated(
  d: SqlDialect,
  filter: Filter,
  outer: string,
  p: Params,
  compile: CompileWhere,
): string {
  const t = p.alias();
  if (filter.op === 'exists') {
    const v = filter.value as RelatedCondition;
    return `EXISTS (SELECT 1 ${related(d, v.step, v.where, t, outer, compile)})`;
  }
  const v = filter.value as RelatedCount;
  const counted = `(SELECT COUNT(*) ${related(d, v.step, [], t, outer, compile)})`;
  return `${counted} ${COMPARE[v.compare]} ${p.add(v.count)}`;
}

/**
 * The listed table with each related value as one more column named by its path: one LEFT JOIN
 * per to-one step, to the related rows the caller may read, so a value is read once per row however
 * often the order and the keyset condition name it.
 */
export function relatedSource(
  d: SqlDialect,
  r: ResourceDef,
  columns: readonly RelatedValue[],
  p: Params,
  compile: CompileWhere,
): string {
  const table = d.quote(r.name);
  const joins: string[] = [];
  const values: string[] = [];
  for (const c of columns) {
    let outer = table;
    for (const step of c.path) {
      const t = p.alias();
      const filters = scopeOf(step);
      const scope = filters.length ? ` WHERE ${compile(step.target, filters, t)}` : '';
      const readable = `(SELECT * FROM ${d.quote(step.target.name)}${scope})`;
      joins.push(`LEFT JOIN ${readable} AS ${t} ON ${link(d, step, t, outer)}`);
      outer = t;
    }
    values.push(`${outer}.${d.quote(c.field.name)} AS ${d.quote(c.name)}`);
  }
  return `(SELECT ${table}.*, ${values.join(', ')} FROM ${table} ${joins.join(' ')}) AS ${table}`;
}

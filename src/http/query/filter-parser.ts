/**
 * Filters from a query string (docs/query.md): `field=value` and `field[op]=value`, each value parsed by its
 * field's type. Field names and operators are checked against the model and the operator list, so
 * only identifiers of the model and bound values ever reach SQL.
 */

import type { Problem } from '../../errors/api-error.js';
import type { FieldDef, ResourceDef } from '../../model/model-types.js';
import { QUERY_PARAMETERS } from '../../model/query-parameters.js';
import type { Filter, FilterOp } from '../../store/query-types.js';

export const OPS = new Set<FilterOp>([
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'like',
  'ilike',
  'null',
]);
export const RESERVED = new Set<string>(QUERY_PARAMETERS);
/** `field` or `field[op]`; anything else is an unknown field. */
export const FILTER_KEY = /^([^[\]]+)(?:\[([^[\]]*)\])?$/;

export type QueryInput = Record<string, string | string[] | undefined>;

/** One INVALID_QUERY_PARAMETER problem, naming the parameter (docs/errors.md `parameter`). */
export const bad = (parameter: string, message: string): Problem => ({
  code: 'INVALID_QUERY_PARAMETER',
  internalMessage: `${parameter}: ${message}`,
  parameter,
  vars: { parameter },
});

/**
 * The filters of a query string. `ignore` names the parameters that are not filters (the list
 * parameters); `refuse` those that are not allowed at all (the list parameters, on DELETE).
 */
export function parseFilters(
  r: ResourceDef,
  q: QueryInput,
  problems: Problem[],
  ignore: Set<string> = RESERVED,
  refuse: Set<string> = new Set(),
): Filter[] {
  const where: Filter[] = [];
  for (const [key, raw] of Object.entries(q)) {
    if (ignore.has(key) || raw === undefined) continue;
    if (refuse.has(key)) {
      problems.push(bad(key, `${key} does not apply here; use filters only`));
      continue;
    }
    const m = FILTER_KEY.exec(key);
    const field = m && r.allFields.get(m[1]);
    if (!m || !field) {
      problems.push(
        bad(key, `unknown field "${m?.[1] ?? key}" (fields: ${[...r.allFields.keys()].join(', ')})`),
      );
      continue;
    }
    const op = (m[2] ?? 'eq') as FilterOp;
    if (!OPS.has(op)) {
      problems.push(bad(key, `unknown operator "${m[2]}" (operators: ${[...OPS].join(', ')})`));
      continue;
    }
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      const parsed = parseFilterValue(field, op, value);
      if ('error' in parsed) problems.push(bad(key, parsed.error));
      else where.push({ field: field.name, op, value: parsed.value });
    }
  }
  return where;
}

export function parseFilterValue(
  field: FieldDef,
  op: FilterOp,
  raw: string,
): { value: unknown } | { error: string } {
  // No stored text can hold U+0000 (PostgreSQL refuses it outright), so no filter can match it.
  if (raw.includes('\u0000')) return { error: 'contains a NUL character' };
  if (op === 'null') {
    if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
    return { error: 'null takes true or false' };
  }
  // The field's type says which operators apply (field-types/define-field-type.ts).
  const refused = field.type.refuseOperator(op, field);
  if (refused) return { error: refused };
  if (op === 'like' || op === 'ilike') return { value: raw };
  const parts = op === 'in' || op === 'nin' ? raw.split(',') : [raw];
  const values: unknown[] = [];
  for (const part of parts) {
    const p = field.type.parseQuery(part, field);
    if (!p.ok) return { error: `"${part}" is not ${p.expected}` };
    values.push(p.value);
  }
  if ((op === 'in' || op === 'nin') && values.length > 1000) return { error: 'at most 1000 values' };
  return { value: op === 'in' || op === 'nin' ? values : values[0] };
}

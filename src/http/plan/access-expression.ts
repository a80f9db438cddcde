/**
 * Access rules written as CEL (docs/auth.md#expressions) in the access policy: per request the
 * caller's values are filled in; what is left is a condition over the record's fields, which lists
 * apply as a database filter and item operations check on the record itself (CEL, per record).
 */
import { type AccessRule, ADMIN_ROLE } from '../../model/access-rules.js';
import type { Condition } from '../../model/expressions/access-condition.js';
import { celRecord, type ExpressionCaller, evaluate } from '../../model/expressions/cel-environment.js';
import type { ResourceDef } from '../../model/model-types.js';
import type { Filter } from '../../store/query-types.js';
import type { Row } from '../../store/store.js';
import type { Caller } from '../auth/caller.js';

type ExpressionRule = Extract<AccessRule, { kind: 'expression' }>;

const expressionsOf = (rules: AccessRule[]): ExpressionRule[] =>
  rules.filter((r): r is ExpressionRule => r.kind === 'expression');

const asExpressionCaller = (c: Caller | undefined): ExpressionCaller | null =>
  c ? { id: c.id, email: c.email, roles: c.roles } : null;

/**
 * What the expression rules (and `owner`, when listed beside them) allow this caller: true (every
 * record), false (none), or a condition. Undefined when no rule is an expression.
 */
export function expressionCondition(rules: AccessRule[], caller: Caller | undefined): Condition | undefined {
  const exprs = expressionsOf(rules);
  if (!exprs.length) return undefined;
  if (caller?.roles.includes(ADMIN_ROLE)) return { kind: 'bool', value: true };
  const parts: Condition[] = exprs.map((e) => e.conditionFor(asExpressionCaller(caller)));
  if (caller && rules.some((r) => r.kind === 'owner'))
    parts.push({ kind: 'compare', field: 'ownerId', op: 'eq', value: caller.id });
  if (parts.some((p) => p.kind === 'bool' && p.value)) return { kind: 'bool', value: true };
  const open = parts.filter((p) => p.kind !== 'bool' && p.kind !== 'error');
  if (!open.length) return { kind: 'bool', value: false };
  return open.length === 1 ? open[0] : { kind: 'or', parts: open };
}

function toFilter(c: Condition): Filter {
  switch (c.kind) {
    case 'compare':
      return { field: c.field, op: c.op, value: c.value };
    case 'in':
      return { field: c.field, op: c.negated ? 'nin' : 'in', value: c.values };
    case 'null':
      return { field: c.field, op: 'null', value: c.isNull };
    case 'or':
      return { field: '', op: 'or', value: c.parts.map(toFilters) };
    case 'and':
      return { field: '', op: 'or', value: [toFilters(c)] };
    default:
      // A leftover error or constant inside: true needs no filter, false and errors match nothing.
      return { field: '', op: 'or', value: c.kind === 'bool' && c.value ? [[]] : [] };
  }
}

/** The condition as the list's filters (all must hold). */
export function toFilters(c: Condition): Filter[] {
  return c.kind === 'and' ? c.parts.map(toFilter) : [toFilter(c)];
}

/** Whether one record passes: any expression rule true for it (CEL on the record), or the caller owns it. */
export function recordPasses(
  r: ResourceDef,
  rules: AccessRule[],
  caller: Caller | undefined,
  row: Row,
): boolean {
  if (caller?.roles.includes(ADMIN_ROLE)) return true;
  if (
    caller &&
    rules.some((x) => x.kind === 'owner') &&
    row.ownerId != null &&
    String(row.ownerId) === String(caller.id)
  )
    return true;
  const input = {
    record: celRecord(r, row),
    previous: null,
    caller: asExpressionCaller(caller),
    now: new Date(),
  };
  return expressionsOf(rules).some((e) => {
    const out = evaluate(e.compiled, input);
    return out.ok && out.value;
  });
}

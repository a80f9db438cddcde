/**
 * Access rules written as CEL (docs/auth.md#expressions): `read: "record.status != 'churned' ||
 * 'sales' in caller.roles"`. For lists the rule must become a filter the database applies, so only
 * a small part of CEL is accepted: comparisons (`== != < <= > >=`) of a record field with a literal,
 * `null` or a caller value (`caller.id`, `caller.email`), `record.f in [literals]`, `'x' in
 * caller.roles`, `caller == null`, `true`/`false`, joined by `&&`, `||`, `!`. Anything else is refused
 * at load (`verbo check`) with the reason. Per request the caller's values are filled in
 * (`conditionFor`), leaving a condition over the record's fields only, or plainly true or false.
 */
import type { ResourceDef } from '../model-types.js';
import type { ExpressionCaller } from './cel-environment.js';

export type Compare = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';
export type Condition =
  | { kind: 'bool'; value: boolean }
  /** An evaluation error in CEL (a caller value of nobody): denies, unless the other side of && / || decides. */
  | { kind: 'error' }
  | { kind: 'compare'; field: string; op: Compare; value: unknown }
  | { kind: 'in'; field: string; values: unknown[]; negated: boolean }
  | { kind: 'null'; field: string; isNull: boolean }
  | { kind: 'and' | 'or'; parts: Condition[] };

// biome-ignore lint/suspicious/noExplicitAny: the parser's AST nodes are untyped
type Node = { op: string; args: any; start?: number; end?: number };
type Value = { ok: true; value: unknown } | { ok: false };
/** A record-free value, once the caller is known. */
type Term = (caller: ExpressionCaller | null) => Value;
export type ConditionFor = (caller: ExpressionCaller | null) => Condition;

export class Untranslatable extends Error {}

const FLIP: Record<Compare, Compare> = { eq: 'eq', ne: 'ne', lt: 'gt', lte: 'gte', gt: 'lt', gte: 'lte' };
const NEGATE: Record<Compare, Compare> = { eq: 'ne', ne: 'eq', lt: 'gte', lte: 'gt', gt: 'lte', gte: 'lt' };
const OPS: Record<string, Compare> = {
  '==': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
};
const TRUE: Condition = { kind: 'bool', value: true };
const FALSE: Condition = { kind: 'bool', value: false };

const plain = (v: unknown): unknown =>
  typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;

function fieldOf(node: Node, r: ResourceDef): string | undefined {
  if (node.op !== '.' || node.args[0]?.op !== 'id' || node.args[0].args !== 'record') return undefined;
  const name = node.args[1] as string;
  if (!r.allFields.has(name)) throw new Untranslatable(`record.${name} is not a field of ${r.name}`);
  return name;
}

function termOf(node: Node, source: string): Term {
  if (node.op === 'value') return () => ({ ok: true, value: plain(node.args) });
  if (node.op === 'list') {
    const items = (node.args as Node[]).map((n) => termOf(n, source));
    return (c) => {
      const vs = items.map((t) => t(c));
      return vs.every((v) => v.ok)
        ? { ok: true, value: vs.map((v) => (v as { value: unknown }).value) }
        : { ok: false };
    };
  }
  if (node.op === 'id' && node.args === 'caller') return (c) => ({ ok: true, value: c });
  if (node.op === '.' && node.args[0]?.op === 'id' && node.args[0].args === 'caller') {
    const key = node.args[1] as keyof ExpressionCaller;
    if (!['id', 'email', 'roles'].includes(key))
      throw new Untranslatable(`caller.${key} is not id, email or roles`);
    return (c) => (c ? { ok: true, value: c[key] } : { ok: false });
  }
  throw new Untranslatable(`${JSON.stringify(snippet(node, source))} is not a literal or a caller value`);
}

const snippet = (node: Node, source: string) =>
  node.start !== undefined && node.end !== undefined ? source.slice(node.start, node.end) : node.op;

function negate(c: Condition): Condition {
  switch (c.kind) {
    case 'bool':
      return { kind: 'bool', value: !c.value };
    case 'error':
      return c;
    case 'compare':
      return { ...c, op: NEGATE[c.op] };
    case 'in':
      return { ...c, negated: !c.negated };
    case 'null':
      return { ...c, isNull: !c.isNull };
    default:
      throw new Error('negation is pushed to the leaves while translating');
  }
}

/**
 * CEL's commutative && and ||, with negations already at the leaves: there an error (a caller value
 * of nobody) denies whatever the polarity, so it counts as false — `x || error` admits where x holds.
 */
function join(kind: 'and' | 'or', a: Condition, b: Condition): Condition {
  const x = a.kind === 'error' ? FALSE : a;
  const y = b.kind === 'error' ? FALSE : b;
  const decides = kind !== 'and';
  if ((x.kind === 'bool' && x.value === decides) || (y.kind === 'bool' && y.value === decides))
    return { kind: 'bool', value: decides };
  if (x.kind === 'bool') return y;
  if (y.kind === 'bool') return x;
  return { kind, parts: [...(x.kind === kind ? x.parts : [x]), ...(y.kind === kind ? y.parts : [y])] };
}

function compare(field: string, op: Compare, value: unknown): Condition {
  if (value === null && (op === 'eq' || op === 'ne')) return { kind: 'null', field, isNull: op === 'eq' };
  if (value === null || typeof value === 'object') return { kind: 'error' };
  return { kind: 'compare', field, op, value };
}

function valueCompare(op: Compare, a: unknown, b: unknown): Condition {
  if (op === 'eq') return { kind: 'bool', value: JSON.stringify(a) === JSON.stringify(b) };
  if (op === 'ne') return { kind: 'bool', value: JSON.stringify(a) !== JSON.stringify(b) };
  if (a === null || b === null || typeof a !== typeof b) return { kind: 'error' };
  const [x, y] = [a as number, b as number];
  return { kind: 'bool', value: op === 'lt' ? x < y : op === 'lte' ? x <= y : op === 'gt' ? x > y : x >= y };
}

/** Translates with negations pushed down to the leaves (De Morgan): `positive` false under a `!`. */
function translate(node: Node, r: ResourceDef, source: string, positive = true): ConditionFor {
  if (node.op === '||' || node.op === '&&') {
    const [a, b] = (node.args as Node[]).map((n) => translate(n, r, source, positive));
    const kind = (node.op === '||') === positive ? 'or' : 'and';
    return (c) => join(kind, a(c), b(c));
  }
  if (node.op === '!_') return translate(node.args as Node, r, source, !positive);
  const leaf = translateLeaf(node, r, source);
  return positive ? leaf : (c) => negate(leaf(c));
}

function translateLeaf(node: Node, r: ResourceDef, source: string): ConditionFor {
  if (node.op === 'value' && typeof node.args === 'boolean') return () => (node.args ? TRUE : FALSE);
  if (OPS[node.op]) {
    const op = OPS[node.op];
    const [left, right] = node.args as Node[];
    const lf = fieldOf(left, r);
    const rf = fieldOf(right, r);
    if (lf && rf) throw new Untranslatable(`${JSON.stringify(snippet(node, source))} compares two fields`);
    if (lf || rf) {
      const term = termOf(lf ? right : left, source);
      const field = (lf ?? rf) as string;
      const o = lf ? op : FLIP[op];
      return (c) => {
        const v = term(c);
        return v.ok ? compare(field, o, v.value) : { kind: 'error' };
      };
    }
    const [a, b] = [termOf(left, source), termOf(right, source)];
    return (c) => {
      const [x, y] = [a(c), b(c)];
      return x.ok && y.ok ? valueCompare(op, x.value, y.value) : { kind: 'error' };
    };
  }
  if (node.op === 'in') {
    const [left, right] = node.args as Node[];
    const field = fieldOf(left, r);
    if (fieldOf(right, r))
      throw new Untranslatable(`${JSON.stringify(snippet(node, source))}: \`in\` a record field`);
    const list = termOf(right, source);
    if (field)
      return (c) => {
        const v = list(c);
        return v.ok && Array.isArray(v.value)
          ? { kind: 'in', field, values: v.value, negated: false }
          : { kind: 'error' };
      };
    const item = termOf(left, source);
    return (c) => {
      const [x, xs] = [item(c), list(c)];
      if (!x.ok || !xs.ok || !Array.isArray(xs.value)) return { kind: 'error' };
      return { kind: 'bool', value: xs.value.some((v) => JSON.stringify(v) === JSON.stringify(x.value)) };
    };
  }
  throw new Untranslatable(
    `${JSON.stringify(snippet(node, source))} (${node.op}) cannot become a database filter`,
  );
}

/** The per-caller condition of `source` (already type-checked), or why lists cannot apply it. */
export function accessCondition(
  ast: Node,
  r: ResourceDef,
  source: string,
): { ok: true; conditionFor: ConditionFor } | { ok: false; reason: string } {
  try {
    const conditionFor = translate(ast, r, source);
    return { ok: true, conditionFor: (c) => join('and', conditionFor(c), TRUE) };
  } catch (e) {
    if (e instanceof Untranslatable) return { ok: false, reason: e.message };
    throw e;
  }
}

/** Whether the condition uses the record at all (create rules may not: there is no record yet). */
export const usesRecord = (c: Condition): boolean =>
  c.kind === 'and' || c.kind === 'or' ? c.parts.some(usesRecord) : c.kind !== 'bool' && c.kind !== 'error';

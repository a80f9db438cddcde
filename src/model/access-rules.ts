/**
 * Access rules per resource and action (docs/auth.md): `public`, `authenticated`, `owner`, `role:NAME`, or a
 * list of them (any one grants). `write` sets create, update and delete at once; a specific action
 * overrides it. Actions left unset default to `authenticated` once `auth` is on.
 */
import { accessCondition, type ConditionFor, usesRecord } from './expressions/access-condition.js';
import { type CompiledExpression, checkerFor, compileExpression } from './expressions/cel-environment.js';
import { fieldTypes } from './field-registry.js';
import type { FieldDef, ResourceDef } from './model-types.js';

export type AccessAction = 'read' | 'create' | 'update' | 'delete';
export const ACCESS_ACTIONS: readonly AccessAction[] = ['read', 'create', 'update', 'delete'];
const WRITE_ACTIONS: readonly AccessAction[] = ['create', 'update', 'delete'];

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'owner' }
  | { kind: 'role'; role: string }
  /** A CEL expression (docs/auth.md#expressions): a filter for lists, evaluated per record for items. */
  | { kind: 'expression'; source: string; compiled: CompiledExpression; conditionFor: ConditionFor };
export type AccessRules = Record<AccessAction, AccessRule[]>;

export const ROLE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const RULE_HELP = 'public, authenticated, owner or role:NAME (or a list of them)';
export const DEFAULT_RULE: AccessRule = { kind: 'authenticated' };

type Report = (path: (string | number)[], message: string) => void;

export function parseRule(text: unknown): AccessRule | undefined {
  if (text === 'public' || text === 'authenticated' || text === 'owner') return { kind: text };
  if (typeof text === 'string' && text.startsWith('role:') && ROLE_NAME.test(text.slice(5)))
    return { kind: 'role', role: text.slice(5) };
  return undefined;
}

export const formatRule = (rule: AccessRule): string =>
  rule.kind === 'role'
    ? `role:${rule.role}`
    : rule.kind === 'expression'
      ? JSON.stringify(rule.source)
      : rule.kind;

/** Reads an expression rule of `action` on `r`, or says why it cannot be one. */
type ExpressionReader = (text: string) => AccessRule | string;

function expressionReader(r: ResourceDef, action: AccessAction): ExpressionReader {
  let checker: ReturnType<typeof checkerFor> | undefined;
  return (text) => {
    checker ??= checkerFor(r);
    const compiled = compileExpression(checker, text);
    if (!compiled.ok) return `not a rule word nor a valid expression: ${compiled.message}`;
    const ast = (checker.parse(text) as unknown as { ast: Parameters<typeof accessCondition>[0] }).ast;
    const translated = accessCondition(ast, r, text);
    if (!translated.ok)
      return `this expression cannot be applied to lists as a database filter: ${translated.reason}`;
    if (action === 'create' && usesRecord(translated.conditionFor({ id: 0, email: '', roles: [] })))
      return 'a create rule cannot use `record` (there is none yet): check the new record with a business rule (docs/rules.md)';
    return {
      kind: 'expression',
      source: text,
      compiled: compiled.compiled,
      conditionFor: translated.conditionFor,
    };
  };
}

const isWordLike = (text: string) => /^[A-Za-z:._-]+$/.test(text);

function readRuleList(
  raw: unknown,
  at: (string | number)[],
  report: Report,
  expression?: ExpressionReader,
): AccessRule[] | undefined {
  const items = Array.isArray(raw) ? raw : [raw];
  if (items.length === 0) {
    report(at, `must name at least one rule: ${RULE_HELP}`);
    return undefined;
  }
  const rules: AccessRule[] = [];
  items.forEach((item, i) => {
    const where = Array.isArray(raw) ? [...at, i] : at;
    const rule = parseRule(item);
    const read =
      !rule && expression && typeof item === 'string' && !isWordLike(item) ? expression(item) : undefined;
    if (rule) rules.push(rule);
    else if (typeof read === 'object') rules.push(read);
    else if (read) report(where, read);
    else
      report(
        where,
        `unknown access rule ${JSON.stringify(item)} (expected ${RULE_HELP}${expression ? ', or a CEL expression' : ''})`,
      );
  });
  return rules.length === items.length ? rules : undefined;
}

/** The `access` mapping of one resource, complete (unset actions get `fallback`). */
export function readAccess(
  raw: unknown,
  at: (string | number)[],
  report: Report,
  fallback: AccessRule[] = [DEFAULT_RULE],
  r?: ResourceDef,
): AccessRules {
  const rules: AccessRules = { read: fallback, create: fallback, update: fallback, delete: fallback };
  if (raw === undefined) return rules;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report(at, `must be a mapping of actions (read, create, update, delete, write) to ${RULE_HELP}`);
    return rules;
  }
  const decl = raw as Record<string, unknown>;
  for (const key of Object.keys(decl)) {
    if (key !== 'write' && !ACCESS_ACTIONS.includes(key as AccessAction)) {
      report([...at, key], 'unknown action (expected read, create, update, delete or write)');
    }
  }
  const expr = (action: AccessAction) => (r ? expressionReader(r, action) : undefined);
  const write =
    decl.write === undefined
      ? undefined
      : readRuleList(
          decl.write,
          [...at, 'write'],
          report,
          expr(decl.create === undefined ? 'create' : 'update'),
        );
  for (const action of ACCESS_ACTIONS) {
    const own =
      decl[action] === undefined
        ? undefined
        : readRuleList(decl[action], [...at, action], report, expr(action));
    rules[action] = own ?? (WRITE_ACTIONS.includes(action) ? write : undefined) ?? fallback;
  }
  return rules;
}

export const mentionsOwner = (rules: AccessRules): boolean =>
  ACCESS_ACTIONS.some((a) => rules[a].some((rule) => rule.kind === 'owner'));

/** `ownerId`: the id of the user who created the record; server-set, read-only, filterable, indexed. */
export function ownerField(): FieldDef {
  const type = fieldTypes.get('integer')!;
  return {
    name: 'ownerId',
    type,
    storage: type.storage,
    required: false,
    unique: false,
    index: true,
    options: { minimum: 1 },
    system: true,
    description: 'The user who created the record (server-set).',
  };
}

/** Who may read and who may write one field (`access:` on a field, docs/rules.md#field-access). */
export interface FieldAccess {
  read?: AccessRule[];
  write?: AccessRule[];
}

/** A field's `access: { read, write }`; either may be left out (then the resource's rules alone apply). */
export function readFieldAccess(
  raw: unknown,
  at: (string | number)[],
  report: Report,
): FieldAccess | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report(at, `must be { read: RULE, write: RULE } with ${RULE_HELP}`);
    return undefined;
  }
  const decl = raw as Record<string, unknown>;
  const access: FieldAccess = {};
  for (const key of Object.keys(decl)) {
    if (key !== 'read' && key !== 'write') {
      report([...at, key], 'unknown action (expected read or write)');
      continue;
    }
    const rules = readRuleList(decl[key], [...at, key], report);
    if (rules) access[key] = rules;
  }
  return access;
}

/** Passes every access rule, field rules included (docs/auth.md). */
export const ADMIN_ROLE = 'admin';

/**
 * Whether any of `rules` lets `caller` at a field of `row` (no rules: yes). `owner` needs the row
 * (the caller created it); `role:admin` passes every rule.
 */
export function grants(
  rules: readonly AccessRule[] | undefined,
  caller: { id: number; roles: readonly string[] } | null,
  row?: Record<string, unknown>,
): boolean {
  if (!rules) return true;
  if (rules.some((rule) => rule.kind === 'public')) return true;
  if (!caller) return false;
  if (caller.roles.includes(ADMIN_ROLE)) return true;
  return rules.some(
    (rule) =>
      rule.kind === 'authenticated' ||
      (rule.kind === 'role' && caller.roles.includes(rule.role)) ||
      (rule.kind === 'owner' && row?.ownerId != null && String(row.ownerId) === String(caller.id)),
  );
}

/**
 * The access policy (docs/auth.md) the resource handlers call: one `authorize` per operation.
 * - no rule passes and nobody is signed in → 401 (with WWW-Authenticate); signed in → 403;
 * - `owner` (when no other rule passes): queries get `ownerId = caller`, and a record of someone
 *   else answers 404 (its existence is not revealed) — or 403 when the caller may read it anyway;
 * - role `admin` passes every rule; with `auth` off every resource is public.
 */
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import { type AccessAction, type AccessRule, ADMIN_ROLE, formatRule } from '../../model/access-rules.js';
import type { ResourceDef } from '../../model/model-types.js';
import type { Filter } from '../../store/query-types.js';
import type { Row } from '../../store/store.js';
import { unauthenticated } from '../auth/auth-errors.js';
import { type Caller, callerOf, hadStaleSession } from '../auth/caller.js';
import { notFound } from '../request/item-id.js';
import { expressionCondition, recordPasses, toFilters } from './access-expression.js';

export interface AccessScope {
  /** Extra filters that keep a query to the records the caller may touch ([] = all of them). */
  where: Filter[];
  /** Sets the server-decided fields of a record being created (ownerId). */
  stamp(values: Row): Row;
}

type Decision = 'all' | 'own' | 'filtered' | 'unauthenticated' | 'forbidden';

export { ADMIN_ROLE };

function decide(rules: AccessRule[], caller: Caller | undefined): Decision {
  if (rules.some((rule) => rule.kind === 'public')) return 'all';
  if (!caller) return 'unauthenticated';
  if (caller.roles.includes(ADMIN_ROLE)) return 'all';
  if (
    rules.some(
      (rule) => rule.kind === 'authenticated' || (rule.kind === 'role' && caller.roles.includes(rule.role)),
    )
  )
    return 'all';
  return rules.some((rule) => rule.kind === 'owner') ? 'own' : 'forbidden';
}

/** `decide`, with the rules written as expressions (access-expression.ts) taken into account. */
function decideWith(
  rules: AccessRule[],
  caller: Caller | undefined,
): { decision: Decision; where: Filter[] } {
  const plain = decide(rules, caller);
  const condition = plain === 'all' ? undefined : expressionCondition(rules, caller);
  if (!condition) return { decision: plain, where: [] };
  if (condition.kind === 'bool' && condition.value) return { decision: 'all', where: [] };
  if (condition.kind === 'bool' || condition.kind === 'error')
    return { decision: caller ? 'forbidden' : 'unauthenticated', where: [] };
  return { decision: 'filtered', where: toFilters(condition) };
}

const isOwn = (row: Row, caller: Caller | undefined): boolean =>
  caller !== undefined && row.ownerId != null && String(row.ownerId) === String(caller.id);

function refusal(
  req: FastifyRequest,
  r: ResourceDef,
  action: AccessAction,
  rules: AccessRule[],
  decision: Decision,
): ApiError {
  const needs = rules.map(formatRule).join(' or ');
  if (decision === 'unauthenticated') {
    const why = hadStaleSession(req)
      ? 'the session has expired or ended; sign in again'
      : 'no credentials were sent';
    return unauthenticated(`${action} on ${r.name} needs ${needs}: ${why}`);
  }
  return ApiError.of(
    'FORBIDDEN',
    `${action} on ${r.name} needs ${needs}; the caller's roles are [${callerOf(req)?.roles.join(', ') ?? ''}]`,
  );
}

/** One check a route will make: the caller may do at least one of these (resource, action) pairs. */
export type AccessNeed = readonly (readonly [ResourceDef, AccessAction])[];

/**
 * The authentication stage of the order of checks (docs/errors.md): before the media type and
 * the body are looked at, a request without a caller answers 401 when one of the route's needs
 * can never be met anonymously (every alternative refuses a missing caller). What depends on the
 * record (owner rules, PUT creating or replacing) is decided later, by `authorize`.
 */
export function requireCaller(req: FastifyRequest, needs: readonly AccessNeed[]): void {
  if (callerOf(req)) return;
  for (const need of needs) {
    const refused = need.every(
      ([r, action]) => r.access && decideWith(r.access[action], undefined).decision === 'unauthenticated',
    );
    if (refused) {
      const [r, action] = need[0];
      throw refusal(req, r, action, r.access![action], 'unauthenticated');
    }
  }
}

/** Whether `caller` may read this record (a refused write then answers 403 rather than 404). */
function canRead(r: ResourceDef, caller: Caller | undefined, row: Row): boolean {
  const { decision } = decideWith(r.access!.read, caller);
  if (decision === 'all') return true;
  if (decision === 'own') return isOwn(row, caller);
  return decision === 'filtered' && recordPasses(r, r.access!.read, caller, row);
}

const ALL: AccessScope = { where: [], stamp: (values) => values };

/** The caller's decision on `action` (throws 401/403 when the rules refuse); no rules: every record. */
function permitted(req: FastifyRequest, r: ResourceDef, action: AccessAction) {
  const rules = r.access;
  if (!rules) return undefined;
  const caller = callerOf(req);
  const { decision, where } = decideWith(rules[action], caller);
  if (decision === 'unauthenticated' || decision === 'forbidden')
    throw refusal(req, r, action, rules[action], decision);
  return { rules, caller, decision, where };
}

/**
 * Whether a caller without credentials reads every record of `r` by its plain rules (`public`, or
 * no rules at all): the read shortcut's static check (shortcut/item-read-shortcut.ts). Rules written
 * as expressions are never taken as all: they are decided per request.
 */
export const anonymousReadsAll = (r: ResourceDef): boolean =>
  !r.access || decide(r.access.read, undefined) === 'all';

/**
 * `authorize(req, r, 'read')` before the record is read: throws the same refusals, and answers
 * whether the caller may read every record of `r`, so no record needs checking (a GET may then
 * send the store's JSON text as it is).
 */
export function readsEveryRecord(req: FastifyRequest, r: ResourceDef): boolean {
  const p = permitted(req, r, 'read');
  return !p || p.decision === 'all';
}

/**
 * Checks `action` on resource `r` for this request's caller; throws 401/403 when the rules refuse.
 * With `row` (the record the operation touches): throws 404 (or 403) when it is someone else's.
 */
export function authorize(req: FastifyRequest, r: ResourceDef, action: AccessAction, row?: Row): AccessScope {
  const p = permitted(req, r, action);
  if (!p) return ALL;
  const { rules, caller, decision, where } = p;
  if (decision === 'filtered' && row && !recordPasses(r, rules[action], caller, row)) {
    const canSee = action !== 'read' && canRead(r, caller, row);
    if (action !== 'read' && canSee)
      throw ApiError.of(
        'FORBIDDEN',
        `${action} on ${r.name} is not allowed on this record (${rules[action].map(formatRule).join(' or ')})`,
      );
    throw notFound(r, row.id);
  }
  if (decision === 'own' && row && !isOwn(row, caller)) {
    const read = decide(rules.read, caller);
    const canSee = read === 'all' || (read === 'own' && isOwn(row, caller));
    if (action !== 'read' && canSee)
      throw ApiError.of('FORBIDDEN', `${action} on ${r.name} is limited to the records the caller created`);
    throw notFound(r, row.id);
  }
  // The local operator (id 0, http/app.ts) owns nothing it creates.
  const ownerId = r.allFields.has('ownerId') && action === 'create' ? caller?.id || null : undefined;
  return {
    where: decision === 'own' ? [{ field: 'ownerId', op: 'eq', value: caller!.id }] : where,
    stamp: (values) => (ownerId === undefined ? values : { ...values, ownerId }),
  };
}

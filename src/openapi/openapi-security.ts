/**
 * Security (docs/auth.md): without `auth` every operation is explicitly anonymous (`security: [{}]`). With
 * `auth`, two schemes — the session cookie and `Authorization: Bearer <API token>` — and each
 * operation lists them from the resource's access rule (an empty `{}` first when the rule is `public`).
 *
 * `authPaths` documents `/auth/*` (register, login, logout, me, tokens; openapi-auth-paths.ts);
 * `SESSION_COOKIE` must equal the cookie name the auth layer sets.
 */
import { type AccessAction, formatRule } from '../model/access-rules.js';
import type { Model, ResourceDef } from '../model/model-types.js';
import { authPathItems } from './openapi-auth-paths.js';
import type { ErrorStatus } from './openapi-errors.js';

export const SESSION_COOKIE = 'verbo_session';

export type Requirement = Record<string, string[]>;

export function securitySchemes(model: Model): Record<string, unknown> | undefined {
  if (!model.auth) return undefined;
  return {
    cookieAuth: {
      type: 'apiKey',
      in: 'cookie',
      name: SESSION_COOKIE,
      description:
        'The session from `POST /auth/login`: an HttpOnly, SameSite=Lax cookie (Secure under HTTPS). Unsafe requests with it need the CSRF defence described in docs/auth.md.',
    },
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API token created by its user: `Authorization: Bearer <token>`. Opaque (not a JWT); revocable.',
    },
  };
}

/** The document-level default: anonymous unless an operation says otherwise. */
export const defaultSecurity = (): Requirement[] => [{}];

/** Requirements of an operation that performs `actions` on `r` (a PUT may update or create). */
export function operationSecurity(
  model: Model,
  r: ResourceDef,
  actions: AccessAction[],
): Requirement[] | undefined {
  if (!model.auth) return undefined;
  const schemes: Requirement[] = [{ cookieAuth: [] }, { bearerAuth: [] }];
  // No rules on the resource: everything is public; credentials, when sent, still identify the caller.
  const isPublic =
    r.access === undefined ||
    actions.every((a) => (r.access?.[a] ?? []).some((rule) => rule.kind === 'public'));
  return isPublic ? [{}, ...schemes] : schemes;
}

/**
 * `x-verbo-access`: per action of the operation, the rules of which any one grants it
 * (`public`, `authenticated`, `owner`, `role:NAME`; role `admin` passes all). The admin app
 * reads it to hide what the caller may not do (docs/admin.md).
 */
export function accessExtension(model: Model, r: ResourceDef, actions: AccessAction[]) {
  if (!model.auth || !r.access || actions.length === 0) return {};
  const rules = Object.fromEntries(actions.map((a) => [a, (r.access?.[a] ?? []).map(formatRule)]));
  return { 'x-verbo-access': rules };
}

/** Statuses the access rules add: 401 (no or bad credentials), 403 (a role refused, or the CSRF check on writes). */
export function securityStatuses(
  model: Model,
  r: ResourceDef,
  actions: AccessAction[],
  write: boolean,
): ErrorStatus[] {
  if (!model.auth || !r.access) return [];
  const roles = actions.some((a) => (r.access?.[a] ?? []).some((rule) => rule.kind === 'role'));
  return roles || write ? [401, 403] : [401];
}

/** The `/auth/*` paths the auth plugin registers (under basePath, like the resources); none without `auth`. */
export function authPaths(model: Model): Record<string, unknown> {
  return authPathItems(model);
}

/**
 * The `auth`, `rateLimit` and `trustProxy` top-level keys, and the access rules of every resource.
 * `auth` turns authentication on; without it every resource is public and `access` is refused.
 */
import { mentionsOwner, ownerField, readAccess } from './access-rules.js';
import { internalResources } from './internal-resources.js';
import type { ResourceDef } from './model-types.js';

export interface LoginLimit {
  /** Sign-in attempts per account per window (successful ones are given back). */
  perAccount: number;
  /** Sign-in attempts per client address per window. */
  perAddress: number;
  windowSeconds: number;
}

export interface AuthSettings {
  registration: 'open' | 'closed';
  sessionTtlSeconds: number;
  /** Longest lifetime of an API token; tokens without an expiry get it. */
  tokenMaxTtlDays?: number;
  passwordMinLength: number;
  loginLimit: LoginLimit;
  users: ResourceDef;
  tokens: ResourceDef;
}

export interface RateLimitSettings {
  /** Requests per client address per window, per instance. */
  max: number;
  windowSeconds: number;
}

export type TrustProxy = boolean | number | string[];

const AUTH_KEYS = ['registration', 'sessionTtlSeconds', 'tokenMaxTtlDays', 'passwordMinLength', 'loginLimit'];
const DEFAULT_LOGIN_LIMIT: LoginLimit = { perAccount: 5, perAddress: 20, windowSeconds: 900 };

type Raw = Record<string, unknown>;
type Report = (path: (string | number)[], message: string) => void;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositiveInt = (v: unknown, max = 2 ** 31): v is number =>
  Number.isInteger(v) && (v as number) > 0 && (v as number) <= max;

function positive(
  raw: Raw,
  key: string,
  fallback: number,
  at: (string | number)[],
  report: Report,
  max?: number,
): number {
  if (raw[key] === undefined) return fallback;
  if (isPositiveInt(raw[key], max)) return raw[key];
  report([...at, key], `must be a positive integer${max ? ` up to ${max}` : ''}`);
  return fallback;
}

function readLoginLimit(v: unknown, report: Report): LoginLimit {
  if (v === undefined) return DEFAULT_LOGIN_LIMIT;
  const at = ['auth', 'loginLimit'];
  if (!isObject(v)) {
    report(at, 'must be { perAccount: N, perAddress: N, windowSeconds: N }');
    return DEFAULT_LOGIN_LIMIT;
  }
  for (const key of Object.keys(v))
    if (!(key in DEFAULT_LOGIN_LIMIT))
      report([...at, key], 'unknown key (expected perAccount, perAddress, windowSeconds)');
  return {
    perAccount: positive(v, 'perAccount', DEFAULT_LOGIN_LIMIT.perAccount, at, report, 1000),
    perAddress: positive(v, 'perAddress', DEFAULT_LOGIN_LIMIT.perAddress, at, report, 1000),
    windowSeconds: positive(v, 'windowSeconds', DEFAULT_LOGIN_LIMIT.windowSeconds, at, report),
  };
}

function readAuth(v: unknown, report: Report): AuthSettings | undefined {
  if (v === undefined || v === false) return undefined;
  const raw: Raw = v === true ? {} : isObject(v) ? v : {};
  if (v !== true && !isObject(v))
    report(['auth'], 'must be a mapping, e.g. { registration: open, sessionTtlSeconds: 86400 }');
  for (const key of Object.keys(raw))
    if (!AUTH_KEYS.includes(key))
      report(['auth', key], `unknown key (expected one of ${AUTH_KEYS.join(', ')})`);
  if (raw.registration !== undefined && raw.registration !== 'open' && raw.registration !== 'closed')
    report(['auth', 'registration'], 'must be open or closed');
  const tokenMaxTtlDays =
    raw.tokenMaxTtlDays === undefined
      ? undefined
      : positive(raw, 'tokenMaxTtlDays', 365, ['auth'], report, 36500);
  return {
    registration: raw.registration === 'open' ? 'open' : 'closed',
    sessionTtlSeconds: positive(raw, 'sessionTtlSeconds', 7 * 86400, ['auth'], report),
    tokenMaxTtlDays,
    passwordMinLength: positive(raw, 'passwordMinLength', 8, ['auth'], report, 1024),
    loginLimit: readLoginLimit(raw.loginLimit, report),
    ...internalResources(),
  };
}

function readRateLimit(v: unknown, report: Report): RateLimitSettings | undefined {
  if (v === undefined) return undefined;
  if (
    !isObject(v) ||
    !isPositiveInt(v.max) ||
    !isPositiveInt(v.windowSeconds) ||
    Object.keys(v).some((k) => k !== 'max' && k !== 'windowSeconds')
  ) {
    report(['rateLimit'], 'must be { max: requests (positive integer), windowSeconds: positive integer }');
    return undefined;
  }
  return { max: v.max, windowSeconds: v.windowSeconds };
}

function readTrustProxy(v: unknown, report: Report): TrustProxy | undefined {
  if (v === undefined || typeof v === 'boolean') return v;
  if (Number.isInteger(v) && (v as number) >= 0) return v as number;
  if (Array.isArray(v) && v.every((a) => typeof a === 'string')) return v as string[];
  report(['trustProxy'], 'must be true, false, a number of proxy hops, or a list of proxy addresses/CIDRs');
  return undefined;
}

export interface AuthModelPart {
  auth?: AuthSettings;
  rateLimit?: RateLimitSettings;
  trustProxy?: TrustProxy;
  internal?: ResourceDef[];
}

/**
 * Reads the auth-related keys, sets each resource's `access` (and its `ownerId` system field when
 * a rule says `owner`), and adds the built-in resources to `byName` so references resolve.
 */
export function applyAuth(
  data: Raw,
  resources: ResourceDef[],
  byName: Map<string, ResourceDef>,
  report: Report,
): AuthModelPart {
  const auth = readAuth(data.auth, report);
  const rawResources = isObject(data.resources) ? data.resources : {};
  for (const r of resources) {
    const raw = (rawResources[r.name] as Raw | undefined)?.access;
    const at = ['resources', r.name, 'access'];
    if (!auth) {
      if (raw !== undefined)
        report(at, 'access rules need a top-level `auth` section (e.g. `auth: { registration: closed }`)');
      for (const f of r.fields)
        if (f.access)
          report(
            ['resources', r.name, 'fields', f.name, 'access'],
            'field access rules need a top-level `auth` section',
          );
      continue;
    }
    r.access = readAccess(raw, at, report, undefined, r);
    const fieldOwner = r.fields.some((f) =>
      [...(f.access?.read ?? []), ...(f.access?.write ?? [])].some((rule) => rule.kind === 'owner'),
    );
    if (mentionsOwner(r.access) || fieldOwner) r.allFields.set('ownerId', ownerField());
  }
  if (auth && byName.has('auth'))
    report(
      ['resources', 'auth'],
      'the name `auth` is taken by the sign-in routes (/auth/…) when `auth` is on',
    );
  const part: AuthModelPart = {
    rateLimit: readRateLimit(data.rateLimit, report),
    trustProxy: readTrustProxy(data.trustProxy, report),
  };
  if (auth) {
    part.auth = auth;
    part.internal = [auth.users, auth.tokens];
    for (const r of part.internal) byName.set(r.name, r);
  }
  return part;
}

/**
 * `admin: { path, enabled }` — where the admin web app is served (docs/admin.md). The path is
 * absolute (not under `basePath`), one or more segments; no resource, nor the docs or auth routes,
 * may live at or under it. `enabled` left unset means on, except under `--production`.
 */
import type { AdminSettings, ResourceDef } from './model-types.js';

type Report = (path: (string | number)[], message: string) => void;

export const DEFAULT_ADMIN_PATH = '/_admin';
const ADMIN_PATH = /^(\/[a-zA-Z0-9._~-]+)+$/;
const KEYS = ['path', 'enabled'];

export function readAdmin(
  raw: unknown,
  basePath: string,
  resources: ResourceDef[],
  report: Report,
): AdminSettings {
  const settings: AdminSettings = { path: DEFAULT_ADMIN_PATH };
  if (raw === undefined) return checkTaken(settings, basePath, resources, report, false);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report(['admin'], 'must be a mapping { path: /_admin, enabled: true|false }');
    return settings;
  }
  const decl = raw as Record<string, unknown>;
  for (const key of Object.keys(decl))
    if (!KEYS.includes(key)) report(['admin', key], `unknown key (expected one of ${KEYS.join(', ')})`);
  if (decl.path !== undefined) {
    if (typeof decl.path !== 'string' || !ADMIN_PATH.test(decl.path) || decl.path.endsWith('/'))
      report(['admin', 'path'], 'must look like /_admin (leading slash, no trailing slash)');
    else settings.path = decl.path;
  }
  if (decl.enabled !== undefined) {
    if (typeof decl.enabled !== 'boolean') report(['admin', 'enabled'], 'must be true or false');
    else settings.enabled = decl.enabled;
  }
  return checkTaken(settings, basePath, resources, report, decl.path !== undefined);
}

/** A path a resource (or the built-in routes) already serves cannot also be the admin app's. */
function checkTaken(
  settings: AdminSettings,
  basePath: string,
  resources: ResourceDef[],
  report: Report,
  declared: boolean,
): AdminSettings {
  const within = (p: string) => settings.path === p || settings.path.startsWith(`${p}/`);
  const where = declared ? ['admin', 'path'] : ['admin'];
  for (const r of resources) {
    for (const name of [r.name, ...r.movedFrom]) {
      if (within(`${basePath}/${name}`))
        report(
          where,
          `${settings.path} is where resource ${r.name} is served; choose another admin path, e.g. /_admin`,
        );
    }
  }
  for (const builtIn of ['auth', 'docs', 'openapi.json'])
    if (within(`${basePath}/${builtIn}`))
      report(where, `${settings.path} is taken by the built-in ${builtIn} route; choose another admin path`);
  return settings;
}

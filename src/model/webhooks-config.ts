/**
 * `webhooks:` (docs/webhooks.md): a list of `{ url, events, secretEnv }` — which changes are sent
 * where, signed with the secret in that environment variable. Targets on private or loopback
 * addresses are refused unless the entry says `allowPrivateTargets: true`.
 */
import { isIP } from 'node:net';
import type { ResourceDef } from './model-types.js';

export type WebhookEventKind = 'created' | 'updated' | 'deleted';

export interface WebhookDef {
  /** Names the webhook in the delivery state (`name:`, else the URL). */
  name: string;
  url: string;
  /** `resource.kind` pairs, e.g. `orders.created`. */
  events: string[];
  secretEnv: string;
  allowPrivateTargets: boolean;
  /** Each attempt gives up after this long (default 10 s). */
  timeoutSeconds: number;
}

const KEYS = ['name', 'url', 'events', 'secretEnv', 'allowPrivateTargets', 'timeoutSeconds'];
const KINDS: WebhookEventKind[] = ['created', 'updated', 'deleted'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Report = (path: (string | number)[], message: string) => void;
type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function readUrl(raw: unknown, at: (string | number)[], report: Report): string | undefined {
  let url: URL | undefined;
  try {
    url = typeof raw === 'string' ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    report(
      at,
      'must be an absolute http:// or https:// URL without credentials, e.g. https://hooks.example.com/verbo',
    );
    return undefined;
  }
  return url.href;
}

function readEvents(
  raw: unknown,
  at: (string | number)[],
  resources: ResourceDef[],
  report: Report,
): string[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    report(at, 'must be a non-empty list of events such as orders.created, orders.updated, orders.deleted');
    return [];
  }
  const names = resources.map((r) => r.name);
  const out: string[] = [];
  raw.forEach((e, i) => {
    const [resource, kind, ...rest] = typeof e === 'string' ? e.split('.') : [];
    if (!resource || rest.length || !names.includes(resource))
      report([...at, i], `unknown resource in ${JSON.stringify(e)} (resources: ${names.join(', ')})`);
    else if (!KINDS.includes(kind as WebhookEventKind))
      report(
        [...at, i],
        `unknown event ${JSON.stringify(e)} (expected ${resource}.${KINDS.join(`, ${resource}.`)})`,
      );
    else out.push(e as string);
  });
  return out;
}

function readEntry(
  raw: unknown,
  i: number,
  resources: ResourceDef[],
  report: Report,
): WebhookDef | undefined {
  const at = ['webhooks', i];
  if (!isObject(raw)) {
    report(at, 'must be a mapping { url, events, secretEnv }');
    return undefined;
  }
  for (const key of Object.keys(raw))
    if (!KEYS.includes(key)) report([...at, key], `unknown key (expected one of ${KEYS.join(', ')})`);
  const url = readUrl(raw.url, [...at, 'url'], report);
  const events = readEvents(raw.events, [...at, 'events'], resources, report);
  if (typeof raw.secretEnv !== 'string' || !ENV_NAME.test(raw.secretEnv))
    report(
      [...at, 'secretEnv'],
      'must name the environment variable holding the signing secret, e.g. WEBHOOK_SECRET',
    );
  if (raw.allowPrivateTargets !== undefined && typeof raw.allowPrivateTargets !== 'boolean')
    report([...at, 'allowPrivateTargets'], 'must be true or false');
  const timeout = raw.timeoutSeconds ?? 10;
  if (typeof timeout !== 'number' || !(timeout > 0) || timeout > 60)
    report([...at, 'timeoutSeconds'], 'must be a number of seconds above 0, at most 60');
  if (
    raw.name !== undefined &&
    (typeof raw.name !== 'string' || raw.name.length === 0 || raw.name.length > 100)
  )
    report([...at, 'name'], 'must be a string of 1 to 100 characters');
  if (!url || events.length === 0 || typeof raw.secretEnv !== 'string') return undefined;
  const allowPrivateTargets = raw.allowPrivateTargets === true;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateTargets && (/(^|\.)localhost$/i.test(host) || (isIP(host) && isPrivateAddress(host))))
    report(
      [...at, 'url'],
      `${host} is a private or loopback address: refused unless allowPrivateTargets: true`,
    );
  return {
    name: typeof raw.name === 'string' ? raw.name : url,
    url,
    events,
    secretEnv: raw.secretEnv,
    allowPrivateTargets,
    timeoutSeconds: typeof timeout === 'number' ? timeout : 10,
  };
}

/** Reads `webhooks`; every problem is reported. */
export function readWebhooks(raw: unknown, resources: ResourceDef[], report: Report): WebhookDef[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    report(['webhooks'], 'must be a list of { url, events, secretEnv }');
    return [];
  }
  const out = raw.flatMap((e, i) => readEntry(e, i, resources, report) ?? []);
  const seen = new Set<string>();
  out.forEach((w, i) => {
    if (seen.has(w.name)) report(['webhooks', i], `two webhooks are named ${w.name}: give one a name:`);
    seen.add(w.name);
  });
  return out;
}

/** Loopback, private (RFC 1918, unique local), link-local, unspecified, CGNAT and mapped forms of them. */
export function isPrivateAddress(address: string): boolean {
  const a = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return isPrivateAddress(mapped[1]);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (hex) {
    const [hi, lo] = [Number.parseInt(hex[1], 16), Number.parseInt(hex[2], 16)];
    return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  if (isIP(a) === 4) {
    const [x, y] = a.split('.').map(Number);
    return (
      x === 0 ||
      x === 10 ||
      x === 127 ||
      (x === 100 && y >= 64 && y <= 127) ||
      (x === 169 && y === 254) ||
      (x === 172 && y >= 16 && y <= 31) ||
      (x === 192 && y === 168) ||
      x >= 224
    );
  }
  if (isIP(a) !== 6) return false;
  return a === '::' || a === '::1' || /^f[cd]/.test(a) || /^fe[89ab]/.test(a) || /^ff/.test(a);
}

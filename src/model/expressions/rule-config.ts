/**
 * `rules:` of a resource (docs/rules.md): named CEL checks every write must pass, each type-checked
 * against the resource's fields here, so a bad expression is a located config error.
 */
import type { ResourceDef, RuleDef, WriteKind } from '../model-types.js';
import { checkerFor, compileExpression } from './cel-environment.js';

type Report = (path: (string | number)[], message: string) => void;
type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

const RULE_KEYS = ['name', 'check', 'on', 'message'];
export const WRITE_KINDS: readonly WriteKind[] = ['create', 'update', 'delete'];
/** A rule without `on` checks creates and updates (a delete leaves no record to check). */
const DEFAULT_ON: WriteKind[] = ['create', 'update'];
const RULE_NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** A `{ en, es }` message (en required), or a plain string taken as English. */
export function readMessage(raw: unknown, at: (string | number)[], report: Report) {
  if (typeof raw === 'string' && raw) return { en: raw };
  if (isObject(raw) && typeof raw.en === 'string' && raw.en) {
    for (const key of Object.keys(raw))
      if (key !== 'en' && key !== 'es') report([...at, key], 'unknown language (expected en or es)');
    if (raw.es !== undefined && typeof raw.es !== 'string') report([...at, 'es'], 'must be a text');
    return { en: raw.en, ...(typeof raw.es === 'string' ? { es: raw.es } : {}) };
  }
  report(at, 'must be a text or { en: "…", es: "…" }');
  return undefined;
}

function readOn(raw: unknown, at: (string | number)[], report: Report): WriteKind[] {
  if (raw === undefined) return DEFAULT_ON;
  const list = Array.isArray(raw) ? raw : [raw];
  const kinds = list.filter((k): k is WriteKind => WRITE_KINDS.includes(k as WriteKind));
  if (kinds.length !== list.length || kinds.length === 0)
    report(at, 'must be a list of create, update and delete');
  return kinds.length ? kinds : DEFAULT_ON;
}

/** The rules of resource `r` (its fields all known), each problem reported at its key's line. */
export function readRules(r: ResourceDef, raw: unknown, report: Report): RuleDef[] {
  const at = ['resources', r.name, 'rules'];
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    report(at, 'must be a list of { name, check, on?, message? }');
    return [];
  }
  const checker = checkerFor(r);
  const rules: RuleDef[] = [];
  const names = new Set<string>();
  raw.forEach((item, i) => {
    const here = [...at, i];
    if (!isObject(item)) {
      report(here, 'must be a mapping { name, check, on?, message? }');
      return;
    }
    for (const key of Object.keys(item))
      if (!RULE_KEYS.includes(key)) report([...here, key], `unknown key (expected ${RULE_KEYS.join(', ')})`);
    const name = item.name;
    if (typeof name !== 'string' || !RULE_NAME.test(name))
      report([...here, 'name'], 'must be a name of lowercase letters, digits and -, e.g. won-needs-amount');
    else if (names.has(name)) report([...here, 'name'], `another rule of ${r.name} is named ${name}`);
    else names.add(name);
    const on = readOn(item.on, [...here, 'on'], report);
    const message =
      item.message === undefined ? undefined : readMessage(item.message, [...here, 'message'], report);
    const outcome = compileExpression(checker, item.check);
    if (!outcome.ok) {
      report([...here, 'check'], outcome.message);
      return;
    }
    if (typeof name === 'string') rules.push({ name, check: outcome.compiled, on, message });
  });
  return rules;
}

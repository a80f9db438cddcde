/** Validates a loaded config and resolves it into a Model; reports every problem at once. */

import { readFieldAccess } from './access-rules.js';
import { readAdmin } from './admin-config.js';
import { applyAuth } from './auth-config.js';
import { didYouMean } from './closest-name.js';
import type { LoadedConfig } from './config-loader.js';
import { ConfigError, type ConfigProblem } from './config-problem.js';
import { readRules } from './expressions/rule-config.js';
import { checkFieldDefault } from './field-default.js';
import { COMMON_OPTIONS, fieldTypes } from './field-registry.js';
import { readHooksPath } from './hooks-config.js';
import { readIndexes } from './index-config.js';
import { readLimits } from './limits-config.js';
import type { FieldDef, IdType, Model, OnDelete, ResourceDef } from './model-types.js';
import { readRealtime } from './realtime-config.js';
import { checkRenames, readRenamedFrom } from './rename-config.js';
import { searchOptionProblem } from './search-config.js';
import { readStorage } from './storage-config.js';
import { ID_TYPES, systemFields } from './system-fields.js';
import { webhookResources } from './webhook-resources.js';
import { readWebhooks } from './webhooks-config.js';

const TOP_KEYS = [
  'name',
  'basePath',
  'preferMinimal',
  'language',
  'cors',
  'idempotency',
  'bodyLimit',
  'limits',
  'auth',
  'rateLimit',
  'trustProxy',
  'resources',
  'admin',
  'hooks',
  'realtime',
  'storage',
  'webhooks',
];
const RESOURCE_KEYS = [
  'id',
  'fields',
  'indexes',
  'movedFrom',
  'renamedFrom',
  'requireIfMatch',
  'description',
  'access',
  'rules',
];
/** A resource without `id` in its config (docs/config.md). */
const DEFAULT_ID_TYPE = 'integer';
const RESOURCE_NAME = /^[a-z][a-z0-9_]*$/;
/** First path segments the server answers itself: a resource of that name could never be reached. */
const SERVER_PATHS = ['batch'];
const FIELD_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

export function buildModel(loaded: LoadedConfig): Model {
  const problems: ConfigProblem[] = [];
  const report = (path: (string | number)[], message: string) =>
    problems.push({ file: loaded.file, path, line: loaded.lineOf(path), message });

  const data = loaded.data;
  if (!isObject(data)) {
    report([], 'the config must be a mapping with a `resources` key');
    throw new ConfigError(problems);
  }
  for (const key of Object.keys(data))
    if (!TOP_KEYS.includes(key)) report([key], unknownKey(key, TOP_KEYS, 'expected one of'));

  const basePath = readBasePath(data.basePath, report);
  const resources: ResourceDef[] = [];
  if (!isObject(data.resources) || Object.keys(data.resources).length === 0) {
    report(
      ['resources'],
      'must declare at least one resource, e.g. `resources: { customers: { fields: { name: string } } }`',
    );
  } else {
    for (const [name, raw] of Object.entries(data.resources)) {
      const r = readResource(name, raw, report);
      if (r) resources.push(r);
    }
  }
  for (const r of resources) r.path = `${basePath}/${r.name}`;
  const byName = new Map(resources.map((r) => [r.name, r]));
  resolveRelations(resources, byName, report);
  checkMovedFrom(resources, byName, report);
  const authPart = applyAuth(data, resources, byName, report);
  // Indexes may name ownerId, which an access rule adds: read once the columns are all known.
  for (const r of resources)
    r.indexes = readIndexes(
      r,
      (data.resources as Raw)[r.name] && ((data.resources as Raw)[r.name] as Raw).indexes,
      report,
    );
  checkRenames(resources, report);
  // Rules see every field, ownerId included: read once the columns are all known.
  for (const r of resources) r.rules = readRules(r, ((data.resources as Raw)[r.name] as Raw).rules, report);
  const hooks = readHooksPath(data.hooks, loaded.file, report);

  const cors = readCors(data.cors, report);
  const idem = data.idempotency as Raw | undefined;
  const ttlOk = (t: unknown) => Number.isInteger(t) && (t as number) > 0;
  if (
    idem !== undefined &&
    !(isObject(idem) && Object.keys(idem).every((k) => k === 'ttlSeconds') && ttlOk(idem.ttlSeconds))
  ) {
    report(['idempotency'], 'must be { ttlSeconds: positive integer } (default 86400, 24 h)');
  }
  if (data.preferMinimal !== undefined && typeof data.preferMinimal !== 'boolean')
    report(['preferMinimal'], 'must be true or false');
  if (data.language !== undefined && data.language !== 'en' && data.language !== 'es')
    report(['language'], 'must be en or es');
  const { bodyLimit, limits } = readLimits(data, report);
  const admin = readAdmin(data.admin, basePath, resources, report);
  const realtime = readRealtime(data.realtime, report);
  const files = readStorage(data.storage, report);
  const webhooks = readWebhooks(data.webhooks, resources, report);
  if (webhooks.length && byName.has('webhooks'))
    report(
      ['resources', 'webhooks'],
      'the name `webhooks` is taken by GET /webhooks/deliveries when `webhooks` is set',
    );
  if (problems.length > 0) throw new ConfigError(problems);
  if (webhooks.length)
    authPart.internal = [...(authPart.internal ?? []), ...Object.values(webhookResources())];
  return {
    name: typeof data.name === 'string' ? data.name : 'verbo',
    basePath,
    resources,
    byName,
    preferMinimal: data.preferMinimal === true,
    cors,
    idempotency: { ttlSeconds: (idem?.ttlSeconds as number) ?? 86_400 },
    defaultLanguage: (data.language as 'en' | 'es') ?? 'en',
    bodyLimit,
    limits,
    ...authPart,
    admin,
    ...(hooks ? { hooks } : {}),
    realtime,
    files,
    ...(webhooks.length ? { webhooks } : {}),
  };
}

type Report = (path: (string | number)[], message: string) => void;

/** `unknown key (expected one of a, b). Did you mean "fields"?` */
function unknownKey(key: string, known: Iterable<string>, listed: string, what = 'unknown key'): string {
  const names = [...known];
  return `${what} (${listed}: ${names.join(', ')}).${didYouMean(key, names)}`;
}

function readBasePath(v: unknown, report: Report): string {
  if (v === undefined || v === '' || v === '/') return '';
  if (typeof v !== 'string' || !/^(\/[a-zA-Z0-9._~-]+)+$/.test(v)) {
    report(['basePath'], 'must look like /api/v1 (leading slash, no trailing slash)');
    return '';
  }
  return v;
}

function readCors(v: unknown, report: Report): Model['cors'] {
  if (v === undefined) return undefined;
  if (!isObject(v) || !Array.isArray(v.origins) || !v.origins.every((o) => typeof o === 'string')) {
    report(['cors'], 'must be { origins: [list of origins or "*"], credentials: true|false }');
    return undefined;
  }
  return { origins: v.origins as string[], credentials: v.credentials === true };
}

function readResource(name: string, raw: unknown, report: Report): ResourceDef | undefined {
  const at = ['resources', name];
  if (!RESOURCE_NAME.test(name)) report(at, 'resource names are lowercase (a-z, 0-9, _), like `customers`');
  else if (SERVER_PATHS.includes(name))
    report(
      at,
      `\`/${name}\` is one of verbo's own paths (${SERVER_PATHS.join(', ')}); name the resource otherwise`,
    );
  if (!isObject(raw)) {
    report(at, 'must be a mapping with `fields`');
    return undefined;
  }
  for (const key of Object.keys(raw))
    if (!RESOURCE_KEYS.includes(key)) report([...at, key], unknownKey(key, RESOURCE_KEYS, 'expected one of'));
  const declaredId = String(raw.id ?? DEFAULT_ID_TYPE);
  if (!ID_TYPES.includes(declaredId)) report([...at, 'id'], `must be one of ${ID_TYPES.join(', ')}`);
  const idType: IdType = ID_TYPES.includes(declaredId) ? declaredId : DEFAULT_ID_TYPE;
  const movedFrom = raw.movedFrom ?? [];
  if (!Array.isArray(movedFrom) || !movedFrom.every((m) => typeof m === 'string' && RESOURCE_NAME.test(m))) {
    report([...at, 'movedFrom'], 'must be a list of former resource names');
  }
  const renamedFrom = readRenamedFrom(raw.renamedFrom, [...at, 'renamedFrom'], report);
  const fields: FieldDef[] = [];
  if (!isObject(raw.fields) || Object.keys(raw.fields).length === 0) {
    report([...at, 'fields'], 'must declare at least one field');
  } else {
    for (const [fname, fraw] of Object.entries(raw.fields)) {
      const f = readField(fname, fraw, [...at, 'fields', fname], report);
      if (f) fields.push(f);
    }
  }
  const system = systemFields(idType);
  const allFields = new Map<string, FieldDef>([[system.id.name, system.id]]);
  for (const f of fields) allFields.set(f.name, f);
  allFields.set('createdAt', system.createdAt).set('updatedAt', system.updatedAt);
  return {
    name,
    idType,
    fields,
    allFields,
    // A renamed resource's old URLs redirect, as movedFrom's do.
    movedFrom: [...new Set([...(Array.isArray(movedFrom) ? (movedFrom as string[]) : []), ...renamedFrom])],
    renamedFrom,
    indexes: [],
    requireIfMatch: raw.requireIfMatch === true,
    description: typeof raw.description === 'string' ? raw.description : undefined,
    toOne: [],
    toMany: [],
    rules: [],
  };
}

function readField(
  name: string,
  raw: unknown,
  at: (string | number)[],
  report: Report,
): FieldDef | undefined {
  if (!FIELD_NAME.test(name)) report(at, 'field names start with a letter and use letters, digits and _');
  if (['id', 'createdAt', 'updatedAt', 'ownerId'].includes(name)) {
    report(at, `\`${name}\` is set by the server; remove it from fields`);
    return undefined;
  }
  const decl: Raw = typeof raw === 'string' ? { type: raw } : isObject(raw) ? raw : {};
  if (!isObject(raw) && typeof raw !== 'string') {
    report(at, 'must be a type name (e.g. `string`) or a mapping with `type`');
    return undefined;
  }
  const type = fieldTypes.get(String(decl.type));
  if (!type) {
    report(
      [...at, 'type'],
      typeof decl.type === 'string'
        ? unknownKey(decl.type, fieldTypes.keys(), 'expected one of', `unknown type "${decl.type}"`)
        : `unknown type ${JSON.stringify(decl.type)} (expected one of ${[...fieldTypes.keys()].join(', ')})`,
    );
    return undefined;
  }
  const allowed = new Set<string>([...COMMON_OPTIONS, ...type.options, 'access']);
  const searchProblem = searchOptionProblem(name, type, decl.search, fieldTypes.values());
  if (searchProblem) report([...at, 'search'], searchProblem);
  for (const key of Object.keys(decl))
    if (!allowed.has(key) && !(key === 'search' && searchProblem))
      report([...at, key], unknownKey(key, allowed, 'allowed', `unknown option for type ${type.name}`));
  for (const key of ['required', 'unique', 'index'] as const) {
    if (decl[key] !== undefined && typeof decl[key] !== 'boolean')
      report([...at, key], 'must be true or false');
  }
  for (const p of type.checkOptions(decl)) report([...at, p.option], p.message);
  const options: Raw = {};
  for (const key of type.options) if (decl[key] !== undefined) options[key] = decl[key];
  const field: FieldDef = {
    name,
    type,
    storage: type.storage,
    required: decl.required === true,
    unique: decl.unique === true,
    index: decl.index === true || decl.unique === true || type.reference === true,
    default: decl.default,
    description: typeof decl.description === 'string' ? decl.description : undefined,
    options,
    system: false,
    renamedFrom: readRenamedFrom(decl.renamedFrom, [...at, 'renamedFrom'], report),
    ...(decl.access !== undefined ? { access: readFieldAccess(decl.access, [...at, 'access'], report) } : {}),
  };
  if (type.reference) {
    field.reference = {
      // A missing or empty `to` is reported by the type's option check; no second error about it.
      resource: typeof decl.to === 'string' ? decl.to : '',
      onDelete: (decl.onDelete as OnDelete) ?? 'restrict',
      idType: DEFAULT_ID_TYPE,
    };
  }
  return field;
}

function resolveRelations(resources: ResourceDef[], byName: Map<string, ResourceDef>, report: Report): void {
  for (const r of resources) {
    for (const f of r.fields) {
      if (!f.reference?.resource) continue;
      const target = byName.get(f.reference.resource);
      const at = ['resources', r.name, 'fields', f.name];
      if (!target) {
        report([...at, 'to'], `references unknown resource ${JSON.stringify(f.reference.resource)}`);
        continue;
      }
      if (f.reference.onDelete === 'set-null' && f.required)
        report([...at, 'onDelete'], 'set-null needs a field that is not required');
      const idField = target.allFields.get('id')!;
      f.reference.idType = target.idType;
      f.reference.idField = idField;
      f.storage = idField.storage;
      const toOneName = f.name.endsWith('Id') && f.name.length > 2 ? f.name.slice(0, -2) : f.name;
      r.toOne.push({ name: toOneName, resource: target.name, field: f.name });
      target.toMany.push({ name: r.name, resource: r.name, field: f.name, onDelete: f.reference.onDelete });
    }
    for (const f of r.fields) {
      const problem = checkFieldDefault(f);
      if (problem) report(['resources', r.name, 'fields', f.name, 'default'], problem);
    }
  }
  nameRelationsApart(resources);
}

/**
 * Two references from one resource to the same target (orders.billingCustomerId and
 * orders.shippingCustomerId) would give the target two to-many relations both named `orders`:
 * those are named after their field instead (`ordersByBillingCustomer`, `ordersByShippingCustomer`),
 * in nested routes and `embed` alike. A single reference keeps the plain name.
 */
function nameRelationsApart(resources: ResourceDef[]): void {
  for (const target of resources) {
    const uses = new Map<string, number>();
    for (const rel of target.toMany) uses.set(rel.name, (uses.get(rel.name) ?? 0) + 1);
    for (const rel of target.toMany) {
      if ((uses.get(rel.name) ?? 0) < 2) continue;
      const base = rel.field.endsWith('Id') && rel.field.length > 2 ? rel.field.slice(0, -2) : rel.field;
      rel.name = `${rel.resource}By${base[0].toUpperCase()}${base.slice(1)}`;
    }
  }
}

function checkMovedFrom(resources: ResourceDef[], byName: Map<string, ResourceDef>, report: Report): void {
  const seen = new Map<string, string>();
  for (const r of resources) {
    r.movedFrom.forEach((old, i) => {
      // A renamed resource's former names join movedFrom; rename-config.ts#checkRenames reports those.
      if (r.renamedFrom.includes(old)) seen.set(old, r.name);
      else if (byName.has(old)) report(['resources', r.name, 'movedFrom', i], `${old} is still a resource`);
      else if (seen.has(old))
        report(['resources', r.name, 'movedFrom', i], `${old} is already claimed by ${seen.get(old)}`);
      seen.set(old, r.name);
    });
  }
}

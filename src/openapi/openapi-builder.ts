/**
 * OpenAPI 3.1 of a verbo API, generated from the model alone: the same model the routes, the
 * validator and the stores are built from, so the document cannot drift from the server.
 */
import type { JsonSchema } from '../model/field-type.js';
import type { Model } from '../model/model-types.js';
import { aggregateParameters, aggregateSchemas } from './openapi-aggregate.js';
import { authHeaders, authSchemas } from './openapi-auth-schemas.js';
import { batchPaths, batchSchemas } from './openapi-batch.js';
import { bulkParameters, importPath, jobPath, jobSchemas } from './openapi-bulk.js';
import { foldUnsentRateLimit, hoistCommonParameters } from './openapi-compaction.js';
import { type ErrorCodes, errorResponses, errorSchemas } from './openapi-errors.js';
import { fileHeaders, fileSchemas, shareFileMetadata, thumbParameters } from './openapi-files.js';
import { responseHeaders, sharedParameters } from './openapi-headers.js';
import { int, limitsOf, MAX_HEAD_BYTES, maxPatchOperations } from './openapi-limits.js';
import { resourceNames } from './openapi-names.js';
import { idParameter, type PathContext, resourcePaths } from './openapi-paths.js';
import { filterSchemas, resourceParameters } from './openapi-query.js';
import { changeStreamParameters, changeStreamSchemas } from './openapi-realtime.js';
import { recordSchemas, schemaRef } from './openapi-record-schemas.js';
import { authPaths, defaultSecurity, securitySchemes } from './openapi-security.js';
import { webhookPaths, webhookSchemas } from './openapi-webhooks.js';

export interface OpenApiOptions {
  /** The error catalogue (code → status and English message), listed in each error response. */
  errorCodes?: ErrorCodes;
  /** Named in the server's description: `production` when the server runs in production mode. */
  environment?: 'production' | 'local';
  /** info.version; defaults to 1.0.0. */
  version?: string;
}

function jsonPatchSchemas(model: Model): Record<string, JsonSchema> {
  const pointer = {
    type: 'string',
    maxLength: model.bodyLimit,
    pattern: '^(/([^~/]|~[01])*)*$',
    description: 'RFC 6901 JSON Pointer.',
  };
  const op = (name: string, extra: Record<string, JsonSchema>, required: string[]) => ({
    type: 'object',
    title: name,
    properties: { op: { type: 'string', const: name }, path: pointer, ...extra },
    required: ['op', 'path', ...required],
  });
  const value = { description: 'Any JSON value.' };
  return {
    JsonPatchOperation: {
      description: 'One RFC 6902 operation.',
      oneOf: [
        op('add', { value }, ['value']),
        op('remove', {}, []),
        op('replace', { value }, ['value']),
        op('move', { from: pointer }, ['from']),
        op('copy', { from: pointer }, ['from']),
        op('test', { value }, ['value']),
      ],
    },
    JsonPatch: {
      type: 'array',
      description: 'RFC 6902 JSON Patch: applied atomically, all or nothing.',
      items: schemaRef('JsonPatchOperation'),
      maxItems: maxPatchOperations(model),
      examples: [
        [
          { op: 'test', path: '/updatedAt', value: '2025-03-14T09:26:53.589Z' },
          { op: 'replace', path: `/${model.resources[0]?.fields[0]?.name ?? 'name'}`, value: 'New value' },
        ],
      ],
    },
    DeleteResult: {
      type: 'object',
      properties: {
        deleted: int(0, Number.MAX_SAFE_INTEGER, { description: 'How many records were deleted.' }),
      },
      required: ['deleted'],
      additionalProperties: false,
      examples: [{ deleted: 3 }],
    },
  };
}

function describe(model: Model): string {
  return [
    `The ${model.name} API, served by verbo. Resources: ${model.resources.map((r) => `\`${r.name}\``).join(', ')}.`,
    '',
    'Every 4xx and 5xx answers a JSON array of errors (`code`, `status`, `internalMessage`, `userMessage`, `traceId`, ',
    'optional `pointer` or `parameter`), or one RFC 9457 object with `Accept: application/problem+json`. Every response ',
    'carries `X-Trace-Id`. Items carry a strong `ETag`: send it in `If-Match` to write safely. Lists page with `limit` ',
    'and `offset`, or with the `cursor` of the `Link` header.',
  ].join('\n');
}

/**
 * Shares the digit-string schemas of 64-bit integers (patterns of 1 to 3 KB, model/exact-integer.ts):
 * each distinct one becomes a `components.schemas` entry (`IntegerDigits`, `IntegerDigits2`, …) and
 * every copy a `$ref` to it.
 */
function shareIntegerDigits(doc: Record<string, unknown>): void {
  const components = doc.components as Record<string, Record<string, unknown>>;
  const named = new Map<string, string>();
  const shared: Record<string, unknown> = {};
  const canonical = (v: object) => JSON.stringify(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const pattern = (v as JsonSchema).pattern;
    if (typeof pattern === 'string' && pattern.length > 512 && (v as JsonSchema).type === 'string') {
      const key = canonical(v);
      let name = named.get(key);
      if (!name) {
        name = `IntegerDigits${named.size ? named.size + 1 : ''}`;
        named.set(key, name);
        shared[name] = v;
      }
      return schemaRef(name);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  doc.paths = walk(doc.paths);
  for (const kind of Object.keys(components))
    components[kind] = walk(components[kind]) as Record<string, unknown>;
  Object.assign(components.schemas, shared);
}

/**
 * Parameters that are the same in several resources (a `createdAt[gte]` filter) become one
 * component: `filter.createdAt.gte` when every copy is a filter and the name is free, else the
 * first copy's key. Every `$ref` to a copy then points at it.
 */
function shareParameters(doc: Record<string, unknown>): void {
  const components = doc.components as Record<string, Record<string, unknown>>;
  const params = components.parameters;
  const groups = new Map<string, string[]>();
  for (const [key, p] of Object.entries(params)) {
    const text = JSON.stringify(p);
    groups.set(text, [...(groups.get(text) ?? []), key]);
  }
  const renamed = new Map<string, string>();
  for (const keys of groups.values()) {
    if (keys.length < 2) continue;
    const tail = keys[0].replace(/^[^.]+\.filter\./, 'filter.');
    const common = keys.every((k) => k.replace(/^[^.]+\.filter\./, 'filter.') === tail);
    const target = common && tail !== keys[0] && !(tail in params) ? tail : keys[0];
    if (target !== keys[0]) params[target] = params[keys[0]];
    for (const k of keys) {
      if (k !== target) {
        renamed.set(k, target);
        delete params[k];
      }
    }
  }
  if (!renamed.size) return;
  const prefix = '#/components/parameters/';
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const ref = (v as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith(prefix) && renamed.has(ref.slice(prefix.length)))
      return { $ref: prefix + renamed.get(ref.slice(prefix.length)) };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  doc.paths = walk(doc.paths);
}

/** Deletes components nothing refers to (each error status, header and parameter is emitted only when used). */
function pruneComponents(doc: Record<string, unknown>): void {
  const components = doc.components as Record<string, Record<string, unknown>>;
  const refsIn = (v: unknown): string[] =>
    [...JSON.stringify(v).matchAll(/"#\/components\/(\w+)\/([^"]+)"/g)].map((m) => `${m[1]}/${m[2]}`);
  const used = new Set<string>();
  const queue = refsIn({ ...doc, components: undefined });
  while (queue.length) {
    const ref = queue.pop()!;
    if (used.has(ref)) continue;
    used.add(ref);
    const [kind, name] = ref.split('/');
    queue.push(...refsIn(components[kind]?.[name] ?? null));
  }
  for (const kind of ['schemas', 'responses', 'headers', 'parameters']) {
    for (const name of Object.keys(components[kind] ?? {}))
      if (!used.has(`${kind}/${name}`)) delete components[kind][name];
  }
}

const UNSENT_RATE_LIMIT =
  'Not sent: this API sets no request rate limit (`rateLimit` is not configured; sign-in attempts are limited separately). With one, responses carry RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset.';

export function buildOpenApi(model: Model, options: OpenApiOptions = {}): Record<string, unknown> {
  const limits = limitsOf(model);
  const names = resourceNames(model.resources);
  const schemas: Record<string, JsonSchema> = {};
  const parameters: Record<string, unknown> = {
    ...sharedParameters(),
    ...changeStreamParameters(),
    ...bulkParameters(),
    ...aggregateParameters(),
  };
  const createSchemas = new Map<string, JsonSchema>();
  for (const r of model.resources) {
    const own = recordSchemas(r, names, limits);
    Object.assign(schemas, own);
    createSchemas.set(r.name, own[`${names.get(r.name)!.record}Create`]);
    Object.assign(
      parameters,
      resourceParameters(r),
      { [`${r.name}.id`]: idParameter(r) },
      thumbParameters(r),
    );
  }
  Object.assign(
    schemas,
    errorSchemas(model, limits),
    jsonPatchSchemas(model),
    filterSchemas(),
    changeStreamSchemas(),
    jobSchemas(),
    fileSchemas(model.resources),
  );
  if (model.auth) Object.assign(schemas, authSchemas(model), webhookSchemas(model));
  Object.assign(schemas, batchSchemas(), aggregateSchemas());

  shareFileMetadata(schemas);
  const ctx: PathContext = { model, names, createSchemas, responses: {}, schemas };
  const paths: Record<string, unknown> = {};
  for (const r of model.resources) {
    Object.assign(paths, resourcePaths(ctx, r));
    paths[`/${r.name}/imports`] = importPath(ctx, r);
  }
  paths['/jobs/{id}'] = jobPath(ctx);
  Object.assign(
    paths,
    authPaths(model),
    batchPaths(ctx),
    webhookPaths(model, { parameters, responses: ctx.responses }),
  );

  const maxName = Math.max(...model.resources.map((r) => r.name.length));
  const locationMax = model.basePath.length + maxName + 2 + 3 * 200;
  const linkMax = 3 * (MAX_HEAD_BYTES + 2 * model.bodyLimit + 64);
  const schemes = securitySchemes(model);
  const doc: Record<string, unknown> = {
    openapi: '3.1.0',
    info: { title: `${model.name} API`, version: options.version ?? '1.0.0', description: describe(model) },
    servers: [
      {
        url: model.basePath || '/',
        description: `This server: the verbo instance serving this document (${options.environment ?? 'local'} environment).`,
        'x-internal': false,
      },
    ],
    security: defaultSecurity(),
    tags: [
      ...model.resources.map((r) => ({
        name: r.name,
        description: r.description ?? `The ${r.name} collection.`,
      })),
      { name: 'jobs', description: 'Imports and other long-running jobs (docs/bulk.md).' },
      ...(model.auth
        ? [{ name: 'auth', description: 'Sign-in, sessions and API tokens (docs/auth.md).' }]
        : []),
      { name: 'batch', description: 'Several operations in one transaction (docs/batch.md).' },
      ...(model.auth && model.webhooks?.length
        ? [{ name: 'webhooks', description: 'Webhook deliveries (docs/webhooks.md).' }]
        : []),
    ],
    paths,
    components: {
      schemas,
      responses: { ...ctx.responses, ...errorResponses(model, options.errorCodes) },
      headers: {
        ...responseHeaders(model, locationMax, linkMax),
        ...(model.auth ? authHeaders() : {}),
        ...fileHeaders(),
      },
      parameters,
      ...(schemes ? { securitySchemes: schemes } : {}),
    },
  };
  shareIntegerDigits(doc);
  shareParameters(doc);
  hoistCommonParameters(doc);
  if (!model.rateLimit) foldUnsentRateLimit(doc, UNSENT_RATE_LIMIT);
  pruneComponents(doc);
  return doc;
}

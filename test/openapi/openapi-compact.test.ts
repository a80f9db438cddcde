/**
 * The document stays compact and types well (issue 22 item 13): shared components by `$ref`, one
 * scalar query parameter per filter, and server-set fields that are never null in responses.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { buildOpenApi } from '../../src/openapi/openapi-builder.js';
import { CRM_CONFIG } from '../support/http-harness.js';
import { CRM_SECURE_YAML, CRM_YAML, LIBRARY_YAML, modelOf } from './openapi-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: the document is walked freely
type Json = Record<string, any>;
const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'];

/**
 * `verbo openapi examples/crm/verbo.yaml | wc -c`, measured: 271,791 bytes before the shared
 * components, 242,128 after (with one scalar parameter per filter operator, 178 in all). The bound
 * leaves about 4 % for small additions; a feature that adds paths of its own adds its measured
 * share (less what it made the rest of the document smaller), so the bound still catches a
 * document that grows by repetition.
 */
const CRM_PRETTY_MAX =
  252_000 +
  // POST /batch: its request/response schemas and path item (8,143 bytes measured).
  8_500 +
  // The bulk routes (/{r}/imports, /jobs/{id}, the Job schemas): 17,628 bytes measured, less the
  // 10,812 saved with them (Accept-Language once per path item, one not-sent RateLimit header when
  // there is no rateLimit, parameters without the default `required: false`).
  7_000 +
  // customers.avatar, a file field: its five routes /customers/{id}/avatar, the multipart bodies,
  // FileMetadata, 416 (15,541 bytes measured: 266,241 → 281,782).
  16_000 +
  // Aggregates (docs/aggregates.md): the shared groupBy, aggregate and having parameters, the
  // AggregateRow schema, aggregate keys in each sort pattern (4,478 bytes measured: 281,782 → 286,260).
  4_500 +
  // The accepted types of each file part (`encoding.avatar.contentType`, read by the admin app's
  // file chooser): 348 bytes measured (281,782 → 282,130).
  400 +
  // Filters and sorts through relations: a sentence in each list description, `relation.field` in
  // the sort patterns (734 bytes measured: 286,608 → 287,342).
  800 +
  // Full-text search: the `q` parameter of GET /customers and `relevance` in its sort parameter
  // (812 bytes measured: 281,782 → 282,594).
  900;

describe.each([
  ['the CRM example', CRM_YAML],
  ['string and uuid ids', LIBRARY_YAML],
  ['crm-secure (ownerId)', CRM_SECURE_YAML],
])('OpenAPI of %s', (_name, yaml) => {
  const doc = buildOpenApi(modelOf(yaml), { errorCodes: ERROR_CATALOGUE }) as Json;
  // The resource paths (the /auth routes are described in openapi-auth-paths.ts, outside this change).
  const resourcePaths = Object.entries(doc.paths as Json)
    .filter(([path]) => !path.startsWith('/auth/'))
    .map(([, item]) => item as Json);
  const operations = resourcePaths.flatMap((item: Json) =>
    METHODS.filter((m) => item[m]).map((m) => item[m] as Json),
  );

  it('every parameter and success response of an operation is a $ref to a component', () => {
    for (const item of resourcePaths)
      for (const p of item.parameters ?? []) expect(Object.keys(p)).toEqual(['$ref']);
    for (const op of operations) {
      for (const p of op.parameters ?? []) expect(Object.keys(p), op.operationId).toEqual(['$ref']);
      for (const [status, r] of Object.entries(op.responses as Json))
        expect(Object.keys(r), `${op.operationId} ${status}`).toEqual(['$ref']);
    }
    // No component is an inline duplicate of another one.
    for (const kind of ['parameters', 'responses', 'headers']) {
      const texts = Object.values(doc.components[kind] as Json).map((v) => JSON.stringify(v));
      expect(new Set(texts).size, kind).toBe(texts.length);
    }
  });

  it('each filter is a scalar query parameter named as sent (field, field[op]); none is an object', () => {
    const params = Object.values(doc.components.parameters as Json).filter((p: Json) => p.in === 'query');
    expect(params.some((p: Json) => p.style === 'deepObject')).toBe(false);
    const resolve = (s: Json): Json =>
      s.$ref ? resolve(doc.components.schemas[s.$ref.split('/').pop()]) : s;
    for (const p of params) expect(resolve(p.schema).type, p.name).not.toBe('object');
    const names = params.map((p: Json) => p.name);
    expect(names).toEqual(expect.arrayContaining(['createdAt', 'createdAt[gte]', 'createdAt[null]']));
  });

  it('id, createdAt and updatedAt are required and never null in read schemas; ownerId may be null', () => {
    const reads = Object.entries(doc.components.schemas as Json).filter(
      ([, s]: [string, Json]) => s.properties?.updatedAt && s.required?.includes('updatedAt'),
    );
    expect(reads.length).toBeGreaterThan(1);
    for (const [name, s] of reads) {
      for (const f of ['id', 'createdAt', 'updatedAt']) {
        expect(s.required, name).toContain(f);
        expect(JSON.stringify(s.properties[f]), `${name}.${f}`).not.toContain('null');
      }
      if (s.properties.ownerId) expect(JSON.stringify(s.properties.ownerId)).toContain('"null"');
    }
  });
});

describe('the CRM document size', () => {
  it(`verbo openapi examples/crm/verbo.yaml prints under ${CRM_PRETTY_MAX} bytes`, () => {
    const cli = new URL('../../dist/cli/main.js', import.meta.url).pathname;
    const out = execFileSync(process.execPath, [cli, 'openapi', CRM_CONFIG], { encoding: 'utf8' });
    expect(Buffer.byteLength(out)).toBeLessThan(CRM_PRETTY_MAX);
    // The same document the builder makes (the CLI pretty-prints it).
    expect(JSON.parse(out).components.parameters['customers.filter.name.like'].name).toBe('name[like]');
  });
});

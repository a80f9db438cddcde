/** docs/patch.md prototype-pollution safety of PATCH through HTTP: every attempt is a shaped 400 and touches no prototype. */
import { afterEach, expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import {
  createCustomer,
  current,
  JSON_PATCH,
  jsonPatch,
  MERGE_PATCH,
  rawPatch,
} from '../support/patch-client.js';
import { describeEachStore } from '../support/store-targets.js';

/** Nothing in this (server) process got a `polluted` member through a prototype. */
function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
  expect((Object.create(null) as Record<string, unknown>).polluted).toBeUndefined();
}

describeEachStore('PATCH prototype-pollution safety', (_target, getDb) => {
  const server = useServer(getDb);
  afterEach(expectNoPollution);

  it('JSON Patch paths through __proto__ or constructor/prototype → 400 FORBIDDEN_JSON_KEY at the operation; nothing changes', async () => {
    const c = await createCustomer(server(), { tags: [{ a: 1 }] });
    const attempts: unknown[] = [
      { op: 'add', path: '/__proto__/polluted', value: true },
      { op: 'add', path: '/__proto__', value: { polluted: true } },
      { op: 'replace', path: '/__proto__/polluted', value: true },
      { op: 'add', path: '/constructor/prototype/polluted', value: true },
      { op: 'add', path: '/tags/0/__proto__/polluted', value: true },
      { op: 'add', path: '/tags/0/__proto__', value: { polluted: true } },
      { op: 'add', path: '/tags/0/constructor/prototype', value: { polluted: true } },
      { op: 'add', path: '/tags/-/constructor/prototype/polluted', value: true },
      { op: 'copy', from: '/tags/0', path: '/__proto__' },
      { op: 'move', from: '/__proto__', path: '/company' },
      { op: 'test', path: '/tags/0/__proto__', value: {} },
    ];
    for (const op of attempts) {
      const res = await jsonPatch(server(), c.id, [{ op: 'test', path: '/id', value: c.id }, op]);
      expectEnvelope(res, 400, 'FORBIDDEN_JSON_KEY');
      expect(res.json[0].pointer, JSON.stringify(op)).toBe('/1');
      expectNoPollution();
    }
    expect(await current(server(), c.id)).toEqual(c);
  });

  it('a JSON Patch that would build constructor.prototype out of harmless paths → 400 FORBIDDEN_JSON_KEY at the record location', async () => {
    const c = await createCustomer(server(), { tags: [{ a: 1 }] });
    const res = await jsonPatch(server(), c.id, [
      { op: 'add', path: '/tags/0/constructor', value: { prototype: { polluted: true } } },
    ]);
    expectEnvelope(res, 400, 'FORBIDDEN_JSON_KEY');
    expect(res.json[0].pointer).toBe('/tags/0/constructor/prototype');
    expect(await current(server(), c.id)).toEqual(c);
  });

  it('"constructor" and "prototype" alone are ordinary member names: 200 inside tags, 422 unknown field at the top level', async () => {
    const c = await createCustomer(server(), { tags: [{ a: 1 }] });
    const ok = await jsonPatch(server(), c.id, [
      { op: 'add', path: '/tags/0/constructor', value: 'Object' },
      { op: 'add', path: '/tags/0/prototype', value: { x: 1 } },
    ]);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.tags).toEqual([{ a: 1, constructor: 'Object', prototype: { x: 1 } }]);
    const top = await jsonPatch(server(), c.id, [{ op: 'add', path: '/constructor', value: 1 }]);
    expectEnvelope(top, 422, 'VALIDATION_FAILED');
    expect(top.json[0].pointer).toBe('/constructor');
  });

  it('merge patches with __proto__ or constructor.prototype keys (any depth, both media types) → 400 FORBIDDEN_JSON_KEY', async () => {
    const c = await createCustomer(server(), { tags: { a: 1 } });
    const bodies = [
      '{"__proto__": {"polluted": true}}',
      '{"tags": {"__proto__": {"polluted": true}}}',
      '{"constructor": {"prototype": {"polluted": true}}}',
      '{"tags": {"constructor": {"prototype": {"polluted": true}}}}',
    ];
    for (const type of [MERGE_PATCH, 'application/json']) {
      for (const raw of bodies) {
        const res = await rawPatch(server(), c.id, raw, type);
        expectEnvelope(res, 400, 'FORBIDDEN_JSON_KEY');
        expectNoPollution();
      }
    }
    expect(await current(server(), c.id)).toEqual(c);
  });

  it('a JSON Patch value with a __proto__ key is refused by the body parser (400 FORBIDDEN_JSON_KEY)', async () => {
    const c = await createCustomer(server(), { tags: [] });
    const raw = '[{"op": "add", "path": "/tags/-", "value": {"__proto__": {"polluted": true}}}]';
    expectEnvelope(await rawPatch(server(), c.id, raw, JSON_PATCH), 400, 'FORBIDDEN_JSON_KEY');
    expect((await current(server(), c.id)).tags).toEqual([]);
  });
});

/** docs/errors.md/docs/patch.md PATCH errors through HTTP: 400 malformed, 409 test/path, 404, 415, 422 validation, atomicity. */
import { expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import {
  createCustomer,
  current,
  JSON_PATCH,
  jsonPatch,
  mergePatch,
  pointersOf,
  rawPatch,
} from '../support/patch-client.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('PATCH errors', (_target, getDb) => {
  const server = useServer(getDb);

  it('a patch document that is not an array → 400 MALFORMED_PATCH pointing at the whole document', async () => {
    const c = await createCustomer(server());
    for (const doc of [{ op: 'add', path: '/company', value: 'x' }, 'add', 42, null]) {
      const res = await rawPatch(server(), c.id, JSON.stringify(doc), JSON_PATCH);
      expectEnvelope(res, 400, 'MALFORMED_PATCH');
      expect(res.json[0].pointer).toBe('');
    }
  });

  it('malformed operations → 400 MALFORMED_PATCH with the pointer of the operation in the patch document', async () => {
    const c = await createCustomer(server());
    const ok = { op: 'test', path: '/id', value: c.id };
    const bad: [string, unknown][] = [
      ['unknown op', { op: 'merge', path: '/company', value: 'x' }],
      ['missing op', { path: '/company', value: 'x' }],
      ['missing path', { op: 'add', value: 'x' }],
      ['non-string path', { op: 'remove', path: 3 }],
      ['path without a leading slash', { op: 'remove', path: 'company' }],
      ['bad ~ escape', { op: 'remove', path: '/tags/~2' }],
      ['missing value (add)', { op: 'add', path: '/company' }],
      ['missing value (replace)', { op: 'replace', path: '/company' }],
      ['missing value (test)', { op: 'test', path: '/company' }],
      ['missing from (move)', { op: 'move', path: '/company' }],
      ['missing from (copy)', { op: 'copy', path: '/company' }],
      ['an operation that is not an object', 'add'],
    ];
    for (const [why, op] of bad) {
      const res = await jsonPatch(server(), c.id, [ok, ok, op]);
      expectEnvelope(res, 400, 'MALFORMED_PATCH');
      expect(res.json[0].pointer, why).toBe('/2');
      expect(res.json[0].internalMessage, why).toMatch(/operation 2/i);
    }
  });

  it('a malformed patch is refused before anything is read: 400 even on a missing record', async () => {
    expectEnvelope(await jsonPatch(server(), 987654, { op: 'add' }), 400, 'MALFORMED_PATCH');
  });

  it('a failing test → 409 PATCH_TEST_FAILED pointing at the operation; nothing changes', async () => {
    const c = await createCustomer(server(), { tags: [{ a: 1 }] });
    const res = await jsonPatch(server(), c.id, [
      { op: 'replace', path: '/company', value: 'Changed' },
      { op: 'test', path: '/tags/0', value: { a: 2 } },
    ]);
    expectEnvelope(res, 409, 'PATCH_TEST_FAILED');
    expect(res.json[0].pointer).toBe('/1');
    expect(await current(server(), c.id)).toEqual(c);
    const typed = await jsonPatch(server(), c.id, [{ op: 'test', path: '/tags/0/a', value: '1' }]);
    expectEnvelope(typed, 409, 'PATCH_TEST_FAILED');
  });

  it('remove/replace/test/move/copy of a path that does not exist → 409 PATCH_PATH_NOT_FOUND (the documented choice)', async () => {
    const c = await createCustomer(server(), { tags: ['a', 'b'] });
    const cases: [string, unknown][] = [
      ['remove missing member', { op: 'remove', path: '/nope' }],
      ['replace missing member', { op: 'replace', path: '/nope', value: 1 }],
      ['remove past the end', { op: 'remove', path: '/tags/2' }],
      ['replace past the end', { op: 'replace', path: '/tags/5', value: 'x' }],
      ['add past the end', { op: 'add', path: '/tags/3', value: 'x' }],
      ['leading zero index', { op: 'replace', path: '/tags/01', value: 'x' }],
      ['"-" on remove', { op: 'remove', path: '/tags/-' }],
      ['missing parent', { op: 'add', path: '/tags/0/x', value: 1 }],
      ['test of a missing member', { op: 'test', path: '/tags/9', value: 'a' }],
      ['move from a missing member', { op: 'move', from: '/nope', path: '/company' }],
      ['copy from a missing member', { op: 'copy', from: '/tags/7', path: '/company' }],
      ['move into its own child', { op: 'move', from: '/tags', path: '/tags/0' }],
      ['append to a field that is null', { op: 'add', path: '/phone/-', value: 'x' }],
    ];
    for (const [why, op] of cases) {
      const res = await jsonPatch(server(), c.id, [{ op: 'replace', path: '/company', value: 'never' }, op]);
      expectEnvelope(res, 409, 'PATCH_PATH_NOT_FOUND');
      expect(res.json[0].pointer, why).toBe('/1');
    }
    expect(await current(server(), c.id)).toEqual(c);
  });

  it('atomicity: a patch whose 3rd operation fails leaves the record unchanged', async () => {
    const c = await createCustomer(server(), { tags: ['keep'] });
    const res = await jsonPatch(server(), c.id, [
      { op: 'replace', path: '/name', value: 'Half done' },
      { op: 'add', path: '/tags/-', value: 'added' },
      { op: 'remove', path: '/tags/5' },
      { op: 'replace', path: '/status', value: 'active' },
    ]);
    expectEnvelope(res, 409, 'PATCH_PATH_NOT_FOUND');
    expect(res.json[0].pointer).toBe('/2');
    expect(await current(server(), c.id)).toEqual(c);
  });

  it('the patched record is validated like a PUT: 422 naming every failing field; nothing changes', async () => {
    const c = await createCustomer(server());
    const res = await jsonPatch(server(), c.id, [
      { op: 'replace', path: '/email', value: 'bad' },
      { op: 'replace', path: '/status', value: 'vip' },
    ]);
    expectEnvelope(res, 422, 'VALIDATION_FAILED');
    expect(pointersOf(res)).toEqual(['/email', '/status']);
    const more = await jsonPatch(server(), c.id, [
      { op: 'remove', path: '/name' },
      { op: 'add', path: '/extra', value: true },
      { op: 'replace', path: '/phone', value: 12 },
    ]);
    expectEnvelope(more, 422, 'VALIDATION_FAILED');
    expect(pointersOf(more)).toEqual(['/extra', '/name', '/phone']);
    expect(await current(server(), c.id)).toEqual(c);
  });

  it('changing or removing id, createdAt or updatedAt → 422 naming the field', async () => {
    const c = await createCustomer(server());
    const cases: [unknown[], string][] = [
      [[{ op: 'replace', path: '/id', value: c.id + 1000 }], '/id'],
      [[{ op: 'remove', path: '/id' }], '/id'],
      [[{ op: 'replace', path: '/createdAt', value: '2001-01-01T00:00:00.000Z' }], '/createdAt'],
      [[{ op: 'remove', path: '/createdAt' }], '/createdAt'],
      [[{ op: 'replace', path: '/updatedAt', value: '2001-01-01T00:00:00.000Z' }], '/updatedAt'],
      [[{ op: 'remove', path: '/updatedAt' }], '/updatedAt'],
      [[{ op: 'move', from: '/id', path: '/company' }], '/id'],
    ];
    for (const [ops, pointer] of cases) {
      const res = await jsonPatch(server(), c.id, ops);
      expectEnvelope(res, 422, 'VALIDATION_FAILED');
      expect(pointersOf(res), JSON.stringify(ops)).toContain(pointer);
    }
    for (const patch of [{ id: c.id + 1 }, { createdAt: null }, { updatedAt: '2001-01-01T00:00:00.000Z' }]) {
      const res = await mergePatch(server(), c.id, patch);
      expectEnvelope(res, 422, 'VALIDATION_FAILED');
      expect(pointersOf(res)).toEqual([`/${Object.keys(patch)[0]}`]);
    }
    expect(await current(server(), c.id)).toEqual(c);
  });

  it('a patch that makes the email collide with another customer → 409 UNIQUE_VIOLATION, nothing changes', async () => {
    const a = await createCustomer(server());
    const b = await createCustomer(server());
    const res = await jsonPatch(server(), b.id, [
      { op: 'copy', from: '/email', path: '/company' },
      { op: 'replace', path: '/email', value: a.email },
    ]);
    expectEnvelope(res, 409, 'UNIQUE_VIOLATION');
    expect(res.json[0].pointer).toBe('/email');
    expect(await current(server(), b.id)).toEqual(b);
  });

  it('patching a record that does not exist → 404 (both formats)', async () => {
    expectEnvelope(
      await jsonPatch(server(), 987654, [{ op: 'replace', path: '/company', value: 'x' }]),
      404,
      'RECORD_NOT_FOUND',
    );
    expectEnvelope(await mergePatch(server(), 987654, { company: 'x' }), 404, 'RECORD_NOT_FOUND');
    expectEnvelope(await mergePatch(server(), 'not-an-id', { company: 'x' }), 404, 'RECORD_NOT_FOUND');
  });

  it('another media type → 415 with Accept-Patch listing the three formats; malformed JSON → 400', async () => {
    const c = await createCustomer(server());
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await rawPatch(server(), c.id, 'company=x', type);
      expectEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const accept = res.headers.get('accept-patch') ?? '';
      for (const t of ['application/json-patch+json', 'application/merge-patch+json', 'application/json'])
        expect(accept).toContain(t);
    }
    expectEnvelope(await rawPatch(server(), c.id, '[{"op":', JSON_PATCH), 400, 'MALFORMED_JSON');
    expectEnvelope(await rawPatch(server(), c.id, '', JSON_PATCH), 400, 'EMPTY_BODY');
  });

  it('Accept-Patch on item GET, HEAD and OPTIONS responses', async () => {
    const c = await createCustomer(server());
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      const res = await server().request(method, `/customers/${c.id}`);
      expect(res.status, method).toBe(method === 'OPTIONS' ? 204 : 200);
      const accept = res.headers.get('accept-patch') ?? '';
      for (const t of ['application/json-patch+json', 'application/merge-patch+json', 'application/json'])
        expect(accept, method).toContain(t);
    }
    expect((await server().request('OPTIONS', `/customers/${c.id}`)).headers.get('allow')).toContain('PATCH');
  });
});

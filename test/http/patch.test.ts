/** docs/patch.md JSON Patch (RFC 6902) through HTTP on the CRM example: every operation, top level and inside `tags`. */
import { expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { createCustomer, current, jsonPatch } from '../support/patch-client.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('PATCH with application/json-patch+json', (_target, getDb) => {
  const server = useServer(getDb);

  it('add, replace and remove top-level fields; 200 with the patched record, ETag, Accept-Patch', async () => {
    const c = await createCustomer(server(), { phone: '111' });
    const res = await jsonPatch(server(), c.id, [
      { op: 'add', path: '/company', value: 'Acme' },
      { op: 'replace', path: '/status', value: 'active' },
      { op: 'remove', path: '/phone' },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.json).toMatchObject({
      id: c.id,
      name: c.name,
      company: 'Acme',
      status: 'active',
      phone: null,
      createdAt: c.createdAt,
    });
    expect(res.json.updatedAt >= (c.updatedAt as string)).toBe(true);
    expect(res.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(res.headers.get('accept-patch')).toContain('application/json-patch+json');
    expect(await current(server(), c.id)).toEqual(res.json);
  });

  it('add on an existing member replaces it (RFC 6902 §4.1); `add` of a null value stores null', async () => {
    const c = await createCustomer(server(), { company: 'Old' });
    const res = await jsonPatch(server(), c.id, [
      { op: 'add', path: '/company', value: 'New' },
      { op: 'add', path: '/phone', value: null },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ company: 'New', phone: null });
  });

  it('move and copy between top-level fields', async () => {
    const c = await createCustomer(server(), { phone: '555-0100' });
    const moved = await jsonPatch(server(), c.id, [{ op: 'move', from: '/phone', path: '/company' }]);
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json).toMatchObject({ company: '555-0100', phone: null });
    const copied = await jsonPatch(server(), c.id, [{ op: 'copy', from: '/company', path: '/phone' }]);
    expect(copied.status, copied.text).toBe(200);
    expect(copied.json).toMatchObject({ company: '555-0100', phone: '555-0100' });
  });

  it('test passes with deep equality (object keys in any order), then the following ops apply', async () => {
    const c = await createCustomer(server(), { tags: [{ a: 1, b: [1, 2] }, 'x'] });
    const res = await jsonPatch(server(), c.id, [
      { op: 'test', path: '/tags', value: [{ b: [1, 2], a: 1 }, 'x'] },
      { op: 'test', path: '/status', value: 'lead' },
      { op: 'test', path: '/phone', value: null },
      { op: 'replace', path: '/status', value: 'churned' },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.status).toBe('churned');
  });

  it('inside tags: append with /tags/-, insert at /tags/0, insert at the end index, replace and remove elements', async () => {
    const c = await createCustomer(server(), { tags: ['b', 'c'] });
    const res = await jsonPatch(server(), c.id, [
      { op: 'add', path: '/tags/-', value: 'd' },
      { op: 'add', path: '/tags/0', value: 'a' },
      { op: 'add', path: '/tags/4', value: 'e' },
      { op: 'replace', path: '/tags/1', value: 'B' },
      { op: 'remove', path: '/tags/2' },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.tags).toEqual(['a', 'B', 'd', 'e']);
    expect((await current(server(), c.id)).tags).toEqual(['a', 'B', 'd', 'e']);
  });

  it('inside tags: objects in the array are patched member by member', async () => {
    const c = await createCustomer(server(), { tags: [{ label: 'vip', meta: { since: 2020 } }] });
    const res = await jsonPatch(server(), c.id, [
      { op: 'add', path: '/tags/0/meta/source', value: 'fair' },
      { op: 'replace', path: '/tags/0/meta/since', value: 2021 },
      { op: 'remove', path: '/tags/0/label' },
      { op: 'add', path: '/tags/-', value: { label: 'new', list: [1] } },
      { op: 'add', path: '/tags/1/list/-', value: 2 },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.tags).toEqual([
      { meta: { since: 2021, source: 'fair' } },
      { label: 'new', list: [1, 2] },
    ]);
  });

  it('inside tags: move and copy within the array and between the array and top-level fields', async () => {
    const c = await createCustomer(server(), { tags: ['one', 'two', { k: 'three' }] });
    const res = await jsonPatch(server(), c.id, [
      { op: 'move', from: '/tags/0', path: '/tags/-' },
      { op: 'copy', from: '/tags/1/k', path: '/company' },
      { op: 'copy', from: '/name', path: '/tags/0' },
      { op: 'move', from: '/tags/2', path: '/tags/1' },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.tags).toEqual([c.name, { k: 'three' }, 'two', 'one']);
    expect(res.json.company).toBe('three');
  });

  it('JSON Pointer escapes: ~1 is "/" and ~0 is "~" in member names inside tags', async () => {
    const c = await createCustomer(server(), { tags: [{ 'a/b': 1, 'm~n': 2, '~1': 3 }] });
    const res = await jsonPatch(server(), c.id, [
      { op: 'test', path: '/tags/0/a~1b', value: 1 },
      { op: 'replace', path: '/tags/0/m~0n', value: 20 },
      { op: 'remove', path: '/tags/0/~01' },
      { op: 'add', path: '/tags/0/x~1y~0z', value: true },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.tags).toEqual([{ 'a/b': 1, 'm~n': 20, 'x/y~z': true }]);
  });

  it('replace the whole tags value, add tags where it was null, remove tags (→ null)', async () => {
    const c = await createCustomer(server());
    expect(c.tags).toBeNull();
    const added = await jsonPatch(server(), c.id, [
      { op: 'add', path: '/tags', value: { nested: { deep: [] } } },
    ]);
    expect(added.status, added.text).toBe(200);
    expect(added.json.tags).toEqual({ nested: { deep: [] } });
    const replaced = await jsonPatch(server(), c.id, [
      { op: 'replace', path: '/tags', value: [1, 'two', null] },
    ]);
    expect(replaced.json.tags).toEqual([1, 'two', null]);
    const removed = await jsonPatch(server(), c.id, [{ op: 'remove', path: '/tags' }]);
    expect(removed.status, removed.text).toBe(200);
    expect(removed.json.tags).toBeNull();
  });

  it('remove of a field with a default restores the default (like a PUT omitting it); replace with null stores null', async () => {
    const c = await createCustomer(server(), { status: 'active' });
    const removed = await jsonPatch(server(), c.id, [{ op: 'remove', path: '/status' }]);
    expect(removed.status, removed.text).toBe(200);
    expect(removed.json.status).toBe('lead');
    const nulled = await jsonPatch(server(), c.id, [{ op: 'replace', path: '/status', value: null }]);
    expect(nulled.status, nulled.text).toBe(200);
    expect(nulled.json.status).toBeNull();
  });

  it('an empty patch document is valid and changes no field', async () => {
    const c = await createCustomer(server(), { tags: ['t'] });
    const res = await jsonPatch(server(), c.id, []);
    expect(res.status, res.text).toBe(200);
    const { updatedAt: _a, ...before } = c;
    const { updatedAt: _b, ...after } = res.json;
    expect(after).toEqual(before);
  });

  it('a patch that leaves id, createdAt and updatedAt unchanged is accepted (they may be tested and re-set)', async () => {
    const c = await createCustomer(server());
    const res = await jsonPatch(server(), c.id, [
      { op: 'test', path: '/id', value: c.id },
      { op: 'replace', path: '/createdAt', value: c.createdAt },
      { op: 'replace', path: '/name', value: 'Same id' },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ id: c.id, createdAt: c.createdAt, name: 'Same id' });
  });

  it('Prefer: return=minimal → 204 without a body, the change is applied', async () => {
    const c = await createCustomer(server());
    const res = await jsonPatch(server(), c.id, [{ op: 'replace', path: '/company', value: 'Quiet' }], {
      prefer: 'return=minimal',
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers.get('preference-applied')).toBe('return=minimal');
    expect((await current(server(), c.id)).company).toBe('Quiet');
  });

  it('If-Match: the current ETag applies, a stale one → 412', async () => {
    const c = await createCustomer(server());
    const etag = (await server().request('GET', `/customers/${c.id}`)).headers.get('etag')!;
    const ok = await jsonPatch(server(), c.id, [{ op: 'replace', path: '/company', value: 'A' }], {
      'if-match': etag,
    });
    expect(ok.status, ok.text).toBe(200);
    const stale = await jsonPatch(server(), c.id, [{ op: 'replace', path: '/company', value: 'B' }], {
      'if-match': etag,
    });
    expectEnvelope(stale, 412, 'PRECONDITION_FAILED');
    expect((await current(server(), c.id)).company).toBe('A');
  });
});

/** docs/patch.md JSON Merge Patch (RFC 7396) through HTTP, with application/merge-patch+json and plain application/json. */
import { expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { createCustomer, current, MERGE_PATCH, mergePatch, pointersOf } from '../support/patch-client.js';
import { describeEachStore } from '../support/store-targets.js';

const TYPES = [MERGE_PATCH, 'application/json', 'application/merge-patch+json; charset=utf-8'];

describeEachStore('PATCH with a merge patch', (_target, getDb) => {
  const server = useServer(getDb);

  for (const type of TYPES) {
    it(`${type}: members replace, null removes (the field becomes null), absent members stay`, async () => {
      const c = await createCustomer(server(), { phone: '123', company: 'Acme', tags: ['x'] });
      const res = await mergePatch(server(), c.id, { company: 'Beta', phone: null, status: 'active' }, type);
      expect(res.status, res.text).toBe(200);
      expect(res.json).toMatchObject({
        id: c.id,
        name: c.name,
        email: c.email,
        company: 'Beta',
        phone: null,
        status: 'active',
        tags: ['x'],
      });
      expect(res.headers.get('accept-patch')).toContain(MERGE_PATCH);
      expect(await current(server(), c.id)).toEqual(res.json);
    });
  }

  it('nested objects inside tags merge recursively; null removes a nested member', async () => {
    const c = await createCustomer(server(), {
      tags: { plan: { tier: 'gold', seats: 5, trial: true }, region: 'eu', list: [1, 2] },
    });
    const res = await mergePatch(server(), c.id, {
      tags: { plan: { seats: 7, trial: null, renew: 'yearly' }, owner: { id: 9 } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.tags).toEqual({
      plan: { tier: 'gold', seats: 7, renew: 'yearly' },
      region: 'eu',
      list: [1, 2],
      owner: { id: 9 },
    });
  });

  it('arrays replace as a whole (no element merge), inside tags and for tags itself', async () => {
    const c = await createCustomer(server(), { tags: { list: [1, 2, 3], keep: true } });
    const inner = await mergePatch(server(), c.id, { tags: { list: [9] } });
    expect(inner.json.tags).toEqual({ list: [9], keep: true });
    const whole = await mergePatch(server(), c.id, { tags: ['a', { b: null }] });
    expect(whole.status, whole.text).toBe(200);
    expect(whole.json.tags).toEqual(['a', { b: null }]);
    const back = await mergePatch(server(), c.id, { tags: { fresh: 1 } });
    expect(back.json.tags).toEqual({ fresh: 1 });
  });

  it('null on tags removes the whole json value (→ null)', async () => {
    const c = await createCustomer(server(), { tags: { a: 1 } });
    const res = await mergePatch(server(), c.id, { tags: null });
    expect(res.status, res.text).toBe(200);
    expect(res.json.tags).toBeNull();
  });

  it('an empty merge patch changes no field', async () => {
    const c = await createCustomer(server(), { tags: ['t'], company: 'C' });
    const res = await mergePatch(server(), c.id, {});
    expect(res.status, res.text).toBe(200);
    const { updatedAt: _a, ...before } = c;
    const { updatedAt: _b, ...after } = res.json;
    expect(after).toEqual(before);
  });

  it('removing a field with a default (null on status) gives it back its default, like a PUT that omits it', async () => {
    const c = await createCustomer(server(), { status: 'churned' });
    const res = await mergePatch(server(), c.id, { status: null });
    expect(res.status, res.text).toBe(200);
    expect(res.json.status).toBe('lead');
  });

  it('validation after the merge: 422 naming every failing field, nothing changes', async () => {
    const c = await createCustomer(server());
    const res = await mergePatch(server(), c.id, { email: 'bad', status: 'vip', name: null, unknown: 1 });
    expectEnvelope(res, 422, 'VALIDATION_FAILED');
    expect(pointersOf(res)).toEqual(['/email', '/name', '/status', '/unknown']);
    expect(await current(server(), c.id)).toEqual(c);
  });

  it('a merge patch that is not an object (an array sent as application/json, a string) → 422, nothing changes', async () => {
    const c = await createCustomer(server());
    for (const patch of [[{ op: 'replace', path: '/company', value: 'x' }], 'text', 5]) {
      const res = await mergePatch(server(), c.id, patch, 'application/json');
      expectEnvelope(res, 422, 'VALIDATION_FAILED');
      expect(res.json[0].pointer).toBe('');
    }
    expect(await current(server(), c.id)).toEqual(c);
  });
});

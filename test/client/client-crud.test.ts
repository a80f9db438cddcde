/** verbo/client against a live server: create, get, replace, patch, delete, deleteWhere, request. */
import { expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { customer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { caught, expectClientError, recordingFetch } from './client-harness.js';
import type { Resources } from './fixtures/crm-types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describeEachStore('verbo/client: item and collection methods', (_target, getDb) => {
  const server = useServer(getDb);
  const client = () => {
    const rec = recordingFetch();
    return { api: createClient<Resources>({ baseUrl: server().url, fetch: rec.fetch }), sent: rec.sent };
  };

  it('create: POST with JSON, Prefer return=representation and an automatic Idempotency-Key; the record back', async () => {
    const { api, sent } = client();
    const c = await api.customers.create(customer('cr1', { tags: ['a'] }));
    expect(c).toMatchObject({
      name: 'Customer cr1',
      email: 'ccr1@example.com',
      status: 'lead',
      phone: null,
      tags: ['a'],
    });
    expect(Number.isInteger(c.id)).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', url: `${server().url}/customers`, status: 201 });
    expect(sent[0].headers.get('content-type')).toBe('application/json');
    expect(sent[0].headers.get('prefer')).toBe('return=representation');
    expect(sent[0].headers.get('idempotency-key')).toMatch(UUID);
    expect(JSON.parse(sent[0].body!)).toEqual(customer('cr1', { tags: ['a'] }));
    const stored = await server().request('GET', `/customers/${c.id}`);
    expect(stored.json).toEqual(c);
  });

  it('create with minimal: true → undefined (201, no body); idempotencyKey: false sends none', async () => {
    const { api, sent } = client();
    expect(
      await api.customers.create(customer('cr2'), { minimal: true, idempotencyKey: false }),
    ).toBeUndefined();
    expect(sent[0].status).toBe(201);
    expect(sent[0].headers.get('prefer')).toBe('return=minimal');
    expect(sent[0].headers.has('idempotency-key')).toBe(false);
    const listed = await server().request('GET', '/customers?email=ccr2@example.com');
    expect(listed.json).toHaveLength(1);
  });

  it('get and getEntry: the record, its ETag and Last-Modified; fields and embed go in the query', async () => {
    const { api, sent } = client();
    const c = await api.customers.create(customer('g1'));
    expect(await api.customers.get(c.id)).toEqual(c);
    const entry = await api.customers.getEntry(c.id);
    expect(entry.record).toEqual(c);
    expect(entry.etag).toMatch(/^"[^"]+"$/);
    expect(entry.lastModified).toBe(new Date(c.updatedAt).toUTCString());
    await api.customers.get(c.id, { fields: ['id', 'name'], embed: ['orders'] });
    expect(sent.at(-1)!.url).toBe(`${server().url}/customers/${c.id}?fields=id,name&embed=orders`);
  });

  it('replace: PUT with the whole record; omitted optional fields are cleared; a fetched record round-trips', async () => {
    const { api, sent } = client();
    const c = await api.customers.create(customer('r1', { phone: '555', status: 'active' }));
    const replaced = await api.customers.replace(c.id, { name: 'Replaced', email: 'cr1r@example.com' });
    expect(replaced).toMatchObject({
      id: c.id,
      name: 'Replaced',
      phone: null,
      status: 'lead',
      createdAt: c.createdAt,
    });
    expect(sent.at(-1)).toMatchObject({
      method: 'PUT',
      url: `${server().url}/customers/${c.id}`,
      status: 200,
    });
    expect(sent.at(-1)!.headers.get('content-type')).toBe('application/json');
    expect(sent.at(-1)!.headers.has('idempotency-key')).toBe(false);
    const again = await api.customers.replace(c.id, { ...replaced, company: 'Acme' });
    expect(again.company).toBe('Acme');
  });

  it('patch: an object goes as merge patch (null clears), an array as JSON Patch', async () => {
    const { api, sent } = client();
    const c = await api.customers.create(customer('p1', { phone: '1', tags: ['x'] }));
    const merged = await api.customers.patch(c.id, { phone: null, company: 'Co' });
    expect(merged).toMatchObject({ phone: null, company: 'Co', name: c.name });
    expect(sent.at(-1)!.headers.get('content-type')).toBe('application/merge-patch+json');
    expect(sent.at(-1)!.headers.get('idempotency-key')).toMatch(UUID);
    const patched = await api.customers.patch(c.id, [
      { op: 'add', path: '/tags/-', value: 'y' },
      { op: 'replace', path: '/status', value: 'active' },
    ]);
    expect(patched).toMatchObject({ tags: ['x', 'y'], status: 'active' });
    expect(sent.at(-1)!.headers.get('content-type')).toBe('application/json-patch+json');
    const failed = await caught(api.customers.patch(c.id, [{ op: 'test', path: '/status', value: 'lead' }]));
    expectClientError(failed, 409, 'PATCH_TEST_FAILED');
  });

  it('delete: 204 then the record is gone (404 as VerboError); If-Match is sent when given', async () => {
    const { api, sent } = client();
    const c = await api.customers.create(customer('d1'));
    const stale = await caught(api.customers.delete(c.id, { ifMatch: '"0-0"' }));
    expectClientError(stale, 412, 'PRECONDITION_FAILED');
    expect(sent.at(-1)!.headers.get('if-match')).toBe('"0-0"');
    expect(await api.customers.delete(c.id)).toBeUndefined();
    expect(sent.at(-1)).toMatchObject({ method: 'DELETE', status: 204 });
    expectClientError(await caught(api.customers.get(c.id)), 404, 'RECORD_NOT_FOUND');
  });

  it('deleteWhere: bulk DELETE by filter → { deleted }; without a filter → 400 FILTER_REQUIRED', async () => {
    const { api, sent } = client();
    for (const n of [1, 2, 3])
      await api.customers.create(
        customer(`dw${n}`, { company: 'Doomed Inc', status: n === 3 ? 'active' : 'lead' }),
      );
    expect(await api.customers.deleteWhere({ company: 'Doomed Inc', status: 'lead' })).toEqual({
      deleted: 2,
    });
    expect(sent.at(-1)!.url).toBe(`${server().url}/customers?company=Doomed%20Inc&status=lead`);
    expect((await api.customers.list({ where: { company: 'Doomed Inc' } })).items).toHaveLength(1);
    expectClientError(await caught(api.customers.deleteWhere({})), 400, 'FILTER_REQUIRED');
  });

  it('request(): any method and path, with status and headers (OPTIONS → 204 Allow)', async () => {
    const { api } = client();
    const res = await api.request({ method: 'OPTIONS', path: '/customers' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toContain('POST');
    const head = await api.request({ method: 'HEAD', path: '/customers' });
    expect(head.status).toBe(200);
    expect(head.data).toBeUndefined();
  });
});

/**
 * docs/auth.md access rules on examples/crm-secure (customers: read authenticated, create/update role:sales,
 * delete role:admin; orders: owner) and on a config with the other rule shapes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type AuthServer,
  addUser,
  ResponseRecorder,
  signIn,
  startAuthServer,
} from '../support/auth-harness.js';
import { customer, expectEnvelope } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const CRM_SECURE = readFileSync(new URL('../../examples/crm-secure/verbo.yaml', import.meta.url), 'utf8');
const SHAPES = `
name: shapes
auth: { registration: closed }
resources:
  posts:
    access: { read: authenticated, write: owner }
    fields: { title: { type: string, required: true } }
  reports:
    access: { read: [owner, role:manager], create: authenticated, update: owner, delete: role:manager }
    fields: { title: { type: string, required: true } }
  notes:
    access: { read: public }
    fields: { text: { type: string, required: true } }
  slugs:
    id: string
    access: { read: owner, write: owner }
    fields: { title: { type: string, required: true } }
`;

type Who = { cookie: string };

describeEachStore('auth: access rules', (_target, getDb) => {
  const rec = new ResponseRecorder();
  let s: AuthServer;
  let shapes: AuthServer;
  const who: Record<'ann' | 'bob' | 'sam' | 'root' | 'meg', Who> = {} as never;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: CRM_SECURE, recorder: rec });
    shapes = await startAuthServer({ db: getDb(), yaml: SHAPES, recorder: rec });
    const roles = { ann: [], bob: [], sam: ['sales'], root: ['admin'], meg: ['manager'] };
    for (const [name, r] of Object.entries(roles)) {
      const pw = rec.secret(`${name}-password-123`);
      ids[name] = (await addUser(s, `${name}@example.com`, pw, r)).id;
      who[name as keyof typeof who] = await signIn(s, `${name}@example.com`, pw);
    }
  });
  afterAll(async () => {
    await s?.close();
    await shapes?.close();
  });

  const order = (customerId: number, extra: Record<string, unknown> = {}) => ({
    customerId,
    title: 'Deal',
    amount: 10,
    ...extra,
  });

  it('no caller → 401 with WWW-Authenticate on every rule but public', async () => {
    for (const [method, path] of [
      ['GET', '/customers'],
      ['GET', '/orders'],
      ['GET', '/customers/1'],
      ['DELETE', '/orders/1'],
      ['POST', '/orders'],
    ] as const) {
      const res = await s.request(method, path, method === 'POST' ? { body: order(1) } : {});
      expectEnvelope(res, 401, 'UNAUTHENTICATED');
      expect(res.headers.get('www-authenticate')).toMatch(/Bearer realm="verbo"/);
    }
    expect((await shapes.request('GET', '/notes')).status).toBe(200);
    expectEnvelope(await shapes.request('POST', '/notes', { body: { text: 'x' } }), 401, 'UNAUTHENTICATED');
  });

  it('role:sales creates and updates customers; others get 403; delete needs role:admin (admin passes every rule)', async () => {
    expectEnvelope(
      await s.request('POST', '/customers', { headers: who.ann, body: customer(1) }),
      403,
      'FORBIDDEN',
    );
    const made = await s.request('POST', '/customers', { headers: who.sam, body: customer(1) });
    expect(made.status, made.text).toBe(201);
    expect(made.json.ownerId).toBeUndefined();
    ids.c1 = made.json.id;
    expect((await s.request('GET', `/customers/${ids.c1}`, { headers: who.ann })).status).toBe(200);
    expectEnvelope(
      await s.request('PATCH', `/customers/${ids.c1}`, { headers: who.ann, body: { phone: '1' } }),
      403,
      'FORBIDDEN',
    );
    expect(
      (await s.request('PATCH', `/customers/${ids.c1}`, { headers: who.sam, body: { phone: '1' } })).status,
    ).toBe(200);
    expect(
      (
        await s.request('PUT', `/customers/${ids.c1}`, {
          headers: who.root,
          body: customer(1, { phone: '2' }),
        })
      ).status,
    ).toBe(200);
    const refused = await s.request('DELETE', `/customers/${ids.c1}`, { headers: who.sam });
    expectEnvelope(refused, 403, 'FORBIDDEN');
    expect(refused.json[0].internalMessage).toMatch(/role:admin/);
    expectEnvelope(
      await s.request('DELETE', '/customers?status=churned', { headers: who.sam }),
      403,
      'FORBIDDEN',
    );
    ids.c2 = (await s.request('POST', '/customers', { headers: who.root, body: customer(2) })).json.id;
    expect((await s.request('DELETE', `/customers/${ids.c2}`, { headers: who.root })).status).toBe(204);
  });

  it('owner: ownerId comes from the creator (read-only); lists and counts show only the caller’s records', async () => {
    const a = await s.request('POST', '/orders', {
      headers: who.ann,
      body: order(ids.c1, { title: 'Ann 1' }),
    });
    expect(a.status, a.text).toBe(201);
    expect(a.json.ownerId).toBe(ids.ann);
    ids.annOrder = a.json.id;
    await s.request('POST', '/orders', { headers: who.ann, body: order(ids.c1, { title: 'Ann 2' }) });
    ids.bobOrder = (
      await s.request('POST', `/customers/${ids.c1}/orders`, {
        headers: who.bob,
        body: { title: 'Bob 1', amount: 5 },
      })
    ).json.id;
    const forged = await s.request('POST', '/orders', {
      headers: who.bob,
      body: order(ids.c1, { ownerId: ids.ann }),
    });
    expectEnvelope(forged, 422, 'VALIDATION_FAILED');
    expect(forged.json[0].pointer).toBe('/ownerId');
    const annList = await s.request('GET', '/orders?count=true', { headers: who.ann });
    expect(annList.headers.get('cache-control')).toBe('private');
    expect(annList.json.map((o: { title: string }) => o.title)).toEqual(['Ann 1', 'Ann 2']);
    expect(annList.headers.get('x-total-count')).toBe('2');
    const bobList = await s.request('GET', `/orders?count=true&ownerId=${ids.ann}`, { headers: who.bob });
    expect(bobList.json).toEqual([]);
    expect(bobList.headers.get('x-total-count')).toBe('0');
    expect(
      (await s.request('GET', '/orders?count=true', { headers: who.root })).headers.get('x-total-count'),
    ).toBe('3');
    expect(
      (await s.request('GET', `/orders?ownerId=${ids.bob}`, { headers: who.root })).json.map(
        (o: { id: number }) => o.id,
      ),
    ).toEqual([ids.bobOrder]);
  });

  it('someone else’s record answers 404 to GET, PUT, PATCH and DELETE, and is left untouched', async () => {
    const path = `/orders/${ids.annOrder}`;
    const before = (await s.request('GET', path, { headers: who.ann })).json;
    for (const [method, body] of [
      ['GET'],
      ['PUT', order(ids.c1)],
      ['PATCH', { amount: 0 }],
      ['DELETE'],
    ] as const) {
      expectEnvelope(
        await s.request(method, path, { headers: who.bob, ...(body ? { body } : {}) }),
        404,
        'RECORD_NOT_FOUND',
      );
    }
    expect((await s.request('GET', path, { headers: who.ann })).json).toEqual(before);
    expect(
      (await s.request('PATCH', path, { headers: who.root, body: { stage: 'won' } })).json,
    ).toMatchObject({ stage: 'won', ownerId: ids.ann });
  });

  it('the owner updates with PUT (ownerId echoed unchanged) and PATCH; changing ownerId → 422', async () => {
    const path = `/orders/${ids.annOrder}`;
    const current = (await s.request('GET', path, { headers: who.ann })).json;
    const put = await s.request('PUT', path, { headers: who.ann, body: { ...current, amount: 42 } });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({ amount: 42, ownerId: ids.ann });
    const steal = await s.request('PATCH', path, { headers: who.ann, body: { ownerId: ids.bob } });
    expectEnvelope(steal, 422, 'VALIDATION_FAILED');
    expect(steal.json[0].pointer).toBe('/ownerId');
    const jsonPatch = await s.request('PATCH', path, {
      headers: { ...who.ann, 'content-type': 'application/json-patch+json' },
      body: [{ op: 'replace', path: '/title', value: 'Renamed' }],
    });
    expect(jsonPatch.json).toMatchObject({ title: 'Renamed', ownerId: ids.ann });
  });

  it('embeds and nested lists show only the caller’s records', async () => {
    const embedded = await s.request('GET', `/customers?embed=orders&id=${ids.c1}`, { headers: who.bob });
    expect(embedded.json[0].orders.map((o: { id: number }) => o.id)).toEqual([ids.bobOrder]);
    const nested = await s.request('GET', `/customers/${ids.c1}/orders`, { headers: who.ann });
    expect(nested.json.every((o: { ownerId: number }) => o.ownerId === ids.ann)).toBe(true);
    expect(nested.json).toHaveLength(2);
    const all = await s.request('GET', `/customers/${ids.c1}/orders?count=true`, { headers: who.root });
    expect(all.headers.get('x-total-count')).toBe('3');
    const toOne = await s.request('GET', '/orders?embed=customer', { headers: who.bob });
    expect(toOne.json[0].customer.id).toBe(ids.c1);
  });

  it('bulk DELETE touches only the caller’s records', async () => {
    const res = await s.request('DELETE', '/orders?amount[gte]=0', { headers: who.bob });
    expect(res.json).toEqual({ deleted: 1 });
    expect(
      (await s.request('GET', '/orders?count=true', { headers: who.root })).headers.get('x-total-count'),
    ).toBe('2');
    expect(
      (await s.request('DELETE', `/customers/${ids.c1}/orders?stage=nope`, { headers: who.ann })).status,
    ).toBe(400);
  });

  it('owner writes on a record the caller may read → 403 (not 404); [owner, role:manager] → managers see all', async () => {
    const post = await shapes.request('POST', '/posts', { headers: who.ann, body: { title: 'Ann’s post' } });
    expect(post.json.ownerId).toBe(ids.ann);
    expect((await shapes.request('GET', `/posts/${post.json.id}`, { headers: who.bob })).status).toBe(200);
    expectEnvelope(
      await shapes.request('PATCH', `/posts/${post.json.id}`, { headers: who.bob, body: { title: 'x' } }),
      403,
      'FORBIDDEN',
    );
    expectEnvelope(
      await shapes.request('DELETE', `/posts/${post.json.id}`, { headers: who.bob }),
      403,
      'FORBIDDEN',
    );
    const report = (await shapes.request('POST', '/reports', { headers: who.ann, body: { title: 'Q1' } }))
      .json;
    await shapes.request('POST', '/reports', { headers: who.bob, body: { title: 'Q2' } });
    expect((await shapes.request('GET', '/reports', { headers: who.meg })).json).toHaveLength(2);
    expect(
      (await shapes.request('GET', '/reports', { headers: who.bob })).json.map(
        (r: { title: string }) => r.title,
      ),
    ).toEqual(['Q2']);
    expectEnvelope(
      await shapes.request('GET', `/reports/${report.id}`, { headers: who.bob }),
      404,
      'RECORD_NOT_FOUND',
    );
    expectEnvelope(
      await shapes.request('DELETE', `/reports/${report.id}`, { headers: who.ann }),
      403,
      'FORBIDDEN',
    );
    expect((await shapes.request('DELETE', `/reports/${report.id}`, { headers: who.meg })).status).toBe(204);
  });

  it('PUT that creates (client-chosen key) stamps ownerId; the same key of another user is 404, not a takeover', async () => {
    const made = await shapes.request('PUT', '/slugs/hello', { headers: who.ann, body: { title: 'Hello' } });
    expect(made.status, made.text).toBe(201);
    expect(made.json).toMatchObject({ id: 'hello', ownerId: ids.ann });
    expectEnvelope(
      await shapes.request('PUT', '/slugs/hello', { headers: who.bob, body: { title: 'Mine now' } }),
      404,
      'RECORD_NOT_FOUND',
    );
    expect((await shapes.request('GET', '/slugs/hello', { headers: who.ann })).json.title).toBe('Hello');
  });

  it('Idempotency-Key is per caller: the same key from another user runs again instead of replaying', async () => {
    const headers = { 'idempotency-key': 'order-2024-001' };
    const first = await s.request('POST', '/orders', {
      headers: { ...who.ann, ...headers },
      body: order(ids.c1, { title: 'Idem' }),
    });
    const replay = await s.request('POST', '/orders', {
      headers: { ...who.ann, ...headers },
      body: order(ids.c1, { title: 'Idem' }),
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json.id).toBe(first.json.id);
    const other = await s.request('POST', '/orders', {
      headers: { ...who.bob, ...headers },
      body: order(ids.c1, { title: 'Idem' }),
    });
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(other.json).toMatchObject({ ownerId: ids.bob });
    expect(other.json.id).not.toBe(first.json.id);
  });

  it('no response of this suite shows a password', () => {
    expect(rec.leaks()).toEqual([]);
  });
});

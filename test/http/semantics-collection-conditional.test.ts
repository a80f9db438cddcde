/** docs/http-semantics.md on collections: the weak ETag covers embeds; POST and bulk DELETE honour If-Match / If-None-Match; requireIfMatch. */
import { expect, it } from 'vitest';
import { customer, expectEnvelope, type TestServer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

let n = 0;
async function customerWithOrder(server: TestServer) {
  const c = await server.request('POST', '/customers', { body: customer(`cc${++n}`) });
  expect(c.status).toBe(201);
  const o = await server.request('POST', '/orders', {
    body: { customerId: c.json.id, title: `o${n}`, amount: 1 },
  });
  expect(o.status).toBe(201);
  return { customerId: c.json.id as number, orderId: o.json.id as number };
}

/** GET with the tag of a first GET: 304 before `change`, then 200 with a new tag and the change visible. */
async function expectRevalidates(
  server: TestServer,
  path: string,
  change: () => Promise<void>,
  seen: (body: unknown) => void,
) {
  const first = await server.request('GET', path);
  expect(first.status).toBe(200);
  const tag = first.headers.get('etag')!;
  expect(tag).toMatch(/^W\/"[^"]+"$/);
  expect((await server.request('GET', path, { headers: { 'if-none-match': tag } })).status).toBe(304);
  await change();
  const again = await server.request('GET', path, { headers: { 'if-none-match': tag } });
  expect(again.status, path).toBe(200);
  expect(again.headers.get('etag')).not.toBe(tag);
  seen(again.json);
}

describeEachStore('Conditional requests on collections', (_target, getDb) => {
  const server = useServer(getDb);

  it('embed=customer: the list ETag changes when the embedded customer changes (fields too)', async () => {
    for (const fields of ['', '&fields=id,title']) {
      const { customerId } = await customerWithOrder(server());
      await expectRevalidates(
        server(),
        `/orders?embed=customer&limit=1&customerId=${customerId}${fields}`,
        async () => {
          const res = await server().request('PATCH', `/customers/${customerId}`, {
            body: { phone: `p${fields.length}` },
          });
          expect(res.status).toBe(200);
        },
        (body) =>
          expect((body as { customer: { phone: string } }[])[0].customer.phone).toBe(`p${fields.length}`),
      );
    }
  });

  it('embed=orders: the list ETag changes when an embedded order changes, is added or is deleted', async () => {
    const { customerId, orderId } = await customerWithOrder(server());
    const path = `/customers?embed=orders&id=${customerId}`;
    const ordersOf = (body: unknown) => (body as { orders: { id: number; title: string }[] }[])[0].orders;
    await expectRevalidates(
      server(),
      path,
      async () => {
        expect(
          (await server().request('PATCH', `/orders/${orderId}`, { body: { title: 'renamed' } })).status,
        ).toBe(200);
      },
      (body) => expect(ordersOf(body).map((o) => o.title)).toEqual(['renamed']),
    );
    let added = 0;
    await expectRevalidates(
      server(),
      path,
      async () => {
        const res = await server().request('POST', `/customers/${customerId}/orders`, {
          body: { title: 'second', amount: 2 },
        });
        expect(res.status).toBe(201);
        added = res.json.id;
      },
      (body) => expect(ordersOf(body)).toHaveLength(2),
    );
    await expectRevalidates(
      server(),
      path,
      async () => {
        expect((await server().request('DELETE', `/orders/${added}`)).status).toBe(204);
      },
      (body) => expect(ordersOf(body)).toHaveLength(1),
    );
  });

  it('one record with embed: a weak ETag over the record and what it embeds; 304 until an embedded record changes', async () => {
    const { customerId, orderId } = await customerWithOrder(server());
    const plain = await server().request('GET', `/orders/${orderId}`);
    expect(plain.headers.get('etag')).toMatch(/^"[^"]+"$/);
    await expectRevalidates(
      server(),
      `/orders/${orderId}?embed=customer`,
      async () => {
        const p = await server().request('PATCH', `/customers/${customerId}`, {
          body: { company: 'Changed Inc' },
        });
        expect(p.status).toBe(200);
      },
      (body) => expect((body as { customer: { company: string } }).customer.company).toBe('Changed Inc'),
    );
    // The record's own strong tag is untouched by the customer's change.
    expect((await server().request('GET', `/orders/${orderId}`)).headers.get('etag')).toBe(
      plain.headers.get('etag'),
    );
  });

  it('POST: If-Match other than * → 412, If-None-Match: * → 412, and nothing is created', async () => {
    const { customerId } = await customerWithOrder(server());
    const count = async () =>
      (await server().request('GET', `/orders?customerId=${customerId}&count=true`)).headers.get(
        'x-total-count',
      );
    const before = await count();
    const tag = (await server().request('GET', '/customers')).headers.get('etag')!;
    const body = { customerId, title: 'x', amount: 1 };
    for (const headers of <Record<string, string>[]>[
      { 'if-match': '"x"' },
      { 'if-match': tag },
      { 'if-none-match': '*' },
      { 'if-match': '*', 'if-none-match': '*' },
    ]) {
      expectEnvelope(
        await server().request('POST', '/orders', { body, headers }),
        412,
        'PRECONDITION_FAILED',
      );
      expectEnvelope(
        await server().request('POST', `/customers/${customerId}/orders`, { body, headers }),
        412,
        'PRECONDITION_FAILED',
      );
    }
    expect(await count()).toBe(before);
    for (const headers of <Record<string, string>[]>[
      { 'if-match': '*' },
      { 'if-none-match': '"x"' },
      { 'if-none-match': tag },
    ]) {
      expect((await server().request('POST', '/orders', { body, headers })).status).toBe(201);
      expect(
        (await server().request('POST', `/customers/${customerId}/orders`, { body, headers })).status,
      ).toBe(201);
    }
    // A missing parent is a 404 before any precondition.
    expectEnvelope(
      await server().request('POST', '/customers/999999999/orders', { body, headers: { 'if-match': '*' } }),
      404,
    );
  });

  it('bulk DELETE: If-Match other than * → 412, If-None-Match: * → 412, and nothing is deleted', async () => {
    const { customerId } = await customerWithOrder(server());
    const email = `ccc${n}@example.com`;
    for (const headers of <Record<string, string>[]>[{ 'if-match': '"x"' }, { 'if-none-match': '*' }]) {
      expectEnvelope(
        await server().request('DELETE', `/orders?customerId=${customerId}`, { headers }),
        412,
        'PRECONDITION_FAILED',
      );
      expectEnvelope(
        await server().request('DELETE', `/customers/${customerId}/orders?title=o${n}`, { headers }),
        412,
        'PRECONDITION_FAILED',
      );
    }
    expect((await server().request('GET', `/orders?customerId=${customerId}`)).json).toHaveLength(1);
    const nested = await server().request('DELETE', `/customers/${customerId}/orders?amount=1`, {
      headers: { 'if-match': '*', 'if-none-match': '"x"' },
    });
    expect(nested.status).toBe(200);
    expect(nested.json).toEqual({ deleted: 1 });
    const top = await server().request('DELETE', `/customers?email=${email}`, {
      headers: { 'if-match': '*' },
    });
    expect(top.json).toEqual({ deleted: 1 });
  });
});

const STRICT_YAML = `
name: strict
resources:
  contracts:
    requireIfMatch: true
    fields:
      title: { type: string, required: true }
  drafts:
    requireIfMatch: true
    id: string
    fields:
      title: { type: string, required: true }
`;

describeEachStore('requireIfMatch on collections', (_target, getDb) => {
  const server = useServer(getDb, { yaml: STRICT_YAML });

  it('bulk DELETE without If-Match → 428; with If-Match: * it runs; another tag → 412', async () => {
    expect((await server().request('POST', '/contracts', { body: { title: 'bulk' } })).status).toBe(201);
    const path = '/contracts?title=bulk';
    expectEnvelope(await server().request('DELETE', path), 428, 'PRECONDITION_REQUIRED');
    expectEnvelope(
      await server().request('DELETE', path, { headers: { 'if-none-match': '*' } }),
      428,
      'PRECONDITION_REQUIRED',
    );
    expectEnvelope(
      await server().request('DELETE', path, { headers: { 'if-match': '"x"' } }),
      412,
      'PRECONDITION_FAILED',
    );
    expect((await server().request('GET', path)).json).toHaveLength(1);
    const del = await server().request('DELETE', path, { headers: { 'if-match': '*' } });
    expect(del.status).toBe(200);
    expect(del.json).toEqual({ deleted: 1 });
  });

  it('a PUT that creates needs no If-Match (nothing can be lost); replacing then does', async () => {
    const created = await server().request('PUT', '/drafts/first', { body: { title: 'a' } });
    expect(created.status).toBe(201);
    expectEnvelope(
      await server().request('PUT', '/drafts/first', { body: { title: 'b' } }),
      428,
      'PRECONDITION_REQUIRED',
    );
    const replaced = await server().request('PUT', '/drafts/first', {
      body: { title: 'b' },
      headers: { 'if-match': created.headers.get('etag')! },
    });
    expect(replaced.status).toBe(200);
  });
});

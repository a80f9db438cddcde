/** docs/query.md embed, docs/config.md nested collections and docs/http-semantics.md bulk DELETE on the CRM example, on every store. */
import { beforeAll, expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import {
  countListCalls,
  createAll,
  idsOf,
  linksOf,
  type Rec,
  sortLike,
  walk,
} from '../support/query-fixtures.js';
import { describeEachStore } from '../support/store-targets.js';

const STAGES = ['open', 'won', 'lost'];

/** 12 customers; customer i has i % 4 orders (0 to 3), so some have none. */
async function seed(
  server: ReturnType<ReturnType<typeof useServer>>,
): Promise<{ customers: Rec[]; orders: Rec[] }> {
  const customers = await createAll(
    server,
    '/customers',
    Array.from({ length: 12 }, (_, i) => ({
      name: `R${i}`,
      email: `r${i}@example.com`,
      status: ['lead', 'active', 'churned'][i % 3],
    })),
  );
  const bodies: Rec[] = [];
  customers.forEach((c, i) => {
    for (let k = 0; k < i % 4; k++)
      bodies.push({
        customerId: c.id,
        title: `${c.name}-${k}`,
        amount: 10 * i + k,
        stage: STAGES[(i + k) % 3],
      });
  });
  return { customers, orders: await createAll(server, '/orders', bodies) };
}

describeEachStore('embed and nested collections on the CRM example', (_target, getDb) => {
  const server = useServer(getDb);
  let customers: Rec[] = [];
  let orders: Rec[] = [];
  const ordersOf = (c: Rec) => orders.filter((o) => o.customerId === c.id);
  const withOrders = () => customers.filter((c) => ordersOf(c).length >= 2);

  beforeAll(async () => {
    ({ customers, orders } = await seed(server()));
    expect(orders.length).toBe(18);
  });

  it('embed=customer on orders: each order carries its customer, in the same query (inside its JSON text)', async () => {
    let res!: Awaited<ReturnType<ReturnType<typeof server>['request']>>;
    const calls = await countListCalls(server(), async () => {
      res = await server().request('GET', '/orders?embed=customer&limit=1000');
    });
    expect(res.status).toBe(200);
    expect(res.json).toHaveLength(18);
    for (const o of res.json) {
      const { customer, ...rest } = o;
      expect(rest).toEqual(orders.find((x) => x.id === o.id));
      expect(customer).toEqual(customers.find((c) => c.id === o.customerId));
    }
    expect(new Set(res.json.map((o: Rec) => o.customerId)).size).toBeGreaterThan(5);
    expect(calls).toEqual(['orders+customers']);
  });

  it('embed=orders on customers: every customer gets its orders (or []), with one extra query per page', async () => {
    let res!: Awaited<ReturnType<ReturnType<typeof server>['request']>>;
    const calls = await countListCalls(server(), async () => {
      res = await server().request('GET', '/customers?embed=orders&sort=-name');
    });
    expect(res.status).toBe(200);
    expect(res.json.map((c: Rec) => c.id)).toEqual(sortLike(customers, '-name').map((c) => c.id));
    for (const c of res.json) expect(c.orders, c.name).toEqual(ordersOf(c));
    expect(res.json.some((c: Rec) => c.orders.length === 0)).toBe(true);
    expect(calls).toEqual(['customers', 'orders']);
    // A later page: still one query per relation, only for that page's customers.
    const pageCalls = await countListCalls(server(), async () => {
      res = await server().request('GET', '/customers?embed=orders&limit=5&offset=5');
    });
    expect(pageCalls).toEqual(['customers', 'orders']);
    for (const c of res.json) expect(c.orders).toEqual(ordersOf(c));
  });

  it('embed works with fields, filters and count; an unknown relation → 400 naming embed', async () => {
    const res = await server().request('GET', '/orders?fields=id,title&embed=customer&stage=won&count=true');
    expect(res.status).toBe(200);
    const won = orders.filter((o) => o.stage === 'won');
    expect(res.headers.get('x-total-count')).toBe(String(won.length));
    expect(res.json).toEqual(
      won.map((o) => ({ id: o.id, title: o.title, customer: customers.find((c) => c.id === o.customerId) })),
    );
    for (const bad of ['customers', 'order', 'nope', 'customer,nope', '']) {
      const path = bad.startsWith('order') ? `/customers?embed=${bad}` : `/orders?embed=${bad}`;
      const r = await server().request('GET', path);
      expectEnvelope(r, 400, 'INVALID_QUERY_PARAMETER');
      expect(r.json[0].parameter, path).toBe('embed');
    }
  });

  it('GET /customers/{id}/orders lists only that customer’s orders, with filters, sort, fields, embed and count', async () => {
    const c = withOrders()[0];
    const mine = ordersOf(c);
    const res = await server().request('GET', `/customers/${c.id}/orders`);
    expect(idsOf(res)).toEqual(mine.map((o) => o.id));
    expect(res.json).toEqual(mine);
    const sorted = await server().request('GET', `/customers/${c.id}/orders?sort=-amount&count=true`);
    expect(idsOf(sorted)).toEqual(sortLike(mine, '-amount').map((o) => o.id));
    expect(sorted.headers.get('x-total-count')).toBe(String(mine.length));
    const stage = mine[0].stage;
    const filtered = await server().request(
      'GET',
      `/customers/${c.id}/orders?stage=${stage}&fields=id,stage&embed=customer`,
    );
    expect(filtered.json).toEqual(
      mine.filter((o) => o.stage === stage).map((o) => ({ id: o.id, stage, customer: c })),
    );
    const other = customers.find((x) => x.id !== c.id && ordersOf(x).length > 0)!;
    expect(idsOf(await server().request('GET', `/customers/${c.id}/orders?customerId=${other.id}`))).toEqual(
      [],
    );
    const none = customers.find((x) => ordersOf(x).length === 0)!;
    expect(idsOf(await server().request('GET', `/customers/${none.id}/orders`))).toEqual([]);
    const bad = await server().request('GET', `/customers/${c.id}/orders?amount[gt]=cheap`);
    expectEnvelope(bad, 400, 'INVALID_QUERY_PARAMETER');
    expect(bad.json[0].parameter).toBe('amount[gt]');
  });

  it('nested lists page by cursor and offset with links on the nested path', async () => {
    const c = customers.find((x) => ordersOf(x).length === 3)!;
    const base = `/customers/${c.id}/orders`;
    const pages = await walk(server(), `${base}?limit=2&sort=-amount`, 'next');
    expect(pages.map((p) => p.json.length)).toEqual([2, 1]);
    expect(pages.flatMap((p) => idsOf(p))).toEqual(sortLike(ordersOf(c), '-amount').map((o) => o.id));
    const links = linksOf(pages[1]);
    for (const url of Object.values(links)) expect(url.startsWith(`${base}?`)).toBe(true);
    expect(idsOf(await server().request('GET', links.prev))).toEqual(idsOf(pages[0]));
    const byOffset = await server().request('GET', `${base}?limit=2&offset=2`);
    expect(idsOf(byOffset)).toEqual([ordersOf(c)[2].id]);
    expect(linksOf(byOffset).prev).toBe(`${base}?limit=2&offset=0`);
    // A cursor of one customer's orders is a cursor of the orders collection: valid under another parent too.
    expect((await server().request('GET', `/orders${links.prev.slice(base.length)}`)).status).toBe(200);
  });

  it('POST /customers/{id}/orders creates the order with customerId set from the URL', async () => {
    const c = customers[0];
    const res = await server().request('POST', `/customers/${c.id}/orders`, {
      body: { title: 'Nested', amount: 5 },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ customerId: c.id, title: 'Nested', amount: 5, stage: 'open' });
    expect(res.headers.get('location')).toBe(`/orders/${res.json.id}`);
    expect((await server().request('GET', `/orders/${res.json.id}`)).json).toEqual(res.json);
    const same = await server().request('POST', `/customers/${c.id}/orders`, {
      body: { customerId: c.id, title: 'Same', amount: 1 },
    });
    expect(same.status).toBe(201);
    const conflict = await server().request('POST', `/customers/${c.id}/orders`, {
      body: { customerId: customers[1].id, title: 'X', amount: 1 },
    });
    expectEnvelope(conflict, 422, 'VALIDATION_FAILED');
    expect(conflict.json[0].pointer).toBe('/customerId');
    const invalid = await server().request('POST', `/customers/${c.id}/orders`, {
      body: { title: '', amount: -1 },
    });
    expectEnvelope(invalid, 422, 'VALIDATION_FAILED');
    expect(idsOf(await server().request('GET', `/customers/${c.id}/orders`))).toEqual([
      res.json.id,
      same.json.id,
    ]);
    for (const id of [res.json.id, same.json.id])
      expect((await server().request('DELETE', `/orders/${id}`)).status).toBe(204);
  });

  it('an unknown or malformed parent → 404 on GET, HEAD, POST and DELETE', async () => {
    for (const parent of ['987654', 'abc', '0', '-1', '1.5']) {
      const path = `/customers/${parent}/orders`;
      expectEnvelope(await server().request('GET', path), 404, 'RECORD_NOT_FOUND');
      expect((await server().request('HEAD', path)).status).toBe(404);
      expectEnvelope(
        await server().request('POST', path, { body: { title: 'x', amount: 1 } }),
        404,
        'RECORD_NOT_FOUND',
      );
      expectEnvelope(await server().request('DELETE', `${path}?stage=open`), 404, 'RECORD_NOT_FOUND');
    }
    expect(orders.length).toBe((await server().request('GET', '/orders?limit=1000')).json.length);
  });
});

describeEachStore('bulk DELETE by filter on the CRM example', (_target, getDb) => {
  const server = useServer(getDb);
  let customers: Rec[] = [];
  let orders: Rec[] = [];
  const count = async (path: string) =>
    Number(
      (
        await server().request('GET', `${path}${path.includes('?') ? '&' : '?'}count=true&limit=1`)
      ).headers.get('x-total-count'),
    );

  beforeAll(async () => {
    ({ customers, orders } = await seed(server()));
  });

  it('DELETE /orders?stage=lost → 200 {"deleted": n}; only the matches are gone', async () => {
    const lost = orders.filter((o) => o.stage === 'lost');
    expect(lost.length).toBeGreaterThan(1);
    const res = await server().request('DELETE', '/orders?stage=lost');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json).toEqual({ deleted: lost.length });
    expect(await count('/orders?stage=lost')).toBe(0);
    expect(await count('/orders')).toBe(orders.length - lost.length);
    expect((await server().request('DELETE', '/orders?stage=lost')).json).toEqual({ deleted: 0 });
    orders = orders.filter((o) => o.stage !== 'lost');
  });

  it('several filters AND together, with any operator', async () => {
    const target = orders.filter((o) => o.stage === 'won' && o.amount >= 50);
    expect(target.length).toBeGreaterThan(0);
    const res = await server().request('DELETE', '/orders?stage=won&amount[gte]=50');
    expect(res.json).toEqual({ deleted: target.length });
    orders = orders.filter((o) => !target.includes(o));
    expect(await count('/orders')).toBe(orders.length);
  });

  it('without any filter → 400 and nothing is deleted; list parameters are not filters', async () => {
    expectEnvelope(await server().request('DELETE', '/orders'), 400, 'FILTER_REQUIRED');
    for (const q of [
      'limit=5',
      'sort=id',
      'offset=0',
      'count=true',
      'fields=id',
      'embed=customer',
      'cursor=x',
    ]) {
      const res = await server().request('DELETE', `/orders?${q}`);
      expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
      expect(res.json[0].parameter).toBe(q.split('=')[0]);
    }
    const bad = await server().request('DELETE', '/orders?stage=closed&nope=1');
    expectEnvelope(bad, 400, 'INVALID_QUERY_PARAMETER');
    expect(bad.json.map((e: Rec) => e.parameter).sort()).toEqual(['nope', 'stage']);
    expect(await count('/orders')).toBe(orders.length);
  });

  it('a restrict violation → 409 and nothing is deleted, not even the unreferenced matches', async () => {
    const churned = customers.filter((c) => c.status === 'churned');
    const referenced = churned.filter((c) => orders.some((o) => o.customerId === c.id));
    expect(referenced.length).toBeGreaterThan(0);
    expect(referenced.length).toBeLessThan(churned.length);
    const res = await server().request('DELETE', '/customers?status=churned');
    expectEnvelope(res, 409, 'STILL_REFERENCED');
    expect(await count('/customers?status=churned')).toBe(churned.length);
    expect(await count('/customers')).toBe(customers.length);
  });

  it('nested DELETE /customers/{id}/orders?… deletes only that customer’s matches; without a filter → 400', async () => {
    const c = customers.find((x) => orders.filter((o) => o.customerId === x.id).length >= 2)!;
    const mine = orders.filter((o) => o.customerId === c.id);
    expectEnvelope(await server().request('DELETE', `/customers/${c.id}/orders`), 400, 'FILTER_REQUIRED');
    const res = await server().request('DELETE', `/customers/${c.id}/orders?id[gte]=1`);
    expect(res.json).toEqual({ deleted: mine.length });
    orders = orders.filter((o) => o.customerId !== c.id);
    expect(await count('/orders')).toBe(orders.length);
    expect(await count(`/customers/${c.id}/orders`)).toBe(0);
  });

  it('once no order references them, the churned customers delete in one request', async () => {
    const churned = customers.filter((c) => c.status === 'churned');
    const ids = churned.map((c) => c.id).join(',');
    const gone = orders.filter((o) => churned.some((c) => c.id === o.customerId));
    expect((await server().request('DELETE', `/orders?customerId[in]=${ids}`)).json).toEqual({
      deleted: gone.length,
    });
    expect((await server().request('DELETE', '/customers?status=churned')).json).toEqual({
      deleted: churned.length,
    });
    expect(await count('/customers')).toBe(customers.length - churned.length);
  });
});

describeEachStore('a single record with fields and embed', (_target, getDb) => {
  const server = useServer(getDb);

  it('GET /{r}/{id}?fields=…&embed=… narrows and embeds; anything else → 400 naming it', async () => {
    const c = await server().request('POST', '/customers', {
      body: { name: 'Solo', email: 'solo@example.com' },
    });
    const o = await server().request('POST', '/orders', {
      body: { customerId: c.json.id, title: 'One', amount: 5 },
    });
    const order = await server().request('GET', `/orders/${o.json.id}?fields=id,title&embed=customer`);
    expect(order.status).toBe(200);
    expect(order.json).toEqual({ id: o.json.id, title: 'One', customer: c.json });
    const cust = await server().request('GET', `/customers/${c.json.id}?embed=orders`);
    expect(cust.json.orders).toEqual([o.json]);
    const bad = await server().request('GET', `/customers/${c.json.id}?embed=nope&sort=name`);
    expectEnvelope(bad, 400, 'INVALID_QUERY_PARAMETER');
    expect(bad.json.map((e: { parameter: string }) => e.parameter).sort()).toEqual(['embed', 'sort']);
  });
});

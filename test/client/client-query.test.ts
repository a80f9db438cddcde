/** verbo/client lists: where/sort/fields/count, pages followed by Link, nested collections, embed. */

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient, type VerboClient } from '../../src/client/index.js';
import { CRM_CONFIG, customer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { caught, expectClientError, recordingFetch } from './client-harness.js';
import type { Customer, Resources } from './fixtures/crm-types.js';

describeEachStore('verbo/client: lists, pages, nested, embed', (_target, getDb) => {
  const server = useServer(getDb);
  const rec = recordingFetch();
  let api: VerboClient<Resources>;
  const made: Customer[] = [];

  beforeAll(async () => {
    api = createClient<Resources>({ baseUrl: server().url, fetch: rec.fetch });
    for (let i = 1; i <= 7; i++) {
      made.push(
        await api.customers.create(
          customer(`q${i}`, {
            company: 'PageCo',
            status: i % 2 ? 'active' : 'lead',
            name: `${i % 3 ? 'A' : 'B'}name ${i}`,
          }),
        ),
      );
    }
    for (const [n, amount] of [
      [0, 5],
      [0, 50],
      [1, 500],
    ] as const) {
      await api.customers.of(made[n].id).orders.create({ title: `order ${amount}`, amount });
    }
  });

  it('where, sort, limit, fields, count → the docs/query.md query string and the matching records', async () => {
    const page = await api.customers.list({
      where: { company: 'PageCo', status: 'active', name: { like: 'A*' }, id: { in: made.map((c) => c.id) } },
      sort: ['-name'],
      fields: ['id', 'name', 'status'],
      count: true,
    });
    const url = rec.sent.at(-1)!.url;
    expect(url).toContain('company=PageCo&status=active&name[like]=A*&id[in]=');
    expect(url).toContain('&sort=-name&fields=id,name,status&count=true');
    const expected = made
      .filter((c) => c.status === 'active' && c.name.startsWith('A'))
      .map((c) => c.name)
      .sort()
      .reverse();
    expect(page.items.map((c) => c.name)).toEqual(expected);
    expect(page.total).toBe(expected.length);
    expect(Object.keys(page.items[0]).sort()).toEqual(['id', 'name', 'status']);
    const orders = await api.orders.list({ where: { amount: { gte: 10, lt: 500 } } });
    expect(rec.sent.at(-1)!.url).toContain('amount[gte]=10&amount[lt]=500');
    expect(orders.items.map((o) => o.amount)).toEqual([50]);
    const none = await api.customers.list({ where: { phone: null, company: 'PageCo' }, count: true });
    expect(none.total).toBe(7);
  });

  it('a page has items, total, nextCursor and links; nextPage/previousPage follow Link', async () => {
    const first = await api.customers.list({ where: { company: 'PageCo' }, limit: 3, count: true });
    expect(first.items.map((c) => c.id)).toEqual(made.slice(0, 3).map((c) => c.id));
    expect(first.total).toBe(7);
    expect(first.hasNext).toBe(true);
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(first.links.next).toMatch(new RegExp(`^${server().url}/customers\\?.*cursor=`));
    const second = (await first.nextPage())!;
    expect(second.items.map((c) => c.id)).toEqual(made.slice(3, 6).map((c) => c.id));
    const back = (await second.previousPage())!;
    expect(back.items.map((c) => c.id)).toEqual(made.slice(0, 3).map((c) => c.id));
    const third = (await second.nextPage())!;
    expect(third.items.map((c) => c.id)).toEqual([made[6].id]);
    expect(third.hasNext).toBe(false);
    expect(await third.nextPage()).toBeUndefined();
    const byCursor = await api.customers.list({
      where: { company: 'PageCo' },
      limit: 3,
      cursor: first.nextCursor,
    });
    expect(byCursor.items).toEqual(second.items);
  });

  it('for await walks every item of every page (cursor and offset paging); pages() yields each page', async () => {
    const before = rec.sent.length;
    const ids: number[] = [];
    for await (const c of api.customers.list({ where: { company: 'PageCo' }, limit: 3 })) ids.push(c.id);
    expect(ids).toEqual(made.map((c) => c.id));
    expect(rec.sent.length - before).toBe(3);
    const byOffset: number[] = [];
    for await (const c of api.customers.list({
      where: { company: 'PageCo' },
      limit: 2,
      offset: 0,
      sort: '-createdAt',
    }))
      byOffset.push(c.id);
    expect([...byOffset].sort((a, b) => a - b)).toEqual(made.map((c) => c.id));
    const sizes: number[] = [];
    for await (const p of api.customers.list({ where: { company: 'PageCo' }, limit: 3 }).pages())
      sizes.push(p.items.length);
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('nested: of(id).orders lists and creates with the parent set; an unknown parent → 404', async () => {
    const nested = api.customers.of(made[0].id).orders;
    const created = await nested.create({ title: 'nested', amount: 7 });
    expect(created.customerId).toBe(made[0].id);
    expect(rec.sent.at(-1)!.url).toBe(`${server().url}/customers/${made[0].id}/orders`);
    const page = await nested.list({ where: { amount: { lte: 50 } }, sort: 'amount' });
    expect(page.items.map((o) => o.amount)).toEqual([5, 7, 50]);
    expect(page.items.every((o) => o.customerId === made[0].id)).toBe(true);
    expectClientError(await caught(api.customers.of(987654).orders.list()), 404, 'RECORD_NOT_FOUND');
  });

  it('embed: to-many arrays on customers, the to-one record on orders', async () => {
    const page = await api.customers.list({
      where: { id: { in: [made[0].id, made[1].id, made[2].id] } },
      embed: ['orders'],
    });
    expect(page.items.map((c) => c.orders.map((o) => o.amount).sort((a, b) => a - b))).toEqual([
      [5, 7, 50],
      [500],
      [],
    ]);
    const orders = await api.orders.list({ where: { customerId: made[1].id }, embed: ['customer'] });
    expect(orders.items[0].customer).toEqual(expect.objectContaining({ id: made[1].id, name: made[1].name }));
  });

  it('nested embed with fields inside: orders(id,amount).customer(name)', async () => {
    const one = await api.customers.get(made[1].id, { embed: ['orders(id,amount).customer(name)'] });
    expect(rec.sent.at(-1)!.url).toContain('embed=orders(id,amount).customer(name)');
    expect(one.orders).toEqual([{ id: expect.anything(), amount: 500, customer: { name: made[1].name } }]);
  });

  it('a bad query is a 400 VerboError naming the parameter', async () => {
    const loose = createClient({ baseUrl: server().url });
    const e = await caught(loose.customers.list({ where: { nope: 1 } }));
    expectClientError(e, 400, 'INVALID_QUERY_PARAMETER');
    expect(e.errors[0].parameter).toBe('nope');
  });
});

describe('verbo/client under a basePath: Link targets resolve against the API URL', () => {
  const yaml = `basePath: /api/v1\n${readFileSync(CRM_CONFIG, 'utf8')}`;
  const server = useServer(() => ':memory:', { yaml });

  it('creates, pages and iterates under /api/v1', async () => {
    const api = createClient<Resources>({ baseUrl: `${server().url}/api/v1/` });
    for (let i = 0; i < 5; i++) await api.customers.create(customer(`bp${i}`));
    const first = await api.customers.list({ limit: 2 });
    expect(first.links.next).toMatch(new RegExp(`^${server().url}/api/v1/customers\\?`));
    const names: string[] = [];
    for await (const c of api.customers.list({ limit: 2 })) names.push(c.name);
    expect(names).toEqual([0, 1, 2, 3, 4].map((i) => `Customer bp${i}`));
  });
});

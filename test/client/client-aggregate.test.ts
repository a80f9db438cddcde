/** verbo/client aggregates (docs/aggregates.md): api.orders.aggregate({…}) → the query string, typed rows, errors. */
import { beforeAll, expect, it } from 'vitest';
import { createClient, type VerboClient } from '../../src/client/index.js';
import { customer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { caught, expectClientError, recordingFetch } from './client-harness.js';
import type { Resources } from './fixtures/crm-types.js';

describeEachStore('verbo/client: aggregate', (_target, getDb) => {
  const server = useServer(getDb);
  const rec = recordingFetch();
  let api: VerboClient<Resources>;
  let customerId: number;

  beforeAll(async () => {
    api = createClient<Resources>({ baseUrl: server().url, fetch: rec.fetch });
    const c = await api.customers.create(customer('agg'));
    customerId = c.id;
    for (const [stage, amount] of [
      ['won', 100],
      ['won', 300],
      ['open', 1000],
      ['lost', 5],
    ] as const)
      await api.customers.of(c.id).orders.create({ title: `${stage} ${amount}`, amount, stage });
  });

  it('sends groupBy, aggregate, having, where, sort, limit and offset, and types each row', async () => {
    const rows = await api.orders.aggregate({
      groupBy: ['stage'],
      aggregate: ['count()', 'sum(amount)', 'avg(amount)', 'max(createdAt)'],
      having: { sum_amount: { gt: 10 } },
      where: { amount: { gte: 1 } },
      sort: '-sum_amount',
      limit: 10,
      offset: 0,
    });
    const url = decodeURIComponent(rec.sent.at(-1)!.url);
    expect(url).toContain('amount[gte]=1&sort=-sum_amount&limit=10&offset=0');
    expect(url).toContain('groupBy=stage&aggregate=count(),sum(amount),avg(amount),max(createdAt)');
    expect(url).toContain('having=sum_amount[gt]=10');
    expect(
      rows.map(({ stage, count, sum_amount, avg_amount }) => ({ stage, count, sum_amount, avg_amount })),
    ).toEqual([
      { stage: 'open', count: 1, sum_amount: 1000, avg_amount: 1000 },
      { stage: 'won', count: 2, sum_amount: 400, avg_amount: 200 },
    ]);
    // The row types follow the specs: the group field keeps its type, count is a number.
    const stage: 'open' | 'won' | 'lost' | null = rows[0].stage;
    const count: number = rows[0].count;
    const latest: string | null = rows[0].max_createdAt;
    expect([stage, count, typeof latest]).toEqual(['open', 1, 'string']);
    // @ts-expect-error min_amount was not asked for
    expect(rows[0].min_amount).toBeUndefined();
  });

  it('groupBy alone counts; no groupBy gives one row; date buckets by unit', async () => {
    expect(await api.orders.aggregate({ groupBy: ['stage'], sort: 'stage' })).toEqual([
      { stage: 'lost', count: 1 },
      { stage: 'open', count: 1 },
      { stage: 'won', count: 2 },
    ]);
    expect(await api.orders.aggregate({ aggregate: ['count()', 'min(amount)'] })).toEqual([
      { count: 4, min_amount: 5 },
    ]);
    const [month] = await api.orders.aggregate({ groupBy: ['createdAt:month'] });
    expect(month.createdAt).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);
  });

  it('a nested collection aggregates its parent’s records only, typed like the top-level one', async () => {
    const other = await api.customers.create(customer('agg-other'));
    await api.customers.of(other.id).orders.create({ title: 'other', amount: 7, stage: 'won' });
    const rows = await api.customers.of(customerId).orders.aggregate({
      groupBy: ['stage'],
      aggregate: ['sum(amount)'],
      where: { amount: { gte: 100 } },
      sort: 'stage',
    });
    const url = decodeURIComponent(rec.sent.at(-1)!.url);
    expect(url).toContain(`/customers/${customerId}/orders?`);
    expect(url).toContain('groupBy=stage&aggregate=sum(amount)');
    expect(rows).toEqual([
      { stage: 'open', sum_amount: 1000 },
      { stage: 'won', sum_amount: 400 },
    ]);
    expect(await api.customers.of(other.id).orders.aggregate({ aggregate: ['count()'] })).toEqual([
      { count: 1 },
    ]);
    const stage: 'open' | 'won' | 'lost' | null = rows[0].stage;
    expect(stage).toBe('open');
    // @ts-expect-error count was not asked for
    expect(rows[0].count).toBeUndefined();
    // @ts-expect-error nope is no field of orders
    const e = await caught(api.customers.of(customerId).orders.aggregate({ aggregate: ['sum(nope)'] }));
    expectClientError(e, 400, 'INVALID_QUERY_PARAMETER');
    const gone = await caught(api.customers.of(999_999).orders.aggregate({ groupBy: ['stage'] }));
    expectClientError(gone, 404);
  });

  it('a bad aggregate is a VerboError 400 naming the parameter', async () => {
    // @ts-expect-error nope is no field of orders
    const e = await caught(api.orders.aggregate({ aggregate: ['sum(nope)'] }));
    expectClientError(e, 400, 'INVALID_QUERY_PARAMETER');
    const text = await caught(api.orders.aggregate({ aggregate: ['sum(title)'] }));
    expectClientError(text, 400, 'INVALID_QUERY_PARAMETER');
  });
});

/**
 * docs/aggregates.md: `GET /{r}?groupBy=…&aggregate=…` on both stores — every function, several
 * group fields, date buckets, filters before grouping, `having` after, sort by an aggregate,
 * paging, exact sums beyond 2^53, access rules inside aggregates, and a 400 for each bad input.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { documentChecker } from '../openapi/openapi-conformance.js';
import { type AuthServer, addUser, signIn, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope, type Res, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: agg
resources:
  customers:
    fields:
      name: { type: string, required: true }
  orders:
    fields:
      customerId: { type: reference, to: customers }
      stage: { type: enum, values: [open, won, lost] }
      amount: { type: number }
      qty: { type: integer }
      big: { type: integer }
      paid: { type: boolean }
      day: { type: date }
      at: { type: datetime }
      note: { type: string }
      tags: { type: json }
      scan: { type: file }
  ledgers:
    fields:
      v: { type: integer }
`;

const ORDERS = [
  {
    stage: 'won',
    amount: 100,
    qty: 1,
    big: 9007199254740991,
    paid: true,
    day: '2024-01-15',
    at: '2024-01-15T10:00:00Z',
    note: 'a',
  },
  {
    stage: 'won',
    amount: 300,
    qty: 2,
    big: 2,
    paid: true,
    day: '2024-01-31',
    at: '2024-01-31T23:30:00Z',
    note: 'b',
  },
  { stage: 'won', amount: 50, qty: 3, paid: false, day: '2024-02-01', at: '2024-02-01T00:00:00Z', note: 'a' },
  {
    stage: 'open',
    amount: 1000,
    qty: 4,
    paid: false,
    day: '2024-02-10',
    at: '2024-02-10T12:00:00+02:00',
    note: 'c',
  },
  { stage: 'open', amount: 20, note: 'c' },
  { stage: 'lost', amount: 5, qty: 5, paid: false, day: '2024-03-03', at: '2024-03-03T08:00:00Z' },
  { amount: 7, qty: 6 },
];

describeEachStore('aggregates: GET /{r}?groupBy&aggregate', (_target, getDb) => {
  const server = useServer(getDb, { yaml: YAML });
  const get = (qs: string) => server().request('GET', `/orders?${qs}`);
  const ok = async (qs: string) => {
    const res = await get(qs);
    expect(res.status, res.text).toBe(200);
    return res.json;
  };
  let createdAt = '';
  beforeAll(async () => {
    const c = await server().request('POST', '/customers', { body: { name: 'C' } });
    for (const o of ORDERS) {
      const res = await server().request('POST', '/orders', { body: { ...o, customerId: c.json.id } });
      expect(res.status, res.text).toBe(201);
      createdAt = res.json.createdAt;
    }
  });

  it('groups by a field: count(), sum and avg per group, groups in order (NULL first)', async () => {
    expect(await ok('groupBy=stage&aggregate=count(),sum(amount),avg(amount)')).toEqual([
      { stage: null, count: 1, sum_amount: 7, avg_amount: 7 },
      { stage: 'lost', count: 1, sum_amount: 5, avg_amount: 5 },
      { stage: 'open', count: 2, sum_amount: 1020, avg_amount: 510 },
      { stage: 'won', count: 3, sum_amount: 450, avg_amount: 150 },
    ]);
  });

  it('count(field) counts non-null values, countDistinct distinct ones; sum of integers is an integer', async () => {
    const [row] = await ok('aggregate=count(),count(qty),countDistinct(note),sum(qty),avg(qty)');
    expect(row).toEqual({ count: 7, count_qty: 6, countDistinct_note: 3, sum_qty: 21, avg_qty: 3.5 });
    expect(Number.isInteger(row.sum_qty)).toBe(true);
  });

  it('min and max keep the field’s type and canonical form (numbers, text, booleans, dates, datetimes)', async () => {
    const [row] = await ok(
      'aggregate=min(amount),max(amount),min(qty),max(stage),min(paid),max(paid),min(day),max(day),min(at),max(at)',
    );
    expect(row).toEqual({
      min_amount: 5,
      max_amount: 1000,
      min_qty: 1,
      max_stage: 'won',
      min_paid: false,
      max_paid: true,
      min_day: '2024-01-15',
      max_day: '2024-03-03',
      min_at: '2024-01-15T10:00:00.000Z',
      max_at: '2024-03-03T08:00:00.000Z',
    });
  });

  it('without groupBy: one row over every matching record, even when none matches', async () => {
    expect(await ok('aggregate=count(),sum(amount)')).toEqual([{ count: 7, sum_amount: 1482 }]);
    expect(await ok('stage=lost&amount[gt]=100&aggregate=count(),sum(amount),min(at)')).toEqual([
      { count: 0, sum_amount: null, min_at: null },
    ]);
  });

  it('groupBy alone counts each group (count() is implied)', async () => {
    expect(await ok('groupBy=paid')).toEqual([
      { paid: null, count: 2 },
      { paid: false, count: 3 },
      { paid: true, count: 2 },
    ]);
  });

  it('groups by several fields', async () => {
    expect(await ok('groupBy=stage,paid&aggregate=count(),sum(qty)&stage[null]=false')).toEqual([
      { stage: 'lost', paid: false, count: 1, sum_qty: 5 },
      { stage: 'open', paid: null, count: 1, sum_qty: null },
      { stage: 'open', paid: false, count: 1, sum_qty: 4 },
      { stage: 'won', paid: false, count: 1, sum_qty: 3 },
      { stage: 'won', paid: true, count: 2, sum_qty: 3 },
    ]);
  });

  it('groups datetimes by month, week (from Monday), day and year in UTC, as canonical datetimes', async () => {
    expect(await ok('groupBy=at:month&aggregate=count(),sum(amount)')).toEqual([
      { at: null, count: 2, sum_amount: 27 },
      { at: '2024-01-01T00:00:00.000Z', count: 2, sum_amount: 400 },
      { at: '2024-02-01T00:00:00.000Z', count: 2, sum_amount: 1050 },
      { at: '2024-03-01T00:00:00.000Z', count: 1, sum_amount: 5 },
    ]);
    expect(await ok('groupBy=at:week&at[null]=false')).toEqual([
      { at: '2024-01-15T00:00:00.000Z', count: 1 },
      { at: '2024-01-29T00:00:00.000Z', count: 2 },
      { at: '2024-02-05T00:00:00.000Z', count: 1 },
      { at: '2024-02-26T00:00:00.000Z', count: 1 },
    ]);
    expect(await ok('groupBy=at:day&at[lt]=2024-02-02T00:00:00Z')).toEqual([
      { at: '2024-01-15T00:00:00.000Z', count: 1 },
      { at: '2024-01-31T00:00:00.000Z', count: 1 },
      { at: '2024-02-01T00:00:00.000Z', count: 1 },
    ]);
    expect(await ok('groupBy=at:hour&at[gte]=2024-02-10T00:00:00Z')).toEqual([
      { at: '2024-02-10T10:00:00.000Z', count: 1 },
      { at: '2024-03-03T08:00:00.000Z', count: 1 },
    ]);
    expect(await ok('groupBy=at:year&at[null]=false')).toEqual([
      { at: '2024-01-01T00:00:00.000Z', count: 5 },
    ]);
  });

  it('groups dates by month and week as canonical dates, and createdAt by month', async () => {
    expect(await ok('groupBy=day:month&day[null]=false&aggregate=max(day)')).toEqual([
      { day: '2024-01-01', max_day: '2024-01-31' },
      { day: '2024-02-01', max_day: '2024-02-10' },
      { day: '2024-03-01', max_day: '2024-03-03' },
    ]);
    expect((await ok('groupBy=day:week&day[null]=false')).map((g: { day: string }) => g.day)).toEqual([
      '2024-01-15',
      '2024-01-29',
      '2024-02-05',
      '2024-02-26',
    ]);
    expect(await ok('groupBy=createdAt:month')).toEqual([
      { createdAt: `${createdAt.slice(0, 7)}-01T00:00:00.000Z`, count: 7 },
    ]);
  });

  it('filters apply before grouping, having after (repeats ANDed)', async () => {
    expect(await ok('amount[gte]=50&groupBy=stage&aggregate=count()')).toEqual([
      { stage: 'open', count: 1 },
      { stage: 'won', count: 3 },
    ]);
    expect(await ok('groupBy=stage&aggregate=sum(amount)&having=sum_amount[gt]=400')).toEqual([
      { stage: 'open', sum_amount: 1020 },
      { stage: 'won', sum_amount: 450 },
    ]);
    expect(
      await ok('groupBy=stage&aggregate=sum(amount)&having=sum_amount[gt]=400&having=sum_amount[lt]=1000'),
    ).toEqual([{ stage: 'won', sum_amount: 450 }]);
    expect(
      await ok(
        'groupBy=stage&aggregate=count(),max(at)&having=count[gte]=2&having=max_at[ne]=2024-01-01T00:00:00Z',
      ),
    ).toEqual([
      { stage: 'open', count: 2, max_at: '2024-02-10T10:00:00.000Z' },
      { stage: 'won', count: 3, max_at: '2024-02-01T00:00:00.000Z' },
    ]);
    expect(await ok('aggregate=count()&having=count[gt]=100')).toEqual([]);
  });

  it('filters through relations apply before grouping too (to-one and to-many)', async () => {
    expect(await ok('customer.name=C&groupBy=stage&stage[null]=false')).toEqual([
      { stage: 'lost', count: 1 },
      { stage: 'open', count: 2 },
      { stage: 'won', count: 3 },
    ]);
    expect(await ok('customer.name=Nobody&aggregate=count()')).toEqual([{ count: 0 }]);
    const customers = await server().request('GET', '/customers?orders.stage=won&aggregate=count()');
    expect(customers.json).toEqual([{ count: 1 }]);
    expectEnvelope(await get('customer.nope=1&groupBy=stage'), 400, 'INVALID_QUERY_PARAMETER');
  });

  it('sorts by an aggregate or a group field, and pages by limit and offset with Link', async () => {
    const qs = 'groupBy=stage&aggregate=sum(amount)&sort=-sum_amount';
    expect((await ok(qs)).map((g: { stage: string }) => g.stage)).toEqual(['open', 'won', null, 'lost']);
    expect((await ok('groupBy=stage&sort=-stage')).map((g: { stage: string }) => g.stage)).toEqual([
      'won',
      'open',
      'lost',
      null,
    ]);
    const first = await get(`${qs}&limit=2`);
    expect(first.json.map((g: { stage: string }) => g.stage)).toEqual(['open', 'won']);
    expect(first.headers.get('link')).toContain('offset=2');
    const second = await get(`${qs}&limit=2&offset=2`);
    expect(second.json.map((g: { stage: string }) => g.stage)).toEqual([null, 'lost']);
    expect(second.headers.get('link')).not.toContain('rel="next"');
    // Ties on the aggregate are broken by the group keys: count is 1 for null and lost.
    expect((await ok('groupBy=stage&sort=count&limit=2')).map((g: { stage: string }) => g.stage)).toEqual([
      null,
      'lost',
    ]);
  });

  it('sums integers exactly: beyond 2^53 as a string of digits, comparable in having', async () => {
    expect(await ok('aggregate=sum(big),max(big)')).toEqual([
      { sum_big: '9007199254740993', max_big: 9007199254740991 },
    ]);
    expect(await ok('groupBy=stage&aggregate=sum(big)&having=sum_big[gt]=9007199254740992')).toEqual([
      { stage: 'won', sum_big: '9007199254740993' },
    ]);
  });

  it('sums past the 64-bit range exactly too (digits), and negative halves add up', async () => {
    const max = '9223372036854775807';
    for (const v of [max, max, -3, null]) {
      const res = await server().request('POST', '/ledgers', { body: { v } });
      expect(res.status, res.text).toBe(201);
    }
    const res = await server().request('GET', '/ledgers?aggregate=sum(v),min(v),max(v),count(v)');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual([{ sum_v: '18446744073709551611', min_v: -3, max_v: max, count_v: 3 }]);
  });

  it('the answers match the OpenAPI document (AggregateRow items, the aggregate sort keys)', async () => {
    const doc = (await server().request('GET', '/openapi.json')).json;
    const c = documentChecker(doc);
    const aggregate = { aggregate: true };
    c.check(
      'GET',
      '/orders',
      await get('groupBy=stage,at:month&aggregate=count(),sum(big),min(paid)&sort=-sum_big'),
      aggregate,
    );
    c.check('GET', '/orders', await get('aggregate=avg(amount)&having=avg_amount[gt]=1'), aggregate);
    const names = doc.paths['/orders'].get.parameters.map((p: { $ref: string }) => p.$ref.split('/').pop());
    expect(names).toEqual(expect.arrayContaining(['groupBy', 'aggregate', 'having']));
  });

  it('a nested route aggregates its parent’s records only; an unknown parent is 404', async () => {
    const other = await server().request('POST', '/customers', { body: { name: 'Other' } });
    await server().request('POST', '/orders', {
      body: { customerId: other.json.id, stage: 'won', amount: 1 },
    });
    const nested = await server().request(
      'GET',
      `/customers/${other.json.id}/orders?groupBy=stage&aggregate=sum(amount)`,
    );
    expect(nested.status, nested.text).toBe(200);
    expect(nested.json).toEqual([{ stage: 'won', sum_amount: 1 }]);
    expectEnvelope(await server().request('GET', '/customers/987654/orders?groupBy=stage'), 404);
    await server().request('DELETE', `/orders?customerId=${other.json.id}`);
  });

  it('answers 304 to If-None-Match with its weak ETag', async () => {
    const first = await get('groupBy=stage');
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^W\//);
    const again = await server().request('GET', '/orders?groupBy=stage', {
      headers: { 'if-none-match': tag! },
    });
    expect(again.status).toBe(304);
    const head = await server().request('HEAD', '/orders?groupBy=stage');
    expect([head.status, head.headers.get('etag'), head.text]).toEqual([200, tag, '']);
  });

  const bad: [string, string][] = [
    ['aggregate=median(amount)', 'aggregate'],
    ['aggregate=sum(nope)', 'aggregate'],
    ['aggregate=sum()', 'aggregate'],
    ['aggregate=sum amount', 'aggregate'],
    ['aggregate=sum(note)', 'aggregate'],
    ['aggregate=avg(stage)', 'aggregate'],
    ['aggregate=sum(customerId)', 'aggregate'],
    ['aggregate=max(tags)', 'aggregate'],
    ['groupBy=nope', 'groupBy'],
    ['groupBy=tags', 'groupBy'],
    ['groupBy=scan', 'groupBy'],
    ['aggregate=countDistinct(scan)', 'aggregate'],
    ['groupBy=stage:month', 'groupBy'],
    ['groupBy=day:hour', 'groupBy'],
    ['groupBy=at:decade', 'groupBy'],
    ['groupBy=stage&aggregate=sum(amount)&having=sum_amount>1000', 'having'],
    ['groupBy=stage&aggregate=sum(amount)&having=avg_amount[gt]=1', 'having'],
    ['groupBy=stage&aggregate=sum(amount)&having=sum_amount[like]=1', 'having'],
    ['groupBy=stage&having=count[gt]=many', 'having'],
    ['having=count[gt]=1', 'having'],
    ['groupBy=stage&sort=amount', 'sort'],
    ['groupBy=stage&limit=0', 'limit'],
    ['groupBy=stage&limit=1001', 'limit'],
    ['groupBy=stage&offset=-1', 'offset'],
    ['groupBy=stage&fields=id', 'fields'],
    ['groupBy=stage&embed=customer', 'embed'],
    ['groupBy=stage&cursor=abc', 'cursor'],
    ['groupBy=stage&count=true', 'count'],
    ['groupBy=stage&nope=1', 'nope'],
    ['groupBy=stage&amount[gt]=lots', 'amount[gt]'],
  ];
  it.each(bad)('GET /orders?%s → 400 INVALID_QUERY_PARAMETER naming %s', async (qs, parameter) => {
    const res = await get(qs);
    expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
    expect(res.json.map((e: { parameter: string }) => e.parameter)).toContain(parameter);
  });
});

const SECURE = `
name: agg-secure
auth: { registration: closed }
resources:
  customers:
    access:
      read: "record.status != 'churned' || 'sales' in caller.roles"
      create: role:sales
    fields:
      name: { type: string, required: true }
      status: { type: enum, values: [lead, active, churned] }
      secret: { type: integer, access: { read: role:sales } }
  orders:
    access: { read: owner, write: owner }
    fields:
      stage: { type: enum, values: [open, won, lost] }
      amount: { type: number, required: true }
`;

describeEachStore('aggregates: access rules apply to the rows aggregated', (_target, getDb) => {
  let s: AuthServer;
  let ann: { cookie: string };
  let bob: { cookie: string };
  let sam: { cookie: string };
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: SECURE });
    await addUser(s, 'ann@example.com', 'ann-password-123');
    await addUser(s, 'bob@example.com', 'bob-password-123');
    await addUser(s, 'sam@example.com', 'sam-password-123', ['sales']);
    ann = await signIn(s, 'ann@example.com', 'ann-password-123');
    bob = await signIn(s, 'bob@example.com', 'bob-password-123');
    sam = await signIn(s, 'sam@example.com', 'sam-password-123');
    const post = async (path: string, body: object, headers: { cookie: string }) => {
      const res = await s.request('POST', path, { body, headers });
      expect(res.status, res.text).toBe(201);
    };
    await post('/orders', { stage: 'won', amount: 10 }, ann);
    await post('/orders', { stage: 'won', amount: 20 }, ann);
    await post('/orders', { stage: 'open', amount: 1 }, ann);
    await post('/orders', { stage: 'won', amount: 500 }, bob);
    for (const [name, status, secret] of [
      ['A', 'lead', 1],
      ['B', 'active', 2],
      ['C', 'churned', 3],
    ] as const)
      await post('/customers', { name, status, secret }, sam);
  });
  afterAll(() => s.close());

  const get = (path: string, who?: { cookie: string }): Promise<Res> =>
    s.request('GET', path, { headers: who ?? {} });

  it('an owner sees the aggregates of their own rows only', async () => {
    const mine = await get('/orders?groupBy=stage&aggregate=count(),sum(amount)', ann);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.json).toEqual([
      { stage: 'open', count: 1, sum_amount: 1 },
      { stage: 'won', count: 2, sum_amount: 30 },
    ]);
    const bobs = await get('/orders?aggregate=count(),sum(amount)', bob);
    expect(bobs.json).toEqual([{ count: 1, sum_amount: 500 }]);
    expectEnvelope(await get('/orders?aggregate=count()'), 401);
  });

  it('an expression rule filters the rows aggregated, per caller', async () => {
    const anon = await get('/customers?groupBy=status');
    expect(anon.status, anon.text).toBe(200);
    expect(anon.json).toEqual([
      { status: 'active', count: 1 },
      { status: 'lead', count: 1 },
    ]);
    const sales = await get('/customers?groupBy=status', sam);
    expect(sales.json.map((g: { status: string }) => g.status)).toEqual(['active', 'churned', 'lead']);
  });

  it('a field the caller may not read cannot be grouped, aggregated or filtered on (403, as filtering)', async () => {
    for (const [qs, parameter] of [
      ['groupBy=secret', 'groupBy'],
      ['aggregate=sum(secret)', 'aggregate'],
      ['aggregate=count()&secret[gt]=1', 'secret'],
    ]) {
      const res = await get(`/customers?${qs}`, ann);
      expectEnvelope(res, 403, 'FORBIDDEN');
      expect(res.json[0].parameter).toBe(parameter);
    }
    // The query string is checked before access (docs/errors.md): 400, not 403.
    expectEnvelope(await get('/customers?groupBy=secret&aggregate=median(secret)', ann), 400);
    const sales = await get('/customers?aggregate=sum(secret)', sam);
    expect(sales.json).toEqual([{ sum_secret: 6 }]);
  });
});

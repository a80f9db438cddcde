/** docs/query.md/docs/errors.md query-string errors (400 naming `parameter`) and SQL-injection safety, on every store. */
import { beforeAll, expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { createAll, idsOf, type Rec } from '../support/query-fixtures.js';
import { describeEachStore } from '../support/store-targets.js';

const enc = encodeURIComponent;

const SQL = [
  "'; DROP TABLE customers; --",
  'name) OR 1=1 --',
  "' OR '1'='1",
  '" OR ""="',
  '1; DELETE FROM orders',
  "x' UNION SELECT * FROM _verbo_kv --",
  '*/ OR 1=1 /*',
  '\\',
  "'",
  '"',
  '%',
  '$1',
  '?',
  '{"a","b"}',
];

describeEachStore('query-string errors and SQL-injection safety on the CRM example', (_target, getDb) => {
  const server = useServer(getDb);
  let customers: Rec[] = [];
  const get = (path: string, headers?: Record<string, string>) => server().request('GET', path, { headers });
  const expectBadParameter = async (path: string, parameters: string[], method = 'GET') => {
    const res = await server().request(method, path);
    expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
    expect(res.json.map((e: Rec) => e.parameter).sort(), path).toEqual([...parameters].sort());
    for (const e of res.json) expect(e.userMessage).toContain(e.parameter);
    return res;
  };
  const intact = async () => {
    const res = await get('/customers?count=true&limit=1000');
    expect(res.headers.get('x-total-count')).toBe(String(customers.length));
    expect(idsOf(res)).toEqual(customers.map((c) => c.id));
    expect((await get('/orders?count=true')).headers.get('x-total-count')).toBe('2');
  };

  beforeAll(async () => {
    customers = await createAll(server(), '/customers', [
      { name: 'Plain', email: 'plain@example.com' },
      ...SQL.map((name, i) => ({ name, email: `sql${i}@example.com`, company: name })),
    ]);
    await createAll(server(), '/orders', [
      { customerId: customers[0].id, title: 'a', amount: 1 },
      { customerId: customers[1].id, title: "'; DROP TABLE orders; --", amount: 2 },
    ]);
  });

  it.each([
    ['/customers?nope=1', ['nope']],
    ['/customers?Name=Plain', ['Name']],
    ['/customers?name[nope]=1', ['name[nope]']],
    ['/customers?name[EQ]=1', ['name[EQ]']],
    ['/customers?name[]=1', ['name[]']],
    ['/customers?name[eq][eq]=1', ['name[eq][eq]']],
    ['/customers?status=vip', ['status']],
    ['/customers?status[in]=lead,vip', ['status[in]']],
    ['/customers?id=abc', ['id']],
    ['/customers?createdAt[gt]=yesterday', ['createdAt[gt]']],
    ['/customers?phone[null]=maybe', ['phone[null]']],
    ['/customers?tags=vip', ['tags']],
    ['/customers?tags[like]=*vip*', ['tags[like]']],
    ['/orders?amount=ten', ['amount']],
    ['/orders?amount[like]=1*', ['amount[like]']],
    ['/orders?customerId[in]=1,two', ['customerId[in]']],
    ['/customers?limit=0', ['limit']],
    ['/customers?limit=1001', ['limit']],
    ['/customers?limit=x', ['limit']],
    ['/customers?limit=1&limit=2', ['limit']],
    ['/customers?offset=-5', ['offset']],
    ['/customers?offset=1e3', ['offset']],
    ['/customers?cursor=abc', ['cursor']],
    ['/customers?sort=nope', ['sort']],
    ['/customers?sort=-', ['sort']],
    ['/customers?sort=name,', ['sort']],
    ['/customers?sort=tags', ['sort']],
    ['/customers?fields=id,nope', ['fields']],
    ['/customers?fields=', ['fields']],
    ['/customers?embed=nope', ['embed']],
    ['/orders?embed=orders', ['embed']],
    ['/customers?count=1', ['count']],
    ['/customers?nope=1&limit=0&status=vip&sort=x&embed=y', ['embed', 'limit', 'nope', 'sort', 'status']],
  ])('GET %s → 400 naming %o', async (path, parameters) => {
    await expectBadParameter(path, parameters);
  });

  it('the developer message tells an unknown field from an unknown operator and lists the valid ones', async () => {
    for (const key of ['name[nope]', 'name[EQ]', 'name[]']) {
      const res = await expectBadParameter(`/customers?${key}=1`, [key]);
      expect(res.json[0].internalMessage).toMatch(
        /unknown operator .*\(operators: eq, ne, gt, gte, lt, lte, in, nin, like, ilike, null\)/,
      );
    }
    const field = await expectBadParameter('/customers?nope[eq]=1', ['nope[eq]']);
    expect(field.json[0].internalMessage).toMatch(/unknown field "nope" \(fields: id, name, email/);
  });

  it('the user message is in the language of Accept-Language', async () => {
    const es = await get('/customers?limit=0', { 'accept-language': 'es' });
    expectEnvelope(es, 400, 'INVALID_QUERY_PARAMETER');
    expect(es.json[0].userMessage).toBe('El parámetro «limit» no es válido.');
    const en = await get('/customers?limit=0', { 'accept-language': 'en' });
    expect(en.json[0].userMessage).toBe('The query parameter “limit” is not valid.');
    const problem = await get('/customers?limit=0', { accept: 'application/problem+json' });
    expect(problem.status).toBe(400);
    expect(problem.json.errors[0]).toMatchObject({ code: 'INVALID_QUERY_PARAMETER', parameter: 'limit' });
  });

  it('SQL in filter values is data: it matches only itself, with every operator', async () => {
    for (const [i, value] of SQL.entries()) {
      const self = [customers[i + 1].id];
      expect(idsOf(await get(`/customers?name=${enc(value)}`)), value).toEqual(self);
      expect(idsOf(await get(`/customers?company[eq]=${enc(value)}&name[ne]=Plain`)), value).toEqual(self);
      expect(idsOf(await get(`/customers?name[like]=${enc(value)}`)), value).toEqual(self);
      expect(idsOf(await get(`/customers?name[ilike]=${enc(value.toUpperCase())}`)), value).toEqual(self);
      if (!value.includes(','))
        expect(idsOf(await get(`/customers?name[in]=${enc(`${value},Plain`)}`)), value).toEqual([
          customers[0].id,
          ...self,
        ]);
      expect(idsOf(await get(`/customers?name[gte]=${enc(value)}&name[lte]=${enc(value)}`)), value).toEqual(
        self,
      );
      expect(idsOf(await get(`/customers?email[in]=${enc(value)}`))).toEqual([]);
    }
    await intact();
  });

  it('SQL in field names, operators, sort keys, fields, embed and cursors → 400 envelopes, nothing else', async () => {
    const fragments = [
      "'; DROP TABLE customers; --",
      'name) OR 1=1 --',
      'name"',
      '"name"',
      'name; --',
      'id/**/',
      '(SELECT 1)',
      'name email',
      'name--',
    ];
    for (const f of fragments) {
      await expectBadParameter(`/customers?${enc(f)}=1`, [f]);
      await expectBadParameter(`/customers?${enc(`name[${f}]`)}=1`, [`name[${f}]`]);
      await expectBadParameter(`/customers?${enc(`${f}[eq]`)}=1`, [`${f}[eq]`]);
      await expectBadParameter(`/customers?sort=${enc(f)}`, ['sort']);
      await expectBadParameter(`/customers?sort=${enc(`-${f}`)}`, ['sort']);
      await expectBadParameter(`/customers?fields=${enc(`id,${f}`)}`, ['fields']);
      await expectBadParameter(`/customers?embed=${enc(f)}`, ['embed']);
      await expectBadParameter(`/customers?cursor=${enc(f)}`, ['cursor']);
      await expectBadParameter(`/customers?${enc(f)}=1`, [f], 'DELETE');
      await expectBadParameter(`/customers?name=x&${enc(`status[${f}]`)}=lead`, [`status[${f}]`], 'DELETE');
    }
    await expectBadParameter(`/customers?id[in]=${enc('1) OR (1=1')}`, ['id[in]']);
    await expectBadParameter(`/customers?limit=${enc('1; DROP TABLE customers')}`, ['limit']);
    await expectBadParameter(`/customers?offset=${enc('0 OR 1=1')}`, ['offset']);
    await intact();
  });

  it('bulk DELETE with SQL in the value deletes only the record that literally has it', async () => {
    const victim = await createAll(server(), '/customers', [
      { name: "' OR 1=1 --", email: 'victim@example.com' },
    ]);
    const res = await server().request('DELETE', `/customers?name=${enc("' OR 1=1 --")}`);
    expect(res.json).toEqual({ deleted: 1 });
    expect((await get(`/customers/${victim[0].id}`)).status).toBe(404);
    expect((await server().request('DELETE', `/customers?name=${enc("x' OR '1'='1")}`)).json).toEqual({
      deleted: 0,
    });
    await intact();
  });

  it('control characters and odd encodings never reach the database as errors', async () => {
    await expectBadParameter('/customers?name=a%00b', ['name']);
    await expectBadParameter('/customers?name[like]=%00*', ['name[like]']);
    await expectBadParameter('/customers?name[in]=a,%00', ['name[in]']);
    expect(idsOf(await get('/customers?name=%E2%80%AE%F0%9F%98%80'))).toEqual([]);
    expect(idsOf(await get(`/customers?name=${'x'.repeat(5000)}`))).toEqual([]);
    const res = await get('/customers?name=%ZZ');
    expect([200, 400]).toContain(res.status);
    if (res.status === 400) expectEnvelope(res, 400);
    await intact();
  });
});

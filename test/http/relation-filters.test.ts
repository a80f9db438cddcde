/**
 * docs/query.md "Filters through relations": `customer.status=active` (to-one, any depth),
 * `orders.stage=won` (to-many: EXISTS, every condition on one related row), `orders.count[gt]=3`,
 * `sort=customer.name` with cursor and offset paging, access rules and field read rules of the
 * related resource, and a 400 naming the parameter for every kind of bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type VerboClient } from '../../src/client/index.js';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { parseListQuery } from '../../src/http/query/list-query-parser.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { buildOpenApi } from '../../src/openapi/openapi-builder.js';
import { adviceFor, indexFor } from '../../src/store/index-advice.js';
import type { ListQuery } from '../../src/store/query-types.js';
import { scopeRelations } from '../../src/store/relation-query.js';
import type { Resources } from '../client/fixtures/crm-types.js';
import { type AuthServer, addUser, signIn, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope, type Res, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: reltest
resources:
  companies:
    fields:
      name: { type: string, required: true }
      country: { type: string }
  customers:
    fields:
      name: { type: string, required: true }
      status: { type: enum, values: [lead, active, churned] }
      score: { type: integer }
      vip: { type: boolean }
      deletedAt: { type: datetime }
      companyId: { type: reference, to: companies }
      managerId: { type: reference, to: customers, onDelete: set-null }
  orders:
    fields:
      customerId: { type: reference, to: customers }
      title: { type: string, required: true }
      amount: { type: number, required: true }
      stage: { type: enum, values: [open, won, lost] }
  lines:
    fields:
      orderId: { type: reference, to: orders, required: true }
      sku: { type: string, required: true }
`;

describeEachStore('filters and sorts through relations', (_target, getDb) => {
  const server = useServer(getDb, { yaml: YAML });
  const id: Record<string, number> = {};
  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await server().request('POST', path, { body });
    expect(res.status, res.text).toBe(201);
    return res.json.id as number;
  };
  beforeAll(async () => {
    id.Acme = await post('/companies', { name: 'Acme', country: 'ES' });
    id.Beta = await post('/companies', { name: 'Beta' });
    const customers: [string, Record<string, unknown>][] = [
      ['Ana', { status: 'active', score: 5, vip: true, companyId: id.Acme }],
      [
        'Bob',
        { status: 'lead', score: 9, vip: false, deletedAt: '2024-01-01T00:00:00Z', companyId: id.Beta },
      ],
      ['Cid', { status: 'churned' }],
      ['Dee', { score: 2, vip: false, companyId: id.Acme }],
      ['Eve', { status: 'lead', score: 1 }],
    ];
    for (const [name, extra] of customers) id[name] = await post('/customers', { name, ...extra });
    for (const [who, manager] of [
      ['Bob', 'Ana'],
      ['Dee', 'Bob'],
    ]) {
      const res = await server().request('PATCH', `/customers/${id[who]}`, {
        body: { managerId: id[manager] },
      });
      expect(res.status, res.text).toBe(200);
    }
    const orders: [string, string | null, string, number][] = [
      ['o1', 'Ana', 'won', 100],
      ['o2', 'Ana', 'lost', 50],
      ['o3', 'Bob', 'won', 10],
      ['o4', 'Bob', 'open', 70],
      ['o5', 'Cid', 'open', 5],
      ['o6', null, 'open', 1],
      ['o7', 'Dee', 'won', 300],
    ];
    for (const [title, who, stage, amount] of orders)
      id[title] = await post('/orders', { title, customerId: who && id[who], stage, amount });
    await post('/lines', { orderId: id.o1, sku: 'A' });
    await post('/lines', { orderId: id.o3, sku: 'B' });
  });

  const get = async (url: string): Promise<Res> => {
    const res = await server().request('GET', url);
    expect(res.status, `${url}: ${res.text}`).toBe(200);
    return res;
  };
  const titles = async (url: string) => (await get(url)).json.map((o: { title: string }) => o.title);
  const names = async (url: string) => (await get(url)).json.map((o: { name: string }) => o.name).sort();

  it('filters through a to-one relation, at depth 1, 2 and 3; a null reference never matches', async () => {
    expect(await titles('/orders?customer.status=active&sort=id')).toEqual(['o1', 'o2']);
    expect(await titles('/orders?customer.company.name=Acme&sort=id')).toEqual(['o1', 'o2', 'o7']);
    expect(
      (await get('/lines?order.customer.company.country=ES')).json.map((l: { sku: string }) => l.sku),
    ).toEqual(['A']);
    // o6 has no customer: no filter on the customer's fields matches it, not even [null]=true.
    expect(await titles('/orders?customer.status[null]=true&sort=id')).toEqual(['o7']);
    expect(await titles('/orders?customer.status[ne]=active&sort=id')).toEqual(['o3', 'o4', 'o5', 'o7']);
    // Combined with direct filters and counted alike.
    const res = await get('/orders?customer.company.name=Acme&stage=won&count=true&sort=id');
    expect(res.json.map((o: { title: string }) => o.title)).toEqual(['o1', 'o7']);
    expect(res.headers.get('x-total-count')).toBe('2');
  });

  it('applies every operator of the related field’s type, exactly as a direct filter does', async () => {
    const cases: [string, string[]][] = [
      ['customer.name=Ana', ['o1', 'o2']],
      [`customer.id=${id.Bob}`, ['o3', 'o4']],
      ['customer.status[in]=lead,churned', ['o3', 'o4', 'o5']],
      ['customer.status[nin]=active', ['o3', 'o4', 'o5', 'o7']],
      ['customer.score[gt]=4', ['o1', 'o2', 'o3', 'o4']],
      ['customer.score[gte]=5', ['o1', 'o2', 'o3', 'o4']],
      ['customer.score[lt]=5', ['o7']],
      ['customer.score[lte]=2', ['o7']],
      ['customer.name[ilike]=an*', ['o1', 'o2']],
      ['customer.name[like]=*e', ['o7']],
      ['customer.name[like]=a*', []],
      ['customer.vip=false', ['o3', 'o4', 'o7']],
      ['customer.deletedAt[null]=true', ['o1', 'o2', 'o5', 'o7']],
      ['customer.deletedAt[null]=false', ['o3', 'o4']],
      ['customer.deletedAt[gt]=2023-06-01T00:00:00Z', ['o3', 'o4']],
      ['customer.companyId[null]=true', ['o5']],
    ];
    for (const [filter, expected] of cases)
      expect(await titles(`/orders?${filter}&sort=id`), filter).toEqual(expected);
  });

  it('sorts through to-one relations; cursor pages lose and repeat no row, nulls first as lists order them', async () => {
    const expected = ['o6', 'o2', 'o1', 'o4', 'o3', 'o5', 'o7'];
    expect(await titles('/orders?sort=customer.name,-id&limit=100')).toEqual(expected);
    const seen: string[] = [];
    let url: string | undefined = '/orders?sort=customer.name,-id&limit=2';
    let last: Res | undefined;
    while (url) {
      last = await get(url);
      seen.push(...last.json.map((o: { title: string }) => o.title));
      url = /<([^>]+)>; rel="next"/.exec(last.headers.get('link') ?? '')?.[1];
      if (url) url = url.replace(/^https?:\/\/[^/]+/, '');
    }
    expect(seen).toEqual(expected);
    // Backwards from the last page with its prev link.
    const prev = /<([^>]+)>; rel="prev"/.exec(last!.headers.get('link') ?? '')?.[1];
    expect(await titles(prev!)).toEqual(['o3', 'o5']);
    // Descending: nulls last; and offset paging.
    expect(await titles('/orders?sort=-customer.name,id')).toEqual([
      'o7',
      'o5',
      'o3',
      'o4',
      'o1',
      'o2',
      'o6',
    ]);
    expect(await titles('/orders?sort=customer.name,-id&limit=3&offset=3')).toEqual(['o4', 'o3', 'o5']);
    // Exports (CSV, NDJSON) take the same filters and order.
    const csv = await server().request(
      'GET',
      '/orders?customer.status[ne]=churned&sort=customer.name,-id&fields=title',
      {
        headers: { accept: 'text/csv' },
      },
    );
    expect(csv.status, csv.text).toBe(200);
    expect(csv.text.trim().split(/\r\n/)).toEqual(['title', 'o2', 'o1', 'o4', 'o3', 'o7']);
    const nd = await server().request('GET', '/orders?sort=-customer.name&fields=title', {
      headers: { accept: 'application/x-ndjson' },
    });
    expect(
      nd.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).title),
    ).toEqual(['o7', 'o5', 'o3', 'o4', 'o1', 'o2', 'o6']);
    // Two levels deep, with a filter through another relation.
    expect(await titles('/orders?sort=customer.company.name,id')).toEqual([
      'o5',
      'o6',
      'o1',
      'o2',
      'o7',
      'o3',
      'o4',
    ]);
    expect(await titles('/orders?customer.score[gte]=2&sort=-customer.score')).toEqual([
      'o3',
      'o4',
      'o1',
      'o2',
      'o7',
    ]);
    // A non-text sort value in a cursor (integers, booleans) is carried exactly.
    const first = await get('/orders?sort=customer.vip,customer.score&limit=4');
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')![1];
    const rest = await get(next.replace(/^https?:\/\/[^/]+/, ''));
    const all = [...first.json, ...rest.json].map((o: { title: string }) => o.title);
    expect(all).toEqual(await titles('/orders?sort=customer.vip,customer.score&limit=100'));
    expect(new Set(all).size).toBe(7);
  });

  it('to-many: at least one related row, every condition on the same row, counts of related rows', async () => {
    expect(await names('/customers?orders.stage=won')).toEqual(['Ana', 'Bob', 'Dee']);
    // Bob has a won order (10) and an order over 60 (open): not one order that is both.
    expect(await names('/customers?orders.stage=won&orders.amount[gt]=60')).toEqual(['Ana', 'Dee']);
    expect(await names('/customers?orders.count[gt]=1')).toEqual(['Ana', 'Bob']);
    expect(await names('/customers?orders.count=0')).toEqual(['Eve']);
    expect(await names('/customers?orders.count[eq]=0')).toEqual(['Eve']);
    expect(await names('/customers?orders.count[ne]=2')).toEqual(['Cid', 'Dee', 'Eve']);
    expect(await names('/customers?orders.count[gte]=2')).toEqual(['Ana', 'Bob']);
    expect(await names('/customers?orders.count[lt]=1')).toEqual(['Eve']);
    expect(await names('/customers?orders.count[lte]=1')).toEqual(['Cid', 'Dee', 'Eve']);
    // Through two to-many relations, and to-many then to-one.
    expect(await names('/companies?customers.orders.stage=won')).toEqual(['Acme', 'Beta']);
    expect(await names('/companies?customers.orders.amount[gt]=200')).toEqual(['Acme']);
    expect(await names('/companies?customers.orders.count[gt]=1')).toEqual(['Acme', 'Beta']);
    expect(await names('/customers?orders.lines.sku=B')).toEqual(['Bob']);
    expect(await titles('/orders?customer.orders.count[gte]=2&sort=id')).toEqual(['o1', 'o2', 'o3', 'o4']);
    const counted = await get('/customers?orders.stage=won&count=true');
    expect(counted.headers.get('x-total-count')).toBe('3');
  });

  it('a resource related to itself: filters and sorts through its own table', async () => {
    expect(await names('/customers?manager.name=Ana')).toEqual(['Bob']);
    expect(await names('/customers?manager.manager.name=Ana')).toEqual(['Dee']);
    expect(await names('/customers?customers.name=Dee')).toEqual(['Bob']);
    expect(await names('/customers?customers.count=0&managerId[null]=true')).toEqual(['Cid', 'Eve']);
    const sorted = await get('/customers?sort=manager.name,id&fields=name');
    expect(sorted.json.map((c: { name: string }) => c.name)).toEqual(['Ana', 'Cid', 'Eve', 'Bob', 'Dee']);
  });

  it('answers 400 INVALID_QUERY_PARAMETER naming the parameter for every kind of bad input', async () => {
    const cases: [string, string, RegExp][] = [
      ['/orders?custmer.status=active', 'custmer.status', /no relation "custmer".*Did you mean "customer"/],
      [
        '/orders?customer.stauts=active',
        'customer.stauts',
        /customers has no field "stauts".*Did you mean "status"/,
      ],
      ['/orders?title.x=1', 'title.x', /"title" is a field, not a relation/],
      [
        '/lines?order.customer.company.customers.name=x',
        'order.customer.company.customers.name',
        /at most 3/,
      ],
      ['/orders?customer.score[like]=1*', 'customer.score[like]', /like works on text fields only/],
      ['/orders?customer.name[near]=x', 'customer.name[near]', /unknown operator "near"/],
      ['/orders?customer.score[gt]=abc', 'customer.score[gt]', /"abc" is not/],
      ['/orders?customer.status=gone', 'customer.status', /"gone" is not/],
      ['/orders?customer.deletedAt[null]=maybe', 'customer.deletedAt[null]', /true or false/],
      ['/customers?orders.count[like]=1', 'orders.count[like]', /count takes eq, ne, gt, gte, lt or lte/],
      ['/customers?orders.count[gt]=-1', 'orders.count[gt]', /not a count/],
      ['/orders?customer.count=1', 'customer.count', /customers has no field "count"/],
      ['/customers?sort=orders.amount', 'sort', /orders is a to-many relation/],
      ['/orders?sort=custmer.name', 'sort', /no relation "custmer".*Did you mean "customer"/],
      ['/orders?sort=customer.tags', 'sort', /customers has no field "tags"/],
    ];
    for (const [url, parameter, message] of cases) {
      const res = await server().request('GET', url);
      expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
      expect(res.json[0].parameter, url).toBe(parameter);
      expect(res.json[0].internalMessage, url).toMatch(message);
    }
    // Bulk DELETE takes its own fields only, and says so.
    const del = await server().request('DELETE', '/orders?customer.status=churned');
    expectEnvelope(del, 400, 'INVALID_QUERY_PARAMETER');
    expect(del.json[0]).toMatchObject({ parameter: 'customer.status' });
    expect(del.json[0].internalMessage).toMatch(/apply to lists \(GET\)/);
    expect(await titles('/orders?customer.status=churned')).toEqual(['o5']);
    // Every problem at once.
    const both = await server().request('GET', '/orders?custmer.x=1&customer.score[gt]=abc');
    expect(both.json.map((e: { parameter: string }) => e.parameter).sort()).toEqual([
      'custmer.x',
      'customer.score[gt]',
    ]);
    // A change stream hears only of its own resource: relation filters are refused there.
    const sse = await server().request('GET', '/orders?customer.status=active', {
      headers: { accept: 'text/event-stream' },
    });
    expectEnvelope(sse, 400, 'INVALID_QUERY_PARAMETER');
    expect(sse.json[0].parameter).toBe('customer.status');
  });

  it('the client sends dotted where keys and sort keys as they are', async () => {
    const api = createClient({ baseUrl: server().url });
    const page = await api.orders.list({
      where: { 'customer.status': ['active', 'lead'], 'customer.score': { gte: 5 } },
      sort: ['-customer.name', 'id'],
    });
    expect(page.items.map((o) => o.title)).toEqual(['o3', 'o4', 'o1', 'o2']);
    const many = await api.customers.list({ where: { 'orders.count': { gt: 1 }, 'orders.stage': 'won' } });
    expect(many.items.map((c) => c.name).sort()).toEqual(['Ana', 'Bob']);
  });

  it('index advice and the query plan take dotted names', async () => {
    const model = buildModel(parseConfigText(YAML, 'verbo.yaml'));
    const orders = model.byName.get('orders')!;
    const plan = parseListQuery(model, orders, {
      'customer.status': 'active',
      sort: 'customer.name',
      stage: 'won',
    });
    const query: ListQuery = scopeRelations(plan.query, () => []);
    expect(indexFor(query)).toEqual(['stage']);
    const shape = await server().store.explain(orders, query);
    expect(typeof shape.detail).toBe('string');
    expect(
      adviceFor(orders, query, { ...shape, sortsRows: true, scansTable: false }, 10_000, 1),
    ).toBeUndefined();
  });
});

const SECURE = `
name: relsecure
auth: { registration: closed }
resources:
  customers:
    access: { read: authenticated, write: role:sales }
    fields:
      name: { type: string, required: true }
      creditLimit: { type: number, access: { read: role:sales, write: role:sales } }
  orders:
    access: { read: owner, write: owner }
    fields:
      customerId: { type: reference, to: customers, required: true }
      stage: { type: enum, values: [open, won, lost] }
  notes:
    access:
      read: "record.visibility == 'public' || 'sales' in caller.roles"
      write: role:sales
    fields:
      customerId: { type: reference, to: customers, required: true }
      visibility: { type: enum, values: [public, private], required: true }
  tasks:
    access: { read: authenticated, write: authenticated }
    fields:
      orderId: { type: reference, to: orders, required: true }
      label: { type: string, required: true }
  audits:
    access: { read: role:admin, write: role:admin }
    fields:
      customerId: { type: reference, to: customers, required: true }
      note: { type: string }
`;

describeEachStore('relation filters and access rules of the related resource', (_target, getDb) => {
  let s: AuthServer;
  let ann: { cookie: string };
  let bo: { cookie: string };
  let sam: { cookie: string };
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: SECURE });
    await addUser(s, 'ann@example.com', 'ann-password-123');
    await addUser(s, 'bo@example.com', 'bo-password-123');
    await addUser(s, 'sam@example.com', 'sam-password-123', ['sales']);
    ann = await signIn(s, 'ann@example.com', 'ann-password-123');
    bo = await signIn(s, 'bo@example.com', 'bo-password-123');
    sam = await signIn(s, 'sam@example.com', 'sam-password-123');
    const make = async (path: string, body: object, headers: { cookie: string }) => {
      const res = await s.request('POST', path, { body, headers });
      expect(res.status, res.text).toBe(201);
      return res.json.id as number;
    };
    ids.X = await make('/customers', { name: 'X', creditLimit: 100 }, sam);
    ids.Y = await make('/customers', { name: 'Y', creditLimit: 5 }, sam);
    await make('/orders', { customerId: ids.X, stage: 'won' }, ann);
    await make('/orders', { customerId: ids.X, stage: 'won' }, ann);
    await make('/orders', { customerId: ids.Y, stage: 'open' }, bo);
    const annOrder = await make('/orders', { customerId: ids.Y, stage: 'lost' }, ann);
    const boOrder = await make('/orders', { customerId: ids.Y, stage: 'won' }, bo);
    await make('/tasks', { orderId: annOrder, label: 'ann-task' }, ann);
    await make('/tasks', { orderId: boOrder, label: 'bo-task' }, bo);
    await make('/notes', { customerId: ids.X, visibility: 'private' }, sam);
    await make('/notes', { customerId: ids.Y, visibility: 'public' }, sam);
  });
  afterAll(() => s.close());

  const names = async (url: string, headers: { cookie: string }) => {
    const res = await s.request('GET', url, { headers });
    expect(res.status, res.text).toBe(200);
    return res.json.map((c: { name: string }) => c.name).sort();
  };

  it('an owner finds parents only through the children they may read, and counts only those', async () => {
    expect(await names('/customers?orders.stage=won', ann)).toEqual(['X']);
    expect(await names('/customers?orders.stage=won', bo)).toEqual(['Y']); // not X: those are Ann's
    expect(await names('/customers?orders.count[gte]=1', bo)).toEqual(['Y']);
    expect(await names('/customers?orders.count=2', ann)).toEqual(['X']);
    // Y has three orders, one of them Ann's: she counts one.
    expect(await names('/customers?orders.count=1', ann)).toEqual(['Y']);
    // Expression rules: private notes count only for sales.
    expect(await names('/customers?notes.visibility[in]=public,private', ann)).toEqual(['Y']);
    expect(await names('/customers?notes.count[gt]=0', sam)).toEqual(['X', 'Y']);
    // To-one: an order the caller may not read matches no filter and sorts as null.
    const labels = async (url: string, headers: { cookie: string }) =>
      (await s.request('GET', url, { headers })).json.map((t: { label: string }) => t.label);
    expect(await labels('/tasks?order.stage[in]=won,lost', bo)).toEqual(['bo-task']);
    expect(await labels('/tasks?order.stage[in]=won,lost', ann)).toEqual(['ann-task']);
    expect(await labels('/tasks?sort=-order.stage', bo)).toEqual(['bo-task', 'ann-task']);
    expect(await labels('/tasks?sort=-order.stage', ann)).toEqual(['ann-task', 'bo-task']);
    // Through a resource the caller may not read at all: refused as a direct read (or embed) would be.
    const refused = await s.request('GET', '/customers?audits.note=x', { headers: ann });
    expectEnvelope(refused, 403, 'FORBIDDEN');
    expectEnvelope(await s.request('GET', '/customers?audits.count=0', { headers: ann }), 403, 'FORBIDDEN');
  });

  it('a related field the caller may not read cannot be filtered or sorted on (the 403 of a direct filter)', async () => {
    const direct = await s.request('GET', '/customers?creditLimit[gt]=10', { headers: ann });
    expectEnvelope(direct, 403, 'FORBIDDEN');
    const related = await s.request('GET', '/orders?customer.creditLimit[gt]=10', { headers: ann });
    expectEnvelope(related, direct.status, direct.json[0].code);
    expect(related.json[0].parameter).toBe('customer.creditLimit[gt]');
    const sorted = await s.request('GET', '/orders?sort=customer.creditLimit', { headers: ann });
    expectEnvelope(sorted, 403, 'FORBIDDEN');
    expect(sorted.json[0].parameter).toBe('sort');
    // Sales may: Ann's orders are hers, but Sam sees no order (owner rule), and filters customers by it.
    const ok = await s.request('GET', '/orders?customer.creditLimit[gt]=10&sort=customer.creditLimit', {
      headers: sam,
    });
    expect(ok.status, ok.text).toBe(200);
    const notes = await s.request('GET', '/notes?customer.creditLimit[gt]=10', { headers: sam });
    expect(notes.json.map((n: { customerId: number }) => n.customerId)).toEqual([ids.X]);
  });
});

/** Type checks only (tsc): one relation deep keys and values are typed; deeper paths are loose. */
// biome-ignore lint/suspicious/noExportsInTest: exported so tsc checks it and vitest never runs it (types only).
export function clientTypes(api: VerboClient<Resources>): void {
  void api.orders.list({
    where: { 'customer.status': 'active', 'customer.name': { ilike: 'an*' } },
    sort: ['customer.name', '-id'],
  });
  void api.customers.list({ where: { 'orders.stage': ['won', 'lost'], 'orders.count': { gt: 3 } } });
  void api.orders.list({ where: { 'customer.orders.count': 1 }, sort: '-customer.company.name' });
  // @ts-expect-error customers has no field nope
  void api.orders.list({ where: { 'customer.nope': 1 } });
  // @ts-expect-error a value the related field's type cannot hold
  void api.orders.list({ where: { 'customer.status': 'gone' } });
  // @ts-expect-error no sort through a to-many relation
  void api.customers.list({ sort: 'orders.amount' });
}

describe('relation filter parsing', () => {
  it('OpenAPI: list operations say how to filter through relations; sort patterns take to-one paths', () => {
    const doc = buildOpenApi(buildModel(parseConfigText(YAML, 'verbo.yaml')), {
      errorCodes: ERROR_CATALOGUE,
    }) as {
      paths: Record<string, { get: { description: string } }>;
      components: { parameters: Record<string, { schema: { pattern: string } }> };
    };
    expect(doc.paths['/orders'].get.description).toContain('`customer.<field>[op]=v`');
    expect(doc.paths['/companies'].get.description).toContain('`customers.count[gt]=N`');
    const sort = (r: string) => new RegExp(doc.components.parameters[`${r}.sort`].schema.pattern);
    expect(sort('orders').test('customer.name,-id')).toBe(true);
    expect(sort('lines').test('-order.customer.company.name')).toBe(true);
    expect(sort('customers').test('orders.amount')).toBe(false);
  });

  it('puts every filter on one relation path into one EXISTS (the same related row)', () => {
    const model = buildModel(parseConfigText(YAML, 'verbo.yaml'));
    const plan = parseListQuery(model, model.byName.get('customers')!, {
      'orders.stage': 'won',
      'orders.amount[gt]': '60',
      'orders.lines.sku': 'A',
      'orders.count[gt]': '1',
    });
    expect(plan.query.where.map((f) => `${f.field}:${f.op}`)).toEqual([
      'orders:exists',
      'orders.count:count',
    ]);
    const inner = (plan.query.where[0].value as { where: { field: string; op: string }[] }).where;
    expect(inner.map((f) => `${f.field}:${f.op}`)).toEqual(['stage:eq', 'amount:gt', 'orders.lines:exists']);
  });
});

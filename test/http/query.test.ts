/** docs/query.md filters, sort and select on the CRM example (and on typed fields), through HTTP, on every store. */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CRM_CONFIG, expectEnvelope, useServer } from '../support/http-harness.js';
import { createAll, idsOf, type Rec, sortLike } from '../support/query-fixtures.js';
import { describeEachStore } from '../support/store-targets.js';

const enc = encodeURIComponent;

/** Ten customers whose names exercise like/ilike, byte-order sorting and ties. */
const CUSTOMERS: Rec[] = [
  { name: 'Ana', phone: '+34 1', company: 'Acme', status: 'lead' },
  { name: 'anabel', phone: null, company: 'Acme', status: 'active' },
  { name: '100% Real', phone: '+34 3', company: null, status: 'active' },
  { name: 'a_b', phone: null, company: 'Globex', status: 'churned' },
  { name: 'axb', phone: '+34 5', company: 'Globex', status: 'lead' },
  { name: 'Bob', phone: null, company: 'Acme', status: 'active' },
  { name: 'back\\slash', phone: '+34 7', company: null, status: 'lead' },
  { name: 'q"u\\o{t}e', phone: null, company: 'Initech', status: 'churned' },
  { name: 'Bob', phone: '+34 9', company: 'Acme', status: 'churned' },
  { name: 'Zed*star', phone: null, company: null, status: 'active' },
].map((c, i) => ({ ...c, email: `q${i}@example.com` }));

describeEachStore('collection filters, sort and select on the CRM example', (_target, getDb) => {
  const server = useServer(getDb);
  let c: Rec[] = [];
  /** ids of the customers at these positions of CUSTOMERS. */
  const at = (...i: number[]) => i.map((n) => c[n].id);
  const list = async (query: string) =>
    idsOf(await server().request('GET', `/customers?limit=1000&${query}`));

  beforeAll(async () => {
    c = await createAll(server(), '/customers', CUSTOMERS);
    await new Promise((r) => setTimeout(r, 5));
    const patched = await server().request('PATCH', `/customers/${c[2].id}`, { body: { phone: '+34 33' } });
    expect(patched.status).toBe(200);
    c[2] = patched.json;
  });

  it.each([
    ['name[like]=Ana*', [0]],
    ['name[ilike]=ana*', [0, 1]],
    ['name[ilike]=ANA', [0]],
    [`name[like]=${enc('*%*')}`, [2]],
    [`name[like]=${enc('100%*')}`, [2]],
    [`name[like]=${enc('1%')}`, []],
    ['name[like]=a_b', [3]],
    ['name[ilike]=A_B', [3]],
    ['name[like]=*b', [3, 4, 5, 8]],
    ['name[ilike]=*B', [3, 4, 5, 8]],
    [`name[like]=${enc('back\\slash')}`, [6]],
    [`name[like]=${enc('q"u\\o{t}*')}`, [7]],
    ['name[like]=Zed*', [9]],
    ['name[like]=*', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['email[ilike]=*@EXAMPLE.COM', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['status[like]=ch*', [3, 7, 8]],
  ])('like/ilike: `*` is the wildcard, %% and _ are literal: %s', async (query, expected) => {
    expect(await list(query)).toEqual(at(...expected));
  });

  it.each([
    ['name=Bob', [5, 8]],
    [`name=${enc('q"u\\o{t}e')}`, [7]],
    [`name[in]=${enc('q"u\\o{t}e,Ana,nobody')}`, [0, 7]],
    ['name[gt]=a', [1, 3, 4, 6, 7]],
    ['name[lt]=B', [0, 2]],
    ['status=active', [1, 2, 5, 9]],
    ['status[eq]=active', [1, 2, 5, 9]],
    ['status[ne]=active', [0, 3, 4, 6, 7, 8]],
    ['status[in]=lead,churned', [0, 3, 4, 6, 7, 8]],
    ['status[nin]=lead', [1, 2, 3, 5, 7, 8, 9]],
    ['company[ne]=Acme', [2, 3, 4, 6, 7, 9]],
    ['company[nin]=Acme,Globex', [2, 6, 7, 9]],
    ['phone[null]=true', [1, 3, 5, 7, 9]],
    ['phone[null]=false', [0, 2, 4, 6, 8]],
    ['company[null]=true', [2, 6, 9]],
    ['tags[null]=true', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['status=active&company=Acme', [1, 5]],
    ['status[in]=lead,churned&phone[null]=false&name[ne]=Ana', [4, 6, 8]],
    ['name[like]=*a*&name[like]=*b*', [1, 3, 4, 6]],
  ])('filters and ANDs them: %s', async (query, expected) => {
    expect(await list(query)).toEqual(at(...expected));
  });

  it('filters on id', async () => {
    expect(await list(`id=${c[2].id}`)).toEqual(at(2));
    expect(await list(`id[gt]=${c[7].id}`)).toEqual(at(8, 9));
    expect(await list(`id[lte]=${c[1].id}`)).toEqual(at(0, 1));
    expect(await list(`id[in]=${c[0].id},${c[2].id},999999`)).toEqual(at(0, 2));
    expect(await list(`id[nin]=${c[0].id},${c[1].id}`)).toEqual(at(2, 3, 4, 5, 6, 7, 8, 9));
    expect(await list(`id[ne]=${c[0].id}&id[lt]=${c[3].id}`)).toEqual(at(1, 2));
    expect(await list('id[null]=true')).toEqual([]);
  });

  it('filters on createdAt and updatedAt (any RFC 3339 offset)', async () => {
    const pivot = c[5].createdAt as string;
    const expectIds = (pred: (r: Rec) => boolean) => c.filter(pred).map((r) => r.id);
    expect(await list(`createdAt[gte]=${pivot}`)).toEqual(expectIds((r) => r.createdAt >= pivot));
    expect(await list(`createdAt[lt]=${pivot}`)).toEqual(expectIds((r) => r.createdAt < pivot));
    expect(await list(`createdAt=${pivot}`)).toEqual(expectIds((r) => r.createdAt === pivot));
    expect(await list(`createdAt[ne]=${pivot}`)).toEqual(expectIds((r) => r.createdAt !== pivot));
    const newestCreate = c
      .map((r) => r.createdAt as string)
      .sort()
      .at(-1)!;
    expect(await list(`updatedAt[gt]=${newestCreate}`)).toEqual(at(2));
    // The same instant written with a +02:00 offset.
    const t = new Date(newestCreate);
    const shifted = new Date(t.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(await list(`updatedAt[gt]=${enc(shifted)}`)).toEqual(at(2));
    expect(await list(`createdAt[like]=${pivot.slice(0, 4)}-*`)).toHaveLength(10);
  });

  it('sorts by the primary key by default, and by any field with the id breaking ties', async () => {
    expect(await list('')).toEqual(at(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    // Byte order: digits < upper case < `_` < lower case; the two Bobs in id order.
    expect(await list('sort=name')).toEqual(at(2, 0, 5, 8, 9, 3, 1, 4, 6, 7));
    expect(await list('sort=-name')).toEqual(at(7, 6, 4, 1, 3, 9, 5, 8, 0, 2));
    expect(await list('sort=-id')).toEqual(at(9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
    // NULL is the smallest value: first ascending, last descending.
    expect(await list('sort=company')).toEqual(at(2, 6, 9, 0, 1, 5, 8, 3, 4, 7));
    expect(await list('sort=-company')).toEqual(at(7, 3, 4, 0, 1, 5, 8, 2, 6, 9));
    for (const spec of [
      '-createdAt,name',
      'status,-name',
      '-status,phone',
      'updatedAt',
      '-updatedAt,-company',
    ]) {
      expect(await list(`sort=${spec}`), spec).toEqual(sortLike(c, spec).map((r) => r.id));
    }
  });

  it('sort combines with filters and is stable across calls', async () => {
    const a = await list('status[ne]=lead&sort=-createdAt,name');
    expect(a).toEqual(
      sortLike(
        c.filter((r) => r.status !== 'lead'),
        '-createdAt,name',
      ).map((r) => r.id),
    );
    expect(await list('status[ne]=lead&sort=-createdAt,name')).toEqual(a);
  });

  it('fields=id,name selects exactly those fields, in that order', async () => {
    const res = await server().request('GET', '/customers?fields=id,name&sort=-id&limit=3');
    expect(res.status).toBe(200);
    expect(res.json).toEqual([9, 8, 7].map((i) => ({ id: c[i].id, name: c[i].name })));
    for (const r of res.json) expect(Object.keys(r)).toEqual(['id', 'name']);
    const other = await server().request('GET', `/customers?fields=createdAt,phone&id=${c[1].id}`);
    expect(other.json).toEqual([{ createdAt: c[1].createdAt, phone: null }]);
    expect(Object.keys(other.json[0])).toEqual(['createdAt', 'phone']);
    expect(other.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const item = await server().request('GET', `/customers/${c[1].id}?fields=name,id`);
    expect(Object.keys(item.json)).toEqual(['name', 'id']);
    expect(item.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const bad = await server().request('GET', '/customers?fields=id,password');
    expectEnvelope(bad, 400, 'INVALID_QUERY_PARAMETER');
    expect(bad.json[0].parameter).toBe('fields');
  });
});

/** The CRM orders with one field of every other filterable type. */
const TYPED_YAML = readFileSync(CRM_CONFIG, 'utf8').replace(
  /(\n\s+stage: \{[^\n]*\})/,
  `$1
      quantity: integer
      paid: boolean
      dueOn: date
      closedAt: datetime`,
);

const ORDERS: Rec[] = [
  {
    title: 'o1',
    amount: 10.5,
    stage: 'open',
    quantity: 1,
    paid: true,
    dueOn: '2024-01-15',
    closedAt: '2024-01-15T10:00:00Z',
  },
  {
    title: 'o2',
    amount: 99,
    stage: 'won',
    quantity: 5,
    paid: false,
    dueOn: '2024-02-01',
    closedAt: '2024-02-01T00:00:00+02:00',
  },
  { title: 'o3', amount: 0, stage: 'lost', quantity: null, paid: null, dueOn: null, closedAt: null },
  {
    title: 'o4',
    amount: 1000,
    stage: 'open',
    quantity: -3,
    paid: true,
    dueOn: '2023-12-31',
    closedAt: '2023-12-31T23:59:59.999Z',
  },
  {
    title: 'o5',
    amount: 0.25,
    stage: 'won',
    quantity: 5,
    paid: false,
    dueOn: '2024-01-15',
    closedAt: '2024-01-15T10:00:00.001Z',
  },
];

describeEachStore(
  'collection filters on typed fields (integer, number, boolean, date, datetime, enum)',
  (_target, getDb) => {
    const server = useServer(getDb, { yaml: TYPED_YAML });
    let o: Rec[] = [];
    const titles = async (query: string) => {
      const res = await server().request('GET', `/orders?${query}`);
      expect(res.status, res.text).toBe(200);
      return res.json.map((r: Rec) => r.title);
    };

    beforeAll(async () => {
      expect(TYPED_YAML).toContain('closedAt: datetime');
      const [owner] = await createAll(server(), '/customers', [
        { name: 'Owner', email: 'owner@example.com' },
      ]);
      o = await createAll(
        server(),
        '/orders',
        ORDERS.map((x) => ({ ...x, customerId: owner.id })),
      );
      expect(o[1].closedAt).toBe('2024-01-31T22:00:00.000Z');
    });

    it.each([
      ['quantity=5', 'o2 o5'],
      ['quantity[ne]=5', 'o1 o3 o4'],
      ['quantity[gt]=1', 'o2 o5'],
      ['quantity[gte]=1', 'o1 o2 o5'],
      ['quantity[lt]=1', 'o4'],
      ['quantity[lte]=1', 'o1 o4'],
      ['quantity[in]=1,-3', 'o1 o4'],
      ['quantity[nin]=5', 'o1 o3 o4'],
      ['quantity[null]=true', 'o3'],
      ['quantity[null]=false', 'o1 o2 o4 o5'],
      ['amount=99', 'o2'],
      ['amount[gt]=10.5', 'o2 o4'],
      ['amount[gte]=1e3', 'o4'],
      ['amount[lt]=0.5', 'o3 o5'],
      ['amount[in]=0,0.25', 'o3 o5'],
      ['amount[ne]=0', 'o1 o2 o4 o5'],
      ['paid=true', 'o1 o4'],
      ['paid[eq]=false', 'o2 o5'],
      ['paid[ne]=true', 'o2 o3 o5'],
      ['paid[in]=true,false', 'o1 o2 o4 o5'],
      ['paid[null]=true', 'o3'],
      ['dueOn=2024-01-15', 'o1 o5'],
      ['dueOn[gt]=2024-01-15', 'o2'],
      ['dueOn[gte]=2024-01-15', 'o1 o2 o5'],
      ['dueOn[lt]=2024-01-01', 'o4'],
      ['dueOn[lte]=2024-01-15', 'o1 o4 o5'],
      ['dueOn[in]=2024-02-01,2023-12-31', 'o2 o4'],
      ['dueOn[nin]=2024-01-15', 'o2 o3 o4'],
      ['dueOn[like]=2024-01-*', 'o1 o5'],
      ['closedAt=2024-01-15T10:00:00Z', 'o1'],
      [`closedAt=${enc('2024-01-15T11:00:00+01:00')}`, 'o1'],
      ['closedAt[gt]=2024-01-15T10:00:00Z', 'o2 o5'],
      ['closedAt[gte]=2024-01-31T22:00:00.000Z', 'o2'],
      ['closedAt[lt]=2024-01-01T00:00:00Z', 'o4'],
      ['closedAt[lte]=2024-01-15T10:00:00.000Z', 'o1 o4'],
      ['closedAt[in]=2024-01-15T10:00:00Z,2023-12-31T23:59:59.999Z', 'o1 o4'],
      ['closedAt[like]=2024-01-15T*', 'o1 o5'],
      ['closedAt[null]=false&paid=false', 'o2 o5'],
      ['stage=won', 'o2 o5'],
      ['stage[ne]=open', 'o2 o3 o5'],
      ['stage[in]=open,lost', 'o1 o3 o4'],
      ['stage[nin]=won', 'o1 o3 o4'],
      ['stage[gt]=open', 'o2 o5'],
      ['stage=won&quantity=5&dueOn[lt]=2024-02-01', 'o5'],
    ])('%s', async (query, expected) => {
      expect(await titles(query)).toEqual(expected.split(' '));
    });

    it('sorts typed fields with NULL smallest', async () => {
      expect(await titles('sort=quantity')).toEqual(['o3', 'o4', 'o1', 'o2', 'o5']);
      expect(await titles('sort=-quantity')).toEqual(['o2', 'o5', 'o1', 'o4', 'o3']);
      expect(await titles('sort=paid,-amount')).toEqual(['o3', 'o2', 'o5', 'o4', 'o1']);
      expect(await titles('sort=-dueOn,title')).toEqual(['o2', 'o1', 'o5', 'o4', 'o3']);
      expect(await titles('sort=closedAt')).toEqual(['o3', 'o4', 'o1', 'o5', 'o2']);
      expect(await titles('sort=-amount')).toEqual(['o4', 'o2', 'o1', 'o5', 'o3']);
    });

    describe('a value of the wrong type → 400 naming the parameter', () => {
      it.each([
        'quantity=1.5',
        'quantity[gt]=abc',
        'quantity[in]=1,x',
        'quantity=9223372036854775808',
        'amount=abc',
        'amount[lt]=1,5',
        'paid=yes',
        'paid[in]=true,1',
        'dueOn=2024-13-01',
        'dueOn[gt]=2024-02-30',
        'closedAt=yesterday',
        'closedAt[gte]=2024-01-32',
        'stage=pending',
        'stage[in]=open,pending',
        'customerId=abc',
        'id=1.0',
        'createdAt[lt]=now',
        'quantity[like]=1*',
        'paid[null]=yes',
      ])('%s', async (query) => {
        const res = await server().request('GET', `/orders?${query}`);
        expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
        expect(res.json.map((e: Rec) => e.parameter)).toEqual([query.split('=')[0]]);
      });
    });
  },
);

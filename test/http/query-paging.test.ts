/** docs/query.md paging: limit, offset, keyset cursors, RFC 8288 Link, counts; on the CRM example, on every store. */
import { beforeAll, expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { createAll, idsOf, linksOf, type Rec, sortLike, walk } from '../support/query-fixtures.js';
import { describeEachStore } from '../support/store-targets.js';

const STATUSES = ['lead', 'active', 'churned'];
/** 30 customers; names out of id order, several sharing a name; some without a company. */
const CUSTOMERS = Array.from({ length: 30 }, (_, i) => ({
  name: `P${String((i * 7) % 12).padStart(2, '0')}`,
  email: `p${i}@example.com`,
  status: STATUSES[i % 3],
  company: i % 4 === 0 ? null : `Co${i % 5}`,
}));

describeEachStore('collection paging on the CRM example', (_target, getDb) => {
  const server = useServer(getDb);
  let all: Rec[] = [];
  const get = (path: string, headers?: Record<string, string>) => server().request('GET', path, { headers });
  const cursorOf = (url: string) => new URL(url, 'http://x').searchParams.get('cursor')!;

  beforeAll(async () => {
    all = await createAll(server(), '/customers', CUSTOMERS);
  });

  it('limit defaults to 25 and may be 1 to 1000', async () => {
    const page = await get('/customers');
    expect(idsOf(page)).toEqual(all.slice(0, 25).map((r) => r.id));
    expect(idsOf(await get('/customers?limit=1000'))).toEqual(all.map((r) => r.id));
    expect(idsOf(await get('/customers?limit=1'))).toEqual([all[0].id]);
    for (const bad of ['0', '1001', '-1', '2.5', 'ten', '', '1e2']) {
      const res = await get(`/customers?limit=${bad}`);
      expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
      expect(res.json[0].parameter).toBe('limit');
    }
  });

  it('offset pages with next, prev and first links that each lead to their page', async () => {
    const ids = all.map((r) => r.id);
    const first = await get('/customers?limit=10&offset=0');
    expect(idsOf(first)).toEqual(ids.slice(0, 10));
    expect(Object.keys(linksOf(first))).toEqual(['next']);
    const middle = await get(linksOf(first).next);
    expect(idsOf(middle)).toEqual(ids.slice(10, 20));
    const l = linksOf(middle);
    expect(Object.keys(l).sort()).toEqual(['first', 'next', 'prev']);
    expect(idsOf(await get(l.prev))).toEqual(ids.slice(0, 10));
    expect(idsOf(await get(l.first))).toEqual(ids.slice(0, 10));
    const last = await get(l.next);
    expect(idsOf(last)).toEqual(ids.slice(20, 30));
    expect(linksOf(last).next).toBeUndefined();
    expect(idsOf(await get(linksOf(last).prev))).toEqual(ids.slice(10, 20));
    const beyond = await get('/customers?limit=10&offset=30');
    expect(idsOf(beyond)).toEqual([]);
    expect(linksOf(beyond).next).toBeUndefined();
    const odd = await get('/customers?limit=10&offset=5&sort=-id');
    expect(idsOf(odd)).toEqual([...ids].reverse().slice(5, 15));
    expect(idsOf(await get(linksOf(odd).prev))).toEqual([...ids].reverse().slice(0, 10));
    for (const bad of ['-1', 'x', '1.5']) {
      const res = await get(`/customers?offset=${bad}`);
      expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
      expect(res.json[0].parameter).toBe('offset');
    }
  });

  it('cursor pages walk every record forward via next and back via prev, first returns to page one', async () => {
    for (const sort of ['-createdAt,name', 'name', 'company,-status', '-id', 'status']) {
      const expected = sortLike(all, sort).map((r) => r.id);
      const forward = await walk(server(), `/customers?limit=7&sort=${sort}`, 'next');
      expect(forward.map((p) => p.json.length)).toEqual([7, 7, 7, 7, 2]);
      expect(
        forward.flatMap((p) => idsOf(p)),
        sort,
      ).toEqual(expected);
      expect(linksOf(forward[0])).toEqual({ next: expect.stringMatching(/^\/customers\?/) });
      for (const p of forward.slice(1))
        expect(Object.keys(linksOf(p)).sort()).toEqual(
          p === forward.at(-1) ? ['first', 'prev'] : ['first', 'next', 'prev'],
        );
      const lastUrl = linksOf(forward[3]).next;
      const backward = await walk(server(), lastUrl, 'prev');
      expect(
        backward.map((p) => p.json.length),
        sort,
      ).toEqual([2, 7, 7, 7, 7]);
      expect(
        backward.reverse().flatMap((p) => idsOf(p)),
        sort,
      ).toEqual(expected);
      // Reaching the start backwards: no prev, but next and first.
      expect(Object.keys(linksOf(backward[0])).sort()).toEqual(['first', 'next']);
      const firstAgain = await get(linksOf(forward[4]).first);
      expect(firstAgain.json).toEqual(forward[0].json);
      expect(linksOf(firstAgain)).toEqual(linksOf(forward[0]));
    }
  });

  it('links keep the filters, sort and limit, and drop only the page position', async () => {
    const start = '/customers?status=active&company%5Bnull%5D=false&sort=-name&limit=3';
    const pages = await walk(server(), start, 'next');
    const expected = sortLike(
      all.filter((r) => r.status === 'active' && r.company !== null),
      '-name',
    );
    expect(pages.flatMap((p) => idsOf(p))).toEqual(expected.map((r) => r.id));
    const next = new URL(linksOf(pages[0]).next, 'http://x').searchParams;
    expect(Object.fromEntries(next)).toMatchObject({
      status: 'active',
      'company[null]': 'false',
      sort: '-name',
      limit: '3',
    });
    const offsetNext = new URL(linksOf(await get(`${start}&offset=0`)).next, 'http://x').searchParams;
    expect(Object.fromEntries(offsetNext)).toEqual({
      status: 'active',
      'company[null]': 'false',
      sort: '-name',
      limit: '3',
      offset: '3',
    });
  });

  it('no Link header when there is nothing to link', async () => {
    for (const path of [
      '/customers?limit=1000',
      '/customers?limit=30',
      '/customers?name=nobody',
      '/customers?status=lead&limit=10',
    ]) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('link'), path).toBeNull();
    }
    const exact = await get('/customers?limit=15&offset=15');
    expect(Object.keys(linksOf(exact)).sort()).toEqual(['first', 'prev']);
  });

  it('a cursor continues after its boundary even when records around it change (no skips, no repeats)', async () => {
    const temp = await createAll(
      server(),
      '/customers',
      ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'].map((name) => ({
        name,
        email: `${name}@temp.example`,
        company: 'Temp',
      })),
    );
    const page1 = await get('/customers?company=Temp&sort=name&limit=3');
    expect(page1.json.map((r: Rec) => r.name)).toEqual(['T1', 'T2', 'T3']);
    expect((await server().request('DELETE', `/customers/${temp[2].id}`)).status).toBe(204);
    await createAll(
      server(),
      '/customers',
      ['T2b', 'T35'].map((name) => ({ name, email: `${name}@temp.example`, company: 'Temp' })),
    );
    const page2 = await get(linksOf(page1).next);
    expect(page2.json.map((r: Rec) => r.name)).toEqual(['T35', 'T4', 'T5']);
    const back = await get(linksOf(page2).prev);
    expect(back.json.map((r: Rec) => r.name)).toEqual(['T1', 'T2', 'T2b']);
    const cleanup = await server().request('DELETE', '/customers?company=Temp');
    expect(cleanup.json).toEqual({ deleted: 7 });
  });

  it('?count=true and Prefer: count=exact add X-Total-Count of every match, not of the page', async () => {
    const plain = await get('/customers?limit=2');
    expect(plain.headers.get('x-total-count')).toBeNull();
    expect((await get('/customers?limit=2&count=false')).headers.get('x-total-count')).toBeNull();
    const counted = await get('/customers?limit=2&count=true');
    expect(counted.headers.get('x-total-count')).toBe('30');
    expect(counted.json).toHaveLength(2);
    const filtered = await get('/customers?status=active&count=true&limit=1');
    expect(filtered.headers.get('x-total-count')).toBe(
      String(all.filter((r) => r.status === 'active').length),
    );
    const preferred = await get('/customers?status=churned&limit=3', { prefer: 'count=exact' });
    expect(preferred.headers.get('x-total-count')).toBe('10');
    expect(preferred.headers.get('preference-applied')).toBe('count=exact');
    expect(preferred.headers.get('vary')).toMatch(/prefer/i);
    const later = await get(linksOf(preferred).next, { prefer: 'count=exact' });
    expect(later.headers.get('x-total-count')).toBe('10');
    expect((await get('/customers?name=nobody&count=true')).headers.get('x-total-count')).toBe('0');
    const bad = await get('/customers?count=yes');
    expectEnvelope(bad, 400, 'INVALID_QUERY_PARAMETER');
    expect(bad.json[0].parameter).toBe('count');
  });

  it('a tampered, foreign or malformed cursor → 400 naming cursor', async () => {
    const next = linksOf(await get('/customers?limit=5&sort=name')).next;
    const cursor = cursorOf(next);
    const [body, mac] = cursor.split('.');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const decoded = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = Buffer.from(
      JSON.stringify({ ...decoded, v: ["'; DROP TABLE customers; --", 1] }),
    ).toString('base64url');
    for (const title of ['a', 'b']) {
      expect(
        (await server().request('POST', '/orders', { body: { customerId: all[0].id, title, amount: 1 } }))
          .status,
      ).toBe(201);
    }
    // Sorted by id like a customers cursor could be, but issued for another collection.
    const orderCursor = cursorOf(linksOf(await get('/orders?limit=1')).next);
    const cases = [
      `cursor=${flip(body, 3)}.${mac}`,
      `cursor=${body}.${flip(mac, 2)}`,
      `cursor=${forged}.${mac}`,
      `cursor=${body}`,
      `cursor=${cursor}.x`,
      'cursor=',
      'cursor=garbage',
      `cursor=${Buffer.from('{"s":"id","v":[1],"d":"a"}').toString('base64url')}.AAAAAAAAAAAAAAAA`,
      `cursor=${cursor}&offset=5`,
      `cursor=${cursor}&cursor=${cursor}`,
      `cursor=${orderCursor}`,
    ];
    for (const q of cases) {
      const res = await get(`/customers?limit=5&sort=name&${q}`);
      expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
      expect(
        res.json.map((e: Rec) => e.parameter),
        q,
      ).toEqual(['cursor']);
    }
    const otherSort = await get(`/customers?limit=5&sort=-name&cursor=${cursor}`);
    expectEnvelope(otherSort, 400, 'INVALID_QUERY_PARAMETER');
    expect(otherSort.json[0].parameter).toBe('cursor');
    // The genuine cursor, with or without its sort repeated.
    expect(idsOf(await get(`/customers?limit=5&sort=name&cursor=${cursor}`))).toEqual(
      sortLike(all, 'name')
        .slice(5, 10)
        .map((r) => r.id),
    );
    expect(idsOf(await get(`/customers?limit=5&cursor=${cursor}`))).toEqual(
      sortLike(all, 'name')
        .slice(5, 10)
        .map((r) => r.id),
    );
  });

  it('a list answers If-None-Match with 304, and HEAD like GET without a body', async () => {
    const res = await get('/customers?limit=3&count=true');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    expect((await get('/customers?limit=3&count=true', { 'if-none-match': etag })).status).toBe(304);
    expect((await get('/customers?limit=4&count=true', { 'if-none-match': etag })).status).toBe(200);
    const head = await server().request('HEAD', '/customers?limit=3&count=true');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('link')).toBe(res.headers.get('link'));
    expect(head.headers.get('x-total-count')).toBe('30');
  });
});

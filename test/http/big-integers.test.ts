/**
 * docs/http-semantics.md: JSON numbers never lose precision silently. Integer ids, references and integer
 * fields beyond ±(2^53 − 1) are read, addressed, filtered and written as digit strings, exactly,
 * on every store; a JSON number beyond 2^53 in a body is refused (its digits are already lost).
 */
import { beforeAll, expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { documentChecker } from '../openapi/openapi-conformance.js';
import { expectEnvelope, type Res, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: big
resources:
  customers:
    fields:
      name: { type: string, required: true }
  orders:
    fields:
      customerId: { type: reference, to: customers, required: true, onDelete: restrict }
      title: { type: string, required: true }
      quantity: { type: integer }
      small: { type: integer, minimum: 0, maximum: 100 }
`;

const BIG = '9007199254740993'; // 2^53 + 1: as a JSON number it would arrive as …992
const NEXT = '9007199254740994';
const INT64_MAX = '9223372036854775807';
const INT64_MIN = '-9223372036854775808';

const ids = (res: Res) => res.json.map((r: { id: unknown }) => r.id);

describeEachStore('integers beyond 2^53 are exact (docs/http-semantics.md)', (_target, getDb) => {
  const server = useServer(getDb, { yaml: YAML });
  const customers = buildModel(parseConfigText(YAML, 'verbo.yaml')).byName.get('customers')!;
  let small: number;

  beforeAll(async () => {
    small = (await server().request('POST', '/customers', { body: { name: 'small' } })).json.id;
    // Auto ids cannot be chosen over HTTP: the row goes in through the store, which also moves the
    // id sequence past it (SQLite AUTOINCREMENT, PostgreSQL setval), so the next POST gets BIG + 1.
    const row = await server().store.insert(customers, { id: BIG, name: 'big' });
    expect(row.id).toBe(BIG);
  });

  it('reads: a big id is the string of its exact digits, a safe one stays a number; POST continues the sequence', async () => {
    const got = await server().request('GET', `/customers/${BIG}`);
    expect(got.status).toBe(200);
    expect(got.text).toContain(`"id":"${BIG}"`);
    expect(got.json).toMatchObject({ id: BIG, name: 'big' });
    expect((await server().request('GET', `/customers/${small}`)).json.id).toBe(small);
    const created = await server().request('POST', '/customers', { body: { name: 'next' } });
    expect(created.status).toBe(201);
    expect(created.json.id).toBe(NEXT);
    expect(created.headers.get('location')).toBe(`/customers/${NEXT}`);
    expect((await server().request('GET', `/customers/${NEXT}`)).json.name).toBe('next');
  });

  it('lists and pages in numeric order, with cursors that keep the digits', async () => {
    expect(ids(await server().request('GET', '/customers'))).toEqual([small, BIG, NEXT]);
    expect(ids(await server().request('GET', '/customers?sort=-id'))).toEqual([NEXT, BIG, small]);
    const seen: unknown[] = [];
    let url: string | undefined = '/customers?limit=1&sort=-id';
    while (url) {
      const page = await server().request('GET', url);
      expect(page.status).toBe(200);
      seen.push(...ids(page));
      url = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    }
    expect(seen).toEqual([NEXT, BIG, small]);
  });

  it('filters match exactly; a value beyond 64 bits is a 400 naming the parameter', async () => {
    const q = async (query: string) => ids(await server().request('GET', `/customers?${query}`));
    expect(await q(`id=${BIG}`)).toEqual([BIG]);
    expect(await q('id=9007199254740992')).toEqual([]);
    expect(await q(`id[in]=${small},${NEXT}`)).toEqual([small, NEXT]);
    expect(await q(`id[nin]=${BIG}`)).toEqual([small, NEXT]);
    expect(await q(`id[gt]=${BIG}`)).toEqual([NEXT]);
    expect(await q(`id[lte]=${BIG}`)).toEqual([small, BIG]);
    expect(await q(`id[lt]=${INT64_MAX}&id[gt]=${INT64_MIN}`)).toEqual([small, BIG, NEXT]);
    expect(await q(`id=${INT64_MIN}`)).toEqual([]);
    for (const bad of [
      'id=9223372036854775808',
      'id[in]=1,-9223372036854775809',
      'id=99999999999999999999',
    ]) {
      const res = await server().request('GET', `/customers?${bad}`);
      expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
      expect(res.json[0].parameter).toBe(bad.split('=')[0]);
      expect(res.json[0].internalMessage).toMatch(/signed 64-bit/);
    }
  });

  it('addresses items by the exact id; ids beyond the 64-bit range or absent → 404', async () => {
    for (const id of [INT64_MAX, '9223372036854775808', '99999999999999999999', '9007199254740995']) {
      for (const method of ['GET', 'DELETE', 'PATCH', 'PUT']) {
        const body = method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' };
        expectEnvelope(await server().request(method, `/customers/${id}`, { body }), 404, 'RECORD_NOT_FOUND');
      }
    }
    expectEnvelope(await server().request('GET', `/customers/${BIG}0`), 404, 'RECORD_NOT_FOUND');
  });

  it('PATCH and PUT write the record with that id; the body echoes the id as a string, not as a rounded number', async () => {
    const merged = await server().request('PATCH', `/customers/${BIG}`, { body: { name: 'renamed' } });
    expect(merged.status).toBe(200);
    expect(merged.json).toMatchObject({ id: BIG, name: 'renamed' });
    const patched = await server().request('PATCH', `/customers/${BIG}`, {
      raw: JSON.stringify([
        { op: 'test', path: '/id', value: BIG },
        { op: 'replace', path: '/name', value: 'patched' },
      ]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({ id: BIG, name: 'patched' });
    const put = await server().request('PUT', `/customers/${BIG}`, {
      body: { ...patched.json, name: 'put' },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({ id: BIG, name: 'put' });
    const rounded = await server().request('PUT', `/customers/${BIG}`, {
      raw: `{"id":${BIG},"name":"rounded"}`,
      headers: { 'content-type': 'application/json' },
    });
    expectEnvelope(rounded, 422, 'VALIDATION_FAILED');
    expect(rounded.json[0].pointer).toBe('/id');
    expect((await server().request('GET', `/customers/${BIG}`)).json.name).toBe('put');
  });

  it('creates an order that references the big id, given as a string; reads it back everywhere', async () => {
    const created = await server().request('POST', '/orders', {
      body: { customerId: BIG, title: 'o1', quantity: INT64_MAX, small: 7 },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ customerId: BIG, quantity: INT64_MAX, small: 7 });
    expect(created.text).toContain(`"quantity":"${INT64_MAX}"`);
    const nested = await server().request('POST', `/customers/${BIG}/orders`, {
      body: { title: 'o2', quantity: INT64_MIN },
    });
    expect(nested.status, nested.text).toBe(201);
    expect(nested.json).toMatchObject({ customerId: BIG, quantity: INT64_MIN });
    const again = await server().request('POST', `/customers/${BIG}/orders`, {
      body: { customerId: BIG, title: 'o3', quantity: 5 },
    });
    expect(again.status, again.text).toBe(201);
    expect(again.json.quantity).toBe(5);

    const titles = async (path: string) =>
      (await server().request('GET', path)).json.map((o: { title: string }) => o.title);
    expect(await titles(`/orders?customerId=${BIG}`)).toEqual(['o1', 'o2', 'o3']);
    expect(await titles(`/orders?customerId[in]=${small},${BIG}&sort=-quantity`)).toEqual(['o1', 'o3', 'o2']);
    expect(await titles(`/orders?quantity=${INT64_MAX}`)).toEqual(['o1']);
    expect(await titles(`/orders?quantity[lt]=-9007199254740992`)).toEqual(['o2']);
    expect(await titles(`/customers/${BIG}/orders`)).toEqual(['o1', 'o2', 'o3']);
    const embedded = await server().request('GET', `/orders?title=o1&embed=customer`);
    expect(embedded.json[0].customer).toMatchObject({ id: BIG, name: 'put' });
    const parents = await server().request('GET', `/customers?id=${BIG}&embed=orders`);
    expect(parents.json[0].orders.map((o: { title: string }) => o.title)).toEqual(['o1', 'o2', 'o3']);
    const moved = await server().request('PATCH', `/orders/${created.json.id}`, {
      body: { quantity: '-9007199254740993' },
    });
    expect(moved.json.quantity).toBe('-9007199254740993');
  });

  it('refuses what cannot be exact: JSON numbers beyond 2^53, digit strings out of range or for safe values', async () => {
    const post = (raw: string) =>
      server().request('POST', '/orders', { raw, headers: { 'content-type': 'application/json' } });
    const inexact = await post(`{"customerId":${BIG},"title":"x","quantity":-${BIG}}`);
    expectEnvelope(inexact, 422, 'VALIDATION_FAILED');
    expect(inexact.json.map((p: { pointer: string }) => p.pointer).sort()).toEqual([
      '/customerId',
      '/quantity',
    ]);
    expect(inexact.json[0].internalMessage).toMatch(/beyond 2\^53.*send it as a string/);
    const es = await server().request('POST', '/orders', {
      raw: `{"customerId":${BIG},"title":"x"}`,
      headers: { 'content-type': 'application/json', 'accept-language': 'es' },
    });
    expect(es.json[0].userMessage).toMatch(/demasiado grande/);
    for (const [body, pointer] of [
      [{ customerId: BIG, title: 'x', quantity: '9223372036854775808' }, '/quantity'],
      [{ customerId: String(small), title: 'x' }, '/customerId'],
      [{ customerId: BIG, title: 'x', quantity: '42' }, '/quantity'],
      [{ customerId: BIG, title: 'x', small: BIG }, '/small'],
      [{ customerId: `-${BIG}`, title: 'x' }, '/customerId'],
    ] as const) {
      const res = await server().request('POST', '/orders', { body });
      expectEnvelope(res, 422, 'VALIDATION_FAILED');
      expect(
        res.json.map((p: { pointer: string }) => p.pointer),
        JSON.stringify(body),
      ).toEqual([pointer]);
    }
    // A field bounded within 2^53 keeps its own message: the number is over its maximum.
    const bounded = await post(`{"customerId":${small},"title":"x","small":${BIG}}`);
    expectEnvelope(bounded, 422, 'VALIDATION_FAILED');
    expect(bounded.json[0].internalMessage).toMatch(/must be <= 100/);
    const missing = await server().request('POST', '/orders', {
      body: { customerId: '9007199254740995', title: 'x' },
    });
    expectEnvelope(missing, 422);
    expect(missing.json[0].pointer).toBe('/customerId');
  });

  it('the responses match the OpenAPI document, which states both forms', async () => {
    const doc = (await server().request('GET', '/openapi.json')).json;
    const c = documentChecker(doc);
    c.check('GET', '/customers/{id}', await server().request('GET', `/customers/${BIG}`));
    c.check('GET', '/customers', await server().request('GET', `/customers?id[gte]=${BIG}`));
    c.check('GET', '/orders', await server().request('GET', `/orders?embed=customer`));
    c.check(
      'POST',
      '/orders',
      await server().request('POST', '/orders', {
        body: { customerId: NEXT, title: 'o4', quantity: INT64_MIN },
      }),
    );
    expect(c.checked).toBe(4);
    // The digit-string form is a shared component (its pattern is long): follow the $ref.
    const quantity = JSON.stringify(doc.components.schemas.Order.properties.quantity).replace(
      /\{"\$ref":"#\/components\/schemas\/(\w+)"\}/g,
      (_m, name: string) => JSON.stringify(doc.components.schemas[name]),
    );
    expect(quantity).toContain('"type":"string"');
  });

  it('deletes by the exact id, one at a time and in bulk', async () => {
    expectEnvelope(await server().request('DELETE', `/customers/${BIG}`), 409);
    const bulk = await server().request('DELETE', `/orders?customerId=${BIG}`);
    expect(bulk.json).toEqual({ deleted: 3 });
    expect((await server().request('DELETE', `/customers/${BIG}`)).status).toBe(204);
    expectEnvelope(await server().request('GET', `/customers/${BIG}`), 404, 'RECORD_NOT_FOUND');
    expect(ids(await server().request('GET', '/customers'))).toEqual([small, NEXT]);
  });
});

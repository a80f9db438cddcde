/**
 * docs/batch.md: POST /batch runs its operations in order in one transaction — references between
 * them, each operation's own semantics (validation, If-Match, access), all or nothing, the failing
 * operation's error with pointers under /operations/{i}, at most 1 000 operations.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { type AuthServer, addUser, notesYaml, signIn, startAuthServer } from '../support/auth-harness.js';
import { customer, expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('POST /batch', (_target, getDb) => {
  const server = useServer(getDb);
  const count = async (path: string) => (await server().request('GET', `${path}?limit=500`)).json.length;

  it('runs every operation in order, with references to earlier results → 200 with each status, headers and body', async () => {
    const res = await server().request('POST', '/batch', {
      body: {
        operations: [
          { method: 'POST', path: '/customers', body: customer('b1'), ref: 'c' },
          {
            method: 'POST',
            path: '/orders',
            body: { customerId: '$c.id', title: 'First', amount: 10 },
            ref: 'o',
          },
          { method: 'PATCH', path: '/orders/$o.id', body: { stage: 'won' } },
          { method: 'GET', path: '/customers/$c.id/orders' },
        ],
      },
    });
    expect(res.status, res.text).toBe(200);
    const [c, o, patched, listed] = res.json.operations;
    expect(c.status).toBe(201);
    expect(c.headers.location).toBe(`/customers/${c.body.id}`);
    expect(c.headers.etag).toMatch(/^"/);
    expect(o.status).toBe(201);
    expect(o.body.customerId).toBe(c.body.id);
    expect(patched).toMatchObject({ status: 200, body: { id: o.body.id, stage: 'won' } });
    expect(listed.body.map((x: { id: number }) => x.id)).toEqual([o.body.id]);
    // Written for good: the same records over plain HTTP.
    expect((await server().request('GET', `/orders/${o.body.id}`)).json.stage).toBe('won');
  });

  it('writes nothing when the 100th operation fails, and answers with its error under /operations/99', async () => {
    const before = await count('/customers');
    const operations = Array.from({ length: 99 }, (_, i) => ({
      method: 'POST',
      path: '/customers',
      body: customer(`all-or-nothing-${i}`),
    }));
    operations.push({ method: 'POST', path: '/customers', body: { name: 'No email' } as never });
    const res = await server().request('POST', '/batch', { body: { operations } });
    expectEnvelope(res, 422, 'VALIDATION_FAILED');
    expect(res.json.map((e: { pointer: string }) => e.pointer)).toEqual(['/operations/99/body/email']);
    expect(await count('/customers')).toBe(before);
  });

  it('keeps each operation’s preconditions and conflicts: a stale If-Match fails the batch with 412', async () => {
    const made = await server().request('POST', '/customers', { body: customer('b-etag') });
    const before = await count('/orders');
    const res = await server().request('POST', '/batch', {
      body: {
        operations: [
          { method: 'POST', path: '/orders', body: { customerId: made.json.id, title: 'x', amount: 1 } },
          {
            method: 'PATCH',
            path: `/customers/${made.json.id}`,
            headers: { 'If-Match': '"999-zzz"' },
            body: { name: 'Changed' },
          },
        ],
      },
    });
    expectEnvelope(res, 412, 'PRECONDITION_FAILED');
    expect(res.json[0].pointer).toBe('/operations/1');
    expect(await count('/orders')).toBe(before);
    expect((await server().request('GET', `/customers/${made.json.id}`)).json.name).toBe('Customer b-etag');
    // A unique conflict in operation 1 (the email operation 0 just took) → 409, nothing kept.
    const dup = await server().request('POST', '/batch', {
      body: {
        operations: [
          { method: 'POST', path: '/customers', body: customer('b-dup') },
          { method: 'POST', path: '/customers', body: customer('b-dup') },
        ],
      },
    });
    expectEnvelope(dup, 409);
    expect(dup.json[0].pointer).toMatch(/^\/operations\/1/);
    expect((await server().request('GET', '/customers?email=cb-dup@example.com')).json).toEqual([]);
  });

  it('refuses a malformed batch before running anything: 422 with pointers, 413 over 1 000 operations', async () => {
    const before = await count('/customers');
    const bad = await server().request('POST', '/batch', {
      body: {
        operations: [
          { method: 'POST', path: '/customers', body: customer('never') },
          { method: 'TRACE', path: 'customers', extra: 1 },
          { method: 'POST', path: '/customers', headers: { Authorization: 'x' } },
          { method: 'POST', path: '/orders', body: { customerId: '$nobody.id' } },
        ],
      },
    });
    expectEnvelope(bad, 422, 'VALIDATION_FAILED');
    expect(bad.json.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/operations/1/extra',
      '/operations/1/method',
      '/operations/1/path',
      '/operations/2/headers/Authorization',
    ]);
    const ref = await server().request('POST', '/batch', {
      body: {
        operations: [
          { method: 'POST', path: '/orders', body: { customerId: '$nobody.id', title: 't', amount: 1 } },
        ],
      },
    });
    expectEnvelope(ref, 422, 'VALIDATION_FAILED');
    expect(ref.json[0].pointer).toBe('/operations/0/body/customerId');
    for (const body of [{}, { operations: [] }, { operations: 'x' }, [1]])
      expectEnvelope(await server().request('POST', '/batch', { body }), 422, 'VALIDATION_FAILED');
    const many = Array.from({ length: 1001 }, () => ({ method: 'GET', path: '/customers' }));
    const big = await server().request('POST', '/batch', { body: { operations: many } });
    expectEnvelope(big, 413, 'PAYLOAD_TOO_LARGE');
    const nested = await server().request('POST', '/batch', {
      body: { operations: [{ method: 'POST', path: '/batch', body: { operations: [] } }] },
    });
    expectEnvelope(nested, 422, 'VALIDATION_FAILED');
    expect(await count('/customers')).toBe(before);
    const get = await server().request('GET', '/batch');
    expectEnvelope(get, 405, 'METHOD_NOT_ALLOWED');
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    const text = await server().request('POST', '/batch', {
      raw: 'a',
      headers: { 'content-type': 'text/plain' },
    });
    expectEnvelope(text, 415);
  });

  it('answers each operation as the request alone would: same status, headers and body; others (a redirect) still run', async () => {
    const made = await server().request('POST', '/customers', { body: customer('b-same') });
    const id = made.json.id;
    const alone = await server().request('GET', `/customers/${id}?fields=email,name`);
    const list = await server().request('GET', '/customers?email=cb-same@example.com&sort=-name');
    const res = await server().request('POST', '/batch', {
      body: {
        operations: [
          { method: 'GET', path: `/customers/${id}?fields=email,name` },
          { method: 'GET', path: '/customers?email=cb-same@example.com&sort=-name' },
          {
            method: 'PATCH',
            path: `/customers/${id}`,
            headers: { prefer: 'return=minimal' },
            body: { phone: '1' },
          },
          // Not a route the batch calls itself: through the whole HTTP pipeline, its 301 kept.
          { method: 'GET', path: '/customers/' },
          { method: 'DELETE', path: `/customers/${id}` },
        ],
      },
    });
    expect(res.status, res.text).toBe(200);
    const [item, listed, minimal, redirect, deleted] = res.json.operations;
    expect(item).toEqual({
      status: 200,
      headers: { etag: alone.headers.get('etag'), 'last-modified': alone.headers.get('last-modified') },
      body: alone.json,
    });
    expect(Object.keys(item.body)).toEqual(['email', 'name']);
    expect(listed).toEqual({ status: 200, headers: { etag: list.headers.get('etag') }, body: list.json });
    expect(minimal).toMatchObject({
      status: 204,
      body: null,
      headers: { 'preference-applied': 'return=minimal' },
    });
    expect(redirect).toEqual({ status: 301, headers: { location: '/customers' }, body: null });
    expect(deleted).toEqual({ status: 204, headers: {}, body: null });
    expect((await server().request('GET', `/customers/${id}`)).status).toBe(404);
  });

  it('creates in the order of its operations, as one request after the other would: ids and the change log follow it', async () => {
    const operations = Array.from({ length: 30 }, (_, i) => ({
      method: 'POST',
      path: '/customers',
      body: customer(`b-order-${i}`),
    }));
    const res = await server().request('POST', '/batch', { body: { operations } });
    expect(res.status, res.text).toBe(200);
    const ids = res.json.operations.map((o: { body: { id: number } }) => o.body.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(30);
    const emails = res.json.operations.map((o: { body: { email: string } }) => o.body.email);
    expect(emails).toEqual(operations.map((o) => o.body.email));
    // A later operation that names an earlier result waits for it, whatever ran before.
    const chained = await server().request('POST', '/batch', {
      body: {
        operations: [
          { method: 'POST', path: '/customers', body: customer('b-chain-1') },
          { method: 'POST', path: '/customers', body: customer('b-chain-2'), ref: 'c' },
          { method: 'POST', path: '/orders', body: { customerId: '$c.id', title: 't', amount: 2 } },
          { method: 'GET', path: '/customers/$c.id/orders' },
        ],
      },
    });
    expect(chained.status, chained.text).toBe(200);
    const [, c, o, listed] = chained.json.operations;
    expect(o.body.customerId).toBe(c.body.id);
    expect(listed.body.map((x: { id: number }) => x.id)).toEqual([o.body.id]);
  });

  it('gives an operation’s refusals as the request alone: an unknown id 404, a body of the wrong media type 415', async () => {
    const missing = await server().request('POST', '/batch', {
      body: { operations: [{ method: 'PATCH', path: '/customers/999999', body: { phone: '1' } }] },
    });
    expectEnvelope(missing, 404, 'RECORD_NOT_FOUND');
    expect(missing.json[0].pointer).toBe('/operations/0');
    // A reference the database refuses (on PostgreSQL the statement aborts the transaction): still
    // named with its pointer, as the request alone would name it, and nothing of the batch is kept.
    const before = await count('/customers');
    const dangling = await server().request('POST', '/batch', {
      body: {
        operations: [
          { method: 'POST', path: '/customers', body: customer('b-dangling') },
          { method: 'POST', path: '/orders', body: { customerId: 999999, title: 't', amount: 1 } },
        ],
      },
    });
    expectEnvelope(dangling, 422, 'REFERENCE_NOT_FOUND');
    expect(dangling.json[0].pointer).toBe('/operations/1/body/customerId');
    expect(await count('/customers')).toBe(before);
    const media = await server().request('POST', '/batch', {
      body: {
        operations: [
          {
            method: 'POST',
            path: '/customers',
            headers: { 'content-type': 'text/csv' },
            body: customer('x'),
          },
        ],
      },
    });
    expectEnvelope(media, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(media.headers.get('accept-post')).toMatch(/application\/json/);
    const bad = await server().request('POST', '/batch', {
      body: { operations: [{ method: 'GET', path: '/customers?limit=abc' }] },
    });
    expectEnvelope(bad, 400);
    expect(bad.json[0].parameter).toBe('limit');
  });

  it('is idempotent as a whole with Idempotency-Key: a retry replays the answer and writes nothing more', async () => {
    const body = { operations: [{ method: 'POST', path: '/customers', body: customer('b-idem') }] };
    const headers = { 'idempotency-key': 'batch-key-1' };
    const first = await server().request('POST', '/batch', { body, headers });
    expect(first.status).toBe(200);
    const again = await server().request('POST', '/batch', { body, headers });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(first.json);
    expect((await server().request('GET', '/customers?email=cb-idem@example.com')).json).toHaveLength(1);
  });
});

describeEachStore('POST /batch under access rules', (_target, getDb) => {
  let s: AuthServer;
  let ann: { cookie: string };
  describe('notes: public read, authenticated write', () => {
    it('runs as the batch’s caller: anonymous writes are 401 and roll back, a signed-in batch writes', async () => {
      s = await startAuthServer({ db: getDb(), yaml: notesYaml('{ registration: closed }') });
      try {
        await addUser(s, 'ann@example.com', 'batch-suite password 1');
        ann = await signIn(s, 'ann@example.com', 'batch-suite password 1');
        const body = { operations: [{ method: 'POST', path: '/notes', body: { text: 'hi' } }] };
        const anonymous = await s.request('POST', '/batch', { body });
        expectEnvelope(anonymous, 401);
        expect(anonymous.json[0].pointer).toBe('/operations/0');
        const signed = await s.request('POST', '/batch', { body, headers: ann });
        expect(signed.status, signed.text).toBe(200);
        expect((await s.request('GET', '/notes')).json.map((n: { text: string }) => n.text)).toEqual(['hi']);
      } finally {
        await s.close();
      }
    });
  });
});

it('a resource cannot be named batch: its routes would never be reached', () => {
  expect(() =>
    buildModel(parseConfigText('resources:\n  batch:\n    fields: { name: string }\n', 'v.yaml')),
  ).toThrow(/v\.yaml:2.*`\/batch` is one of verbo's own paths/s);
});

describeEachStore('POST /batch with business rules', (_target, getDb) => {
  const server = useServer(getDb, {
    yaml: `
resources:
  deals:
    fields:
      stage: { type: enum, values: [open, won], required: true }
      amount: number
    rules:
      - name: won-needs-amount
        check: "record.stage != 'won' || record.amount > 0"
        message: { en: "A won deal needs an amount.", es: "Un trato ganado necesita un importe." }
`,
  });

  it('an operation that breaks a rule fails the batch with 400 BUSINESS_RULE_VIOLATED, in the caller’s language', async () => {
    const res = await server().request('POST', '/batch', {
      headers: { 'accept-language': 'es' },
      body: {
        operations: [
          { method: 'POST', path: '/deals', body: { stage: 'open', amount: 5 }, ref: 'd' },
          { method: 'PATCH', path: '/deals/$d.id', body: { stage: 'won', amount: 0 } },
        ],
      },
    });
    expectEnvelope(res, 400, 'BUSINESS_RULE_VIOLATED');
    expect(res.json[0]).toMatchObject({
      rule: 'won-needs-amount',
      userMessage: 'Un trato ganado necesita un importe.',
    });
    expect(res.json[0].pointer).toMatch(/^\/operations\/1/);
    expect((await server().request('GET', '/deals')).json).toEqual([]);
  });
});

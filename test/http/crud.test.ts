/** docs/config.md, docs/http-semantics.md, docs/errors.md, docs/http-semantics.md through real HTTP on the CRM example, on every store. */
import { expect, it } from 'vitest';
import { customer, expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('CRUD on the CRM example', (_target, getDb) => {
  const server = useServer(getDb);

  it('POST creates: 201, Location, the record with server-set fields and defaults', async () => {
    const res = await server().request('POST', '/customers', {
      body: customer(1, { tags: ['vip', { a: 1 }] }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/customers/${res.json.id}`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.json).toMatchObject({
      name: 'Customer 1',
      email: 'c1@example.com',
      status: 'lead',
      phone: null,
      tags: ['vip', { a: 1 }],
    });
    expect(Number.isInteger(res.json.id)).toBe(true);
    expect(res.json.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(res.json.updatedAt).toBe(res.json.createdAt);
    const got = await server().request('GET', res.headers.get('location')!);
    expect(got.status).toBe(200);
    expect(got.json).toEqual(res.json);
    expect(got.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(got.headers.get('last-modified')).toBe(new Date(res.json.updatedAt).toUTCString());
  });

  it('every response carries X-Trace-Id and nosniff; a traceparent or X-Request-Id is adopted', async () => {
    const plain = await server().request('GET', '/customers');
    expect(plain.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    const tp = await server().request('GET', '/customers/999999', {
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expectEnvelope(tp, 404, 'RECORD_NOT_FOUND');
    expect(tp.headers.get('x-trace-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(tp.json[0].traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const rid = await server().request('GET', '/nope', { headers: { 'x-request-id': 'req-123' } });
    expectEnvelope(rid, 404, 'ROUTE_NOT_FOUND');
    expect(rid.json[0].traceId).toBe('req-123');
  });

  it('PUT replaces the whole record: omitted optional fields are cleared, defaults restored', async () => {
    const created = await server().request('POST', '/customers', {
      body: customer(2, { phone: '123', status: 'active' }),
    });
    const id = created.json.id;
    const res = await server().request('PUT', `/customers/${id}`, {
      body: { name: 'Renamed', email: 'c2@example.com' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id,
      name: 'Renamed',
      phone: null,
      status: 'lead',
      createdAt: created.json.createdAt,
    });
    expect(res.json.updatedAt >= created.json.updatedAt).toBe(true);
    const roundTrip = await server().request('PUT', `/customers/${id}`, {
      body: { ...res.json, company: 'Acme' },
    });
    expect(roundTrip.status).toBe(200);
    expect(roundTrip.json.company).toBe('Acme');
  });

  it('PUT with an id in the body that differs from the URL → 422; on a server-generated id that is absent → 404', async () => {
    const created = await server().request('POST', '/customers', { body: customer(3) });
    const res = await server().request('PUT', `/customers/${created.json.id}`, {
      body: { ...customer(3), id: created.json.id + 1 },
    });
    expectEnvelope(res, 422, 'VALIDATION_FAILED');
    expect(res.json[0].pointer).toBe('/id');
    expectEnvelope(
      await server().request('PUT', '/customers/987654', { body: customer(99) }),
      404,
      'RECORD_NOT_FOUND',
    );
  });

  it('DELETE → 204 with no body, then 404', async () => {
    const created = await server().request('POST', '/customers', { body: customer(4) });
    const del = await server().request('DELETE', `/customers/${created.json.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expectEnvelope(await server().request('GET', `/customers/${created.json.id}`), 404, 'RECORD_NOT_FOUND');
    expectEnvelope(
      await server().request('DELETE', `/customers/${created.json.id}`),
      404,
      'RECORD_NOT_FOUND',
    );
    expectEnvelope(await server().request('GET', '/customers/not-a-number'), 404, 'RECORD_NOT_FOUND');
  });

  it('422 reports every failing field at once with pointers', async () => {
    const res = await server().request('POST', '/customers', {
      body: {
        name: '',
        email: 'not-an-email',
        status: 'vip',
        phone: 12,
        extra: true,
        createdAt: '2020-01-01T00:00:00Z',
      },
    });
    expectEnvelope(res, 422, 'VALIDATION_FAILED');
    const pointers = res.json.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/createdAt', '/email', '/extra', '/name', '/phone', '/status']);
    const missing = await server().request('POST', '/orders', { body: { title: 5 } });
    expectEnvelope(missing, 422);
    expect(missing.json.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/amount',
      '/customerId',
      '/title',
    ]);
    const range = await server().request('POST', '/orders', {
      body: { customerId: 1, title: 'x', amount: -1 },
    });
    expect(range.json.map((e: { pointer: string }) => e.pointer)).toContain('/amount');
  });

  it('userMessage follows Accept-Language (es, en), internalMessage stays for developers', async () => {
    const es = await server().request('POST', '/customers', {
      body: { name: 'x', email: 'bad' },
      headers: { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' },
    });
    expectEnvelope(es, 422);
    expect(es.json[0].userMessage).toBe('El correo electrónico no es válido.');
    expect(es.json[0].internalMessage).toBe('body/email must match format "email"');
    const en = await server().request('POST', '/customers', {
      body: { name: 'x', email: 'bad' },
      headers: { 'accept-language': 'en-GB' },
    });
    expect(en.json[0].userMessage).toBe('The email address is not valid.');
  });

  it('a reference to a missing record → 422 naming the field', async () => {
    const res = await server().request('POST', '/orders', {
      body: { customerId: 424242, title: 'x', amount: 1 },
    });
    expectEnvelope(res, 422, 'REFERENCE_NOT_FOUND');
    expect(res.json[0].pointer).toBe('/customerId');
  });

  it('409 for an existing unique key and for deleting a record that is still referenced', async () => {
    await server().request('POST', '/customers', { body: customer(5) });
    const dup = await server().request('POST', '/customers', { body: customer(5) });
    expectEnvelope(dup, 409, 'UNIQUE_VIOLATION');
    expect(dup.json[0].pointer).toBe('/email');
    const owner = await server().request('POST', '/customers', { body: customer(6) });
    await server().request('POST', '/orders', {
      body: { customerId: owner.json.id, title: 'Deal', amount: 10 },
    });
    expectEnvelope(await server().request('DELETE', `/customers/${owner.json.id}`), 409, 'STILL_REFERENCED');
    expect((await server().request('GET', `/customers/${owner.json.id}`)).status).toBe(200);
  });

  it('400 for malformed JSON and for an empty body', async () => {
    expectEnvelope(
      await server().request('POST', '/customers', {
        raw: '{"name": ',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'MALFORMED_JSON',
    );
    expectEnvelope(
      await server().request('POST', '/customers', {
        raw: '',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'EMPTY_BODY',
    );
    expectEnvelope(await server().request('POST', '/customers'), 400, 'EMPTY_BODY');
    expectEnvelope(
      await server().request('POST', '/customers', {
        raw: '{"__proto__": {"x": 1}}',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('415 with Accept-Post for a body that is not JSON', async () => {
    const res = await server().request('POST', '/customers', {
      raw: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(res.headers.get('accept-post')).toBe('application/json, multipart/form-data'); // customers have a file field (avatar)
    const patch = await server().request('PATCH', '/customers/1', {
      raw: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expectEnvelope(patch, 415);
    expect(patch.headers.get('accept-patch')).toContain('application/json-patch+json');
  });

  it('413 for a body over the limit', async () => {
    const res = await server().request('POST', '/customers', {
      body: customer(7, { tags: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expectEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('405 with Allow; 501 for methods the server does not implement', async () => {
    const res = await server().request('PUT', '/customers');
    expectEnvelope(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST, DELETE, OPTIONS');
    const item = await server().request('POST', '/customers/1', { body: {} });
    expectEnvelope(item, 405);
    expect(item.headers.get('allow')).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
    for (const m of ['PROPFIND', 'PURGE'])
      expectEnvelope(await server().request(m, '/customers'), 501, 'NOT_IMPLEMENTED');
  });

  it('Accept: application/problem+json gets one RFC 9457 object', async () => {
    const res = await server().request('GET', '/customers/55555', {
      headers: { accept: 'application/problem+json' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(res.json).toMatchObject({
      status: 404,
      title: 'Not Found',
      traceId: res.headers.get('x-trace-id'),
    });
    expect(res.json.errors[0]).toMatchObject({ code: 'RECORD_NOT_FOUND', status: 404 });
  });

  it('GET never changes data', async () => {
    const before = await server().request('GET', '/customers?limit=1000');
    await server().request('GET', '/customers/1');
    await server().request('HEAD', '/customers');
    const after = await server().request('GET', '/customers?limit=1000');
    expect(after.json).toEqual(before.json);
  });
});

/** verbo/client: every error is one VerboError with the error envelope (docs/errors.md); update() survives a concurrent write. */
import { expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { customer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { caught, expectClientError, recordingFetch } from './client-harness.js';
import type { Resources } from './fixtures/crm-types.js';

describeEachStore('verbo/client: errors and update()', (_target, getDb) => {
  const server = useServer(getDb);
  const api = () => createClient<Resources>({ baseUrl: server().url });

  it('422: every failing field, with pointers, status, code and the traceId of X-Trace-Id', async () => {
    const e = await caught(
      api().customers.create({ name: '', email: 'not-an-email', status: 'vip' as 'lead' }),
    );
    expectClientError(e, 422, 'VALIDATION_FAILED');
    expect(e.errors.map((x) => x.pointer).sort()).toEqual(['/email', '/name', '/status']);
    expect(e.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(e.errors.every((x) => x.traceId === e.traceId)).toBe(true);
    expect(e.message).toContain('422 VALIDATION_FAILED');
    expect(e.userMessages).toHaveLength(3);
    expect(e.method).toBe('POST');
  });

  it('a trace id sent by the caller comes back in the error; Accept-Language picks the userMessage', async () => {
    const es = createClient<Resources>({
      baseUrl: server().url,
      headers: { 'accept-language': 'es', 'x-request-id': 'client-trace-1' },
    });
    const e = await caught(es.customers.get(987654));
    expectClientError(e, 404, 'RECORD_NOT_FOUND');
    expect(e.traceId).toBe('client-trace-1');
    expect(e.errors[0].userMessage).toBe('El registro no existe.');
  });

  it('409 unique, 412 If-Match, 405, 415 and 400 malformed JSON Patch are VerboErrors too', async () => {
    const a = await api().customers.create(customer('e1'));
    expectClientError(await caught(api().customers.create(customer('e1'))), 409, 'UNIQUE_VIOLATION');
    expectClientError(
      await caught(api().customers.patch(a.id, { company: 'x' }, { ifMatch: '"nope"' })),
      412,
      'PRECONDITION_FAILED',
    );
    const e405 = await caught(api().request({ method: 'PUT', path: '/customers', body: {} }));
    expectClientError(e405, 405, 'METHOD_NOT_ALLOWED');
    expect(e405.headers!.get('allow')).toContain('GET');
    const e415 = await caught(
      api().request({ method: 'POST', path: '/customers', body: 'x', contentType: 'text/plain' }),
    );
    expectClientError(e415, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const bad = await caught(api().customers.patch(a.id, [{ op: 'jump', path: '/x' } as never]));
    expectClientError(bad, 400, 'MALFORMED_PATCH');
  });

  it('Accept: application/problem+json: the errors member becomes the envelope of the VerboError', async () => {
    const problem = createClient<Resources>({
      baseUrl: server().url,
      headers: { accept: 'application/problem+json' },
    });
    const e = await caught(problem.customers.get(987655));
    expect(e.headers!.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(e).toMatchObject({ status: 404, code: 'RECORD_NOT_FOUND' });
    expect(e.errors).toHaveLength(1);
    expect(e.errors[0]).toMatchObject({ code: 'RECORD_NOT_FOUND', status: 404, traceId: e.traceId });
  });

  it('update(): GET, fn, PATCH with If-Match; a concurrent write → one 412, then a fresh GET and success', async () => {
    const rec = recordingFetch();
    const client = createClient<Resources>({ baseUrl: server().url, fetch: rec.fetch });
    const c = await client.customers.create(customer('u1', { tags: ['a'] }));
    let calls = 0;
    const result = await client.customers.update(c.id, async (draft) => {
      calls++;
      if (calls === 1)
        await server().request('PATCH', `/customers/${c.id}`, { body: { company: 'Concurrent' } });
      draft.tags = [...(draft.tags as string[]), 'b'];
      draft.status = 'active';
    });
    expect(calls).toBe(2);
    expect(result).toMatchObject({ company: 'Concurrent', tags: ['a', 'b'], status: 'active' });
    const writes = rec.sent.filter((s) => s.method === 'PATCH');
    expect(writes.map((w) => w.status)).toEqual([412, 200]);
    expect(writes[0].headers.get('if-match')).toMatch(/^"[^"]+"$/);
    expect(writes[1].headers.get('if-match')).not.toBe(writes[0].headers.get('if-match'));
    expect(writes[0].headers.get('content-type')).toBe('application/merge-patch+json');
    expect(JSON.parse(writes[1].body!)).toEqual({ tags: ['a', 'b'], status: 'active' });
  });

  it('update() with method put sends the whole record; when every attempt meets a 412 the VerboError is thrown', async () => {
    const rec = recordingFetch();
    const client = createClient<Resources>({ baseUrl: server().url, fetch: rec.fetch });
    const c = await client.customers.create(customer('u2'));
    const put = await client.customers.update(c.id, (d) => ({ ...d, phone: '42' }), { method: 'put' });
    expect(put.phone).toBe('42');
    expect(rec.sent.at(-1)).toMatchObject({ method: 'PUT', status: 200 });
    expect(JSON.parse(rec.sent.at(-1)!.body!)).toMatchObject({
      id: c.id,
      phone: '42',
      createdAt: c.createdAt,
    });
    let n = 0;
    const e = await caught(
      client.customers.update(
        c.id,
        async (d) => {
          await server().request('PATCH', `/customers/${c.id}`, { body: { company: `race ${++n}` } });
          d.status = 'churned';
        },
        { attempts: 2 },
      ),
    );
    expectClientError(e, 412, 'PRECONDITION_FAILED');
    expect(n).toBe(2);
    const unchanged = await client.customers.update(c.id, () => {});
    expect(unchanged.company).toBe('race 2');
    expect(rec.sent.at(-1)!.method).toBe('GET');
  });
});

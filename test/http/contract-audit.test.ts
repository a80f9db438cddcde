/** Findings of the contract audit, pinned: docs/http-semantics.md on every route (docs, index), docs/errors.md headers, docs/query.md date filters. */
import { expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('every route answers OPTIONS and 405 (docs/http-semantics.md)', (_target, getDb) => {
  const server = useServer(getDb);

  it('routes outside the resources (openapi, docs) answer OPTIONS 204 + Allow and 405 + Allow', async () => {
    const options = await server().request('OPTIONS', '/openapi.json');
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const post = await server().request('POST', '/openapi.json', { body: {} });
    expectEnvelope(post, 405, 'METHOD_NOT_ALLOWED');
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expectEnvelope(await server().request('DELETE', '/docs'), 405);
  });

  it('HEAD and GET on an unknown path carry the same headers (Content-Length too)', async () => {
    const get = await server().request('GET', '/nope');
    const head = await server().request('HEAD', '/nope');
    expectEnvelope(get, 404, 'ROUTE_NOT_FOUND');
    expect(head.status).toBe(404);
    expect(head.text).toBe('');
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
  });

  it('error responses say which headers they vary on and their language', async () => {
    const res = await server().request('GET', '/customers/999999', { headers: { 'accept-language': 'es' } });
    expectEnvelope(res, 404);
    expect(res.headers.get('content-language')).toBe('es');
    expect(res.headers.get('vary')).toMatch(/Accept-Language/);
    expect(res.headers.get('vary')).toMatch(/\bAccept\b/);
  });

  it('datetime filters take a bare date as its first instant in UTC', async () => {
    await server().request('POST', '/customers', { body: { name: 'Dated', email: 'dated@example.com' } });
    const today = new Date().toISOString().slice(0, 10);
    const since = await server().request('GET', `/customers?createdAt[gte]=${today}&email=dated@example.com`);
    expect(since.status).toBe(200);
    expect(since.json).toHaveLength(1);
    const before = await server().request('GET', `/customers?createdAt[lt]=${today}&email=dated@example.com`);
    expect(before.json).toHaveLength(0);
    expectEnvelope(
      await server().request('GET', '/customers?createdAt[gte]=2026-13-45'),
      400,
      'INVALID_QUERY_PARAMETER',
    );
  });

  it('a nested create whose body names another parent → 422 naming the field', async () => {
    const a = await server().request('POST', '/customers', {
      body: { name: 'A', email: 'nested-a@example.com' },
    });
    const b = await server().request('POST', '/customers', {
      body: { name: 'B', email: 'nested-b@example.com' },
    });
    const res = await server().request('POST', `/customers/${a.json.id}/orders`, {
      body: { title: 'x', amount: 1, customerId: b.json.id },
    });
    expectEnvelope(res, 422, 'VALIDATION_FAILED');
    expect(res.json[0].pointer).toBe('/customerId');
    expect(res.json[0].userMessage).toContain('customerId');
  });
});

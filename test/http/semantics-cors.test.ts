/** docs/http-semantics.md, docs/http-semantics.md CORS through real HTTP: actual requests and preflights, wildcard and listed origins, off by default. */
import { expect, it } from 'vitest';
import { customer, expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';
const preflight = (origin: string, method: string, requestHeaders?: string) => ({
  origin,
  'access-control-request-method': method,
  ...(requestHeaders ? { 'access-control-request-headers': requestHeaders } : {}),
});
const exposed = (h: Headers) =>
  (h.get('access-control-expose-headers') ?? '').split(',').map((s) => s.trim().toLowerCase());
const vary = (h: Headers) => (h.get('vary') ?? '').split(',').map((s) => s.trim().toLowerCase());

describeEachStore('CORS on the CRM example (origins: *)', (_target, getDb) => {
  const server = useServer(getDb);

  it('actual requests, errors included, get Allow-Origin *, Vary: Origin and the exposed headers', async () => {
    const post = await server().request('POST', '/customers', {
      body: customer('cors1'),
      headers: { origin: APP },
    });
    expect(post.status).toBe(201);
    const notFound = await server().request('GET', '/customers/999999', { headers: { origin: APP } });
    expectEnvelope(notFound, 404);
    const refused = await server().request('GET', '/customers', {
      headers: { origin: APP, accept: 'text/html' },
    });
    expectEnvelope(refused, 406);
    for (const res of [post, notFound, refused]) {
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(vary(res.headers)).toContain('origin');
      for (const h of [
        'etag',
        'location',
        'link',
        'x-total-count',
        'x-trace-id',
        'preference-applied',
        'idempotent-replayed',
        'retry-after',
      ]) {
        expect(exposed(res.headers)).toContain(h);
      }
    }
    expect(vary(post.headers)).toContain('prefer');
  });

  it('a preflight → 204 with the route’s methods, the requested headers and Max-Age, before any handler', async () => {
    const item = await server().request('OPTIONS', '/customers/1', {
      headers: preflight(APP, 'PATCH', 'Content-Type, If-Match, Idempotency-Key'),
    });
    expect(item.status).toBe(204);
    expect(item.text).toBe('');
    expect(item.headers.get('access-control-allow-origin')).toBe('*');
    expect(item.headers.get('access-control-allow-methods')).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
    expect(item.headers.get('access-control-allow-headers')).toBe('Content-Type, If-Match, Idempotency-Key');
    expect(Number(item.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(vary(item.headers)).toEqual(
      expect.arrayContaining(['origin', 'access-control-request-method', 'access-control-request-headers']),
    );
    const coll = await server().request('OPTIONS', '/customers', { headers: preflight(APP, 'POST') });
    expect(coll.status).toBe(204);
    expect(coll.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, DELETE, OPTIONS');
    expect(coll.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/);
    expect(coll.headers.get('access-control-allow-headers')).toMatch(/If-Match/);
    // A preflight for a moved path succeeds so the browser can follow the redirect of the real request.
    const moved = await server().request('OPTIONS', '/clients/1', { headers: preflight(APP, 'PUT') });
    expect(moved.status).toBe(204);
    expect(
      (await server().request('PUT', '/clients/1', { body: {}, headers: { origin: APP } })).headers.get(
        'access-control-allow-origin',
      ),
    ).toBe('*');
  });

  it('a plain OPTIONS (no preflight headers) stays the docs/http-semantics.md answer', async () => {
    const res = await server().request('OPTIONS', '/customers', { headers: { origin: APP } });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST, DELETE, OPTIONS');
    expect(res.headers.get('accept-post')).toBe('application/json, multipart/form-data'); // customers have a file field
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  });
});

const LISTED_YAML = `
name: listed
cors:
  origins: ['${APP}', 'http://localhost:5173/']
  credentials: true
resources:
  widgets:
    fields:
      label: string
`;

describeEachStore('CORS with listed origins and credentials', (_target, getDb) => {
  const server = useServer(getDb, { yaml: LISTED_YAML });

  it('a listed origin is echoed with Allow-Credentials; another origin gets no CORS grant', async () => {
    for (const origin of [APP, 'http://localhost:5173']) {
      const ok = await server().request('GET', '/widgets', { headers: { origin } });
      expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
      expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
      expect(vary(ok.headers)).toContain('origin');
    }
    const evil = await server().request('GET', '/widgets', { headers: { origin: EVIL } });
    expect(evil.status).toBe(200);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(evil.headers.get('access-control-allow-credentials')).toBeNull();
    expect(vary(evil.headers)).toContain('origin');
    expect((await server().request('GET', '/widgets')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('preflights: a listed origin → 204 with the grant; another origin gets no grant', async () => {
    const ok = await server().request('OPTIONS', '/widgets', {
      headers: preflight(APP, 'POST', 'content-type'),
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    const evil = await server().request('OPTIONS', '/widgets', {
      headers: preflight(EVIL, 'POST', 'content-type'),
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(evil.headers.get('access-control-allow-methods')).toBeNull();
  });
});

const NO_CORS_YAML = `
name: private
resources:
  secrets:
    fields:
      label: string
`;

describeEachStore('CORS off unless configured', (_target, getDb) => {
  const server = useServer(getDb, { yaml: NO_CORS_YAML });

  it('no CORS header on actual requests or preflights', async () => {
    const get = await server().request('GET', '/secrets', { headers: { origin: APP } });
    expect(get.status).toBe(200);
    const pre = await server().request('OPTIONS', '/secrets', { headers: preflight(APP, 'POST') });
    expect(pre.status).toBe(204);
    for (const res of [get, pre]) {
      res.headers.forEach((_value, name) => {
        expect(name).not.toMatch(/^access-control-/);
      });
    }
    expect(pre.headers.get('allow')).toBe('GET, HEAD, POST, DELETE, OPTIONS');
  });
});

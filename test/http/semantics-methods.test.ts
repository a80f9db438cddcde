/** docs/http-semantics.md, docs/http-semantics.md, docs/http-semantics.md through real HTTP: Prefer, redirects, OPTIONS, HEAD, 405/406/501. */
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { customer, expectEnvelope, type Res, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

/** Methods fetch refuses to send (FOO): one raw HTTP/1.1 request over a socket. */
function rawRequest(url: string, head: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [headers, body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(headers.split(' ')[1]), headers, body });
    });
  });
}

const bodyless = (res: Res) => {
  expect(res.text).toBe('');
  expect(res.headers.get('content-type')).toBeNull();
};

describeEachStore('HTTP methods and Prefer on the CRM example', (_target, getDb) => {
  const server = useServer(getDb);

  it('Prefer: return=minimal on POST → 201 with Location and no body; on PUT/PATCH → 204', async () => {
    const post = await server().request('POST', '/customers', {
      body: customer('min1'),
      headers: { prefer: 'return=minimal' },
    });
    expect(post.status).toBe(201);
    bodyless(post);
    expect(post.headers.get('location')).toMatch(/^\/customers\/\d+$/);
    expect(post.headers.get('etag')).toMatch(/^"/);
    expect(post.headers.get('preference-applied')).toBe('return=minimal');
    expect(post.headers.get('vary')).toMatch(/\bPrefer\b/);
    const path = post.headers.get('location')!;
    expect((await server().request('GET', path)).json.name).toBe('Customer min1');
    for (const [method, body] of [
      ['PUT', customer('min1', { phone: '1' })],
      ['PATCH', { phone: '2' }],
    ] as const) {
      const res = await server().request(method, path, { body, headers: { prefer: 'return=minimal' } });
      expect(res.status, method).toBe(204);
      bodyless(res);
      expect(res.headers.get('etag')).toMatch(/^"/);
      expect(res.headers.get('preference-applied')).toBe('return=minimal');
    }
    expect((await server().request('GET', path)).json.phone).toBe('2');
  });

  it('return=representation → the body and Preference-Applied; unknown preferences are ignored', async () => {
    const rep = await server().request('POST', '/customers', {
      body: customer('rep'),
      headers: { prefer: 'return=representation' },
    });
    expect(rep.status).toBe(201);
    expect(rep.json.name).toBe('Customer rep');
    expect(rep.headers.get('preference-applied')).toBe('return=representation');
    const unknown = await server().request('PATCH', `/customers/${rep.json.id}`, {
      body: { phone: '5' },
      headers: { prefer: 'handling=lenient, foo="bar"; x=1' },
    });
    expect(unknown.status).toBe(200);
    expect(unknown.json.phone).toBe('5');
    expect(unknown.headers.get('preference-applied')).toBeNull();
    const mixed = await server().request('PATCH', `/customers/${rep.json.id}`, {
      body: { phone: '6' },
      headers: { prefer: 'respond-async, wait=5, return=minimal' },
    });
    expect(mixed.status).toBe(204);
    expect(mixed.headers.get('preference-applied')).toBe('return=minimal');
  });

  it('movedFrom: the old path → 301 (GET, HEAD) or 308 (other methods) to the new one, query kept', async () => {
    const get = await server().request('GET', '/clients');
    expect(get.status).toBe(301);
    expect(get.headers.get('location')).toBe('/customers');
    for (const method of ['GET', 'HEAD']) {
      const res = await server().request(method, '/clients/1?x=1&y=%20');
      expect(res.status).toBe(301);
      expect(res.headers.get('location')).toBe('/customers/1?x=1&y=%20');
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const res = await server().request(
        method,
        '/clients/1?x=1',
        method === 'DELETE' || method === 'OPTIONS' ? {} : { body: {} },
      );
      expect(res.status, method).toBe(308);
      expect(res.headers.get('location')).toBe('/customers/1?x=1');
    }
    const nested = await server().request('GET', '/clients/1/orders');
    expect(nested.headers.get('location')).toBe('/customers/1/orders');
  });

  it('a trailing slash → 301 to the path without it for every method, query kept', async () => {
    const res = await server().request('GET', '/customers/?limit=1');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/customers?limit=1');
    expect((await server().request('HEAD', '/customers/1/')).headers.get('location')).toBe('/customers/1');
    const post = await server().request('POST', '/customers/', { body: customer('slash') });
    expect(post.status).toBe(301);
    expect(post.headers.get('location')).toBe('/customers');
    const patch = await server().request('PATCH', '/customers/1/?x=1', { body: {} });
    expect(patch.status).toBe(301);
    expect(patch.headers.get('location')).toBe('/customers/1?x=1');
  });

  it('OPTIONS on every route → 204 with Allow, Accept-Post on collections, Accept-Patch on items', async () => {
    const owner = await server().request('POST', '/customers', { body: customer('opt') });
    const routes: [string, string, string][] = [
      ['/customers', 'GET, HEAD, POST, DELETE, OPTIONS', 'accept-post'],
      [`/customers/${owner.json.id}`, 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS', 'accept-patch'],
      [`/customers/${owner.json.id}/orders`, 'GET, HEAD, POST, DELETE, OPTIONS', 'accept-post'],
      ['/orders', 'GET, HEAD, POST, DELETE, OPTIONS', 'accept-post'],
      ['/orders/1', 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS', 'accept-patch'],
    ];
    for (const [path, allow, accept] of routes) {
      const res = await server().request('OPTIONS', path);
      expect(res.status, path).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.headers.get(accept), path).toMatch(/application\/json/);
    }
    expect((await server().request('OPTIONS', '/customers/1')).headers.get('accept-patch')).toContain(
      'application/json-patch+json',
    );
    expectEnvelope(await server().request('OPTIONS', '/nothing-here'), 404, 'ROUTE_NOT_FOUND');
  });

  it('HEAD is GET without the body: same status and headers, Content-Length included', async () => {
    const created = await server().request('POST', '/customers', { body: customer('head') });
    for (const path of [
      `/customers/${created.json.id}`,
      '/customers?limit=3',
      `/customers/${created.json.id}/orders`,
      '/customers/999999',
    ]) {
      const get = await server().request('GET', path);
      const head = await server().request('HEAD', path);
      expect(head.status, path).toBe(get.status);
      expect(head.text).toBe('');
      expect(head.headers.get('content-length'), path).toBe(String(Buffer.byteLength(get.text)));
      for (const h of ['content-type', 'etag', 'last-modified', 'link', 'accept-patch'])
        expect(head.headers.get(h), `${path} ${h}`).toBe(get.headers.get(h));
    }
  });

  it('405 with Allow on every route kind; 501 for PROPFIND, PURGE, QUERY (with or without a body) and FOO', async () => {
    const nested = await server().request('PATCH', '/customers/1/orders', { body: {} });
    expectEnvelope(nested, 405, 'METHOD_NOT_ALLOWED');
    expect(nested.headers.get('allow')).toBe('GET, HEAD, POST, DELETE, OPTIONS');
    const item = await server().request('POST', '/orders/1', { body: {} });
    expectEnvelope(item, 405);
    expect(item.headers.get('allow')).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
    for (const m of ['PROPFIND', 'PURGE']) {
      for (const path of ['/customers', '/customers/1', '/nowhere'])
        expectEnvelope(await server().request(m, path), 501, 'NOT_IMPLEMENTED');
    }
    // Fastify knows QUERY as a body method and asks for a Content-Type first: still 501, not 400.
    for (const path of ['/customers', '/nowhere']) {
      const bare = await rawRequest(
        server().url,
        `QUERY ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
      );
      expect(bare.status, bare.body).toBe(501);
      expect(JSON.parse(bare.body)[0]).toMatchObject({ code: 'NOT_IMPLEMENTED' });
      expectEnvelope(await server().request('QUERY', path, { body: {} }), 501, 'NOT_IMPLEMENTED');
    }
    const foo = await rawRequest(
      server().url,
      'FOO /customers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(foo.status).toBe(501);
    expect(foo.headers).toMatch(/content-type: application\/json; charset=utf-8/i);
    const body = JSON.parse(foo.body);
    expect(body[0]).toMatchObject({ code: 'NOT_IMPLEMENTED', status: 501 });
    expect(foo.headers).toContain(`X-Trace-Id: ${body[0].traceId}`);
  });

  it('406 for an Accept without JSON; */*, application/*, a q-list and no Accept get JSON', async () => {
    const html = await server().request('GET', '/customers', { headers: { accept: 'text/html' } });
    expectEnvelope(html, 406, 'NOT_ACCEPTABLE');
    // OPTIONS has no body to negotiate: 204 whatever the Accept.
    const options = await server().request('OPTIONS', '/customers', { headers: { accept: 'text/html' } });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, POST, DELETE, OPTIONS');
    expectEnvelope(
      await server().request('POST', '/customers', {
        body: customer('acc'),
        headers: { accept: 'text/html, application/xml;q=0.9' },
      }),
      406,
    );
    expectEnvelope(
      await server().request('GET', '/customers', { headers: { accept: 'application/json;q=0' } }),
      406,
    );
    for (const accept of [
      '*/*',
      'application/*',
      'text/html, application/json;q=0.5',
      'text/html;q=0.9, */*;q=0.1',
      '',
    ]) {
      const res = await server().request('GET', '/customers?limit=1', { headers: accept ? { accept } : {} });
      expect(res.status, accept).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
  });
});

const MINIMAL_YAML = `
name: minimal
preferMinimal: true
resources:
  memos:
    fields:
      text: { type: string, required: true }
`;

describeEachStore('preferMinimal config', (_target, getDb) => {
  const server = useServer(getDb, { yaml: MINIMAL_YAML });

  it('makes minimal the default; return=representation still gets the body', async () => {
    const post = await server().request('POST', '/memos', { body: { text: 'a' } });
    expect(post.status).toBe(201);
    expect(post.text).toBe('');
    expect(post.headers.get('location')).toMatch(/^\/memos\/\d+$/);
    expect(post.headers.get('preference-applied')).toBeNull();
    expect(post.headers.get('vary')).toMatch(/\bPrefer\b/);
    const path = post.headers.get('location')!;
    const patch = await server().request('PATCH', path, { body: { text: 'b' } });
    expect(patch.status).toBe(204);
    const rep = await server().request('PUT', path, {
      body: { text: 'c' },
      headers: { prefer: 'return=representation' },
    });
    expect(rep.status).toBe(200);
    expect(rep.json.text).toBe('c');
    expect(rep.headers.get('preference-applied')).toBe('return=representation');
    expect((await server().request('GET', path)).json.text).toBe('c');
  });
});

const VERSIONED_YAML = `
name: versioned
basePath: /api/v1
resources:
  accounts:
    movedFrom: [members]
    fields:
      name: { type: string, required: true }
  tickets:
    fields:
      accountId: { type: reference, to: accounts, required: true }
      subject: { type: string }
`;

describeEachStore('basePath /api/v1', (_target, getDb) => {
  const server = useServer(getDb, { yaml: VERSIONED_YAML });

  it('puts every route, Location, Link and redirect under the base path', async () => {
    const a = await server().request('POST', '/api/v1/accounts', { body: { name: 'a' } });
    expect(a.status).toBe(201);
    expect(a.headers.get('location')).toBe(`/api/v1/accounts/${a.json.id}`);
    await server().request('POST', '/api/v1/accounts', { body: { name: 'b' } });
    const t = await server().request('POST', `/api/v1/accounts/${a.json.id}/tickets`, {
      body: { subject: 's' },
    });
    expect(t.status).toBe(201);
    expect(t.headers.get('location')).toBe(`/api/v1/tickets/${t.json.id}`);
    expect((await server().request('GET', a.headers.get('location')!)).json.name).toBe('a');
    const page = await server().request('GET', '/api/v1/accounts?limit=1');
    expect(page.headers.get('link')).toMatch(/^<\/api\/v1\/accounts\?[^>]+>; rel="next"/);
    expect((await server().request('OPTIONS', '/api/v1/tickets')).status).toBe(204);
    const moved = await server().request('GET', '/api/v1/members/1?x=1');
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/api/v1/accounts/1?x=1');
    expect((await server().request('POST', '/api/v1/members', { body: {} })).headers.get('location')).toBe(
      '/api/v1/accounts',
    );
    expect((await server().request('GET', '/api/v1/accounts/')).headers.get('location')).toBe(
      '/api/v1/accounts',
    );
    expectEnvelope(await server().request('GET', '/accounts'), 404, 'ROUTE_NOT_FOUND');
    expectEnvelope(await server().request('GET', '/members'), 404, 'ROUTE_NOT_FOUND');
  });
});

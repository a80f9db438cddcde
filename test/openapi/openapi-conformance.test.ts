/** Real answers of a running server, on every store, checked against the document it serves at /openapi.json. */
import { expect, it } from 'vitest';
import { customer, expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { documentChecker } from './openapi-conformance.js';
import { LIBRARY_YAML } from './openapi-fixtures.js';

const PATCH_TYPES = { merge: 'application/merge-patch+json', json: 'application/json-patch+json' };

describeEachStore('responses of the CRM example match its OpenAPI document', (_target, getDb) => {
  const server = useServer(getDb);

  it('every status, body and header of a tour of the API is documented and valid', async () => {
    const s = server();
    const doc = (await s.request('GET', '/openapi.json')).json;
    const c = documentChecker(doc);
    const created = await s.request('POST', '/customers', { body: customer('oa1', { tags: ['vip'] }) });
    c.check('POST', '/customers', created);
    const id = created.json.id;
    const item = `/customers/${id}`;
    c.check(
      'POST',
      '/customers',
      await s.request('POST', '/customers', { body: customer('oa2'), headers: { prefer: 'return=minimal' } }),
    );
    const invalid = await s.request('POST', '/customers', { body: { email: 'nope', extra: 1 } });
    expectEnvelope(invalid, 422, 'VALIDATION_FAILED');
    c.check('POST', '/customers', invalid);
    c.check('POST', '/customers', await s.request('POST', '/customers', { body: customer('oa1') }));
    c.check(
      'POST',
      '/customers',
      await s.request('POST', '/customers', { raw: 'x', headers: { 'content-type': 'text/plain' } }),
    );
    c.check(
      'POST',
      '/customers',
      await s.request('POST', '/customers', { raw: '{', headers: { 'content-type': 'application/json' } }),
    );
    const key = { 'idempotency-key': `oa-${Date.now()}` };
    c.check(
      'POST',
      '/customers',
      await s.request('POST', '/customers', { body: customer('oa3'), headers: key }),
    );
    const replay = await s.request('POST', '/customers', { body: customer('oa3'), headers: key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    c.check('POST', '/customers', replay);

    const list = await s.request('GET', '/customers?limit=1&count=true&sort=-createdAt&embed=orders');
    expect(list.headers.get('link')).toContain('rel="next"');
    c.check('GET', '/customers', list);
    c.check(
      'GET',
      '/customers',
      await s.request('GET', '/customers?status[in]=lead,active&name[ilike]=*oa*&fields=id,name'),
    );
    c.check(
      'GET',
      '/customers',
      await s.request('GET', '/customers', {
        headers: { 'if-none-match': list.headers.get('etag')!.replace('W/', '') },
      }),
    );
    c.check('GET', '/customers', await s.request('GET', '/customers?limit=0&nope[eq]=1'));
    c.check('HEAD', '/customers', await s.request('HEAD', '/customers'));
    c.check('OPTIONS', '/customers', await s.request('OPTIONS', '/customers'));
    c.check(
      'GET',
      '/customers',
      await s.request('GET', '/customers', {
        headers: { accept: 'application/problem+json', 'accept-language': 'es' },
      }),
    );
    const problem = await s.request('GET', '/customers?limit=x', {
      headers: { accept: 'application/problem+json' },
    });
    expect(problem.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    c.check('GET', '/customers', problem);
    c.check('GET', '/customers', await s.request('GET', '/customers', { headers: { accept: 'text/plain' } }));

    const got = await s.request('GET', item);
    c.check('GET', '/customers/{id}', got);
    c.check(
      'GET',
      '/customers/{id}',
      await s.request('GET', item, { headers: { 'if-none-match': got.headers.get('etag')! } }),
    );
    c.check('GET', '/customers/{id}', await s.request('GET', '/customers/999999'));
    c.check('HEAD', '/customers/{id}', await s.request('HEAD', item));
    c.check('OPTIONS', '/customers/{id}', await s.request('OPTIONS', item));
    c.check(
      'PUT',
      '/customers/{id}',
      await s.request('PUT', item, { body: { ...got.json, company: 'Acme' } }),
    );
    c.check(
      'PUT',
      '/customers/{id}',
      await s.request('PUT', item, { body: customer('oa1'), headers: { prefer: 'return=minimal' } }),
    );
    c.check('PUT', '/customers/{id}', await s.request('PUT', '/customers/999999', { body: customer('oa9') }));
    c.check(
      'PATCH',
      '/customers/{id}',
      await s.request('PATCH', item, {
        raw: '{"status":"active"}',
        headers: { 'content-type': PATCH_TYPES.merge },
      }),
    );
    const ops = [{ op: 'replace', path: '/phone', value: '555' }];
    c.check(
      'PATCH',
      '/customers/{id}',
      await s.request('PATCH', item, {
        raw: JSON.stringify(ops),
        headers: { 'content-type': PATCH_TYPES.json },
      }),
    );
    const failed = [{ op: 'test', path: '/name', value: 'someone else' }];
    c.check(
      'PATCH',
      '/customers/{id}',
      await s.request('PATCH', item, {
        raw: JSON.stringify(failed),
        headers: { 'content-type': PATCH_TYPES.json },
      }),
    );
    c.check(
      'PATCH',
      '/customers/{id}',
      await s.request('PATCH', item, {
        raw: '[{"op":"jump"}]',
        headers: { 'content-type': PATCH_TYPES.json },
      }),
    );
    c.check(
      'PATCH',
      '/customers/{id}',
      await s.request('PATCH', item, { body: { status: 'x' }, headers: { 'if-match': '"0-0"' } }),
    );
    c.check(
      'PATCH',
      '/customers/{id}',
      await s.request('PATCH', item, { raw: 'x', headers: { 'content-type': 'text/plain' } }),
    );

    const nested = `${item}/orders`;
    const order = await s.request('POST', nested, { body: { title: 'Desk', amount: 120 } });
    c.check('POST', '/customers/{id}/orders', order);
    c.check('GET', '/customers/{id}/orders', await s.request('GET', `${nested}?embed=customer`));
    c.check('GET', '/customers/{id}/orders', await s.request('GET', '/customers/999999/orders'));
    c.check('GET', '/orders', await s.request('GET', '/orders?customerId=1&amount[gte]=1'));
    c.check('DELETE', '/customers/{id}', await s.request('DELETE', item));
    c.check('DELETE', '/orders', await s.request('DELETE', '/orders'));
    const stale = { 'if-match': '"x"' };
    c.check(
      'POST',
      '/orders',
      await s.request('POST', '/orders', { body: {}, headers: { 'if-none-match': '*' } }),
    );
    c.check('POST', '/customers/{id}/orders', await s.request('POST', nested, { body: {}, headers: stale }));
    c.check(
      'DELETE',
      '/orders',
      await s.request('DELETE', `/orders?id=${order.json.id}`, { headers: stale }),
    );
    c.check(
      'DELETE',
      '/customers/{id}/orders',
      await s.request('DELETE', `${nested}?amount=1`, { headers: stale }),
    );
    c.check('DELETE', '/orders', await s.request('DELETE', `/orders?id=${order.json.id}`));
    c.check('DELETE', '/orders/{id}', await s.request('DELETE', `/orders/${order.json.id}`));
    c.check('DELETE', '/customers/{id}', await s.request('DELETE', item));
    expect(c.checked).toBeGreaterThan(30);
  });
});

describeEachStore(
  'responses of a basePath API with uuid and string ids match its document',
  (_target, getDb) => {
    const server = useServer(getDb, { yaml: LIBRARY_YAML });

    it('string ids created by PUT, uuid ids by POST, requireIfMatch, CORS and rate-limit headers are all documented', async () => {
      const s = server();
      const doc = (await s.request('GET', '/api/v1/openapi.json')).json;
      expect(doc.servers[0].url).toBe('/api/v1');
      const c = documentChecker(doc);
      const cors = { origin: 'https://app.example.com' };
      const author = await s.request('PUT', '/api/v1/authors/ada-lovelace', {
        body: { name: 'Ada' },
        headers: cors,
      });
      expect(author.status).toBe(201);
      expect(author.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(author.headers.get('ratelimit-limit')).toBe('1000');
      c.check('PUT', '/authors/{id}', author);
      c.check(
        'PUT',
        '/authors/{id}',
        await s.request('PUT', '/api/v1/authors/ada-lovelace', { body: { name: 'Ada L.' } }),
      );
      c.check(
        'POST',
        '/authors',
        await s.request('POST', '/api/v1/authors', {
          body: { id: 'grace', name: 'Grace', born: '1906-12-09' },
        }),
      );
      const book = await s.request('POST', '/api/v1/books', {
        body: {
          authorId: 'ada-lovelace',
          title: 'Notes',
          published: '1843-10-01T00:00:00+01:00',
          meta: { a: [1] },
        },
      });
      c.check('POST', '/books', book);
      expect(book.json.id).toMatch(/^[0-9a-f-]{36}$/);
      c.check('GET', '/books/{id}', await s.request('GET', `/api/v1/books/${book.json.id}`));
      c.check('GET', '/books/{id}', await s.request('GET', '/api/v1/books/not-a-uuid'));
      c.check('GET', '/books', await s.request('GET', '/api/v1/books?embed=author&available=true'));
      c.check('GET', '/authors', await s.request('GET', '/api/v1/authors?embed=books'));
      c.check(
        'GET',
        '/authors/{id}/books',
        await s.request('GET', '/api/v1/authors/grace/books', { headers: cors }),
      );
      c.check(
        'OPTIONS',
        '/authors',
        await s.request('OPTIONS', '/api/v1/authors', {
          headers: { ...cors, 'access-control-request-method': 'POST' },
        }),
      );
      c.check(
        'PUT',
        '/books/{id}',
        await s.request('PUT', '/api/v1/books/3f2b8c1e-6a4d-4c1b-9e7a-5d2f1b0c8a94', {
          body: { authorId: 'grace', title: 'Code' },
        }),
      );
      c.check(
        'PATCH',
        '/authors/{id}',
        await s.request('PATCH', '/api/v1/authors/grace', { body: { born: null } }),
      );
      c.check('DELETE', '/authors/{id}', await s.request('DELETE', '/api/v1/authors/grace'));
      const bulk = await s.request('DELETE', '/api/v1/authors?name=Nobody');
      expect(bulk.status).toBe(428);
      c.check('DELETE', '/authors', bulk);
      c.check(
        'DELETE',
        '/authors',
        await s.request('DELETE', '/api/v1/authors?name=Nobody', { headers: { 'if-match': '*' } }),
      );
      expect(c.checked).toBeGreaterThan(8);
    });
  },
);

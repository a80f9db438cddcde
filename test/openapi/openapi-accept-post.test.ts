/**
 * The Accept-Post header the document declares (components.headers) admits every value the API
 * sends: application/json, multipart/form-data beside it for a resource with a file field, the
 * import route's three types — on OPTIONS and on a 415.
 */
import { expect, it } from 'vitest';
import { useServer } from '../support/http-harness.js';

const server = useServer(() => ':memory:');

it('every Accept-Post the API sends matches the declared header schema', async () => {
  const doc = (await server().request('GET', '/openapi.json')).json;
  const schema = doc.components.headers['Accept-Post'].schema;
  expect(schema.pattern, 'a pattern: the values are comma-separated lists').toBeDefined();
  const pattern = new RegExp(schema.pattern);
  const sent: string[] = [];
  for (const path of ['/customers', '/orders', '/customers/imports', '/batch']) {
    const res = await server().request('OPTIONS', path);
    expect(res.status, `${path}: ${res.text}`).toBe(204);
    sent.push(res.headers.get('accept-post') ?? '');
  }
  const refused = await server().request('POST', '/orders', {
    raw: 'x',
    headers: { 'content-type': 'text/plain' },
  });
  expect(refused.status).toBe(415);
  sent.push(refused.headers.get('accept-post') ?? '');
  expect(sent[0]).toContain('multipart/form-data'); // customers have an avatar
  expect(sent[2]).toContain('text/csv');
  for (const value of sent) {
    expect(value, value).toMatch(pattern);
    expect(value.length).toBeLessThanOrEqual(schema.maxLength);
  }
});

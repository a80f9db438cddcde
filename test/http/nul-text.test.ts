/** U+0000 in any stored string (PostgreSQL refuses it in text and jsonb) → 422 on every store alike, nothing written. */
import { expect, it } from 'vitest';
import { customer, expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('NUL characters in bodies', (_target, getDb) => {
  const server = useServer(getDb);

  it('POST with NUL in a string field, in a nested json value and in a json key → 422 naming each, nothing stored', async () => {
    const res = await server().request('POST', '/customers', {
      body: customer('nul1', {
        name: 'a\u0000b',
        company: 'ok',
        tags: { list: ['fine', { 'x/y': 'z\u0000' }] },
      }),
    });
    expectEnvelope(res, 422, 'VALIDATION_FAILED');
    expect(res.json.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/name',
      '/tags/list/1/x~1y',
    ]);
    const key = await server().request('POST', '/customers', {
      body: customer('nul2', { tags: { 'k\u0000': 1 } }),
    });
    expectEnvelope(key, 422, 'VALIDATION_FAILED');
    expect(key.json[0].pointer).toBe('/tags/k\u0000');
    const list = await server().request('GET', '/customers?email[like]=cnul*');
    expect(list.json).toEqual([]);
  });

  it('PUT and PATCH (merge and JSON Patch) that would store a NUL → 422; the record is unchanged', async () => {
    const created = await server().request('POST', '/customers', { body: customer('nul3', { tags: ['a'] }) });
    expect(created.status).toBe(201);
    const path = `/customers/${created.json.id}`;
    expectEnvelope(
      await server().request('PUT', path, { body: customer('nul3', { phone: '\u0000' }) }),
      422,
      'VALIDATION_FAILED',
    );
    const merge = await server().request('PATCH', path, {
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { tags: [{ deep: ['\u0000'] }] },
    });
    expectEnvelope(merge, 422, 'VALIDATION_FAILED');
    expect(merge.json[0].pointer).toBe('/tags/0/deep/0');
    const jsonPatch = await server().request('PATCH', path, {
      headers: { 'content-type': 'application/json-patch+json' },
      body: [{ op: 'replace', path: '/company', value: 'Acme\u0000' }],
    });
    expectEnvelope(jsonPatch, 422, 'VALIDATION_FAILED');
    expect(jsonPatch.json[0].pointer).toBe('/company');
    const after = await server().request('GET', path);
    expect(after.json).toEqual(created.json);
  });

  it('other control characters and non-ASCII text are stored exactly', async () => {
    const name = 'tab\there \u0001 é 中文 😀';
    const res = await server().request('POST', '/customers', {
      body: customer('nul4', { name, tags: { '\u0001': '\u001f' } }),
    });
    expect(res.status, res.text).toBe(201);
    const got = await server().request('GET', `/customers/${res.json.id}`);
    expect(got.json).toMatchObject({ name, tags: { '\u0001': '\u001f' } });
  });
});

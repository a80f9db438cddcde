/** Every problem of a body at once (missing references with field problems), and malformed JSON located once. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectEnvelope, startServer, type TestServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: library
resources:
  authors:
    fields: { name: { type: string, required: true } }
  books:
    fields:
      title: { type: string, required: true }
      authorId: { type: reference, to: authors, required: true }
      reviewerId: { type: reference, to: authors }
      pages: { type: integer, minimum: 1 }
`;

const pointers = (json: { pointer?: string; code: string }[]) =>
  json.map((e) => `${e.pointer} ${e.code}`).sort();

describeEachStore('all problems at once', (_target, getDb) => {
  let s: TestServer;
  let book: number;
  beforeAll(async () => {
    s = await startServer({ db: getDb(), yaml: YAML });
    const a = await s.request('POST', '/authors', { body: { name: 'Ada' } });
    book = (await s.request('POST', '/books', { body: { title: 'T', authorId: a.json.id } })).json.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('POST: a bad reference is reported with the field problems, in one 422', async () => {
    const res = await s.request('POST', '/books', { body: { title: 'T', authorId: 999, pages: 0 } });
    expectEnvelope(res, 422);
    expect(pointers(res.json)).toEqual(['/authorId REFERENCE_NOT_FOUND', '/pages VALIDATION_FAILED']);
  });

  it('PUT and PATCH (merge and JSON Patch) report them together too', async () => {
    const put = await s.request('PUT', `/books/${book}`, { body: { title: 'T', authorId: 999, pages: 0 } });
    expect(pointers(put.json)).toEqual(['/authorId REFERENCE_NOT_FOUND', '/pages VALIDATION_FAILED']);
    const merge = await s.request('PATCH', `/books/${book}`, { body: { authorId: 999, pages: 0 } });
    expect(pointers(merge.json)).toEqual(['/authorId REFERENCE_NOT_FOUND', '/pages VALIDATION_FAILED']);
    const jsonPatch = await s.request('PATCH', `/books/${book}`, {
      headers: { 'content-type': 'application/json-patch+json' },
      body: [
        { op: 'replace', path: '/authorId', value: 999 },
        { op: 'replace', path: '/pages', value: 0 },
      ],
    });
    expect(pointers(jsonPatch.json)).toEqual(['/authorId REFERENCE_NOT_FOUND', '/pages VALIDATION_FAILED']);
  });

  it('every missing reference is named when they are the only problems', async () => {
    const res = await s.request('POST', '/books', { body: { title: 'T', authorId: 998, reviewerId: 999 } });
    expectEnvelope(res, 422, 'REFERENCE_NOT_FOUND');
    expect(pointers(res.json)).toEqual(['/authorId REFERENCE_NOT_FOUND', '/reviewerId REFERENCE_NOT_FOUND']);
  });

  it('a value that is itself invalid is reported once, as a field problem', async () => {
    const res = await s.request('POST', '/books', { body: { title: 'T', authorId: 'nope', pages: 0 } });
    expect(pointers(res.json)).toEqual(['/authorId VALIDATION_FAILED', '/pages VALIDATION_FAILED']);
  });

  it('malformed JSON names line, column and byte once, in its own words', async () => {
    const raw = '{\n  "title": "é",\n  "pages": }';
    const at = raw.lastIndexOf('}');
    const res = await s.request('POST', '/books', { headers: { 'content-type': 'application/json' }, raw });
    expectEnvelope(res, 400, 'MALFORMED_JSON');
    const { internalMessage, userMessage } = res.json[0];
    expect(internalMessage).toBe(
      `the body is not valid JSON: a value was expected at line 3, column 12 (byte ${Buffer.byteLength(raw.slice(0, at))})`,
    );
    expect(internalMessage).not.toMatch(/Body is not valid JSON|content-type/);
    expect(userMessage).toBe('The request body is not valid JSON (line 3, column 12).');
    const es = await s.request('POST', '/books', {
      headers: { 'content-type': 'application/json', 'accept-language': 'es' },
      raw: '[1 2]',
    });
    expect(es.json[0].userMessage).toBe(
      'El cuerpo de la petición no es un JSON válido (línea 1, columna 4).',
    );
  });
});

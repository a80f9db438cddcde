/**
 * The order of checks (docs/errors.md): route → authentication → media type → input → access →
 * preconditions → validation → store. Each request fails two stages at once and must get the
 * earlier stage's error, whatever the method.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/error-catalogue.js';
import { stageRank } from '../../src/errors/error-stages.js';
import { type AuthServer, addUser, signIn, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope, type RequestOptions } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: order
auth: { registration: closed }
resources:
  authors:
    access: { read: authenticated, write: role:editor }
    fields:
      name: { type: string, required: true, maxLength: 20 }
      code: { type: string, unique: true }
  secrets:
    access: { read: role:editor, write: role:editor }
    fields: { text: { type: string, required: true } }
  books:
    requireIfMatch: true
    access: { read: authenticated, write: role:editor }
    fields:
      title: { type: string, required: true }
      authorId: { type: reference, to: authors, required: true }
      reviewerId: { type: reference, to: authors }
      pages: { type: integer, minimum: 1 }
`;

type Case = [string, string, string, RequestOptions, ErrorCode, [ErrorCode, ErrorCode]?];

describeEachStore('the order of checks', (_target, getDb) => {
  let s: AuthServer;
  let reader: Record<string, string>;
  let editor: Record<string, string>;
  let author: number;
  let book: number;
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: YAML });
    await addUser(s, 'reader@example.com', 'reader-password-1');
    await addUser(s, 'editor@example.com', 'editor-password-1', ['editor']);
    reader = await signIn(s, 'reader@example.com', 'reader-password-1');
    editor = await signIn(s, 'editor@example.com', 'editor-password-1');
    const a = await s.request('POST', '/authors', { headers: editor, body: { name: 'Ada', code: 'ada' } });
    author = a.json.id;
    const b = await s.request('POST', '/books', { headers: editor, body: { title: 'T', authorId: author } });
    book = b.json.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const text = (who: Record<string, string> = {}) => ({
    headers: { ...who, 'content-type': 'text/plain' },
    raw: 'hello',
  });
  const broken = (who: Record<string, string> = {}, type = 'application/json') => ({
    headers: { ...who, 'content-type': type },
    raw: '{"name": }',
  });

  const cases = (): Case[] => [
    // route before authentication
    ['405 before 401', 'PUT', '/authors', { body: { name: 'x' } }, 'METHOD_NOT_ALLOWED'],
    ['404 route before 401', 'GET', '/nothing-here', {}, 'ROUTE_NOT_FOUND'],
    // authentication before media type, body, query, access
    ['POST: 401 before 415', 'POST', '/authors', text(), 'UNAUTHENTICATED'],
    ['POST: 401 before malformed JSON', 'POST', '/authors', broken(), 'UNAUTHENTICATED'],
    ['PATCH: 401 before 415', 'PATCH', `/authors/${author}`, text(), 'UNAUTHENTICATED'],
    ['PATCH: 401 before malformed JSON', 'PATCH', `/authors/${author}`, broken(), 'UNAUTHENTICATED'],
    ['PUT: 401 before 415', 'PUT', `/authors/${author}`, text(), 'UNAUTHENTICATED'],
    [
      'DELETE: 401 before 412',
      'DELETE',
      `/authors/${author}`,
      { headers: { 'if-match': '"x"' } },
      'UNAUTHENTICATED',
    ],
    ['GET: 401 before a bad query', 'GET', '/authors?limit=nope', {}, 'UNAUTHENTICATED'],
    ['bulk DELETE: 401 before 400', 'DELETE', '/authors', {}, 'UNAUTHENTICATED'],
    // media type before the body and access
    [
      'POST: 415 before malformed JSON',
      'POST',
      '/authors',
      broken(reader, 'application/merge-patch+json'),
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['PATCH: 415 before 403', 'PATCH', `/authors/${author}`, text(reader), 'UNSUPPORTED_MEDIA_TYPE'],
    ['PUT: 415 before 404', 'PUT', '/authors/999999', text(editor), 'UNSUPPORTED_MEDIA_TYPE'],
    // input (body, query string) before access
    ['POST: malformed JSON before 403', 'POST', '/authors', broken(reader), 'MALFORMED_JSON'],
    [
      'POST: empty body before 403',
      'POST',
      '/authors',
      { headers: { ...reader, 'content-type': 'application/json' } },
      'EMPTY_BODY',
    ],
    [
      'PATCH: malformed JSON Patch before 403',
      'PATCH',
      `/authors/${author}`,
      { headers: { ...reader, 'content-type': 'application/json-patch+json' }, body: [{ op: 'bogus' }] },
      'MALFORMED_PATCH',
    ],
    [
      'GET: bad query before 403',
      'GET',
      '/secrets?limit=nope',
      { headers: reader },
      'INVALID_QUERY_PARAMETER',
    ],
    ['bulk DELETE: no filter before 403', 'DELETE', '/authors', { headers: reader }, 'FILTER_REQUIRED'],
    // access before preconditions and the record's existence
    [
      'PATCH: 403 before 412',
      'PATCH',
      `/authors/${author}`,
      { headers: { ...reader, 'if-match': '"x"' }, body: { name: 7 } },
      'FORBIDDEN',
    ],
    [
      'PATCH: 403 before 404 (absent id)',
      'PATCH',
      '/authors/999999',
      { headers: reader, body: { name: 'x' } },
      'FORBIDDEN',
    ],
    [
      'PATCH: 403 before 404 (impossible id)',
      'PATCH',
      '/authors/abc',
      { headers: reader, body: { name: 'x' } },
      'FORBIDDEN',
    ],
    [
      'DELETE: 403 before 412',
      'DELETE',
      `/authors/${author}`,
      { headers: { ...reader, 'if-match': '"x"' } },
      'FORBIDDEN',
    ],
    ['bulk DELETE: 403 before 428', 'DELETE', '/books?title=T', { headers: reader }, 'FORBIDDEN'],
    // preconditions before validation
    [
      'PATCH: 412 before 422',
      'PATCH',
      `/authors/${author}`,
      { headers: { ...editor, 'if-match': '"x"' }, body: { name: 7 } },
      'PRECONDITION_FAILED',
    ],
    [
      'PATCH: 428 before 422',
      'PATCH',
      `/books/${book}`,
      { headers: editor, body: { pages: 0 } },
      'PRECONDITION_REQUIRED',
    ],
    [
      'PUT: 412 on an absent record before 422',
      'PUT',
      '/authors/999999',
      { headers: { ...editor, 'if-match': '"x"' }, body: { name: 7 } },
      'PRECONDITION_FAILED',
    ],
    [
      'POST: 412 before 422',
      'POST',
      '/authors',
      { headers: { ...editor, 'if-match': '"x"' }, body: { name: 7 } },
      'PRECONDITION_FAILED',
    ],
    [
      'PATCH: 404 before 422',
      'PATCH',
      '/authors/999999',
      { headers: editor, body: { name: 7 } },
      'RECORD_NOT_FOUND',
    ],
    // validation before the store
    [
      'POST: 422 before a unique violation',
      'POST',
      '/authors',
      { headers: editor, body: { name: 7, code: 'ada' } },
      'VALIDATION_FAILED',
    ],
  ];

  it('each request failing two stages gets the earlier stage’s error', async () => {
    for (const [what, method, path, options, code] of cases()) {
      const res = await s.request(method, path, options);
      expect(`${what}: ${res.status} ${res.json?.[0]?.code}`).toBe(
        `${what}: ${ERROR_CATALOGUE[code].status} ${code}`,
      );
      expectEnvelope(res, ERROR_CATALOGUE[code].status, code);
    }
  });

  it('the stages asserted above are in the documented order', () => {
    const rank = (c: ErrorCode) => stageRank(ERROR_CATALOGUE[c].stage);
    expect(rank('METHOD_NOT_ALLOWED')).toBeLessThan(rank('UNAUTHENTICATED'));
    expect(rank('UNAUTHENTICATED')).toBeLessThan(rank('UNSUPPORTED_MEDIA_TYPE'));
    expect(rank('UNSUPPORTED_MEDIA_TYPE')).toBeLessThan(rank('MALFORMED_JSON'));
    expect(rank('MALFORMED_JSON')).toBeLessThan(rank('FORBIDDEN'));
    expect(rank('FORBIDDEN')).toBeLessThan(rank('PRECONDITION_FAILED'));
    expect(rank('PRECONDITION_FAILED')).toBeLessThan(rank('VALIDATION_FAILED'));
    expect(rank('VALIDATION_FAILED')).toBeLessThan(rank('UNIQUE_VIOLATION'));
  });
});

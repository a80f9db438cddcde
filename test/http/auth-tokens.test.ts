/** docs/auth.md API tokens: created by their user (secret shown once, only a hash stored), listed, revoked, expiring. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/api-tokens.js';
import {
  type AuthServer,
  addUser,
  bearer,
  ResponseRecorder,
  signIn,
  sleep,
  startAuthServer,
} from '../support/auth-harness.js';
import { expectEnvelope } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: tokentest
auth: { registration: closed, tokenMaxTtlDays: 30 }
resources:
  notes:
    access: { read: authenticated, write: authenticated }
    fields:
      text: { type: string, required: true }
`;

describeEachStore('auth: API tokens', (_target, getDb) => {
  const rec = new ResponseRecorder();
  const PW = rec.secret('token-suite password 1');
  const PW_B = rec.secret('token-suite password 2');
  let s: AuthServer;
  let ann: { cookie: string };
  let bob: { cookie: string };
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: YAML, recorder: rec, captureLogs: true });
    await addUser(s, 'ann@example.com', PW, ['writer']);
    await addUser(s, 'bob@example.com', PW_B);
    ann = await signIn(s, 'ann@example.com', PW);
    bob = await signIn(s, 'bob@example.com', PW_B);
  });
  afterAll(async () => {
    await s?.close();
  });

  const create = (who: { cookie: string }, body: Record<string, unknown>) =>
    s.request('POST', '/auth/tokens', { headers: who, body });

  it('POST /auth/tokens → 201 with Location and the secret, shown this once; the store keeps only its SHA-256', async () => {
    const res = await create(ann, { name: 'ci' });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('location')).toBe(`/auth/tokens/${res.json.id}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json).toMatchObject({ name: 'ci', lastUsedAt: null });
    expect(res.json.token).toMatch(/^vbo_[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(res.json).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
      'token',
    ]);
    // tokenMaxTtlDays: a token without an expiry gets the longest one allowed.
    const days = (Date.parse(res.json.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    const stored = await s.store.get(s.model.auth!.tokens, res.json.id);
    expect(stored!.tokenHash).toBe(hashToken(res.json.token));
    expect(JSON.stringify(stored)).not.toContain(res.json.token);
    const again = await s.request('GET', `/auth/tokens/${res.json.id}`, { headers: ann });
    expect(again.status).toBe(200);
    expect(again.json.token).toBeUndefined();
  });

  it('Authorization: Bearer authenticates; GET /auth/tokens lists the caller’s tokens without secrets or hashes', async () => {
    const { json: made } = await create(ann, { name: 'script' });
    const me = await s.request('GET', '/auth/me', { headers: bearer(made.token) });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ email: 'ann@example.com', roles: ['writer'] });
    expect(
      (await s.request('POST', '/notes', { headers: bearer(made.token), body: { text: 'by token' } })).status,
    ).toBe(201);
    const list = await s.request('GET', '/auth/tokens', { headers: bearer(made.token) });
    expect(list.status).toBe(200);
    const mine = list.json.find((t: { id: number }) => t.id === made.id);
    expect(mine).toMatchObject({ name: 'script', expiresAt: made.expiresAt });
    expect(mine.lastUsedAt).not.toBeNull();
    for (const t of list.json)
      expect(Object.keys(t).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name']);
    expect(list.text).not.toContain('vbo_');
    expect((await s.request('GET', '/auth/tokens', { headers: bob })).json).toEqual([]);
  });

  it('DELETE /auth/tokens/{id} → 204 revokes: the token then answers 401 invalid_token, never 500', async () => {
    const { json: made } = await create(ann, { name: 'to revoke' });
    expect((await s.request('GET', '/notes', { headers: bearer(made.token) })).status).toBe(200);
    const del = await s.request('DELETE', `/auth/tokens/${made.id}`, { headers: ann });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const after = await s.request('GET', '/notes', { headers: bearer(made.token) });
    expectEnvelope(after, 401, 'INVALID_TOKEN');
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer realm="verbo", error="invalid_token"/);
    expectEnvelope(
      await s.request('GET', `/auth/tokens/${made.id}`, { headers: ann }),
      404,
      'RECORD_NOT_FOUND',
    );
    expectEnvelope(
      await s.request('DELETE', `/auth/tokens/${made.id}`, { headers: ann }),
      404,
      'RECORD_NOT_FOUND',
    );
  });

  it('another user’s token answers 404 to GET and DELETE, and keeps working for its owner', async () => {
    const { json: made } = await create(ann, { name: 'private' });
    expectEnvelope(
      await s.request('GET', `/auth/tokens/${made.id}`, { headers: bob }),
      404,
      'RECORD_NOT_FOUND',
    );
    expectEnvelope(
      await s.request('DELETE', `/auth/tokens/${made.id}`, { headers: bob }),
      404,
      'RECORD_NOT_FOUND',
    );
    expectEnvelope(
      await s.request('DELETE', '/auth/tokens/not-a-number', { headers: bob }),
      404,
      'RECORD_NOT_FOUND',
    );
    expect((await s.request('GET', '/auth/me', { headers: bearer(made.token) })).json.email).toBe(
      'ann@example.com',
    );
  });

  it('tokens expire (expiresInSeconds / expiresAt); a past or too distant expiry → 422', async () => {
    const { json: made } = await create(ann, { name: 'short', expiresInSeconds: 1 });
    expect((await s.request('GET', '/auth/me', { headers: bearer(made.token) })).status).toBe(200);
    await sleep(1300);
    expectEnvelope(await s.request('GET', '/auth/me', { headers: bearer(made.token) }), 401, 'INVALID_TOKEN');
    const at = new Date(Date.now() + 3 * 86_400_000).toISOString();
    expect((await create(ann, { name: 'dated', expiresAt: at })).json.expiresAt).toBe(at);
    const past = await create(ann, { name: 'past', expiresAt: '2020-01-01T00:00:00Z' });
    expectEnvelope(past, 422, 'VALIDATION_FAILED');
    expect(past.json[0].pointer).toBe('/expiresAt');
    expectEnvelope(
      await create(ann, { name: 'far', expiresInSeconds: 31 * 86_400 }),
      422,
      'VALIDATION_FAILED',
    );
    const bad = await create(ann, { expiresAt: 'tomorrow' });
    expectEnvelope(bad, 422, 'VALIDATION_FAILED');
    expect(bad.json.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/expiresAt', '/name']);
  });

  it('bad credentials are 401 with WWW-Authenticate, never 500; tokens need a caller and cannot mint tokens', async () => {
    for (const authorization of [
      'Bearer vbo_nope',
      `Bearer vbo_${'A'.repeat(43)}`,
      'Bearer ',
      'Basic YTpi',
      'Bearer x y',
      `Bearer ${'z'.repeat(5000)}`,
    ]) {
      const res = await s.request('GET', '/notes', { headers: { authorization } });
      expectEnvelope(res, 401, 'INVALID_TOKEN');
      expect(res.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="verbo", error="invalid_(token|request)"/,
      );
    }
    expectEnvelope(await s.request('GET', '/auth/tokens'), 401, 'UNAUTHENTICATED');
    expectEnvelope(
      await s.request('POST', '/auth/tokens', { body: { name: 'anon' } }),
      401,
      'UNAUTHENTICATED',
    );
    const { json: made } = await create(ann, { name: 'minter' });
    expectEnvelope(
      await s.request('POST', '/auth/tokens', { headers: bearer(made.token), body: { name: 'child' } }),
      403,
      'FORBIDDEN',
    );
    expect(
      (await s.request('DELETE', `/auth/tokens/${made.id}`, { headers: bearer(made.token) })).status,
    ).toBe(204);
    expectEnvelope(await s.request('GET', '/auth/me', { headers: bearer(made.token) }), 401, 'INVALID_TOKEN');
  });

  it('/auth routes answer 405 with Allow and OPTIONS like every route; Idempotency-Key never replays a token', async () => {
    const res = await s.request('PUT', '/auth/tokens', { headers: ann, body: {} });
    expectEnvelope(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    expect((await s.request('OPTIONS', '/auth/login')).headers.get('allow')).toBe('POST, OPTIONS');
    const headers = { ...ann, 'idempotency-key': 'same-key-twice' };
    const first = await s.request('POST', '/auth/tokens', { headers, body: { name: 'idem' } });
    const second = await s.request('POST', '/auth/tokens', { headers, body: { name: 'idem' } });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.json.token).not.toBe(first.json.token);
  });

  it('no response (but each token’s own creation) and no log line shows a password or a token secret', () => {
    expect(rec.secrets.size).toBeGreaterThan(8);
    expect(rec.leaks([{ what: 'a probe', text: [...rec.secrets].at(-1)! }])).toHaveLength(1);
    expect(rec.leaks(s.logs.map((text, i) => ({ what: `log line ${i}`, text })))).toEqual([]);
  });
});

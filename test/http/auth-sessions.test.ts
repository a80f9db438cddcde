/** docs/auth.md sessions: register, login, me, logout, expiry, instances sharing sessions; docs/errors.md 401 and 403. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type AuthServer,
  LOGIN_LIMIT,
  notesYaml,
  ResponseRecorder,
  sessionCookieOf,
  signIn,
  sleep,
  startAuthServer,
} from '../support/auth-harness.js';
import { expectEnvelope } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const OPEN = notesYaml(
  `{ registration: open, sessionTtlSeconds: 3600, passwordMinLength: 10, loginLimit: ${LOGIN_LIMIT} }`,
);

describeEachStore('auth: sessions', (_target, getDb) => {
  const rec = new ResponseRecorder();
  const PW = rec.secret('correct horse battery');
  const PW2 = rec.secret('tr0ub4dor&3-wombat');
  let s: AuthServer;
  const extra: AuthServer[] = [];
  const another = async (text: string) => {
    const server = await startAuthServer({ db: getDb(), yaml: text, recorder: rec });
    extra.push(server);
    return server;
  };
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: OPEN, recorder: rec, captureLogs: true });
  });
  afterAll(async () => {
    for (const server of [s, ...extra]) await server?.close();
  });

  it('POST /auth/register → 201 with the user (no password) and an HttpOnly SameSite=Lax session cookie', async () => {
    const res = await s.request('POST', '/auth/register', {
      body: { email: 'Ann@Example.com', password: PW, name: 'Ann' },
    });
    expect(res.status, res.text).toBe(201);
    expect(Object.keys(res.json).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'roles', 'updatedAt']);
    expect(res.json).toMatchObject({ email: 'ann@example.com', name: 'Ann', roles: [] });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^verbo_session=[A-Za-z0-9_-]{43}; /);
    const attrs = cookie.split('; ').slice(1);
    expect(attrs).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=3600']));
    expect(attrs).not.toContain('Secure');
    // Expires too, for clients that ignore Max-Age: one hour from now.
    const expires = Date.parse(attrs.find((a) => a.startsWith('Expires='))!.slice('Expires='.length));
    expect(Math.abs(expires - (Date.now() + 3600_000))).toBeLessThan(60_000);
    const me = await s.request('GET', '/auth/me', { headers: { cookie: sessionCookieOf(res) } });
    expect(me.status).toBe(200);
    expect(me.json).toEqual(res.json);
  });

  it('register checks the body (every problem at once), never grants roles, and refuses a taken email with 409', async () => {
    const bad = await s.request('POST', '/auth/register', {
      body: { email: 'not-an-email', password: 'short' },
    });
    expectEnvelope(bad, 422, 'VALIDATION_FAILED');
    expect(bad.json.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/email', '/password']);
    const roles = await s.request('POST', '/auth/register', {
      body: { email: 'eve@example.com', password: PW2, roles: ['admin'] },
    });
    expectEnvelope(roles, 422, 'VALIDATION_FAILED');
    expect(roles.json[0].pointer).toBe('/roles');
    const taken = await s.request('POST', '/auth/register', {
      body: { email: 'ANN@example.com', password: PW2 },
    });
    expectEnvelope(taken, 409, 'UNIQUE_VIOLATION');
    const wrongType = await s.request('POST', '/auth/register', {
      raw: 'email=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectEnvelope(wrongType, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('registration closed → 403 REGISTRATION_CLOSED; users still sign in', async () => {
    const closed = await another(notesYaml(`{ registration: closed, loginLimit: ${LOGIN_LIMIT} }`));
    expectEnvelope(
      await closed.request('POST', '/auth/register', { body: { email: 'new@example.com', password: PW2 } }),
      403,
      'REGISTRATION_CLOSED',
    );
    expect(
      (await closed.request('POST', '/auth/login', { body: { email: 'ann@example.com', password: PW } }))
        .status,
    ).toBe(200);
  });

  it('POST /auth/login → 200 with the user and a fresh cookie; a wrong password or an unknown email → the same 401', async () => {
    const ok = await s.request('POST', '/auth/login', {
      body: { email: 'ann@example.com', password: PW },
      headers: { 'x-forwarded-for': '10.1.0.1' },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ email: 'ann@example.com', roles: [] });
    expect(ok.json.password).toBeUndefined();
    const again = await signIn(s, 'ann@example.com', PW);
    expect(again.cookie).not.toBe(sessionCookieOf(ok));
    const wrong = await s.request('POST', '/auth/login', {
      body: { email: 'ann@example.com', password: PW2 },
      headers: { 'x-forwarded-for': '10.1.0.2' },
    });
    const unknown = await s.request('POST', '/auth/login', {
      body: { email: 'nobody@example.com', password: PW2 },
      headers: { 'x-forwarded-for': '10.1.0.3' },
    });
    for (const res of [wrong, unknown]) {
      expectEnvelope(res, 401, 'LOGIN_FAILED');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="verbo"/);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    expect({ ...wrong.json[0], traceId: '' }).toEqual({ ...unknown.json[0], traceId: '' });
  });

  it('no credentials where they are needed → 401 with WWW-Authenticate (Bearer and the cookie), in the asked language', async () => {
    const me = await s.request('GET', '/auth/me', { headers: { 'accept-language': 'es' } });
    expectEnvelope(me, 401, 'UNAUTHENTICATED');
    expect(me.headers.get('www-authenticate')).toBe(
      'Bearer realm="verbo", Cookie realm="verbo", cookie-name="verbo_session"',
    );
    expect(me.json[0].userMessage).toBe('Necesita iniciar sesión para acceder a los datos.');
    expectEnvelope(await s.request('POST', '/notes', { body: { text: 'x' } }), 401, 'UNAUTHENTICATED');
    expect((await s.request('GET', '/notes')).status).toBe(200);
  });

  it('a malformed Cookie header is no credential: 401 envelope where a caller is needed, never a 500', async () => {
    const malformed = [
      'verbo_session=%ZZ', // bad percent-encoding: the parser keeps the raw text, which is no session id
      'verbo_session=%E0%A4%A',
      'verbo_session=%',
      'verbo_session=%00%0a',
      `verbo_session=${'%'.repeat(3000)}`,
      'verbo_session="unterminated',
      'verbo_session',
      '=;=;=',
      ';;;',
      'verbo_session=a=b=c; ; =x',
      '__proto__=x; constructor=y; verbo_session=%ZZ',
    ];
    for (const cookie of malformed) {
      const me = await s.request('GET', '/auth/me', { headers: { cookie } });
      expectEnvelope(me, 401, 'UNAUTHENTICATED');
      expect(me.headers.get('www-authenticate'), cookie).toMatch(/cookie-name="verbo_session"/);
      const write = await s.request('POST', '/notes', { headers: { cookie }, body: { text: 'x' } });
      expectEnvelope(write, 401, 'UNAUTHENTICATED');
      expect((await s.request('GET', '/notes', { headers: { cookie } })).status, cookie).toBe(200);
    }
    // A value that is no session is cleared, like a stale one.
    const stale = await s.request('GET', '/notes', { headers: { cookie: 'verbo_session=%ZZ' } });
    expect(stale.headers.getSetCookie()[0]).toMatch(/^verbo_session=; .*Max-Age=0/);
    // Garbage around a real session cookie does not hide it (the first verbo_session counts).
    const a = await signIn(s, 'ann@example.com', PW);
    const mixed = `junk=%ZZ; =;${a.cookie}; verbo_session=%ZZ`;
    expect((await s.request('GET', '/auth/me', { headers: { cookie: mixed } })).json.email).toBe(
      'ann@example.com',
    );
  });

  it('POST /auth/logout → 204; the session is gone server-side (401 after), other sessions live on', async () => {
    const a = await signIn(s, 'ann@example.com', PW);
    const b = await signIn(s, 'ann@example.com', PW);
    expect((await s.request('POST', '/notes', { headers: a, body: { text: 'before logout' } })).status).toBe(
      201,
    );
    const out = await s.request('POST', '/auth/logout', { headers: a });
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    expect(out.headers.getSetCookie()[0]).toMatch(/^verbo_session=; .*Max-Age=0/);
    const sid = a.cookie.split('=')[1];
    expect(
      await s.store.kv.get('session', createHash('sha256').update(sid).digest('base64url')),
    ).toBeUndefined();
    const me = await s.request('GET', '/auth/me', { headers: a });
    expectEnvelope(me, 401, 'UNAUTHENTICATED');
    expect(me.json[0].internalMessage).toMatch(/expired or ended/);
    expectEnvelope(
      await s.request('POST', '/notes', { headers: a, body: { text: 'after logout' } }),
      401,
      'UNAUTHENTICATED',
    );
    expect((await s.request('GET', '/auth/me', { headers: b })).status).toBe(200);
    expect((await s.request('POST', '/auth/logout')).status).toBe(204);
  });

  it('sessions live in the store: another instance on the same database serves and ends them', async () => {
    const other = await another(OPEN);
    const a = await signIn(s, 'ann@example.com', PW);
    expect((await other.request('GET', '/auth/me', { headers: a })).json.email).toBe('ann@example.com');
    expect((await other.request('POST', '/auth/logout', { headers: a })).status).toBe(204);
    expectEnvelope(await s.request('GET', '/auth/me', { headers: a }), 401, 'UNAUTHENTICATED');
  });

  it('sessions expire after sessionTtlSeconds (401 where a caller is needed; public data stays readable)', async () => {
    const short = await another(
      notesYaml(`{ registration: open, sessionTtlSeconds: 1, loginLimit: ${LOGIN_LIMIT} }`),
    );
    const res = await short.request('POST', '/auth/login', {
      body: { email: 'ann@example.com', password: PW },
    });
    expect(res.headers.getSetCookie()[0]).toContain('Max-Age=1');
    const a = { cookie: sessionCookieOf(res) };
    expect((await short.request('GET', '/auth/me', { headers: a })).status).toBe(200);
    await sleep(1300);
    expectEnvelope(await short.request('GET', '/auth/me', { headers: a }), 401, 'UNAUTHENTICATED');
    expectEnvelope(
      await short.request('POST', '/notes', { headers: a, body: { text: 'late' } }),
      401,
      'UNAUTHENTICATED',
    );
    const read = await short.request('GET', '/notes', { headers: a });
    expect(read.status).toBe(200);
    expect(read.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
  });

  it('no response and no log line of this suite shows a password', () => {
    expect(rec.responses.length).toBeGreaterThan(25);
    expect(s.logs.length).toBeGreaterThan(20);
    expect(rec.leaks([{ what: 'a probe', text: `x${PW}x` }])).toEqual(['correc… in a probe']);
    expect(rec.leaks(s.logs.map((text, i) => ({ what: `log line ${i}`, text })))).toEqual([]);
  });
});

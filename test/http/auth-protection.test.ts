/** docs/auth.md protections: CSRF on cookie-authenticated changes, sign-in limits (429) and the global rate limit. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type AuthServer,
  addUser,
  LOGIN_LIMIT,
  notesYaml,
  ResponseRecorder,
  signIn,
  sleep,
  startAuthServer,
} from '../support/auth-harness.js';
import { expectEnvelope } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('auth: CSRF and limits', (_target, getDb) => {
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
    s = await startAuthServer({
      db: getDb(),
      yaml: notesYaml(`{ registration: open, loginLimit: ${LOGIN_LIMIT} }`),
      recorder: rec,
      captureLogs: true,
    });
    await addUser(s, 'ann@example.com', PW);
  });
  afterAll(async () => {
    for (const server of [s, ...extra]) await server?.close();
  });

  it('CSRF: a cookie-authenticated change from another origin → 403; same origin, trusted CORS origins, safe methods and Bearer pass', async () => {
    const a = await signIn(s, 'ann@example.com', PW);
    const host = new URL(s.url).host;
    for (const headers of [
      { origin: 'http://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'null' },
    ] as Record<string, string>[]) {
      const res = await s.request('POST', '/notes', {
        headers: { ...a, ...headers },
        body: { text: 'forged' },
      });
      expectEnvelope(res, 403, 'CSRF_REJECTED');
    }
    expect((await s.request('GET', '/notes?text=forged', { headers: a })).json).toEqual([]);
    expectEnvelope(
      await s.request('POST', '/auth/logout', { headers: { ...a, origin: 'http://evil.example' } }),
      403,
      'CSRF_REJECTED',
    );
    expect((await s.request('GET', '/auth/me', { headers: a })).status).toBe(200);
    expectEnvelope(
      await s.request('POST', '/auth/login', {
        headers: { origin: 'http://evil.example' },
        body: { email: 'ann@example.com', password: PW },
      }),
      403,
      'CSRF_REJECTED',
    );
    for (const headers of [
      { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' },
      {},
      { origin: 'https://app.example', 'sec-fetch-site': 'cross-site' },
    ] as Record<string, string>[]) {
      const res = await s.request('POST', '/notes', {
        headers: { ...a, ...headers },
        body: { text: 'fine' },
      });
      expect(res.status, res.text).toBe(201);
    }
    expect(
      (await s.request('GET', '/notes', { headers: { ...a, 'sec-fetch-site': 'cross-site' } })).status,
    ).toBe(200);
    const token = (await s.request('POST', '/auth/tokens', { headers: a, body: { name: 'csrf' } })).json
      .token;
    const viaBearer = await s.request('POST', '/notes', {
      headers: {
        authorization: `Bearer ${token}`,
        origin: 'http://evil.example',
        'sec-fetch-site': 'cross-site',
      },
      body: { text: 'api' },
    });
    expect(viaBearer.status).toBe(201);
  });

  it('login attempts per account → 429 with Retry-After (even with the right password), lifted after the window', async () => {
    await addUser(s, 'bob@example.com', PW2);
    for (let i = 0; i < 3; i++) {
      const res = await s.request('POST', '/auth/login', {
        body: { email: 'bob@example.com', password: `wrong-${i}-password` },
        headers: { 'x-forwarded-for': `10.2.0.${i}` },
      });
      expectEnvelope(res, 401, 'LOGIN_FAILED');
    }
    const locked = await s.request('POST', '/auth/login', {
      body: { email: 'BOB@example.com', password: PW2 },
      headers: { 'x-forwarded-for': '10.2.0.9' },
    });
    expectEnvelope(locked, 429, 'TOO_MANY_ATTEMPTS');
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(3);
    expect(locked.headers.getSetCookie()).toEqual([]);
    await sleep(retry * 1000 + 200);
    expect(
      (
        await s.request('POST', '/auth/login', {
          body: { email: 'bob@example.com', password: PW2 },
          headers: { 'x-forwarded-for': '10.2.0.10' },
        })
      ).status,
    ).toBe(200);
  });

  it('login attempts per address → 429; parallel attempts cannot exceed the limit (slots are claimed atomically)', async () => {
    const from = { 'x-forwarded-for': '10.3.0.1' };
    for (let i = 0; i < 5; i++) {
      expectEnvelope(
        await s.request('POST', '/auth/login', {
          body: { email: `ghost${i}@example.com`, password: 'whatever-pass' },
          headers: from,
        }),
        401,
        'LOGIN_FAILED',
      );
    }
    expectEnvelope(
      await s.request('POST', '/auth/login', {
        body: { email: 'ann@example.com', password: PW },
        headers: from,
      }),
      429,
      'TOO_MANY_ATTEMPTS',
    );
    expect(
      (
        await s.request('POST', '/auth/login', {
          body: { email: 'ann@example.com', password: PW },
          headers: { 'x-forwarded-for': '10.3.0.2' },
        })
      ).status,
    ).toBe(200);
    await addUser(s, 'carol@example.com', PW2);
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        s.request('POST', '/auth/login', {
          body: { email: 'carol@example.com', password: `guess-${i}-password` },
          headers: { 'x-forwarded-for': `10.4.0.${i}` },
        }),
      ),
    );
    expect(burst.filter((r) => r.status === 401).length).toBe(3);
    expect(burst.filter((r) => r.status === 429).length).toBe(7);
  });

  it('the global rateLimit → 429 with Retry-After and RateLimit headers', async () => {
    const limited = await another(
      notesYaml(
        `{ registration: open, loginLimit: ${LOGIN_LIMIT} }`,
        'rateLimit: { max: 3, windowSeconds: 60 }',
      ),
    );
    const from = { 'x-forwarded-for': '10.5.0.1' };
    for (let i = 0; i < 3; i++) {
      const res = await limited.request('GET', '/notes', { headers: from });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const over = await limited.request('GET', '/notes', { headers: from });
    expectEnvelope(over, 429, 'RATE_LIMITED');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.headers.get('ratelimit-limit')).toBe('3');
    expect(
      (await limited.request('GET', '/notes', { headers: { 'x-forwarded-for': '10.5.0.2' } })).status,
    ).toBe(200);
  });

  it('no response and no log line of this suite shows a password or a token secret', () => {
    expect(rec.responses.length).toBeGreaterThan(30);
    expect(rec.leaks(s.logs.map((text, i) => ({ what: `log line ${i}`, text })))).toEqual([]);
  });
});

/**
 * verbo/client sessions and tokens. The auth routes are those of issue 7 (POST /auth/login,
 * POST /auth/logout, GET /auth/me); a scripted server plays them so the client's cookie and
 * token handling is tested on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../../src/client/cookie-jar.js';
import { createClient } from '../../src/client/index.js';
import { caught, type StubServer, sendEnvelope, sendJson, stubServer } from './client-harness.js';

const USER = { id: 1, email: 'ann@example.com', name: 'Ann', roles: ['sales'] };
let stub: StubServer;
const sessions = new Set<string>();

beforeAll(async () => {
  let n = 0;
  stub = await stubServer((req, res, body) => {
    const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (req.method === 'POST' && req.url === '/auth/login') {
      const { email, password } = JSON.parse(body);
      if (email !== USER.email || password !== 'secret')
        return sendEnvelope(res, 401, 'UNAUTHENTICATED', { 'www-authenticate': 'Bearer' });
      const id = `s${++n}`;
      sessions.add(id);
      res.setHeader('set-cookie', [`sid=${id}; Path=/; HttpOnly; SameSite=Lax`, 'theme=dark; Max-Age=3600']);
      return sendJson(res, 200, USER);
    }
    if (req.method === 'POST' && req.url === '/auth/logout') {
      if (sid) sessions.delete(sid);
      res.writeHead(204, { 'set-cookie': 'sid=; Path=/; Max-Age=0' }).end();
      return;
    }
    if (req.url === '/auth/me' || req.url === '/customers') {
      if ((sid && sessions.has(sid)) || bearer === 'tok-123')
        return sendJson(res, 200, req.url === '/auth/me' ? USER : []);
      return sendEnvelope(res, 401, 'UNAUTHENTICATED', { 'www-authenticate': 'Bearer' });
    }
    sendEnvelope(res, 404, 'ROUTE_NOT_FOUND');
  });
});
afterAll(() => stub.close());

describe('sessions and tokens', () => {
  it('login keeps the session cookie and sends it; me() shows the user; logout ends it (then 401)', async () => {
    const api = createClient({ baseUrl: stub.url });
    expect(await api.auth.login('ann@example.com', 'secret')).toEqual(USER);
    const login = stub.requests.at(-1)!;
    expect(JSON.parse(login.body)).toEqual({ email: 'ann@example.com', password: 'secret' });
    expect(login.headers['idempotency-key']).toBeUndefined();
    expect(await api.auth.me()).toEqual(USER);
    expect(stub.requests.at(-1)!.headers.cookie).toMatch(/^sid=s\d+; theme=dark$/);
    expect((await api.customers.list()).items).toEqual([]);
    await api.auth.logout();
    expect(stub.requests.at(-1)!.headers.cookie).toMatch(/sid=s\d+/);
    const e = await caught(api.auth.me());
    expect(e).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(e.headers!.get('www-authenticate')).toBe('Bearer');
    expect(stub.requests.at(-1)!.headers.cookie).toBeUndefined();
  });

  it('a wrong password is a 401 VerboError and stores no cookie', async () => {
    const api = createClient({ baseUrl: stub.url });
    expect(await caught(api.auth.login('ann@example.com', 'nope'))).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    await caught(api.auth.me());
    expect(stub.requests.at(-1)!.headers.cookie).toBeUndefined();
  });

  it('token → Authorization: Bearer on every call; a function is asked each time', async () => {
    const api = createClient({ baseUrl: stub.url, token: 'tok-123' });
    expect(await api.auth.me()).toEqual(USER);
    expect(stub.requests.at(-1)!.headers.authorization).toBe('Bearer tok-123');
    let current = 'expired';
    const rotating = createClient({ baseUrl: stub.url, token: async () => current, retries: 0 });
    expect((await caught(rotating.customers.list())).status).toBe(401);
    current = 'tok-123';
    expect((await rotating.customers.list()).items).toEqual([]);
  });

  it('the cookie jar honours Max-Age and Expires', () => {
    const jar = new CookieJar();
    const h = new Headers();
    h.append('set-cookie', 'a=1; Max-Age=10');
    h.append('set-cookie', 'b=2; Expires=Thu, 01 Jan 1970 00:00:10 GMT');
    h.append('set-cookie', 'c=3');
    jar.store(h, 0);
    expect(jar.header(5_000)).toBe('a=1; b=2; c=3');
    expect(jar.header(10_000)).toBe('c=3');
    const gone = new Headers({ 'set-cookie': 'c=; Max-Age=0' });
    jar.store(gone, 20_000);
    expect(jar.header(20_000)).toBeUndefined();
  });
});

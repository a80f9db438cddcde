/** The /auth/* routes in the OpenAPI document: their shape, and real answers checked against it. */
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { buildOpenApi } from '../../src/openapi/openapi-builder.js';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { documentChecker } from './openapi-conformance.js';
import { AUTH_BASE_YAML, AUTH_YAML, CRM_YAML, modelOf } from './openapi-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: the document is walked freely
type Json = any;
const docOf = (yaml: string): Json => buildOpenApi(modelOf(yaml), { errorCodes: ERROR_CATALOGUE });

/** Every schema reachable from a response, with $refs followed. */
function responseSchemas(doc: Json): Json[] {
  const out: Json[] = [];
  const seen = new Set<unknown>();
  const walk = (v: Json): void => {
    if (!v || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (typeof v.$ref === 'string') {
      const [, kind, name] = v.$ref.slice(2).split('/');
      walk(doc.components[kind][name]);
      return;
    }
    out.push(v);
    for (const x of Object.values(v)) walk(x);
  };
  for (const item of Object.values<Json>(doc.paths))
    for (const op of Object.values<Json>(item)) if (op?.responses) walk(op.responses);
  return out;
}

describe('auth routes in the document', () => {
  const doc = docOf(AUTH_YAML);

  it('documents register, login, logout, me and tokens with their statuses and security', () => {
    const p = doc.paths;
    expect(Object.keys(p).filter((k) => k.startsWith('/auth/'))).toEqual([
      '/auth/register',
      '/auth/login',
      '/auth/logout',
      '/auth/me',
      '/auth/tokens',
      '/auth/tokens/{id}',
    ]);
    const codes = (op: Json) => Object.keys(op.responses);
    expect(codes(p['/auth/login'].post)).toEqual(expect.arrayContaining(['200', '401', '422', '429']));
    expect(p['/auth/login'].post.responses['200'].headers['Set-Cookie']).toBeDefined();
    expect(doc.components.responses.TooManyRequests.headers['Retry-After']).toBeDefined();
    expect(doc.components.responses.TooManyRequests.description).toContain('TOO_MANY_ATTEMPTS');
    expect(doc.components.responses.Unauthorized.description).toContain('LOGIN_FAILED');
    expect(codes(p['/auth/register'].post)).toEqual(expect.arrayContaining(['201', '403', '409', '422']));
    expect(codes(p['/auth/logout'].post)).toContain('204');
    expect(codes(p['/auth/tokens'].post)).toEqual(expect.arrayContaining(['201', '401', '403', '422']));
    expect(codes(p['/auth/tokens/{id}'].delete)).toEqual(expect.arrayContaining(['204', '401', '404']));
    expect(p['/auth/login'].post.security).toEqual([{}]);
    expect(p['/auth/me'].get.security).toEqual([{ cookieAuth: [] }, { bearerAuth: [] }]);
    expect(p['/auth/tokens'].post.security).toEqual([{ cookieAuth: [] }]);
    expect(p['/auth/tokens'].get.security).toEqual([{ cookieAuth: [] }, { bearerAuth: [] }]);
    expect(doc.components.schemas.NewApiToken.required).toContain('token');
    expect(doc.tags.map((t: Json) => t.name)).toContain('auth');
  });

  it('passwords are writeOnly request fields and never in a response schema', () => {
    const s = doc.components.schemas;
    expect(s.Registration.properties.password).toMatchObject({ writeOnly: true, minLength: 8 });
    expect(s.Credentials.properties.password.writeOnly).toBe(true);
    for (const schema of responseSchemas(doc)) {
      const props = Object.keys(schema.properties ?? {});
      expect(props.filter((k) => /password/i.test(k))).toEqual([]);
    }
  });

  it('no register path when registration is closed; the auth paths sit under the server URL (basePath)', () => {
    const closed = docOf(AUTH_BASE_YAML);
    expect(closed.servers[0].url).toBe('/api');
    expect(closed.paths['/auth/register']).toBeUndefined();
    expect(closed.paths['/auth/login']).toBeDefined();
    expect(closed.components.schemas.Registration).toBeUndefined();
    expect(closed.components.schemas.Credentials.properties.password.writeOnly).toBe(true);
    expect(Object.keys(docOf(CRM_YAML).paths).some((k) => k.startsWith('/auth'))).toBe(false);
  });
});

const cookieOf = (res: { headers: Headers }) => (res.headers.get('set-cookie') ?? '').split(';')[0];

describeEachStore('auth responses match the OpenAPI document', (_target, getDb) => {
  const server = useServer(getDb, { yaml: AUTH_YAML });

  it('register, login (200, 401, 429), me, tokens and logout answer only what the document says', async () => {
    const s = server();
    const doc = (await s.request('GET', '/openapi.json')).json;
    const c = documentChecker(doc);
    const account = { email: 'ada@example.com', password: 'correct horse battery' };
    const reg = await s.request('POST', '/auth/register', { body: { ...account, name: 'Ada' } });
    expect(reg.status).toBe(201);
    expect(reg.json.password).toBeUndefined();
    c.check('POST', '/auth/register', reg);
    c.check('POST', '/auth/register', await s.request('POST', '/auth/register', { body: account }));
    c.check('POST', '/auth/register', await s.request('POST', '/auth/register', { body: { email: 'x' } }));
    c.check('GET', '/auth/me', await s.request('GET', '/auth/me'));
    const login = await s.request('POST', '/auth/login', { body: account });
    expect(login.status).toBe(200);
    expect(cookieOf(login)).toMatch(/^verbo_session=./);
    c.check('POST', '/auth/login', login);
    const cookie = { cookie: cookieOf(login) };
    c.check('GET', '/auth/me', await s.request('GET', '/auth/me', { headers: cookie }));
    c.check('HEAD', '/auth/me', await s.request('HEAD', '/auth/me', { headers: cookie }));
    const created = await s.request('POST', '/auth/tokens', {
      headers: cookie,
      body: { name: 'ci', expiresInSeconds: 3600 },
    });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^vbo_/);
    c.check('POST', '/auth/tokens', created);
    const bearer = { authorization: `Bearer ${created.json.token}` };
    c.check(
      'POST',
      '/auth/tokens',
      await s.request('POST', '/auth/tokens', { headers: bearer, body: { name: 'x' } }),
    );
    c.check('POST', '/auth/tokens', await s.request('POST', '/auth/tokens', { headers: cookie, body: {} }));
    c.check('GET', '/auth/tokens', await s.request('GET', '/auth/tokens', { headers: bearer }));
    c.check(
      'GET',
      '/auth/tokens/{id}',
      await s.request('GET', `/auth/tokens/${created.json.id}`, { headers: bearer }),
    );
    c.check('GET', '/auth/tokens/{id}', await s.request('GET', '/auth/tokens/999', { headers: bearer }));
    c.check(
      'GET',
      '/auth/me',
      await s.request('GET', '/auth/me', { headers: { authorization: 'Bearer nope' } }),
    );
    const crossSite = await s.request('DELETE', `/auth/tokens/${created.json.id}`, {
      headers: { ...cookie, origin: 'https://evil.example' },
    });
    expectEnvelope(crossSite, 403, 'CSRF_REJECTED');
    c.check('DELETE', '/auth/tokens/{id}', crossSite);
    c.check(
      'DELETE',
      '/auth/tokens/{id}',
      await s.request('DELETE', `/auth/tokens/${created.json.id}`, { headers: cookie }),
    );
    c.check(
      'DELETE',
      '/auth/tokens/{id}',
      await s.request('DELETE', `/auth/tokens/${created.json.id}`, { headers: cookie }),
    );
    c.check('OPTIONS', '/auth/tokens', await s.request('OPTIONS', '/auth/tokens'));
    c.check('POST', '/auth/logout', await s.request('POST', '/auth/logout', { headers: cookie }));
    const wrong = { ...account, password: 'wrong password' };
    const failed = await s.request('POST', '/auth/login', { body: wrong });
    expectEnvelope(failed, 401, 'LOGIN_FAILED');
    c.check('POST', '/auth/login', failed);
    let limited = failed;
    for (let i = 0; i < 10 && limited.status !== 429; i++)
      limited = await s.request('POST', '/auth/login', { body: wrong });
    expectEnvelope(limited, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    c.check('POST', '/auth/login', limited);
    expect(c.checked).toBeGreaterThanOrEqual(15);
  }, 60_000);
});

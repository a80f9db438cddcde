/** docs/auth.md HTTPS: TLS with a certificate the test generates; HSTS, and the session cookie gets `Secure`. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthServer, ResponseRecorder, startAuthServer } from '../support/auth-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: tlstest
auth: { registration: open }
resources:
  notes:
    access: { read: authenticated, write: authenticated }
    fields: { text: { type: string, required: true } }
`;

/** A fresh self-signed certificate for 127.0.0.1 and localhost (openssl is on every CI image we use). */
function selfSigned(): { cert: Buffer; key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'verbo-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'pipe' },
    );
    return { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeEachStore('auth over HTTPS', (_target, getDb) => {
  const rec = new ResponseRecorder();
  const PW = rec.secret('tls suite password');
  let tls: AuthServer;
  let plain: AuthServer;
  let cert: Buffer;
  beforeAll(async () => {
    const pair = selfSigned();
    cert = pair.cert;
    tls = await startAuthServer({ db: getDb(), yaml: YAML, recorder: rec, https: pair });
    plain = await startAuthServer({ db: getDb(), yaml: YAML, recorder: rec });
  });
  afterAll(async () => {
    await tls?.close();
    await plain?.close();
  });

  it('serves TLS with HSTS; the session cookie is HttpOnly, SameSite=Lax, Path=/ and Secure', async () => {
    expect(tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await tls.request('POST', '/auth/register', {
      body: { email: 'tls@example.com', password: PW },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const [cookie] = res.headers.getSetCookie();
    expect(cookie.split('; ')).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/', 'Secure']),
    );
    const me = await tls.request('GET', '/auth/me', { headers: { cookie: cookie.split(';')[0] } });
    expect(me.status).toBe(200);
    expect(me.headers.get('strict-transport-security')).toBeTruthy();
    const logout = await tls.request('POST', '/auth/logout', { headers: { cookie: cookie.split(';')[0] } });
    // Attribute order carries no meaning (RFC 6265 §5.2): compare them as a set.
    expect(logout.headers.getSetCookie()[0].split('; ')).toEqual(
      expect.arrayContaining(['verbo_session=', 'Max-Age=0', 'HttpOnly', 'SameSite=Lax', 'Path=/', 'Secure']),
    );
  });

  it('speaks HTTP/2 to clients that offer it (ALPN), with the same headers and cookie', async () => {
    const client = connect(tls.url, { ca: cert });
    try {
      const res = await new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const req = client.request({
          ':method': 'POST',
          ':path': '/auth/login',
          'content-type': 'application/json',
        });
        let body = '';
        let headers: Record<string, unknown> = {};
        req.on('response', (h) => {
          headers = h;
        });
        req.setEncoding('utf8').on('data', (d: string) => (body += d));
        req.on('end', () => resolve({ headers, body }));
        req.on('error', reject);
        req.end(JSON.stringify({ email: 'tls@example.com', password: PW }));
      });
      rec.responses.push({ what: 'HTTP/2 POST /auth/login', text: JSON.stringify(res) });
      expect(res.headers[':status']).toBe(200);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(String(res.headers['set-cookie']).split('; ')).toEqual(
        expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/', 'Secure']),
      );
      expect(JSON.parse(res.body).email).toBe('tls@example.com');
    } finally {
      client.close();
    }
  });

  it('HTTP/2 has no Host header (:authority instead): a same-origin Origin still passes the CSRF check, another origin does not', async () => {
    const client = connect(tls.url, { ca: cert });
    const post = (origin: string, path: string, body: unknown, cookie?: string) =>
      new Promise<{ status: number; body: string; cookie?: string }>((resolve, reject) => {
        const req = client.request({
          ':method': 'POST',
          ':path': path,
          'content-type': 'application/json',
          origin,
          ...(cookie ? { cookie } : {}),
        });
        let text = '';
        let status = 0;
        let setCookie: string | undefined;
        req.on('response', (h) => {
          status = Number(h[':status']);
          setCookie = h['set-cookie']?.[0];
        });
        req.setEncoding('utf8').on('data', (d: string) => (text += d));
        req.on('end', () => resolve({ status, body: text, cookie: setCookie }));
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    try {
      const self = new URL(tls.url).origin;
      const login = await post(self, '/auth/login', { email: 'tls@example.com', password: PW });
      expect(login.status, login.body).toBe(200);
      const cookie = login.cookie!.split(';')[0];
      const made = await post(self, '/auth/tokens', { name: 'h2' }, cookie);
      expect(made.status, made.body).toBe(201);
      const foreign = await post('https://evil.example', '/auth/tokens', { name: 'h2' }, cookie);
      expect(foreign.status, foreign.body).toBe(403);
    } finally {
      client.close();
    }
  });

  it('over plain HTTP: no HSTS and no Secure (a browser would drop a Secure cookie sent over http)', async () => {
    const res = await plain.request('POST', '/auth/login', {
      body: { email: 'tls@example.com', password: PW },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.getSetCookie()[0]).not.toMatch(/Secure/);
  });

  it('no response shows the password', () => {
    expect(rec.leaks()).toEqual([]);
  });
});

describe('selfSigned', () => {
  it('makes a PEM certificate and key', () => {
    const { cert, key } = selfSigned();
    expect(cert.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(key.toString()).toMatch(/PRIVATE KEY-----/);
  });
});

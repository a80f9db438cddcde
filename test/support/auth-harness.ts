/**
 * Helpers for the auth suites (docs/auth.md): servers with optional TLS and captured logs, users made
 * straight in the store, sign-in helpers, and a recorder that keeps every response so a suite can
 * prove no password or token secret ever came back (except the one token-creation response).
 */
import { request as httpsRequest } from 'node:https';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { UserAccounts } from '../../src/auth/user-accounts.js';
import { buildApp } from '../../src/http/app.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import type { Model } from '../../src/model/model-types.js';
import { openStore } from '../../src/store/open-store.js';
import type { RequestOptions, Res, TestServer } from './http-harness.js';

export const LOGIN_LIMIT = '{ perAccount: 3, perAddress: 5, windowSeconds: 3 }';

/** A one-resource config (`notes`: public read, authenticated write) with the given `auth` value. */
export const notesYaml = (auth: string, extra = '') => `
name: authtest
trustProxy: true
cors: { origins: ['https://app.example'], credentials: true }
auth: ${auth}
${extra}
resources:
  notes:
    access: { read: public, write: authenticated }
    fields:
      text: { type: string, required: true }
`;

export interface AuthServer extends TestServer {
  model: Model;
  /** Every pino line the server wrote (when started with `captureLogs`). */
  logs: string[];
}

export interface Recorded {
  what: string;
  text: string;
}

/** Keeps every response (status line, headers, body) of the servers it wraps. */
export class ResponseRecorder {
  readonly responses: Recorded[] = [];
  readonly secrets = new Set<string>();
  /** secret → the one recorded response allowed to show it (its creation). */
  private readonly allowed = new Map<string, Recorded>();

  secret<T extends string>(value: T): T {
    this.secrets.add(value);
    return value;
  }

  record(method: string, path: string, res: Res): Recorded {
    const lines: string[] = [];
    res.headers.forEach((v, k) => {
      lines.push(`${k}: ${v}`);
    });
    const headers = lines.join('\n');
    const rec = {
      what: `${method} ${path} → ${res.status}`,
      text: `${res.status}\n${headers}\n${res.headers.getSetCookie().join('\n')}\n\n${res.text}`,
    };
    this.responses.push(rec);
    if (
      method === 'POST' &&
      /\/auth\/tokens$/.test(path) &&
      res.status === 201 &&
      typeof res.json?.token === 'string'
    ) {
      this.secret(res.json.token);
      this.allowed.set(res.json.token, rec);
    }
    return rec;
  }

  /** Each place a secret shows up where it should not. */
  leaks(extra: { what: string; text: string }[] = []): string[] {
    const out: string[] = [];
    for (const secret of this.secrets) {
      for (const rec of [...this.responses, ...extra]) {
        if (rec !== this.allowed.get(secret) && rec.text.includes(secret))
          out.push(`${secret.slice(0, 6)}… in ${rec.what}`);
      }
    }
    return out;
  }
}

async function fetchRes(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  ca?: Buffer,
): Promise<Res> {
  let status: number;
  let resHeaders: Headers;
  let text: string;
  if (ca) {
    ({
      status,
      headers: resHeaders,
      text,
    } = await new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
      const req = httpsRequest(url, { method, headers, ca }, (res) => {
        let data = '';
        res.setEncoding('utf8').on('data', (d: string) => (data += d));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            for (const one of Array.isArray(v) ? v : [v ?? '']) h.append(k, one);
          resolve({ status: res.statusCode ?? 0, headers: h, text: data });
        });
      });
      req.on('error', reject);
      req.end(body);
    }));
  } else {
    const res = await fetch(url, { method, headers, body, redirect: 'manual' });
    ({ status, headers: resHeaders } = res);
    text = await res.text();
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers: resHeaders, text, json };
}

export async function startAuthServer(options: {
  db: string;
  yaml: string;
  recorder?: ResponseRecorder;
  captureLogs?: boolean;
  https?: { cert: Buffer; key: Buffer };
}): Promise<AuthServer> {
  const model = buildModel(parseConfigText(options.yaml, 'verbo.yaml'));
  const store = await openStore(options.db);
  await store.sync(model);
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await buildApp({
    model,
    store,
    https: options.https,
    logger: options.captureLogs ? { level: 'trace', stream } : false,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    store,
    model,
    logs,
    async request(method: string, path: string, o: RequestOptions = {}) {
      const headers: Record<string, string> = { ...o.headers };
      let body = o.raw;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
          headers['content-type'] = 'application/json';
      }
      const res = await fetchRes(address + path, method, headers, body, options.https?.cert);
      options.recorder?.record(method, path, res);
      return res;
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** Adds a user straight to the store (what `verbo users add` does). */
export async function addUser(server: AuthServer, email: string, password: string, roles: string[] = []) {
  return new UserAccounts(server.store, server.model.auth!).create({ email, password, roles });
}

/** The `name=value` part of the session cookie a response set. */
export function sessionCookieOf(res: Res): string {
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('verbo_session='));
  expect(cookie, `no session cookie in ${res.status} ${res.text}`).toBeTruthy();
  return cookie!.split(';')[0];
}

/** Signs in and gives the header that carries the session. */
export async function signIn(
  server: TestServer,
  email: string,
  password: string,
): Promise<{ cookie: string }> {
  const res = await server.request('POST', '/auth/login', { body: { email, password } });
  expect(res.status, res.text).toBe(200);
  return { cookie: sessionCookieOf(res) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two signed-in users: ann (no role) and sam (role `sales`), the pair the access suites use. */
export async function annAndSam(
  server: AuthServer,
): Promise<{ ann: { cookie: string }; sam: { cookie: string } }> {
  await addUser(server, 'ann@example.com', 'ann-password-123');
  await addUser(server, 'sam@example.com', 'sam-password-123', ['sales']);
  return {
    ann: await signIn(server, 'ann@example.com', 'ann-password-123'),
    sam: await signIn(server, 'sam@example.com', 'sam-password-123'),
  };
}

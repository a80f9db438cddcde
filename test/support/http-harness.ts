/** Starts a real verbo server (in-process, real HTTP on a free port) and talks to it with fetch. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export const CRM_CONFIG = fileURLToPath(new URL('../../examples/crm/verbo.yaml', import.meta.url));
export const CRM_SEED = fileURLToPath(new URL('../../examples/crm/seed.json', import.meta.url));

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected freely
  json: any;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Sent as JSON with Content-Type application/json unless `raw` or a content-type header is given. */
  body?: unknown;
  raw?: string;
}

export interface TestServer {
  url: string;
  store: Store;
  request(method: string, path: string, options?: RequestOptions): Promise<Res>;
  close(): Promise<void>;
}

/** `store`: an already opened store (e.g. with a short timeout) used instead of opening `db`. */
export async function startServer(options: {
  db: string;
  yaml?: string;
  production?: boolean;
  store?: Store;
}): Promise<TestServer> {
  const yaml = options.yaml ?? readFileSync(CRM_CONFIG, 'utf8');
  const model = buildModel(parseConfigText(yaml, 'verbo.yaml'));
  const store = options.store ?? (await openStore(options.db));
  await store.sync(model);
  const app = await buildApp({ model, store, production: options.production });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    store,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      let body: string | undefined = o.raw;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
          headers['content-type'] = 'application/json';
      }
      const res = await fetch(address + path, { method, headers, body, redirect: 'manual' });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** Asserts the error envelope (docs/errors.md): an array of complete error objects sharing the X-Trace-Id. */
export function expectEnvelope(res: Res, status: number, code?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json; charset=utf-8/);
  expect(Array.isArray(res.json)).toBe(true);
  expect(res.json.length).toBeGreaterThan(0);
  const traceId = res.headers.get('x-trace-id');
  expect(traceId).toBeTruthy();
  for (const e of res.json) {
    expect(e).toMatchObject({ status, traceId });
    expect(e.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(typeof e.internalMessage).toBe('string');
    expect(typeof e.userMessage).toBe('string');
    expect(e.userMessage.length).toBeGreaterThan(0);
  }
  if (code) expect(res.json.map((e: { code: string }) => e.code)).toContain(code);
}

export const customer = (n: number | string, extra: Record<string, unknown> = {}) => ({
  name: `Customer ${n}`,
  email: `c${n}@example.com`,
  ...extra,
});

/** Registers beforeAll/afterAll that start and stop a server on the block's database. */
export function useServer(
  getDb: () => string,
  options: { yaml?: string; production?: boolean } = {},
): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer({ db: getDb(), ...options });
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('server not started');
    return server;
  };
}

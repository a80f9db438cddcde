/** docs/http-semantics.md Idempotency-Key through real HTTP: replay, 422 on reuse, 409 in flight, 5xx not kept, TTL, shared store. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { buildModel, ConfigError, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import {
  CRM_CONFIG,
  customer,
  expectEnvelope,
  type Res,
  type TestServer,
  useServer,
} from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

let n = 0;
const key = () => `key-${Date.now()}-${++n}`;

async function countByEmail(server: TestServer, email: string): Promise<number> {
  const res = await server.request('GET', `/customers?email=${encodeURIComponent(email)}&count=true`);
  return Number(res.headers.get('x-total-count'));
}

function expectReplayOf(replay: Res, first: Res): void {
  expect(replay.status).toBe(first.status);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(replay.text).toBe(first.text);
  for (const h of ['location', 'etag', 'last-modified', 'content-type'])
    expect(replay.headers.get(h), h).toBe(first.headers.get(h));
}

/** A server whose test-only hook (after the idempotency hook) can slow a request down or make it fail. */
function useHookedServer(getDb: () => string, yaml = readFileSync(CRM_CONFIG, 'utf8')): () => TestServer {
  let server: TestServer | undefined;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const model = buildModel(parseConfigText(yaml, 'verbo.yaml'));
    const store = await openStore(getDb());
    await store.sync(model);
    const app = await buildApp({ model, store });
    app.addHook('preHandler', async (req) => {
      const delay = Number(req.headers['x-test-delay'] ?? 0);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (req.headers['x-test-fail'] === 'yes') throw new Error('simulated fault');
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    stop = async () => {
      await app.close();
      await store.close();
    };
    server = {
      url,
      store,
      async request(method, path, o = {}) {
        const headers: Record<string, string> = { 'content-type': 'application/json', ...o.headers };
        const res = await fetch(url + path, {
          method,
          headers,
          body: o.body === undefined ? undefined : JSON.stringify(o.body),
        });
        const text = await res.text();
        return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
      },
      close: async () => stop?.(),
    };
  });
  afterAll(async () => stop?.());
  return () => server!;
}

describeEachStore('Idempotency-Key', (_target, getDb) => {
  const server = useServer(getDb);
  const other = useServer(getDb);
  const hooked = useHookedServer(getDb);

  it('POST: the first request runs; a retry replays status, headers and body with Idempotent-Replayed', async () => {
    const k = key();
    const body = customer('idem1', { tags: { b: 1, a: [1, 2] } });
    const first = await server().request('POST', '/customers', { body, headers: { 'idempotency-key': k } });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retry = await server().request('POST', '/customers', { body, headers: { 'idempotency-key': k } });
    expectReplayOf(retry, first);
    // Same JSON, other key order and spacing: the same request.
    const reordered = await server().request('POST', '/customers', {
      raw: ` {"tags": {"a": [1,2], "b": 1}, "email": "cidem1@example.com", "name": "Customer idem1"}`,
      headers: { 'idempotency-key': `"${k}"`, 'content-type': 'application/json' },
    });
    expectReplayOf(reordered, first);
    expect(await countByEmail(server(), 'cidem1@example.com')).toBe(1);
  });

  it('the key lives in the store: another instance on the same database replays it', async () => {
    const k = key();
    const first = await server().request('POST', '/customers', {
      body: customer('idem2'),
      headers: { 'idempotency-key': k },
    });
    const retry = await other().request('POST', '/customers', {
      body: customer('idem2'),
      headers: { 'idempotency-key': k },
    });
    expectReplayOf(retry, first);
    expect(await countByEmail(server(), 'cidem2@example.com')).toBe(1);
  });

  it('PATCH: a retry replays instead of writing again (the ETag stays that of the first write)', async () => {
    const created = await server().request('POST', '/customers', { body: customer('idem3') });
    const path = `/customers/${created.json.id}`;
    const k = key();
    const headers = { 'idempotency-key': k, 'content-type': 'application/merge-patch+json' };
    const first = await server().request('PATCH', path, { body: { phone: '1' }, headers });
    expect(first.status).toBe(200);
    const retry = await server().request('PATCH', path, { body: { phone: '1' }, headers });
    expectReplayOf(retry, first);
    expect((await server().request('GET', path)).headers.get('etag')).toBe(first.headers.get('etag'));
    const minimal = await server().request('PATCH', path, {
      body: { phone: '2' },
      headers: { 'idempotency-key': key(), prefer: 'return=minimal' },
    });
    expect(minimal.status).toBe(204);
  });

  it('the same key with another body, path or method → 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const k = key();
    const first = await server().request('POST', '/customers', {
      body: customer('idem4'),
      headers: { 'idempotency-key': k },
    });
    expect(first.status).toBe(201);
    const h = { 'idempotency-key': k };
    expectEnvelope(
      await server().request('POST', '/customers', { body: customer('idem4b'), headers: h }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expectEnvelope(
      await server().request('POST', '/orders', { body: customer('idem4'), headers: h }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expectEnvelope(
      await server().request('POST', '/customers?x=1', { body: customer('idem4'), headers: h }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expectEnvelope(
      await server().request('PATCH', `/customers/${first.json.id}`, { body: customer('idem4'), headers: h }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    const withCondition = { ...h, 'if-match': first.headers.get('etag')! };
    expectEnvelope(
      await server().request('POST', '/customers', { body: customer('idem4'), headers: withCondition }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(await countByEmail(server(), 'cidem4b@example.com')).toBe(0);
    // Keys are independent of each other.
    expect(
      (
        await server().request('POST', '/customers', {
          body: customer('idem4b'),
          headers: { 'idempotency-key': key() },
        })
      ).status,
    ).toBe(201);
  });

  it('a 4xx outcome is kept and replayed, its envelope carrying the retry’s own trace id', async () => {
    const k = key();
    const bad = { name: '', email: 'nope' };
    const first = await server().request('POST', '/customers', {
      body: bad,
      headers: { 'idempotency-key': k },
    });
    expectEnvelope(first, 422, 'VALIDATION_FAILED');
    const retry = await server().request('POST', '/customers', {
      body: bad,
      headers: { 'idempotency-key': k },
    });
    expectEnvelope(retry, 422, 'VALIDATION_FAILED');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json.map((e: { pointer: string }) => e.pointer)).toEqual(
      first.json.map((e: { pointer: string }) => e.pointer),
    );
    expect(retry.json[0].traceId).not.toBe(first.json[0].traceId);
  });

  it('while the first request still runs, the same key → 409 REQUEST_IN_PROGRESS; afterwards it replays', async () => {
    const k = key();
    const body = customer('idem5');
    const slow = hooked().request('POST', '/customers', {
      body,
      headers: { 'idempotency-key': k, 'x-test-delay': '1200' },
    });
    await new Promise((r) => setTimeout(r, 400));
    const busy = await hooked().request('POST', '/customers', { body, headers: { 'idempotency-key': k } });
    expectEnvelope(busy, 409, 'REQUEST_IN_PROGRESS');
    expect(busy.headers.get('retry-after')).toBe('1');
    const reused = await hooked().request('POST', '/customers', {
      body: customer('idem5b'),
      headers: { 'idempotency-key': k },
    });
    expectEnvelope(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
    const first = await slow;
    expect(first.status).toBe(201);
    expectReplayOf(
      await hooked().request('POST', '/customers', { body, headers: { 'idempotency-key': k } }),
      first,
    );
    expect(await countByEmail(server(), 'cidem5@example.com')).toBe(1);
  });

  it('a first request that fails with a 5xx is not kept: the retry runs', async () => {
    const k = key();
    const body = customer('idem6');
    const failed = await hooked().request('POST', '/customers', {
      body,
      headers: { 'idempotency-key': k, 'x-test-fail': 'yes' },
    });
    expectEnvelope(failed, 500, 'INTERNAL_ERROR');
    const retry = await hooked().request('POST', '/customers', { body, headers: { 'idempotency-key': k } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await countByEmail(server(), 'cidem6@example.com')).toBe(1);
  });

  it('an unusable key → 400; GET, PUT and DELETE ignore the header', async () => {
    for (const bad of ['x'.repeat(256), 'é', '" padded"']) {
      expectEnvelope(
        await server().request('POST', '/customers', {
          body: customer('idem7'),
          headers: { 'idempotency-key': bad },
        }),
        400,
        'IDEMPOTENCY_KEY_INVALID',
      );
    }
    const k = key();
    const created = await server().request('POST', '/customers', {
      body: customer('idem7'),
      headers: { 'idempotency-key': k },
    });
    const get = await server().request('GET', `/customers/${created.json.id}`, {
      headers: { 'idempotency-key': k },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('idempotent-replayed')).toBeNull();
    for (const phone of ['1', '2']) {
      const put = await server().request('PUT', `/customers/${created.json.id}`, {
        body: customer('idem7', { phone }),
        headers: { 'idempotency-key': k },
      });
      expect(put.status).toBe(200);
      expect(put.json.phone).toBe(phone);
    }
  });

  it('concurrent retries with one key create exactly one record', async () => {
    const k = key();
    const body = customer('idem8');
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        server().request('POST', '/customers', { body, headers: { 'idempotency-key': k } }),
      ),
    );
    for (const r of results) expect([201, 409], r.text).toContain(r.status);
    expect(results.filter((r) => r.status === 201 && !r.headers.get('idempotent-replayed')).length).toBe(1);
    expect(await countByEmail(server(), 'cidem8@example.com')).toBe(1);
  });
});

describeEachStore('Idempotency-Key TTL', (_target, getDb) => {
  const yaml = `${readFileSync(CRM_CONFIG, 'utf8')}\nidempotency: { ttlSeconds: 1 }\n`;
  const server = useServer(getDb, { yaml });

  it('a kept response expires after idempotency.ttlSeconds; the key then runs a new request', async () => {
    const k = key();
    const first = await server().request('POST', '/customers', {
      body: customer('ttl1'),
      headers: { 'idempotency-key': k },
    });
    expect(first.status).toBe(201);
    expect(
      (
        await server().request('POST', '/customers', {
          body: customer('ttl1'),
          headers: { 'idempotency-key': k },
        })
      ).headers.get('idempotent-replayed'),
    ).toBe('true');
    await new Promise((r) => setTimeout(r, 1100));
    const later = await server().request('POST', '/customers', {
      body: customer('ttl1'),
      headers: { 'idempotency-key': k },
    });
    expectEnvelope(later, 409, 'UNIQUE_VIOLATION');
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });
});

it('the config refuses a bad idempotency block and defaults the TTL to 24 h', () => {
  for (const bad of ['{ ttlSeconds: 0 }', '{ ttl: 5 }', '5']) {
    expect(() =>
      buildModel(
        parseConfigText(`idempotency: ${bad}\nresources: { a: { fields: { x: string } } }\n`, 'v.yaml'),
      ),
    ).toThrow(ConfigError);
  }
  expect(
    buildModel(parseConfigText('resources: { a: { fields: { x: string } } }\n', 'v.yaml')).idempotency
      .ttlSeconds,
  ).toBe(86_400);
});

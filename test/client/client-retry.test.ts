/** verbo/client retry rules, Retry-After, timeouts and cancellation, against a scripted node:http server. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { backoffDelay, parseRetryAfter, retryPolicy } from '../../src/client/retry-policy.js';
import { caught, type StubServer, sendEnvelope, sendJson, stubServer } from './client-harness.js';

/** Per path: how many times it fails before it answers 200, and how. */
const script = new Map<
  string,
  {
    failures: number;
    status: number;
    code: string;
    headers?: Record<string, string>;
    hangUp?: boolean;
    delayMs?: number;
  }
>();
let stub: StubServer;
const fast = { retries: 2, baseDelayMs: 1, maxDelayMs: 5 };

beforeAll(async () => {
  stub = await stubServer(async (req, res, body) => {
    const path = (req.url ?? '').split('?')[0];
    const s = script.get(path);
    if (s?.delayMs) await new Promise((r) => setTimeout(r, s.delayMs));
    if (s && s.failures > 0) {
      s.failures--;
      if (s.hangUp) return void req.socket.destroy();
      return sendEnvelope(res, s.status, s.code, s.headers);
    }
    sendJson(res, req.method === 'POST' ? 201 : 200, {
      ok: true,
      method: req.method,
      body: body ? JSON.parse(body) : null,
    });
  });
});
afterAll(() => stub.close());
afterEach(() => {
  script.clear();
  stub.requests.length = 0;
  vi.useRealTimers();
});

const hits = (path: string) => stub.requests.filter((r) => r.url.split('?')[0] === path);

describe('retries', () => {
  it('GET is retried on 503 and 429 until it succeeds; the attempts are counted', async () => {
    script.set('/a', { failures: 2, status: 503, code: 'SERVICE_UNAVAILABLE' });
    script.set('/b', { failures: 1, status: 429, code: 'RATE_LIMITED' });
    const api = createClient({ baseUrl: stub.url, retries: fast });
    expect((await api.request({ method: 'GET', path: '/a' })).data).toMatchObject({ ok: true });
    expect(hits('/a')).toHaveLength(3);
    await api.request({ method: 'GET', path: '/b' });
    expect(hits('/b')).toHaveLength(2);
  });

  it('gives up after `retries` retries with the last error, envelope and traceId included', async () => {
    script.set('/down', { failures: 99, status: 503, code: 'SERVICE_UNAVAILABLE' });
    const e = await caught(
      createClient({ baseUrl: stub.url, retries: fast }).request({ method: 'GET', path: '/down' }),
    );
    expect(hits('/down')).toHaveLength(3);
    expect(e).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(e.errors[0]).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, traceId: e.traceId });
    expect(e.traceId).toBe(e.headers!.get('x-trace-id'));
  });

  it('PUT and DELETE are retried; 500 and 4xx other than 429 are not', async () => {
    const api = createClient({ baseUrl: stub.url, retries: fast });
    script.set('/put', { failures: 1, status: 503, code: 'SERVICE_UNAVAILABLE' });
    script.set('/del', { failures: 1, status: 503, code: 'SERVICE_UNAVAILABLE' });
    script.set('/boom', { failures: 1, status: 500, code: 'INTERNAL_ERROR' });
    script.set('/gone', { failures: 1, status: 404, code: 'RECORD_NOT_FOUND' });
    await api.request({ method: 'PUT', path: '/put', body: { a: 1 } });
    await api.request({ method: 'DELETE', path: '/del' });
    expect([hits('/put').length, hits('/del').length]).toEqual([2, 2]);
    expect((await caught(api.request({ method: 'GET', path: '/boom' }))).status).toBe(500);
    expect((await caught(api.request({ method: 'GET', path: '/gone' }))).status).toBe(404);
    expect([hits('/boom').length, hits('/gone').length]).toEqual([1, 1]);
  });

  it('POST and PATCH carry an automatic Idempotency-Key, the same on every attempt, and are retried', async () => {
    const api = createClient({ baseUrl: stub.url, retries: fast });
    script.set('/things', { failures: 2, status: 503, code: 'SERVICE_UNAVAILABLE' });
    await api.things.create({ name: 'x' });
    const keys = hits('/things').map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    script.set('/things/1', { failures: 1, status: 429, code: 'RATE_LIMITED' });
    await api.things.patch(1, { name: 'y' });
    expect(hits('/things/1').map((r) => r.method)).toEqual(['PATCH', 'PATCH']);
    await api.things.create({ name: 'z' });
    expect(hits('/things').at(-1)!.headers['idempotency-key']).not.toBe(keys[0]);
  });

  it('POST or PATCH without an Idempotency-Key is never retried (503 and network errors alike)', async () => {
    const api = createClient({ baseUrl: stub.url, retries: fast });
    script.set('/things', { failures: 1, status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect((await caught(api.things.create({ name: 'x' }, { idempotencyKey: false }))).status).toBe(503);
    expect(hits('/things')).toHaveLength(1);
    expect(hits('/things')[0].headers['idempotency-key']).toBeUndefined();
    script.set('/things/2', { failures: 1, status: 0, code: '', hangUp: true });
    const e = await caught(api.things.patch(2, { a: 1 }, { idempotencyKey: false }));
    expect(e).toMatchObject({ status: 0, code: 'NETWORK_ERROR', errors: [] });
    expect(hits('/things/2')).toHaveLength(1);
    const off = createClient({ baseUrl: stub.url, retries: 0 });
    script.set('/x', { failures: 1, status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect((await caught(off.x.create({}))).status).toBe(503);
    expect(hits('/x')).toHaveLength(1);
    expect(hits('/x')[0].headers['idempotency-key']).toBeUndefined();
  });

  it('a network error (connection dropped) is retried for GET and for keyed POST', async () => {
    const api = createClient({ baseUrl: stub.url, retries: fast });
    script.set('/flaky', { failures: 2, status: 0, code: '', hangUp: true });
    expect((await api.request({ method: 'GET', path: '/flaky' })).status).toBe(200);
    expect(hits('/flaky')).toHaveLength(3);
    script.set('/things', { failures: 1, status: 0, code: '', hangUp: true });
    expect(await api.things.create({ n: 1 })).toMatchObject({ ok: true });
    expect(hits('/things')).toHaveLength(2);
  });

  it('409 REQUEST_IN_PROGRESS is retried only for keyed requests', async () => {
    const api = createClient({ baseUrl: stub.url, retries: fast });
    script.set('/things', { failures: 1, status: 409, code: 'REQUEST_IN_PROGRESS' });
    await api.things.create({ n: 1 });
    expect(hits('/things')).toHaveLength(2);
    script.set('/u', { failures: 1, status: 409, code: 'UNIQUE_VIOLATION' });
    expect((await caught(api.u.create({ n: 1 }))).code).toBe('UNIQUE_VIOLATION');
    expect(hits('/u')).toHaveLength(1);
  });
});

describe('Retry-After and backoff', () => {
  it('a Retry-After of 1 second is waited for (real server, real clock)', async () => {
    script.set('/slow', { failures: 1, status: 429, code: 'RATE_LIMITED', headers: { 'retry-after': '1' } });
    const started = Date.now();
    await createClient({ baseUrl: stub.url, retries: fast }).request({ method: 'GET', path: '/slow' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(hits('/slow')).toHaveLength(2);
  });

  it('Retry-After (seconds or HTTP-date) decides the wait, not the backoff (fake timers)', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const fakeFetch: typeof fetch = async () => {
      calls++;
      if (calls === 1)
        return new Response('[]', {
          status: 503,
          headers: { 'retry-after': '3', 'content-type': 'application/json' },
        });
      if (calls === 2)
        return new Response('[]', {
          status: 503,
          headers: {
            'retry-after': new Date(Date.now() + 5000).toUTCString(),
            'content-type': 'application/json',
          },
        });
      return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const api = createClient({
      baseUrl: 'http://api.test',
      fetch: fakeFetch,
      retries: { retries: 3, baseDelayMs: 1 },
    });
    const done = api.request({ method: 'GET', path: '/r' });
    await vi.advanceTimersByTimeAsync(2_990);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(3_900);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1_200);
    expect(calls).toBe(3);
    expect((await done).data).toEqual({ ok: true });
  });

  it('a Retry-After beyond maxRetryAfterMs, or past the deadline, is not waited for: the error is thrown', async () => {
    script.set('/later', {
      failures: 1,
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      headers: { 'retry-after': '120' },
    });
    const started = Date.now();
    expect(
      (
        await caught(
          createClient({ baseUrl: stub.url, retries: fast }).request({ method: 'GET', path: '/later' }),
        )
      ).status,
    ).toBe(503);
    script.set('/deadline', {
      failures: 1,
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      headers: { 'retry-after': '2' },
    });
    const e = await caught(
      createClient({ baseUrl: stub.url, retries: fast, timeoutMs: 500 }).request({
        method: 'GET',
        path: '/deadline',
      }),
    );
    expect(e.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(900);
    expect([hits('/later').length, hits('/deadline').length]).toEqual([1, 1]);
  });

  it('exponential backoff with full jitter: random(0, min(cap, base·2ⁿ)); Retry-After parsing', () => {
    const top = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 }, () => 0.999999);
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(top, n))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(
      backoffDelay(
        retryPolicy({}, () => 0),
        3,
      ),
    ).toBe(0);
    const spread = new Set(
      Array.from({ length: 50 }, () => backoffDelay(retryPolicy({ baseDelayMs: 1000 }), 2)),
    );
    expect(spread.size).toBeGreaterThan(10);
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('timeouts and cancellation', () => {
  it('timeoutMs aborts a call with no answer → VerboError TIMEOUT (status 0)', async () => {
    script.set('/hang', { failures: 0, status: 200, code: '', delayMs: 3_000 });
    const started = Date.now();
    const e = await caught(
      createClient({ baseUrl: stub.url, timeoutMs: 150 }).request({ method: 'GET', path: '/hang' }),
    );
    expect(e).toMatchObject({ status: 0, code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('an AbortSignal cancels the call → ABORTED; an already aborted signal sends nothing', async () => {
    script.set('/hang', { failures: 0, status: 200, code: '', delayMs: 3_000 });
    const api = createClient({ baseUrl: stub.url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(
      await caught(api.request({ method: 'GET', path: '/hang', signal: controller.signal })),
    ).toMatchObject({ status: 0, code: 'ABORTED' });
    const before = stub.requests.length;
    expect(await caught(api.x.list({ signal: AbortSignal.abort() }))).toMatchObject({ code: 'ABORTED' });
    await new Promise((r) => setTimeout(r, 50));
    expect(stub.requests.length).toBe(before);
  });

  it('a retry wait is cancelled by the signal too', async () => {
    script.set('/wait', {
      failures: 1,
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      headers: { 'retry-after': '5' },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    expect(
      await caught(
        createClient({ baseUrl: stub.url }).request({
          method: 'GET',
          path: '/wait',
          signal: controller.signal,
        }),
      ),
    ).toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

/**
 * docs/errors.md 503 + Retry-After when the storage cannot serve: PostgreSQL cut off (a TCP proxy we cut and
 * restore), its write pool exhausted past the timeout (reads go on: they have a pool of their own), a SQLite file locked past the busy timeout, and
 * requests that arrive while the server drains. Never a hang, never an unshaped 500; recovery
 * without a restart.
 */
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { customer, expectEnvelope, type Res, startServer, type TestServer } from '../support/http-harness.js';
import { describePostgres } from '../support/store-targets.js';
import { tcpProxy, viaProxy } from '../support/tcp-proxy.js';

function expectUnavailable(res: Res, startedAt: number, withinMs: number): void {
  expectEnvelope(res, 503, 'SERVICE_UNAVAILABLE');
  expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  expect(Date.now() - startedAt).toBeLessThan(withinMs);
}

describePostgres('PostgreSQL unavailable → 503', (getDb) => {
  it('cut off: every request answers 503 with Retry-After at once; once restored, 200 again without a restart', async () => {
    const gate = tcpProxy(new URL(getDb()));
    await gate.start();
    let server: TestServer | undefined;
    try {
      server = await startServer({ db: viaProxy(getDb(), gate) });
      const created = await server.request('POST', '/customers', { body: customer('cut1') });
      expect(created.status).toBe(201);
      const path = `/customers/${created.json.id}`;

      await gate.stop();
      for (const [method, url, body] of [
        ['GET', path],
        ['GET', '/customers?status=lead'],
        ['POST', '/customers', customer('cut2')],
        ['PATCH', path, { company: 'Acme' }],
        ['DELETE', path],
      ] as const) {
        const started = Date.now();
        expectUnavailable(await server.request(method, url, { body }), started, 3000);
      }

      await gate.start();
      let back: Res | undefined;
      for (let i = 0; i < 50 && back?.status !== 200; i++) {
        back = await server.request('GET', path);
        if (back.status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(back?.json).toMatchObject({ email: 'ccut1@example.com', company: null });
      const after = await server.request('POST', '/customers', { body: customer('cut3') });
      expect(after.status).toBe(201);
      expect((await server.request('GET', `/customers/${after.json.id}`)).status).toBe(200);
    } finally {
      await server?.close();
      await gate.stop();
    }
  });

  it('write pool exhausted past the acquire timeout → a write gets 503 with Retry-After, reads answer 200; the held request completes afterwards', async () => {
    const store = new PostgresStore({ url: getDb(), poolSize: 1, acquireTimeoutMs: 300 });
    const server = await startServer({ db: getDb(), store });
    const locker = postgres(getDb(), { max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    try {
      const created = await server.request('POST', '/customers', { body: customer('pool1') });
      const path = `/customers/${created.json.id}`;
      const holding = locker.begin(async (tx) => {
        await tx`SELECT id FROM customers WHERE id = ${created.json.id} FOR UPDATE`;
        await held;
      });
      await new Promise((r) => setTimeout(r, 100));
      // Takes the only write connection and waits on the row lock.
      const patch = server.request('PATCH', path, { body: { company: 'Later' } });
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      expectUnavailable(
        await server.request('POST', '/customers', { body: customer('pool2') }),
        started,
        2000,
      );
      // Plain reads run on the read pool: the stuck write holds nothing they wait for.
      expect((await server.request('GET', path)).json).toMatchObject({
        email: 'cpool1@example.com',
        company: null,
      });
      expect((await server.request('GET', '/customers?email=cpool1@example.com')).json).toHaveLength(1);
      release();
      await holding;
      expect((await patch).json).toMatchObject({ company: 'Later' });
      expect((await server.request('GET', path)).json).toMatchObject({ company: 'Later' });
    } finally {
      release();
      await locker.end();
      await server.close();
    }
  });
});

describe('SQLite file locked by another process past the busy timeout → 503, never 500 [sqlite]', () => {
  it('writes (records and idempotency keys) answer 503 with Retry-After; reads go on (WAL); writes resume after', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'verbo-busy-')), 'busy.sqlite');
    const server = await startServer({
      db: file,
      store: new SqliteStore({ path: file, busyTimeoutMs: 200 }),
    });
    const other = new Database(file);
    try {
      const created = await server.request('POST', '/customers', { body: customer('busy1') });
      other.exec('BEGIN IMMEDIATE');
      let started = Date.now();
      expectUnavailable(
        await server.request('POST', '/customers', { body: customer('busy2') }),
        started,
        2000,
      );
      started = Date.now();
      expectUnavailable(
        await server.request('PATCH', `/customers/${created.json.id}`, { body: { company: 'X' } }),
        started,
        2000,
      );
      started = Date.now();
      const keyed = await server.request('POST', '/customers', {
        body: customer('busy3'),
        headers: { 'idempotency-key': 'busy-key-1' },
      });
      expectUnavailable(keyed, started, 2000);
      expect((await server.request('GET', `/customers/${created.json.id}`)).status).toBe(200);
      other.exec('ROLLBACK');
      expect((await server.request('POST', '/customers', { body: customer('busy2') })).status).toBe(201);
      const retried = await server.request('POST', '/customers', {
        body: customer('busy3'),
        headers: { 'idempotency-key': 'busy-key-1' },
      });
      expect(retried.status).toBe(201);
    } finally {
      other.close();
      await server.close();
    }
  });
});

/** Raw HTTP/1.1 responses read from one socket until the server closes it. */
function parseResponses(raw: string): { status: number; headers: Record<string, string>; body: string }[] {
  const out: { status: number; headers: Record<string, string>; body: string }[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers['content-length'] ?? 0);
    out.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.slice(end + 4, end + 4 + length),
    });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

describe('while the server drains [sqlite]', () => {
  it('an in-flight request completes; the next one on the same connection gets the docs/errors.md 503 with Retry-After', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'verbo-drain-')), 'drain.sqlite');
    const server = await startServer({ db: file });
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    let raw = '';
    socket.on('data', (d) => (raw += d.toString('latin1')));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await new Promise((resolve) => socket.on('connect', resolve));
    const body = JSON.stringify(customer('drain1'));
    socket.write(
      `POST /customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await new Promise((r) => setTimeout(r, 100));
    const closing = server.close();
    await new Promise((r) => setTimeout(r, 100));
    // A plain read of the record just made: the read shortcut leaves it to the draining pipeline too.
    socket.write(`${body.slice(5)}GET /customers/1 HTTP/1.1\r\nHost: x\r\n\r\n`);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
    await closing;
    const [first, second] = parseResponses(raw);
    expect(first.status).toBe(201);
    expect(JSON.parse(first.body).email).toBe('cdrain1@example.com');
    const res: Res = {
      status: second.status,
      headers: new Headers(second.headers),
      text: second.body,
      json: JSON.parse(second.body),
    };
    expectEnvelope(res, 503, 'SERVICE_UNAVAILABLE');
    expect(second.headers['retry-after']).toBe('1');
    expect(second.headers.connection).toBe('close');
  });
});

/**
 * Storage faults, under load: PostgreSQL cut off mid-run (a TCP proxy stopped and
 * restarted) → 503 + Retry-After, then recovery without a restart; a SQLite disk that fills up
 * (a real 512 KiB tmpfs when this process may mount one) → 507 + Retry-After, reads go on, writes
 * resume once there is room; a SQLite database that turns read-only → 507. Never a 500, never a
 * hang, no acknowledged write lost, PRAGMA integrity_check clean. Single-request outage cases
 * (pool exhausted, file locked, drain) are in test/http/store-outage.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { customer, expectEnvelope, startServer, type TestServer } from '../support/http-harness.js';
import { expectSuccessOr, phaseLoad, tally } from '../support/phase-load.js';
import { describePostgres } from '../support/store-targets.js';
import { proxiedDatabase } from '../support/tcp-proxy.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The store's own connection, to put the database in a fault state the way the OS would. */
const handleOf = (store: SqliteStore) => (store as unknown as { db: Database.Database }).db;

async function expectAllThere(server: TestServer, emails: string[]): Promise<void> {
  for (const email of emails) {
    const res = await server.request('GET', `/customers?email=${encodeURIComponent(email)}`);
    expect(res.json, email).toHaveLength(1);
  }
}

const acknowledged = (samples: Awaited<ReturnType<typeof phaseLoad>>) =>
  samples.filter((s) => s.email && s.res?.status === 201).map((s) => s.email!);

describePostgres('PostgreSQL stopped mid-load', (getDb) => {
  it('503 + Retry-After while it is gone (never 500, never a hang), 2xx again once it is back, no acknowledged write lost', {
    timeout: 60_000,
  }, async () => {
    const { gate, url } = await proxiedDatabase(getDb());
    const server = await startServer({
      db: url,
      store: new PostgresStore({ url, poolSize: 4, acquireTimeoutMs: 1000 }),
    });
    try {
      const seed = await server.request('POST', '/customers', { body: customer('pgload0') });
      const t0 = Date.now();
      const load = phaseLoad(server.url, {
        clients: 6,
        durationMs: 4500,
        prefix: 'pgload',
        readPath: `/customers/${seed.json.id}`,
      });
      await sleep(800);
      await gate.stop();
      const downAt = Date.now() - t0;
      await sleep(1500);
      await gate.start();
      const upAt = Date.now() - t0;
      const samples = await load;
      console.log(`[storage-faults postgres] outage ${downAt}–${upAt} ms: ${tally(samples)}`);
      expectSuccessOr(samples, 503, 'SERVICE_UNAVAILABLE', 3000);
      const during = samples.filter((s) => s.at > downAt + 100 && s.at + s.ms < upAt);
      expect(during.length).toBeGreaterThan(0);
      expect(during.every((s) => s.res?.status === 503)).toBe(true);
      const after = samples.filter((s) => s.at > upAt + 1500);
      expect(after.length).toBeGreaterThan(0);
      expect(after.every((s) => s.res!.status < 300)).toBe(true);
      await expectAllThere(server, acknowledged(samples));
    } finally {
      await server.close();
      await gate.stop();
    }
  });
});

/** A 512 KiB tmpfs (root may mount one); undefined, with the reason printed, where that is refused. */
function smallDisk(): { dir: string; grow(): void; release(): void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'verbo-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    console.warn(
      `[storage-faults] no tmpfs (${(e as Error).message.split('\n')[0]}): disk full is simulated with PRAGMA max_page_count`,
    );
    return undefined;
  }
  return {
    dir,
    grow: () => execFileSync('mount', ['-o', 'remount,size=16m', dir]),
    release: () => {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('SQLite storage faults [sqlite]', () => {
  it('disk full → writes 507 + Retry-After, reads 200, never 500; room again → writes resume; nothing lost, integrity ok', {
    timeout: 60_000,
  }, async () => {
    const disk = smallDisk();
    const file = join(disk?.dir ?? mkdtempSync(join(tmpdir(), 'verbo-full-')), 'full.sqlite');
    const store = new SqliteStore({ path: file });
    const server = await startServer({ db: file, store });
    const pages = () => Number(handleOf(store).pragma('page_count', { simple: true }));
    if (!disk) handleOf(store).pragma(`max_page_count = ${pages() + 40}`);
    try {
      const first = await server.request('POST', '/customers', { body: customer('full0') });
      expect(first.status).toBe(201);
      const acked: string[] = [];
      let full: Awaited<ReturnType<TestServer['request']>> | undefined;
      for (let i = 1; i < 400 && !full; i++) {
        const res = await server.request('POST', '/customers', {
          body: customer(`full${i}`, { tags: { pad: 'x'.repeat(8000) } }),
        });
        if (res.status === 201) acked.push(`cfull${i}@example.com`);
        else full = res;
      }
      expect(full, 'the disk never filled up').toBeDefined();
      expectEnvelope(full!, 507, 'INSUFFICIENT_STORAGE');
      expect(full!.headers.get('retry-after')).toMatch(/^\d+$/);
      // Larger than whatever room the refused create left (an UPDATE writes only the fields it changes).
      const patch = await server.request('PATCH', `/customers/${first.json.id}`, {
        body: { tags: { pad: 'y'.repeat(400_000) } },
      });
      expectEnvelope(patch, 507, 'INSUFFICIENT_STORAGE');
      expect((await server.request('GET', `/customers/${first.json.id}`)).json.tags).toBeNull();
      expect((await server.request('GET', '/customers?limit=1000')).status).toBe(200);
      console.log(
        `[storage-faults sqlite] disk full after ${acked.length + 1} creates (${disk ? 'tmpfs 512 KiB' : 'max_page_count'})`,
      );

      if (disk) disk.grow();
      else handleOf(store).pragma('max_page_count = 1073741823');
      expect((await server.request('POST', '/customers', { body: customer('full-after') })).status).toBe(201);
      await expectAllThere(server, [...acked, 'cfull0@example.com']);
      expect(handleOf(store).pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      await server.close();
      disk?.release();
    }
  });

  it('database turned read-only → writes 507 (records, idempotency keys), reads 200; writable again → writes resume, integrity ok', {
    timeout: 30_000,
  }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'verbo-ro-')), 'ro.sqlite');
    const store = new SqliteStore({ path: file });
    const server = await startServer({ db: file, store });
    try {
      const first = await server.request('POST', '/customers', { body: customer('ro0') });
      // As a read-only file would: every write fails with SQLITE_READONLY (root ignores chmod, so the pragma stands in).
      handleOf(store).pragma('query_only = ON');
      for (const [method, path, body, headers] of [
        ['POST', '/customers', customer('ro1'), {}],
        ['POST', '/customers', customer('ro2'), { 'idempotency-key': 'ro-key' }],
        ['PATCH', `/customers/${first.json.id}`, { company: 'X' }, {}],
        ['DELETE', `/customers/${first.json.id}`, undefined, {}],
        ['DELETE', '/customers?status=lead', undefined, {}],
      ] as const) {
        const res = await server.request(method, path, { body, headers });
        expectEnvelope(res, 507, 'INSUFFICIENT_STORAGE');
      }
      expect((await server.request('GET', `/customers/${first.json.id}`)).json.company).toBeNull();
      handleOf(store).pragma('query_only = OFF');
      expect(
        (
          await server.request('POST', '/customers', {
            body: customer('ro2'),
            headers: { 'idempotency-key': 'ro-key' },
          })
        ).status,
      ).toBe(201);
      expect(handleOf(store).pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      await server.close();
    }
  });
});

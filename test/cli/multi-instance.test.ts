/**
 * Several stateless verbo processes against one PostgreSQL database (the built CLI): any instance
 * answers any request, because everything shared (records, idempotency keys) lives in the store.
 */
import { afterAll, expect, it } from 'vitest';
import { type Served, serveCli } from '../support/cli-harness.js';
import { CRM_CONFIG, customer } from '../support/http-harness.js';
import { verboConnections } from '../support/pg-connections.js';
import { describePostgres } from '../support/store-targets.js';

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describePostgres('two verbo processes, one PostgreSQL database', (getDb) => {
  const running: Served[] = [];
  afterAll(async () => {
    for (const s of running) s.child.kill('SIGKILL');
  });

  it('start at once on an empty database (--db and DATABASE_URL); a write through one is read through the other', async () => {
    process.env.DATABASE_URL = getDb();
    const viaEnv = serveCli([CRM_CONFIG]);
    delete process.env.DATABASE_URL;
    const [b, a] = await Promise.all([viaEnv, serveCli([CRM_CONFIG, '--db', getDb()])]);
    running.push(a, b);

    const created = await fetch(`${a.url}/customers`, {
      method: 'POST',
      ...json(customer('mi1', { tags: { n: 1 } })),
    });
    expect(created.status).toBe(201);
    const record = await created.json();
    const read = await fetch(`${b.url}/customers/${record.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(record);

    const patched = await fetch(`${b.url}/customers/${record.id}`, {
      method: 'PATCH',
      ...json({ company: 'Acme' }, { 'if-match': read.headers.get('etag')! }),
    });
    expect(patched.status).toBe(200);
    const again = await fetch(`${a.url}/customers/${record.id}`);
    expect(await again.json()).toMatchObject({ company: 'Acme' });
    expect(again.headers.get('etag')).toBe(patched.headers.get('etag'));

    const deleted = await fetch(`${a.url}/customers/${record.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await fetch(`${b.url}/customers/${record.id}`)).status).toBe(404);

    for (const s of [a, b]) s.child.kill('SIGTERM');
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
  }, 60_000);

  it('an Idempotency-Key used on one instance is replayed by the other', async () => {
    const [a, b] = await Promise.all([
      serveCli([CRM_CONFIG, '--db', getDb()]),
      serveCli([CRM_CONFIG, '--db', getDb()]),
    ]);
    running.push(a, b);
    const body = customer('mi-idem');
    const first = await fetch(`${a.url}/customers`, {
      method: 'POST',
      ...json(body, { 'idempotency-key': 'mi-key-1' }),
    });
    expect(first.status).toBe(201);
    const retry = await fetch(`${b.url}/customers`, {
      method: 'POST',
      ...json(body, { 'idempotency-key': 'mi-key-1' }),
    });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await retry.json()).id).toBe((await first.json()).id);
    const count = await fetch(`${b.url}/customers?email=cmi-idem@example.com&count=true`);
    expect(count.headers.get('x-total-count')).toBe('1');
    for (const s of [a, b]) s.child.kill('SIGTERM');
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
  }, 60_000);

  it('--pool-size and --read-pool-size bound the connections one process opens', async () => {
    const admin = verboConnections(getDb());
    const connections = admin.count;
    try {
      expect(await connections()).toBe(0);
      const small = await serveCli([
        CRM_CONFIG,
        '--db',
        getDb(),
        '--pool-size',
        '2',
        '--read-pool-size',
        '1',
      ]);
      running.push(small);
      const burst = async (url: string, tag: string) => {
        const res = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            fetch(`${url}/customers`, { method: 'POST', ...json(customer(`${tag}${i}`)) }),
          ),
        );
        expect(res.map((r) => r.status)).toEqual(Array(30).fill(201));
        const reads = await Promise.all(
          Array.from({ length: 30 }, (_, i) => fetch(`${url}/customers?email=c${tag}${i}@example.com`)),
        );
        expect(reads.map((r) => r.status)).toEqual(Array(30).fill(200));
      };
      await burst(small.url, 'small');
      // Two write connections and one read connection at most.
      const withThree = await connections();
      expect(withThree).toBeGreaterThanOrEqual(2);
      expect(withThree).toBeLessThanOrEqual(3);
      // The same burst on a process with the default pools (10 and 5) opens more than three.
      const wide = await serveCli([CRM_CONFIG, '--db', getDb()]);
      running.push(wide);
      await burst(wide.url, 'wide');
      expect((await connections()) - withThree).toBeGreaterThan(3);
      for (const s of [small, wide]) s.child.kill('SIGTERM');
      expect(await Promise.all([small.exited, wide.exited])).toEqual([0, 0]);
    } finally {
      await admin.end();
    }
  }, 60_000);
});

/**
 * On PostgreSQL a write stuck on a row lock held by another transaction delays no read: GETs of
 * that very row, lists and counts run on the read pool (src/store/postgres/postgres-read-pool.ts)
 * and answer 200 while every write connection waits; the writes complete once the lock is gone.
 */
import { expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { customer, type Res, startServer } from '../support/http-harness.js';
import { holdLock } from '../support/pg-connections.js';
import { describePostgres } from '../support/store-targets.js';

describePostgres('reads beside a row lock', (getDb) => {
  it('while PATCHes of a locked row hold every write connection, 300 concurrent GETs and lists of it answer 200', async () => {
    const store = new PostgresStore({
      url: getDb(),
      poolSize: 2,
      lockTimeoutMs: 30_000,
      acquireTimeoutMs: 30_000,
    });
    const server = await startServer({ db: getDb(), store });
    let lock: Awaited<ReturnType<typeof holdLock>> | undefined;
    try {
      const created = await server.request('POST', '/customers', { body: customer('lock1') });
      const path = `/customers/${created.json.id}`;
      lock = await holdLock(
        getDb(),
        `SELECT id FROM customers WHERE id = ${Number(created.json.id)} FOR UPDATE`,
      );
      // Two PATCHes take both write connections and wait on the lock; the third waits for a connection.
      let patchesDone = 0;
      const patches = ['A', 'B', 'C'].map((company) =>
        server.request('PATCH', path, { body: { company } }).then((res) => {
          patchesDone++;
          return res;
        }),
      );
      await new Promise((r) => setTimeout(r, 100));
      const reads: Promise<Res>[] = Array.from({ length: 300 }, (_, i) =>
        server.request(
          'GET',
          [path, '/customers?email=clock1@example.com', '/customers?count=true&limit=5'][i % 3],
        ),
      );
      const answers = await Promise.all(reads);
      expect(answers.map((r) => r.status)).toEqual(Array(300).fill(200));
      expect(answers[0].json).toMatchObject({ email: 'clock1@example.com', company: null });
      expect(answers[1].json).toEqual([expect.objectContaining({ id: created.json.id })]);
      expect(Number(answers[2].headers.get('x-total-count'))).toBeGreaterThanOrEqual(1);
      // The reads did not wait for the writes: those are all still waiting on the lock.
      expect(patchesDone).toBe(0);
      await lock.end();
      expect((await Promise.all(patches)).map((r) => r.status)).toEqual([200, 200, 200]);
      const after = await server.request('GET', path);
      expect(['A', 'B', 'C']).toContain(after.json.company);
    } finally {
      await lock?.end();
      await server.close();
    }
  });
});

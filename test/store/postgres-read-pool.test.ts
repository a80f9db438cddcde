/**
 * PostgreSQL's read pool (src/store/postgres/postgres-read-pool.ts): plain reads run on connections
 * of their own, pipelined, so a write stuck on a row lock never delays them and they never take the
 * write pool's slots; they still get StoreUnavailable once no connection takes them within the
 * acquire timeout (read pool exhausted, or the database down), and inside a transaction they stay
 * on its connection.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { READ_PIPELINE_DEPTH } from '../../src/store/postgres/postgres-read-pool.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { StoreUnavailable } from '../../src/store/store-errors.js';
import { holdLock, verboConnections } from '../support/pg-connections.js';
import { describePostgres } from '../support/store-targets.js';
import { cutRepeatedly, proxiedDatabase } from '../support/tcp-proxy.js';

const model = buildModel(
  parseConfigText(
    'resources:\n  customers:\n    fields:\n      name: { type: string, required: true }\n      visits: integer\n  notes:\n    fields:\n      text: string\n',
    'test.yaml',
  ),
);
const C = model.byName.get('customers')!;
const N = model.byName.get('notes')!;

/** Whether `p` has settled by the time the event loop has run once more. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  const tick = new Promise<boolean>((r) => setImmediate(() => r(false)));
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    tick,
  ]);
}

describe('PostgresStore pool options', () => {
  it('refuses a pool size that is not a whole number of at least 1, naming the option', () => {
    const url = 'postgres://postgres@127.0.0.1:1/none';
    expect(() => new PostgresStore({ url, readPoolSize: 0 })).toThrow(
      'PostgresStore: readPoolSize must be a whole number of at least 1, got 0',
    );
    expect(() => new PostgresStore({ url, readPoolSize: 2.5 })).toThrow(
      'PostgresStore: readPoolSize must be a whole number of at least 1, got 2.5',
    );
    expect(() => new PostgresStore({ url, poolSize: -1 })).toThrow(
      'PostgresStore: poolSize must be a whole number of at least 1, got -1',
    );
  });
});

describePostgres('PostgreSQL read pool', (getDb) => {
  beforeAll(async () => {
    const store = new PostgresStore({ url: getDb() });
    await store.sync(model);
    await store.close();
  });

  it('a row locked by another transaction: writes to it wait, while 200 concurrent reads of it answer', async () => {
    const store = new PostgresStore({
      url: getDb(),
      poolSize: 2,
      lockTimeoutMs: 30_000,
      acquireTimeoutMs: 30_000,
    });
    await store.sync(model);
    const row = await store.insert(C, { name: 'held', visits: 1 });
    const lock = await holdLock(getDb(), `SELECT id FROM customers WHERE id = ${Number(row.id)} FOR UPDATE`);
    try {
      // Both write connections wait on the row lock, and a third write waits for one of them.
      const writes = [1, 2, 3].map((n) =>
        store.modify(C, row.id, (cur) => ({ kind: 'update', values: { ...cur!, visits: n + 1 } })),
      );
      const reads = Array.from({ length: 200 }, (_, i) =>
        i % 4 === 0
          ? store.get(C, row.id)
          : i % 4 === 1
            ? store.list(C, { where: [{ field: 'name', op: 'eq', value: 'held' }], sort: [], limit: 10 })
            : i % 4 === 2
              ? store.count(C, [])
              : store.changes.read(0, 10),
      );
      const answers = await Promise.all(reads);
      expect(answers[0]).toMatchObject({ id: row.id, name: 'held', visits: 1 });
      expect(answers[1]).toEqual([expect.objectContaining({ id: row.id, visits: 1 })]);
      expect(answers[2]).toBeGreaterThanOrEqual(1);
      expect(answers[3]).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'created' })]));
      for (const w of writes) expect(await settled(w)).toBe(false);
      await lock.end();
      const done = await Promise.all(writes);
      expect(done.map((d) => d.kind)).toEqual(['updated', 'updated', 'updated']);
      expect(await store.get(C, row.id)).toMatchObject({ _version: 4 });
    } finally {
      await lock.end();
      await store.close();
    }
  });

  it('read pool exhausted past acquireTimeoutMs → StoreUnavailable for the next read; writes go on; the held reads finish', async () => {
    const store = new PostgresStore({ url: getDb(), readPoolSize: 1, acquireTimeoutMs: 300 });
    await store.sync(model);
    const row = await store.insert(C, { name: 'table-locked' });
    // The read connection is open and has the statement prepared, so the reads below are pipelined
    // onto it (a fresh connection takes one statement until its first answer).
    expect(await store.get(C, row.id)).toMatchObject({ name: 'table-locked' });
    // Counts, not reads by id, hold the pool below: those would be gathered into one statement (get-batcher.ts).
    const one = [{ field: 'id', op: 'eq' as const, value: row.id }];
    expect(await store.count(C, one)).toBe(1);
    // A table lock blocks even plain reads: every read of the pool's one connection waits on it.
    const lock = await holdLock(getDb(), 'LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
    try {
      const held = Array.from({ length: READ_PIPELINE_DEPTH }, () => store.count(C, one));
      const started = Date.now();
      const refused = store.get(C, row.id);
      await expect(refused).rejects.toBeInstanceOf(StoreUnavailable);
      await expect(refused).rejects.toThrow('no database connection became free within 300 ms');
      expect(Date.now() - started).toBeLessThan(1500);
      await store.kv.set('pool', 'k', 'written', 60_000);
      expect(await store.kv.get('pool', 'k')).toBe('written');
      for (const r of held) expect(await settled(r)).toBe(false);
      await lock.end();
      expect(await Promise.all(held)).toEqual(Array(READ_PIPELINE_DEPTH).fill(1));
    } finally {
      await lock.end();
      await store.close();
    }
  });

  it('a read stuck on a table lock holds up no read that finds another connection less busy', async () => {
    const store = new PostgresStore({ url: getDb(), readPoolSize: 2 });
    await store.sync(model);
    const row = await store.insert(C, { name: 'slow' });
    const note = await store.insert(N, { text: 'quick' });
    const lock = await holdLock(getDb(), 'LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
    try {
      const stuck = store.get(C, row.id);
      for (let i = 0; i < 20; i++) expect(await store.get(N, note.id)).toMatchObject({ text: 'quick' });
      expect(await settled(stuck)).toBe(false);
      await lock.end();
      expect(await stuck).toMatchObject({ name: 'slow' });
    } finally {
      await lock.end();
      await store.close();
    }
  });

  it('database cut off: many concurrent reads all get StoreUnavailable within the acquire timeout, then recover', async () => {
    const { gate, url } = await proxiedDatabase(getDb());
    const store = new PostgresStore({ url, readPoolSize: 1, acquireTimeoutMs: 800 });
    try {
      await store.sync(model);
      const row = await store.insert(C, { name: 'cut' });
      expect(await store.get(C, row.id)).toMatchObject({ name: 'cut' });
      await gate.stop();
      const started = Date.now();
      // More reads than the gate admits: some wait at the gate, most queue in the driver behind
      // reconnect attempts; every one is answered within the timeout (plus the scheduler's slack).
      const outcomes = await Promise.all(
        Array.from({ length: READ_PIPELINE_DEPTH * 2 }, () =>
          store.get(C, row.id).then(
            () => 'answered',
            (e) => (e instanceof StoreUnavailable ? 'unavailable' : String(e)),
          ),
        ),
      );
      expect(outcomes).toEqual(Array(READ_PIPELINE_DEPTH * 2).fill('unavailable'));
      expect(Date.now() - started).toBeLessThan(2000);
      await gate.start();
      let back: unknown;
      for (let i = 0; i < 50 && !back; i++) {
        back = await store.get(C, row.id).catch(() => undefined);
        if (!back) await new Promise((r) => setTimeout(r, 100));
      }
      expect(back).toMatchObject({ name: 'cut' });
    } finally {
      await store.close();
      await gate.stop();
    }
  });

  it('inside a transaction a read sees its own uncommitted write (it runs on the transaction, not the read pool)', async () => {
    const store = new PostgresStore({ url: getDb() });
    await store.sync(model);
    try {
      const seen = await store.transaction(async (tx) => {
        const row = await tx.insert(C, { name: 'uncommitted' });
        const outside = await store.get(C, row.id);
        return { inside: await tx.get(C, row.id), outside, count: await tx.count(C, []) };
      });
      expect(seen.inside).toMatchObject({ name: 'uncommitted' });
      expect(seen.outside).toBeUndefined();
      expect(seen.count).toBe(await store.count(C, []));
    } finally {
      await store.close();
    }
  });

  it('close() ends both pools: no connection of the store is left', async () => {
    const admin = verboConnections(getDb());
    const open = admin.count;
    try {
      const before = await open();
      const store = new PostgresStore({ url: getDb(), poolSize: 1, readPoolSize: 1 });
      await store.sync(model);
      const row = await store.insert(C, { name: 'both' });
      expect(await store.get(C, row.id)).toMatchObject({ name: 'both' });
      expect(await open()).toBe(before + 2);
      await store.close();
      // A backend leaves pg_stat_activity a moment after its connection closed.
      let left = await open();
      for (let i = 0; i < 20 && left !== before; i++) {
        await new Promise((r) => setTimeout(r, 100));
        left = await open();
      }
      expect(left).toBe(before);
    } finally {
      await admin.end();
    }
  });
});

describePostgres('PostgreSQL read pool: connections cut mid-load', (getDb) => {
  beforeAll(async () => {
    const store = new PostgresStore({ url: getDb() });
    await store.sync(model);
    await store.close();
  });

  // postgres.js 3.4.x could keep a statement unsent after a reconnect (postgres-read-pool.ts, open).
  it('every read settles: none waits past 3 s, across 12 cuts, and reads answer once the database is back', {
    timeout: 60_000,
  }, async () => {
    const { gate, url } = await proxiedDatabase(getDb());
    const store = new PostgresStore({ url, acquireTimeoutMs: 1000 });
    try {
      await store.sync(model);
      const ids: unknown[] = [];
      for (let i = 0; i < 20; i++) ids.push((await store.insert(C, { name: `cut${i}` })).id);
      const slowest = { ms: 0 };
      let running = true;
      let n = 0;
      const client = async () => {
        while (running) {
          const id = ids[n++ % ids.length];
          const t = performance.now();
          const row = await store.get(C, id).catch((e: unknown) => {
            expect(e).toBeInstanceOf(StoreUnavailable);
            return undefined;
          });
          if (row) expect(row.id).toEqual(id);
          slowest.ms = Math.max(slowest.ms, performance.now() - t);
          await new Promise((r) => setImmediate(r));
        }
      };
      const clients = Array.from({ length: 12 }, client);
      await cutRepeatedly(gate, 12);
      await new Promise((r) => setTimeout(r, 1500));
      running = false;
      await Promise.all(clients);
      expect(slowest.ms).toBeLessThan(3000);
      const again = await Promise.all(ids.map((id) => store.get(C, id)));
      expect(again.map((r) => r?.id)).toEqual(ids);
    } finally {
      await store.close();
      await gate.stop();
    }
  });
});

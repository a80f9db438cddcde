/** Store.transaction: all or nothing, nested savepoints, other callers never see it half done. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildModel, type Model, parseConfigText, type ResourceDef } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { UniqueViolation } from '../../src/store/store-errors.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
resources:
  customers:
    fields:
      name: { type: string, required: true }
      email: { type: email, unique: true }
  orders:
    fields:
      customerId: { type: reference, to: customers, onDelete: restrict }
      amount: number
`;

const modelOf = (yaml: string): Model => buildModel(parseConfigText(yaml, 'test.yaml'));

describeEachStore('store transaction', (_target, getDb) => {
  let store: Store;
  let model: Model;
  const R = (name: string): ResourceDef => model.byName.get(name)!;
  const names = async () =>
    (await store.list(R('customers'), { where: [], sort: [{ field: 'id', desc: false }] })).map(
      (r) => r.name,
    );

  beforeAll(async () => {
    store = await openStore(getDb());
    model = modelOf(YAML);
    await store.sync(model);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('commits every write when fn resolves, and returns its value', async () => {
    const out = await store.transaction(async (tx) => {
      const c = await tx.insert(R('customers'), { name: 'Ana', email: 'ana@example.com' });
      await tx.insert(R('orders'), { customerId: c.id, amount: 10 });
      const seen = await tx.get(R('customers'), c.id);
      await tx.kv.set('t', 'k', { v: 1 }, 60_000);
      return seen?.name;
    });
    expect(out).toBe('Ana');
    expect(await names()).toEqual(['Ana']);
    expect(await store.count(R('orders'), [])).toBe(1);
    expect(await store.kv.get('t', 'k')).toEqual({ v: 1 });
  });

  it('rolls every write back when fn throws, kv included, and rethrows the same error', async () => {
    const boom = new Error('boom');
    await expect(
      store.transaction(async (tx) => {
        const c = await tx.insert(R('customers'), { name: 'Bea', email: 'bea@example.com' });
        await tx.modify(R('customers'), c.id, () => ({ kind: 'update', values: { name: 'Bea 2' } }));
        await tx.kv.set('t', 'gone', 1, 60_000);
        await tx.deleteWhere(R('orders'), []);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await names()).toEqual(['Ana']);
    expect(await store.count(R('orders'), [])).toBe(1);
    expect(await store.kv.get('t', 'gone')).toBeUndefined();
  });

  it('rolls back when a store error escapes, and the transaction stays usable after a caught one', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.insert(R('customers'), { name: 'Cai', email: 'cai@example.com' });
        await tx.insert(R('customers'), { name: 'Dup', email: 'ana@example.com' });
      }),
    ).rejects.toBeInstanceOf(UniqueViolation);
    expect(await names()).toEqual(['Ana']);
    await store.transaction(async (tx) => {
      await expect(
        tx.insert(R('customers'), { name: 'Dup', email: 'ana@example.com' }),
      ).rejects.toBeInstanceOf(UniqueViolation);
      await tx.insert(R('customers'), { name: 'Cai', email: 'cai@example.com' });
    });
    expect(await names()).toEqual(['Ana', 'Cai']);
  });

  it('nests as a savepoint: an inner failure caught undoes only the inner writes', async () => {
    await store.transaction(async (tx) => {
      await tx.insert(R('customers'), { name: 'Dan', email: 'dan@example.com' });
      await expect(
        tx.transaction(async (inner) => {
          await inner.insert(R('customers'), { name: 'Eve', email: 'eve@example.com' });
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      await tx.transaction(async (inner) => {
        await inner.insert(R('customers'), { name: 'Fay', email: 'fay@example.com' });
      });
    });
    expect(await names()).toEqual(['Ana', 'Cai', 'Dan', 'Fay']);
  });

  it('other callers neither see its writes before the commit nor write inside it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted!: () => void;
    const insertedNow = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const tx = store.transaction(async (t) => {
      await t.insert(R('customers'), { name: 'Gus', email: 'gus@example.com' });
      inserted();
      await gate;
      throw new Error('abandon');
    });
    await insertedNow;
    // Meanwhile another request reads and writes: it must not see Gus, and its write must survive.
    const outside = store.insert(R('customers'), { name: 'Hal', email: 'hal@example.com' });
    const listed = names();
    release();
    await expect(tx).rejects.toThrow('abandon');
    await outside;
    expect(await listed).not.toContain('Gus');
    expect(await names()).toEqual(['Ana', 'Cai', 'Dan', 'Fay', 'Hal']);
  });

  it('a view used after its transaction ended is refused', async () => {
    let leaked: Store | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.count(R('customers'), [])).rejects.toThrow();
  });

  it('failFast: writes without savepoints of their own commit alike; a refused one fails it all, nothing kept', async () => {
    await store.transaction(
      async (tx) => {
        const c = await tx.insert(R('customers'), { name: 'Fen', email: 'fen@example.com' });
        await tx.modify(R('customers'), c.id, () => ({ kind: 'update', values: { name: 'Fen 2' } }));
        await tx.insert(R('orders'), { customerId: c.id, amount: 3 });
      },
      { failFast: true },
    );
    expect(await names()).toContain('Fen 2');
    const before = await names();
    await expect(
      store.transaction(
        async (tx) => {
          await tx.insert(R('customers'), { name: 'Gus', email: 'gus@example.com' });
          await tx.insert(R('customers'), { name: 'Gus 2', email: 'gus@example.com' });
        },
        { failFast: true },
      ),
    ).rejects.toBeInstanceOf(UniqueViolation);
    expect(await names()).toEqual(before);
    expect(store.capabilities.failFast).toBe(true);
  });
});

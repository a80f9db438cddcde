/** The change log on every store: each write path logs in its own transaction, nothing else does. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildModel, type Model, parseConfigText } from '../../src/model/index.js';
import type { ChangeEntry } from '../../src/store/changes/change-log.js';
import { withWriter } from '../../src/store/changes/write-context.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { StillReferenced, UniqueViolation } from '../../src/store/store-errors.js';
import { describeEachStore } from '../support/store-targets.js';

const model: Model = buildModel(
  parseConfigText(
    `
resources:
  customers:
    fields:
      name: { type: string, required: true }
      email: { type: email, unique: true }
  notes:
    id: uuid
    fields:
      body: string
      customerId: { type: reference, to: customers, onDelete: cascade }
  tasks:
    fields:
      title: string
      customerId: { type: reference, to: customers, onDelete: set-null }
  invoices:
    fields:
      customerId: { type: reference, to: customers, onDelete: restrict }
`,
    'test.yaml',
  ),
);
const r = (name: string) => model.byName.get(name)!;
const brief = (es: ChangeEntry[]) => es.map((e) => `${e.kind} ${e.resource}/${String(e.id)} v${e.version}`);

describeEachStore('change log', (_target, getDb) => {
  let store: Store;
  let seen = 0;
  /** The entries logged since the last call. */
  async function fresh(): Promise<ChangeEntry[]> {
    const out = await store.changes.read(seen, 1000);
    if (out.length) seen = out[out.length - 1].seq;
    return out;
  }

  beforeAll(async () => {
    store = await openStore(getDb());
    await store.sync(model);
  });
  afterAll(() => store.close());

  it('starts empty', async () => {
    expect(await store.changes.bounds()).toEqual({ first: 0, last: 0 });
  });

  it('logs insert, modify and deletes with the version after the change, seq increasing', async () => {
    const a = await store.insert(r('customers'), { name: 'ann', email: 'ann@example.com' });
    await store.modify(r('customers'), a.id, (cur) => ({ kind: 'update', values: { ...cur, name: 'Ann' } }));
    await store.modify(r('customers'), 77, () => ({ kind: 'insert', values: { name: 'put' } }));
    await store.modify(r('customers'), 77, () => ({ kind: 'delete' }));
    await store.modify(r('customers'), a.id, () => ({ kind: 'none' }));
    const es = await fresh();
    expect(brief(es)).toEqual([
      `created customers/${a.id} v1`,
      `updated customers/${a.id} v2`,
      'created customers/77 v1',
      'deleted customers/77 v1',
    ]);
    expect(es.map((e) => e.seq)).toEqual([...es.map((e) => e.seq)].sort((x, y) => x - y));
    expect(new Set(es.map((e) => e.seq)).size).toBe(4);
    expect(typeof es[0].id).toBe('number');
    expect(es[0].at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(es[0].caller).toBeNull();
  });

  it('logs nothing for a write that fails or is aborted', async () => {
    await expect(
      store.insert(r('customers'), { name: 'dup', email: 'ann@example.com' }),
    ).rejects.toBeInstanceOf(UniqueViolation);
    await expect(
      store.modify(r('customers'), 1, () => {
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const c = await store.insert(r('customers'), { name: 'cy' });
    await store.insert(r('invoices'), { customerId: c.id });
    await expect(
      store.deleteWhere(r('customers'), [{ field: 'id', op: 'eq', value: c.id }]),
    ).rejects.toBeInstanceOf(StillReferenced);
    expect(brief(await fresh())).toEqual([`created customers/${c.id} v1`, 'created invoices/1 v1']);
  });

  it('logs what ON DELETE does: cascaded rows deleted, set-null rows updated with a new version', async () => {
    const b = await store.insert(r('customers'), { name: 'bo' });
    const note = await store.insert(r('notes'), { body: 'x', customerId: b.id });
    const task = await store.insert(r('tasks'), { title: 't', customerId: b.id });
    await fresh();
    expect(await store.deleteWhere(r('customers'), [{ field: 'name', op: 'eq', value: 'bo' }])).toBe(1);
    expect(brief(await fresh()).sort()).toEqual(
      [`deleted customers/${b.id} v1`, `deleted notes/${note.id} v1`, `updated tasks/${task.id} v2`].sort(),
    );
    const after = await store.get(r('tasks'), task.id);
    expect(after).toMatchObject({ customerId: null, _version: 2 });
  });

  it('logs a write inside Store.transaction within it: committed with it, or not at all', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.insert(r('customers'), { name: 'gone' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await fresh()).toEqual([]);
    const kept = await store.transaction(async (tx) => {
      const a = await tx.insert(r('customers'), { name: 'kept' });
      await tx.modify(r('customers'), a.id, (cur) => ({ kind: 'update', values: { ...cur, name: 'Kept' } }));
      return a;
    });
    expect(brief(await fresh())).toEqual([
      `created customers/${kept.id} v1`,
      `updated customers/${kept.id} v2`,
    ]);
  });

  it('names the writer given by the context', async () => {
    await withWriter({ writer: 'user:7' }, () => store.insert(r('customers'), { name: 'dee' }));
    expect((await fresh()).map((e) => e.caller)).toEqual(['user:7']);
  });

  it('wakes its listeners after a commit', async () => {
    let woken = 0;
    const stop = store.changes.onWake(() => woken++);
    await store.insert(r('customers'), { name: 'eve' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
    expect(woken).toBeGreaterThan(0);
    await fresh();
  });

  it('prunes by count and by age, always keeping the newest entry', async () => {
    for (let i = 0; i < 5; i++) await store.insert(r('customers'), { name: `p${i}` });
    const { last } = await store.changes.bounds();
    await store.changes.prune({ maxAgeMs: 3600_000, maxCount: 2 });
    expect(await store.changes.bounds()).toEqual({ first: last - 1, last });
    // the entries must be older than the cutoff: a few milliseconds pass first (timestamps are ms)
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.changes.prune({ maxAgeMs: 0, maxCount: 1000 });
    expect(await store.changes.bounds()).toEqual({ first: last, last });
    expect((await store.changes.read(0, 10)).map((e) => e.seq)).toEqual([last]);
    // A seq is never handed out twice: the next entries come after the kept one (no AUTOINCREMENT needed).
    await store.insert(r('customers'), { name: 'after prune' });
    await store.insert(r('customers'), { name: 'after prune 2' });
    expect((await store.changes.read(0, 10)).map((e) => e.seq)).toEqual([last, last + 1, last + 2]);
  });
});

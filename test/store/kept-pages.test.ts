/**
 * A list page read again while nothing was written (SQLite keeps listJson's pages under its change
 * stamp: src/store/stamped-cache.ts) is never stale, on every store: writes through the store, by
 * another connection (even one that leaves _version alone), inside a transaction and after its
 * rollback are all seen at once; and a caller that changes the array it got changes nobody else's.
 */
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { ListQuery } from '../../src/store/query-types.js';
import type { Store } from '../../src/store/store.js';
import { describeEachStore } from '../support/store-targets.js';

const model = buildModel(
  parseConfigText('resources:\n  notes:\n    fields: { text: string, n: integer }\n', 'verbo.yaml'),
);
const N = model.byName.get('notes')!;
const query: ListQuery = {
  where: [{ field: 'n', op: 'gte', value: 0 }],
  sort: [{ field: 'id', desc: false }],
  limit: 10,
};
const FIELDS = ['id', 'text', 'n'];

describeEachStore('kept list pages', (target, getDb) => {
  let store: Store;
  const page = async () => ((await store.listJson!(N, query, FIELDS)) ?? []).map((t) => JSON.parse(t).text);

  beforeAll(async () => {
    store = await openStore(getDb());
    await store.sync(model);
    await store.insert(N, { text: 'a', n: 1 });
    await store.insert(N, { text: 'b', n: 2 });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('the same page again, then every kind of write seen at once', async () => {
    expect(await page()).toEqual(['a', 'b']);
    if (target.name === 'sqlite') {
      // The second read is the kept page: no statement runs.
      const statements = vi.spyOn(store as unknown as { statement: () => unknown }, 'statement');
      try {
        expect(await page()).toEqual(['a', 'b']);
        expect(statements).not.toHaveBeenCalled();
      } finally {
        statements.mockRestore();
      }
    }
    const mine = (await store.listJson!(N, query, FIELDS))!;
    mine.pop();
    expect(await page()).toEqual(['a', 'b']);

    await store.insert(N, { text: 'c', n: 3 });
    expect(await page()).toEqual(['a', 'b', 'c']);

    // Another connection, bypassing verbo: _version untouched.
    if (target.name === 'sqlite') {
      const other = new Database(getDb());
      other.prepare("UPDATE notes SET text = 'B' WHERE text = 'b'").run();
      other.close();
    } else {
      const other = postgres(getDb(), { max: 1, onnotice: () => {} });
      await other.unsafe("UPDATE notes SET text = 'B' WHERE text = 'b'");
      await other.end();
    }
    expect(await page()).toEqual(['a', 'B', 'c']);

    // Inside a transaction its own writes are seen; after the rollback they are gone again.
    await expect(
      store.transaction(async (tx) => {
        await tx.insert(N, { text: 'd', n: 4 });
        expect(((await tx.listJson!(N, query, FIELDS)) ?? []).map((t) => JSON.parse(t).text)).toEqual([
          'a',
          'B',
          'c',
          'd',
        ]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await page()).toEqual(['a', 'B', 'c']);
    await store.modify(N, 1, (cur) => ({ kind: 'update', values: { ...cur!, text: 'A' } }));
    expect(await page()).toEqual(['A', 'B', 'c']);
    await store.modify(N, 1, () => ({ kind: 'delete' }));
    expect(await page()).toEqual(['B', 'c']);
  });
});

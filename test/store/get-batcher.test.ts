/**
 * Reads by id gathered while others are in flight (src/store/postgres/get-batcher.ts), against a
 * fake database whose statements settle when the test says: who goes alone, who waits, in which
 * statement, and what each caller gets back. The conformance suite checks the same on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { GetBatcher, HOLD_MS } from '../../src/store/postgres/get-batcher.js';
import type { Row } from '../../src/store/store.js';
import { StoreUnavailable } from '../../src/store/store-errors.js';

interface Statement {
  ids: unknown[];
  settle: (fail?: unknown) => void;
}

/** A fake database: every statement waits for `settle`; ids above 100 do not exist, 'bad' fails. */
function fakeDatabase(limit: number) {
  const statements: Statement[] = [];
  const answer = (ids: unknown[]) =>
    new Promise<(Row | undefined)[]>((resolve, reject) => {
      statements.push({
        ids,
        settle: (fail) => {
          if (fail) return reject(fail);
          if (ids.includes('bad')) return reject(new Error('invalid input syntax'));
          resolve(ids.map((id) => ((id as number) > 100 ? undefined : { id, name: `row ${id}` })));
        },
      });
    });
  const batcher = new GetBatcher(
    limit,
    (id) => answer([id]).then((rows) => rows[0]),
    (ids) => answer(ids),
  );
  return { batcher, statements };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GetBatcher', () => {
  it('sends reads alone up to the limit, gathers the rest, and answers each caller with its own row', async () => {
    const { batcher, statements } = fakeDatabase(2);
    const reads = [1, 2, 3, 101, 3, 4].map((id) => batcher.get(id));
    expect(statements.map((s) => s.ids)).toEqual([[1], [2]]);
    statements[0].settle();
    await tick();
    expect(statements.map((s) => s.ids)).toEqual([[1], [2], [3, 101, 3, 4]]);
    statements[1].settle();
    statements[2].settle();
    expect(await Promise.all(reads)).toEqual([
      { id: 1, name: 'row 1' },
      { id: 2, name: 'row 2' },
      { id: 3, name: 'row 3' },
      undefined,
      { id: 3, name: 'row 3' },
      { id: 4, name: 'row 4' },
    ]);
  });

  it('a read that waits alone goes alone; with nothing in flight every read goes at once', async () => {
    const { batcher, statements } = fakeDatabase(1);
    const a = batcher.get(1);
    const b = batcher.get(2);
    statements[0].settle();
    await tick();
    expect(statements.map((s) => s.ids)).toEqual([[1], [2]]);
    statements[1].settle();
    expect([await a, await b]).toEqual([
      { id: 1, name: 'row 1' },
      { id: 2, name: 'row 2' },
    ]);
    const c = batcher.get(3);
    expect(statements).toHaveLength(3);
    statements[2].settle();
    expect(await c).toEqual({ id: 3, name: 'row 3' });
  });

  it('a gathered statement that fails is sent again id by id: only the bad id fails', async () => {
    const { batcher, statements } = fakeDatabase(1);
    const first = batcher.get(1);
    const reads = [2, 'bad', 3].map((id) =>
      batcher.get(id).then(
        (row) => row,
        (e: Error) => e.message,
      ),
    );
    statements[0].settle();
    await tick();
    statements[1].settle();
    await tick();
    expect(statements.map((s) => s.ids)).toEqual([[1], [2, 'bad', 3], [2], ['bad'], [3]]);
    for (const s of statements.slice(2)) s.settle();
    expect(await first).toEqual({ id: 1, name: 'row 1' });
    expect(await Promise.all(reads)).toEqual([
      { id: 2, name: 'row 2' },
      'invalid input syntax',
      { id: 3, name: 'row 3' },
    ]);
  });

  it('the database out of reach answers every gathered read with StoreUnavailable, without retrying', async () => {
    const { batcher, statements } = fakeDatabase(1);
    const first = batcher.get(1).catch((e) => e);
    const reads = [2, 3].map((id) => batcher.get(id).catch((e) => e));
    statements[0].settle(new StoreUnavailable('down'));
    await tick();
    statements[1].settle(new StoreUnavailable('down'));
    for (const e of [await first, ...(await Promise.all(reads))]) expect(e).toBeInstanceOf(StoreUnavailable);
    expect(statements).toHaveLength(2);
  });

  it(`a statement stuck in flight holds the others up for ${HOLD_MS} ms at most`, async () => {
    const { batcher, statements } = fakeDatabase(1);
    batcher.get(1);
    const waiting = [2, 3].map((id) => batcher.get(id));
    await tick();
    expect(statements).toHaveLength(1);
    await new Promise((r) => setTimeout(r, HOLD_MS + 20));
    expect(statements.map((s) => s.ids)).toEqual([[1], [2, 3]]);
    statements[1].settle();
    expect(await Promise.all(waiting)).toEqual([
      { id: 2, name: 'row 2' },
      { id: 3, name: 'row 3' },
    ]);
  });
});

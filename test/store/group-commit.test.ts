/**
 * SQLite group commit (store/sqlite/group-commit.ts): concurrent single inserts share one COMMIT, and
 * each caller still gets what its own transaction would have given it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, type Model, parseConfigText } from '../../src/model/index.js';
import { currentWriter, withWriter } from '../../src/store/changes/write-context.js';
import { GroupCommit, type GroupCommitHost } from '../../src/store/sqlite/group-commit.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { WriterLock } from '../../src/store/sqlite/writer-lock.js';
import { UniqueViolation } from '../../src/store/store-errors.js';

const model: Model = buildModel(
  parseConfigText(
    `
resources:
  customers:
    fields:
      name: { type: string, required: true, search: true }
      email: { type: email, unique: true }
`,
    'test.yaml',
  ),
);
const customers = model.byName.get('customers')!;

/** Counts what the connection is asked to do. */
function fakeHost(options: { commitFails?: number; endsTransactionOn?: string } = {}) {
  const calls: string[] = [];
  let open = false;
  let commitFailures = options.commitFails ?? 0;
  const host: GroupCommitHost = {
    atomically<T>(fn: () => T): T {
      const nested = open;
      if (!nested) open = true;
      calls.push(nested ? 'savepoint' : 'begin');
      try {
        const out = fn();
        if (!nested) {
          open = false;
          calls.push('commit');
        }
        return out;
      } catch (e) {
        if ((e as Error).message === options.endsTransactionOn) open = false;
        if (!nested) open = false;
        throw e;
      }
    },
    begin: () => {
      open = true;
      calls.push('BEGIN');
    },
    commit: () => {
      if (commitFailures-- > 0) throw new Error('disk full');
      open = false;
      calls.push('COMMIT');
    },
    rollback: () => {
      open = false;
      calls.push('ROLLBACK');
    },
    inTransaction: () => open,
    lock: new WriterLock(),
    committed: () => calls.push('committed'),
  };
  return { host, calls };
}

describe('GroupCommit', () => {
  it('one write alone runs as always: its own transaction, no savepoint', async () => {
    const { host, calls } = fakeHost();
    expect(await new GroupCommit(host).run(() => 1)).toBe(1);
    expect(calls).toEqual(['begin', 'commit', 'committed']);
  });

  it('writes of one round share one COMMIT, each under a savepoint; a refused one fails alone', async () => {
    const { host, calls } = fakeHost();
    const g = new GroupCommit(host);
    const out = await Promise.allSettled([
      g.run(() => 'a'),
      g.run(() => {
        throw new Error('unique');
      }),
      g.run(() => 'c'),
    ]);
    expect(out.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      'a',
      'unique',
      'c',
    ]);
    expect(calls).toEqual(['BEGIN', 'savepoint', 'savepoint', 'savepoint', 'COMMIT', 'committed']);
  });

  it('a failed COMMIT makes each write again alone: every caller gets its own outcome', async () => {
    const { host, calls } = fakeHost({ commitFails: 1 });
    const g = new GroupCommit(host);
    expect(await Promise.all([g.run(() => 'a'), g.run(() => 'b')])).toEqual(['a', 'b']);
    expect(calls).toEqual([
      'BEGIN',
      'savepoint',
      'savepoint',
      'ROLLBACK',
      'begin',
      'commit',
      'committed',
      'begin',
      'commit',
      'committed',
    ]);
  });

  it('a write after which SQLite ended the whole transaction: the group is made again alone', async () => {
    const { host, calls } = fakeHost({ endsTransactionOn: 'io' });
    const g = new GroupCommit(host);
    let tries = 0;
    const out = await Promise.allSettled([
      g.run(() => 'a'),
      g.run(() => {
        if (tries++ === 0) throw new Error('io');
        return 'b';
      }),
    ]);
    expect(out.map((o) => (o.status === 'fulfilled' ? o.value : 'refused'))).toEqual(['a', 'b']);
    expect(calls.filter((c) => c === 'COMMIT')).toEqual([]);
    expect(calls.filter((c) => c === 'committed')).toHaveLength(2);
  });

  it('waits for an open Store.transaction (the lock) before it writes', async () => {
    const { host, calls } = fakeHost();
    const g = new GroupCommit(host);
    await host.lock.acquire();
    const write = g.run(() => 'a');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual([]);
    host.lock.release();
    expect(await write).toBe('a');
  });
});

describe('SqliteStore: concurrent inserts [sqlite]', () => {
  let store: SqliteStore;
  beforeAll(async () => {
    store = new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'verbo-group-')), 'g.sqlite') });
    await store.sync(model);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('each stored with its own change-log entry and caller; a duplicate fails alone; every row reads back', async () => {
    const after = (await store.changes.bounds()).last;
    // Every fifth write is made outside any request (a seed, the CLI): logged with no caller, never
    // under the scope of the write that started the group.
    const anonymous = (i: number) => i % 5 === 2;
    const writes = Array.from({ length: 20 }, (_, i) => {
      const write = () =>
        store.insert(customers, { name: `N${i}`, email: i === 7 ? 'n3@example.com' : `n${i}@example.com` });
      return anonymous(i) ? write() : withWriter({ writer: `user:${i}` }, write);
    });
    const out = await Promise.allSettled(writes);
    expect(out[7].status).toBe('rejected');
    expect((out[7] as PromiseRejectedResult).reason).toBeInstanceOf(UniqueViolation);
    const rows = out.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(rows).toHaveLength(19);
    const ids = rows.map((row) => row.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    for (const row of rows) expect(await store.get(customers, row.id)).toEqual(row);
    const log = await store.changes.read(after, 100);
    expect(log.map((e) => [e.kind, e.id, e.version, e.caller])).toEqual(
      rows.map((row) => {
        const i = Number(String(row.name).slice(1));
        return ['created', row.id, 1, anonymous(i) ? null : `user:${i}`];
      }),
    );
    expect(log.map((e) => e.at)).toEqual(rows.map((row) => row.createdAt));
    // The full-text index holds every row of the group.
    expect(
      await store.count(customers, [{ field: '', op: 'search', value: [{ word: 'N12', prefix: false }] }]),
    ).toBe(1);
  });
});

describe('SqliteStore: concurrent modifies [sqlite]', () => {
  let store: SqliteStore;
  beforeAll(async () => {
    store = new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'verbo-group-')), 'm.sqlite') });
    await store.sync(model);
    for (let i = 0; i < 5; i++) await store.insert(customers, { name: `M${i}`, email: `m${i}@example.com` });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('each sees the one before it, in its own write scope; a refused one and a duplicate fail alone', async () => {
    const after = (await store.changes.bounds()).last;
    // Ten updates of record 1 and one of each other record, all in one round.
    const seen: { writer: string | null; version: unknown }[] = [];
    const writes = Array.from({ length: 14 }, (_, i) =>
      withWriter({ writer: `user:${i}` }, () =>
        store.modify(customers, i < 10 ? 1 : i - 8, (current) => {
          seen.push({ writer: currentWriter(), version: current?._version });
          if (i === 4) throw new Error('refused by the caller');
          // i = 12 takes the email i = 11 gave record 3 in this same group.
          const email = i === 12 ? '11@example.com' : `${i}@example.com`;
          return { kind: 'update', values: { name: `N${i}`, email } };
        }),
      ),
    );
    const out = await Promise.allSettled(writes);
    expect(out.map((o) => o.status)).toEqual(
      Array.from({ length: 14 }, (_, i) => (i === 4 || i === 12 ? 'rejected' : 'fulfilled')),
    );
    expect((out[4] as PromiseRejectedResult).reason.message).toBe('refused by the caller');
    expect((out[12] as PromiseRejectedResult).reason).toBeInstanceOf(UniqueViolation);
    // Each decide ran in its caller's scope and read what the write before it left.
    expect(seen.map((s) => s.writer)).toEqual(Array.from({ length: 14 }, (_, i) => `user:${i}`));
    expect(seen.slice(0, 10).map((s) => s.version)).toEqual([1, 2, 3, 4, 5, 5, 6, 7, 8, 9]);
    const one = await store.get(customers, 1);
    expect(one).toMatchObject({ name: 'N9', email: '9@example.com', _version: 10 });
    expect(await store.get(customers, 4)).toMatchObject({ name: 'M3', _version: 1 });
    const log = await store.changes.read(after, 100);
    expect(log.map((e) => [e.id, e.version, e.caller])).toEqual(
      out.flatMap((o, i) =>
        o.status === 'fulfilled' ? [[o.value.row?.id, o.value.row?._version, `user:${i}`]] : [],
      ),
    );
  });
});

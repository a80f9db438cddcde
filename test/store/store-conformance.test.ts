/** One behaviour for every store: the same suite runs on SQLite and (when configured) PostgreSQL. */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, type Model, parseConfigText, type ResourceDef } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Filter, SortKey } from '../../src/store/query-types.js';
import type { SyncOptions } from '../../src/store/schema/schema-sync.js';
import type { Row, Store } from '../../src/store/store.js';
import {
  MigrationNeeded,
  MissingReference,
  SchemaChangeRefused,
  StillReferenced,
  StoreFull,
  StoreUnavailable,
  UniqueViolation,
} from '../../src/store/store-errors.js';
import { describeEachStore, describePostgres } from '../support/store-targets.js';
import { tcpProxy } from '../support/tcp-proxy.js';

const YAML = `
resources:
  customers:
    fields:
      name: { type: string, required: true }
      email: { type: email, unique: true }
      status: { type: enum, values: [active, paused, closed] }
      tags: json
      active: boolean
      born: date
      seenAt: datetime
      score: number
      visits: integer
  orders:
    fields:
      customerId: { type: reference, to: customers, onDelete: restrict }
      amount: number
  notes:
    id: uuid
    fields:
      body: string
      customerId: { type: reference, to: customers, onDelete: cascade }
  people:
    fields:
      name: string
      nick: string
      age: integer
      rank: number
      flag: boolean
      born: date
      at: datetime
`;

export const modelOf = (yaml: string): Model => buildModel(parseConfigText(yaml, 'test.yaml'));
const evo = (fields: string, id = 'integer') =>
  modelOf(`resources:\n  evo:\n    id: ${id}\n    fields: { ${fields} }\n`);
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const f = (field: string, op: Filter['op'], value: unknown): Filter => ({ field, op, value });

const PEOPLE: Row[] = [
  {
    name: 'ann',
    nick: 'a%b',
    age: 30,
    rank: 1.5,
    flag: true,
    born: '1990-05-01',
    at: '2024-01-01T10:00:00.000Z',
  },
  { name: 'Bob', nick: 'b_c', age: 25, rank: null, flag: false, born: null, at: '2024-01-01T10:00:00.000Z' },
  { name: 'carl', nick: null, age: null, rank: 2.5, flag: null, born: '1985-12-31', at: null },
  {
    name: 'dana',
    nick: 'DANA*',
    age: 30,
    rank: 0.1,
    flag: true,
    born: '1990-05-01',
    at: '2023-06-30T23:59:59.999Z',
  },
  { name: 'eve', nick: 'a\\b', age: 41, rank: 2.5, flag: false, born: null, at: '2025-02-03T04:05:06.007Z' },
  { name: 'frank', nick: 'bxc', age: 25, rank: null, flag: true, born: '2001-01-01', at: null },
  {
    name: 'gus',
    nick: 'q?[x]',
    age: 60,
    rank: 3,
    flag: false,
    born: '1960-07-04',
    at: '2024-01-01T10:00:00.000Z',
  },
];

/** NULL is the smallest value; strings compare by code unit (= byte order for this data). */
function cmp(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number) < (b as number) ? -1 : 1;
}
const ordered = (rows: Row[], sort: SortKey[]) =>
  [...rows].sort((x, y) => {
    for (const s of sort) {
      const c = cmp(x[s.field], y[s.field]);
      if (c) return s.desc ? -c : c;
    }
    return 0;
  });

describeEachStore('store conformance', (target, getDb) => {
  let store: Store;
  let model: Model;
  const R = (name: string): ResourceDef => model.byName.get(name)!;
  const people: Row[] = [];

  beforeAll(async () => {
    store = await openStore(getDb());
    model = modelOf(YAML);
    await store.sync(model);
    for (const p of PEOPLE) people.push(await store.insert(R('people'), p));
  });
  afterAll(async () => {
    await store?.close();
  });

  describe('schema sync', () => {
    it('is idempotent, also when two stores sync at once', async () => {
      const other = await openStore(getDb());
      try {
        await Promise.all([store.sync(model), other.sync(modelOf(YAML)), store.sync(model)]);
        expect(await other.count(R('people'), [])).toBe(PEOPLE.length);
      } finally {
        await other.close();
      }
    });

    it('adds new fields as columns; drops and retypes only as allowed (docs/migrations.md)', async () => {
      await store.sync(evo('a: string'));
      const old = await store.insert(evo('a: string').byName.get('evo')!, { a: 'x' });
      // A new required field over stored rows needs a default to fill them.
      const required = await store
        .sync(evo('a: string, b: { type: integer, required: true }'))
        .catch((e) => e);
      expect((required as SchemaChangeRefused).changes.join()).toMatch(
        /evo\.b is now required, but 1 row has no value/,
      );
      const m2 = evo('a: string, b: integer');
      await store.sync(m2);
      const evoR = m2.byName.get('evo')!;
      expect(await store.get(evoR, old.id)).toMatchObject({ a: 'x', b: null });
      expect(await store.insert(evoR, { a: 'y', b: 7 })).toMatchObject({ a: 'y', b: 7 });
      const refusal = (m: Model, options?: SyncOptions) =>
        store.sync(m, options).then(
          () => undefined,
          (e: unknown) => e,
        );
      const dropped = await refusal(evo('a: string'));
      expect(dropped).toBeInstanceOf(MigrationNeeded);
      expect((dropped as MigrationNeeded).message).toMatch(/destructive drop column evo\.b/);
      const retyped = await refusal(evo('a: string, b: json'));
      expect(retyped).toBeInstanceOf(SchemaChangeRefused);
      expect((retyped as SchemaChangeRefused).changes.join()).toMatch(
        /evo\.b would change from integer to json storage, which verbo cannot convert/,
      );
      expect(await refusal(evo('a: string, b: string'), { allow: 'safe' })).toBeInstanceOf(MigrationNeeded);
      const reId = await refusal(evo('a: string, b: integer', 'uuid'));
      expect((reId as SchemaChangeRefused).changes.join()).toMatch(/evo\.id would change type/);
      await store.sync(m2);
      expect(await store.count(evoR, [])).toBe(2);
    });
  });

  describe('rows', () => {
    const exact: Row = {
      name: 'Ada',
      email: 'ada@example.com',
      status: 'active',
      tags: { list: [1, 'two', null, true], nested: { deep: [{}] }, n: 0.5 },
      active: true,
      born: '1815-12-10',
      seenAt: '2024-03-01T12:34:56.789Z',
      score: 0.1,
      visits: 9007199254740991,
    };

    it('round-trips every storage kind exactly', async () => {
      const row = await store.insert(R('customers'), exact);
      expect(row).toEqual({
        ...exact,
        id: expect.any(Number),
        createdAt: expect.stringMatching(ISO_MS),
        updatedAt: row.createdAt,
        _version: 1,
      });
      expect(await store.get(R('customers'), row.id)).toEqual(row);
      const variants: Row[] = [
        {
          name: 'b',
          active: false,
          score: 1e300,
          tags: [true, false],
          born: '0001-01-01',
          seenAt: '1970-01-01T00:00:00.000Z',
          visits: -9007199254740991,
        },
        {
          name: 'c',
          score: 5e-324,
          tags: 'just a string',
          born: '9999-12-31',
          seenAt: '2000-02-29T23:59:59.999Z',
          visits: 0,
        },
        { name: 'd', score: -1.7976931348623157e308, tags: 42, active: null, born: null, seenAt: null },
        { name: 'e', score: 0, tags: null, email: null, status: null },
        { name: 'f', score: 0.1 + 0.2, tags: { '': [[]], 'ü"\\': 'x' } },
      ];
      for (const v of variants) {
        const got = await store.get(R('customers'), (await store.insert(R('customers'), v)).id);
        for (const [k, value] of Object.entries(v)) expect(got?.[k], k).toStrictEqual(value);
      }
      expect(await store.get(R('customers'), 987654321)).toBeUndefined();
    });

    it('reports unique violations with their fields', async () => {
      await store.insert(R('customers'), { name: 'u1', email: 'dup@example.com' });
      await expect(store.insert(R('customers'), { name: 'u2', email: 'dup@example.com' })).rejects.toEqual(
        new UniqueViolation(['email']),
      );
      const taken = (
        await store.list(R('customers'), { where: [], sort: [{ field: 'id', desc: false }], limit: 1 })
      )[0];
      await expect(store.insert(R('customers'), { id: taken.id, name: 'again' })).rejects.toEqual(
        new UniqueViolation(['id']),
      );
    });

    it('reports missing references and refuses to delete a referenced record', async () => {
      await expect(store.insert(R('orders'), { customerId: 99999, amount: 1 })).rejects.toEqual(
        new MissingReference(['customerId']),
      );
      const c = await store.insert(R('customers'), { name: 'Ref' });
      const o = await store.insert(R('orders'), { customerId: c.id, amount: 9.5 });
      await expect(
        store.modify(R('orders'), o.id, (cur) => ({ kind: 'update', values: { ...cur, customerId: 99999 } })),
      ).rejects.toBeInstanceOf(MissingReference);
      const refused = await store
        .modify(R('customers'), c.id, () => ({ kind: 'delete' }))
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StillReferenced);
      expect((refused as StillReferenced).by).toContain('orders');
      expect(await store.get(R('customers'), c.id)).toMatchObject({ name: 'Ref', _version: 1 });
      expect(await store.get(R('orders'), o.id)).toMatchObject({ customerId: c.id, amount: 9.5 });
    });

    it('modify inserts, updates (every field, _version + 1), deletes, or does nothing', async () => {
      const C = R('customers');
      const ins = await store.modify(C, 5000, (cur) =>
        cur ? { kind: 'none' } : { kind: 'insert', values: { name: 'put', score: 2 } },
      );
      expect(ins).toMatchObject({ kind: 'inserted', row: { id: 5000, name: 'put', score: 2, _version: 1 } });
      expect((await store.insert(C, { name: 'after' })).id as number).toBeGreaterThan(5000);
      const upd = await store.modify(C, 5000, () => ({ kind: 'update', values: { name: 'put2' } }));
      expect(upd.kind).toBe('updated');
      expect(upd.row).toMatchObject({
        id: 5000,
        name: 'put2',
        score: null,
        _version: 2,
        createdAt: ins.row!.createdAt,
      });
      expect(await store.modify(C, 5000, () => ({ kind: 'none' }))).toEqual({ kind: 'none', row: upd.row });
      const note = await store.insert(R('notes'), { body: 'hi', customerId: 5000 });
      expect(note.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(await store.modify(C, 5000, () => ({ kind: 'delete' }))).toEqual({
        kind: 'deleted',
        row: upd.row,
      });
      expect(await store.get(C, 5000)).toBeUndefined();
      expect(await store.get(R('notes'), note.id)).toBeUndefined();
    });

    it('modify: when decide throws, nothing is written and the same error comes back', async () => {
      const C = R('customers');
      const c = await store.insert(C, { name: 'keep', visits: 1 });
      const err = new Error('decided no');
      await expect(
        store.modify(C, c.id, () => {
          throw err;
        }),
      ).rejects.toBe(err);
      await expect(
        store.modify(C, 777777, () => {
          throw err;
        }),
      ).rejects.toBe(err);
      expect(await store.get(C, c.id)).toEqual(c);
      expect(await store.get(C, 777777)).toBeUndefined();
    });

    it('20 concurrent read-modify-writes all land', async () => {
      const C = R('customers');
      const c = await store.insert(C, { name: 'counter', visits: 0 });
      const after = (await store.changes.bounds()).last;
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.modify(C, c.id, (cur) => ({
            kind: 'update',
            values: { ...cur!, visits: (cur!.visits as number) + 1 },
          })),
        ),
      );
      expect(await store.get(C, c.id)).toMatchObject({ visits: 20, _version: 21 });
      // One change-log entry a write, each with its own version: none lost, none written twice.
      const log = (await store.changes.read(after, 100)).filter((e) => e.id === c.id);
      expect(log.map((e) => `${e.kind} ${e.version}`).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `updated ${i + 2}`).sort(),
      );
      const upsert = () =>
        store.modify(C, 424242, (cur) =>
          cur
            ? { kind: 'update', values: { ...cur, visits: (cur.visits as number) + 1 } }
            : { kind: 'insert', values: { name: 'raced', visits: 1 } },
        );
      const kinds = await Promise.all(Array.from({ length: 10 }, upsert));
      expect(kinds.filter((k) => k.kind === 'inserted')).toHaveLength(1);
      expect(await store.get(C, 424242)).toMatchObject({ name: 'raced', visits: 10, _version: 10 });
    });

    it('60 concurrent reads by id (present, missing, repeated, malformed) each get their own answer', async () => {
      // PostgreSQL gathers reads that wait behind others into one statement (get-batcher.ts).
      const C = R('customers');
      const N = R('notes');
      const cs = [await store.insert(C, { ...exact, email: 'many@example.com' })];
      for (let i = 0; i < 9; i++) cs.push(await store.insert(C, { name: `many ${i}`, born: '2000-02-29' }));
      const ns = [];
      for (let i = 0; i < 5; i++) ns.push(await store.insert(N, { body: `n${i}`, customerId: cs[i].id }));
      const asks: [ResourceDef, unknown, Row | undefined][] = [];
      for (let i = 0; i < 60; i++) {
        if (i % 6 === 5) asks.push([C, 900000 + i, undefined]);
        else if (i % 6 === 4) asks.push([N, ns[i % 5].id, ns[i % 5]]);
        else if (i % 6 === 3) asks.push([N, '00000000-0000-4000-8000-000000000000', undefined]);
        else asks.push([C, cs[i % 10].id, cs[i % 10]]);
      }
      const found = await Promise.all(asks.map(([r, id]) => store.get(r, id)));
      for (const [i, row] of found.entries()) expect(row, `read ${i}`).toEqual(asks[i][2]);
      // An id the database refuses (past 64 bits) fails its own read, never its neighbours'.
      const mixed = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) => store.get(C, i === 17 ? '99999999999999999999' : cs[i % 10].id)),
      );
      for (const [i, m] of mixed.entries())
        if (i !== 17) expect(m, `read ${i}`).toEqual({ status: 'fulfilled', value: cs[i % 10] });
    });

    it('deleteWhere deletes the matches, or nothing when one is still referenced', async () => {
      const C = R('customers');
      for (const name of ['dw1', 'dw2', 'dw3']) await store.insert(C, { name, status: 'closed' });
      expect(await store.deleteWhere(C, [f('status', 'eq', 'closed'), f('name', 'in', ['dw1', 'dw2'])])).toBe(
        2,
      );
      expect(await store.count(C, [f('status', 'eq', 'closed')])).toBe(1);
      const free = await store.insert(C, { name: 'free', status: 'paused' });
      const held = await store.insert(C, { name: 'held', status: 'paused' });
      await store.insert(R('orders'), { customerId: held.id, amount: 1 });
      await expect(store.deleteWhere(C, [f('status', 'eq', 'paused')])).rejects.toBeInstanceOf(
        StillReferenced,
      );
      expect(await store.get(C, free.id)).toEqual(free);
      expect(await store.count(C, [f('status', 'eq', 'paused')])).toBe(2);
    });
  });

  describe('list', () => {
    const P = () => R('people');
    const byId: SortKey = { field: 'id', desc: false };
    const names = async (...where: Filter[]) =>
      (await store.list(P(), { where, sort: [byId] })).map((r) => r.name);

    it.each([
      [f('age', 'eq', 30), ['ann', 'dana']],
      [f('age', 'ne', 30), ['Bob', 'carl', 'eve', 'frank', 'gus']],
      [f('age', 'gt', 30), ['eve', 'gus']],
      [f('age', 'gte', 30), ['ann', 'dana', 'eve', 'gus']],
      [f('age', 'lt', 30), ['Bob', 'frank']],
      [f('age', 'lte', 25), ['Bob', 'frank']],
      [f('age', 'in', [25, 41]), ['Bob', 'eve', 'frank']],
      [f('age', 'nin', [25, 41]), ['ann', 'carl', 'dana', 'gus']],
      [f('age', 'in', []), []],
      [f('age', 'nin', []), ['ann', 'Bob', 'carl', 'dana', 'eve', 'frank', 'gus']],
      [f('age', 'null', true), ['carl']],
      [f('rank', 'null', false), ['ann', 'carl', 'dana', 'eve', 'gus']],
      [f('rank', 'gt', 1.5), ['carl', 'eve', 'gus']],
      [f('name', 'in', ['ann', 'eve', 'nobody']), ['ann', 'eve']],
      [f('nick', 'nin', ['b_c', 'bxc']), ['ann', 'carl', 'dana', 'eve', 'gus']],
      [f('flag', 'eq', true), ['ann', 'dana', 'frank']],
      [f('flag', 'in', [true]), ['ann', 'dana', 'frank']],
      [f('flag', 'nin', [true]), ['Bob', 'carl', 'eve', 'gus']],
      [f('born', 'gte', '1990-05-01'), ['ann', 'dana', 'frank']],
      [f('born', 'in', ['1960-07-04', '1985-12-31']), ['carl', 'gus']],
      [f('at', 'lt', '2024-01-01T10:00:00.000Z'), ['dana']],
      [f('at', 'eq', '2024-01-01T10:00:00.000Z'), ['ann', 'Bob', 'gus']],
      [f('nick', 'like', 'a%b'), ['ann']],
      [f('nick', 'like', 'a*'), ['ann', 'eve']],
      [f('nick', 'like', 'b_c'), ['Bob']],
      [f('nick', 'like', 'a\\b'), ['eve']],
      [f('nick', 'like', 'q?[x]'), ['gus']],
      [f('nick', 'like', 'q?*'), ['gus']],
      [f('nick', 'like', 'dana*'), []],
      [f('nick', 'ilike', 'dana*'), ['dana']],
      [f('name', 'like', '*a*'), ['ann', 'carl', 'dana', 'frank']],
      [f('name', 'ilike', '*B*'), ['Bob']],
      [f('name', 'ilike', 'B_B'), []],
      [f('born', 'like', '1990-*'), ['ann', 'dana']],
      [f('at', 'like', '2024-01-01T10:*'), ['ann', 'Bob', 'gus']],
      [f('at', 'like', '*:06.007Z'), ['eve']],
      [f('at', 'ilike', '*t23:59:59.999z'), ['dana']],
    ])('filter %o', async (filter, expected) => {
      expect(await names(filter)).toEqual(expected);
    });

    it('ANDs filters and counts', async () => {
      expect(await names(f('age', 'gte', 25), f('flag', 'eq', false))).toEqual(['Bob', 'eve', 'gus']);
      expect(await store.count(P(), [])).toBe(PEOPLE.length);
      expect(await store.count(P(), [f('age', 'eq', 25), f('nick', 'like', 'b*')])).toBe(2);
    });

    const sorts: SortKey[][] = [
      [{ field: 'age', desc: false }],
      [{ field: 'age', desc: true }],
      [{ field: 'name', desc: false }],
      [
        { field: 'rank', desc: true },
        { field: 'born', desc: false },
      ],
      [
        { field: 'flag', desc: false },
        { field: 'at', desc: true },
      ],
      [
        { field: 'born', desc: true },
        { field: 'nick', desc: true },
      ],
    ];

    it.each(sorts)('sorts, pages by offset and by keyset both ways: %o', async (...keys) => {
      for (const idDesc of [false, true]) {
        const sort = [...keys, { field: 'id', desc: idDesc }];
        const all = await store.list(P(), { where: [], sort });
        expect(all.map((r) => r.id)).toEqual(ordered(people, sort).map((r) => r.id));
        const byOffset = [];
        for (let offset = 0; offset < all.length; offset += 2)
          byOffset.push(...(await store.list(P(), { where: [], sort, limit: 2, offset })));
        expect(byOffset).toEqual(all);
        const cursor = (row: Row) => sort.map((s) => row[s.field]);
        const forward: Row[] = [];
        let page = await store.list(P(), { where: [], sort, limit: 2 });
        while (page.length) {
          forward.push(...page);
          page = await store.list(P(), {
            where: [],
            sort,
            limit: 2,
            keyset: { values: cursor(page.at(-1)!), direction: 'after' },
          });
        }
        expect(forward).toEqual(all);
        const backward: Row[] = [all.at(-1)!];
        while (backward.length < all.length) {
          page = await store.list(P(), {
            where: [],
            sort,
            limit: 2,
            keyset: { values: cursor(backward[0]), direction: 'before' },
          });
          expect(page.length).toBeGreaterThan(0);
          backward.unshift(...page);
        }
        expect(backward).toEqual(all);
        expect(
          await store.list(P(), {
            where: [],
            sort,
            limit: 2,
            keyset: { values: cursor(all[0]), direction: 'before' },
          }),
        ).toEqual([]);
      }
    });
  });

  describe('key-value entries', () => {
    it('putIfAbsent, get, set, delete', async () => {
      const ns = `ns-${target.name}`;
      expect(await store.kv.get(ns, 'k')).toBeUndefined();
      expect(await store.kv.putIfAbsent(ns, 'k', { status: 201, body: { b: 1, a: [2] } }, 60_000)).toBe(true);
      expect(await store.kv.putIfAbsent(ns, 'k', 'other', 60_000)).toBe(false);
      expect(await store.kv.get(ns, 'k')).toEqual({ status: 201, body: { b: 1, a: [2] } });
      expect(JSON.stringify(await store.kv.get(ns, 'k'))).toBe('{"status":201,"body":{"b":1,"a":[2]}}');
      expect(await store.kv.get('elsewhere', 'k')).toBeUndefined();
      await store.kv.set(ns, 'k', 'replaced', 60_000);
      expect(await store.kv.get(ns, 'k')).toBe('replaced');
      await store.kv.delete(ns, 'k');
      expect(await store.kv.get(ns, 'k')).toBeUndefined();
      expect(await store.kv.putIfAbsent(ns, 'k', 3, 60_000)).toBe(true);
      const racers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.kv.putIfAbsent(ns, 'race', i, 60_000)),
      );
      expect(racers.filter(Boolean)).toHaveLength(1);
    });

    it('expired entries are gone and can be taken again', async () => {
      expect(await store.kv.putIfAbsent('exp', 'k', 'first', 40)).toBe(true);
      await new Promise((r) => setTimeout(r, 80));
      expect(await store.kv.get('exp', 'k')).toBeUndefined();
      expect(await store.kv.putIfAbsent('exp', 'k', 'second', 60_000)).toBe(true);
      expect(await store.kv.get('exp', 'k')).toBe('second');
      await store.kv.set('exp', 'k', 'short', 1);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.kv.get('exp', 'k')).toBeUndefined();
    });
  });
});

describePostgres('postgres store: ids, failures and recovery', (getDb) => {
  const model = modelOf(YAML);
  const C = model.byName.get('customers')!;

  it('syncs a fresh database from two stores at once; sends a 64-bit id that does not fit a double as a string', async () => {
    const store = new PostgresStore({ url: getDb() });
    const other = new PostgresStore({ url: getDb() });
    try {
      await Promise.all([store.sync(model), other.sync(model)]);
      const P = model.byName.get('people')!;
      const row = await store.insert(P, { id: '9223372036854775807', age: '9007199254740993' });
      expect(row).toMatchObject({ id: '9223372036854775807', age: '9007199254740993' });
      expect(await store.get(P, '9223372036854775807')).toEqual(row);
      await expect(store.insert(P, { name: 'no ids left' })).rejects.toBeInstanceOf(StoreFull);
    } finally {
      await other.close();
      await store.close();
    }
  });

  it('a row lock held by a stuck transaction: the write gives up after lockTimeoutMs with StoreUnavailable, then works', async () => {
    const store = new PostgresStore({ url: getDb(), lockTimeoutMs: 300 });
    const locker = postgres(getDb(), { max: 1, onnotice: () => {} });
    try {
      await store.sync(model);
      const row = await store.insert(C, { name: 'locked' });
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const holder = locker.begin(async (tx) => {
        await tx.unsafe('SELECT id FROM customers WHERE id = $1 FOR UPDATE', [row.id as number]);
        locked();
        await held;
      });
      await isLocked;
      const started = Date.now();
      await expect(
        store.modify(C, row.id, () => ({ kind: 'update', values: { name: 'changed' } })),
      ).rejects.toBeInstanceOf(StoreUnavailable);
      expect(Date.now() - started).toBeLessThan(3000);
      release();
      await holder;
      const after = await store.modify(C, row.id, () => ({ kind: 'update', values: { name: 'changed' } }));
      expect(after.row).toMatchObject({ name: 'changed' });
    } finally {
      await locker.end();
      await store.close();
    }
  });

  it('fails fast with StoreUnavailable when the server cannot be reached', async () => {
    const store = new PostgresStore({ url: 'postgres://postgres@127.0.0.1:1/none', acquireTimeoutMs: 1000 });
    const started = Date.now();
    try {
      await expect(store.sync(model)).rejects.toBeInstanceOf(StoreUnavailable);
      await expect(store.kv.get('ns', 'k')).rejects.toBeInstanceOf(StoreUnavailable);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await store.close();
    }
  });

  it('a write fails with StoreUnavailable when the write pool stays exhausted past acquireTimeoutMs; reads go on', async () => {
    const store = new PostgresStore({ url: getDb(), poolSize: 1, acquireTimeoutMs: 300 });
    const locker = postgres(getDb(), { max: 1, onnotice: () => {} });
    try {
      await store.sync(model);
      const c = await store.insert(C, { name: 'locked' });
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const holding = locker.begin(async (tx) => {
        await tx`SELECT id FROM customers WHERE id = ${c.id as number} FOR UPDATE`;
        await held;
      });
      await new Promise((r) => setTimeout(r, 100));
      const blocked = store.modify(C, c.id, (cur) => ({
        kind: 'update',
        values: { ...cur!, name: 'after' },
      }));
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await expect(store.insert(C, { name: 'waits' })).rejects.toBeInstanceOf(StoreUnavailable);
      expect(Date.now() - started).toBeLessThan(1500);
      // Plain reads have a pool of their own: the stuck write holds no slot they need.
      expect(await store.get(C, c.id)).toMatchObject({ name: 'locked', _version: 1 });
      expect(await store.count(C, [{ field: 'name', op: 'eq', value: 'locked' }])).toBeGreaterThan(0);
      release();
      await holding;
      expect((await blocked).row).toMatchObject({ name: 'after', _version: 2 });
      expect(await store.get(C, c.id)).toMatchObject({ name: 'after' });
    } finally {
      await locker.end();
      await store.close();
    }
  });

  it('reports the outage, then recovers by itself once the database is back', async () => {
    const url = new URL(getDb());
    const gate = tcpProxy(new URL(getDb()));
    await gate.start();
    url.hostname = '127.0.0.1';
    url.port = String(gate.port);
    const store = new PostgresStore({ url: url.toString(), poolSize: 3, acquireTimeoutMs: 1000 });
    try {
      await store.sync(model);
      const c = await store.insert(C, { name: 'survivor' });
      await gate.stop();
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        await expect(store.get(C, c.id)).rejects.toBeInstanceOf(StoreUnavailable);
        expect(Date.now() - started).toBeLessThan(2500);
      }
      await gate.start();
      let row: Row | undefined;
      for (let i = 0; i < 50 && !row; i++) {
        row = await store.get(C, c.id).catch(() => undefined);
        if (!row) await new Promise((r) => setTimeout(r, 100));
      }
      expect(row).toMatchObject({ name: 'survivor' });
      await expect(
        store.modify(C, c.id, (cur) => ({ kind: 'update', values: { ...cur! } })),
      ).resolves.toMatchObject({ kind: 'updated' });
    } finally {
      await store.close();
      await gate.stop();
    }
  });
});

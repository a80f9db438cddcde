/**
 * Schema evolution step by step, on every store (docs/migrations.md): composite indexes, dropped
 * fields, new required fields, type changes, tightened rules, renames — each with the data it keeps,
 * the rows a checked step refuses, the consent a destructive one needs, and the history recorded.
 */
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { buildModel, type Model, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import { describeStep, type SchemaPlan, safetyOf } from '../../src/store/schema/schema-plan.js';
import type { SyncOptions } from '../../src/store/schema/schema-sync.js';
import type { Row, Store } from '../../src/store/store.js';
import { MigrationNeeded, SchemaChangeRefused } from '../../src/store/store-errors.js';
import { describeEachStore, type StoreTarget } from '../support/store-targets.js';

const modelOf = (yaml: string): Model => buildModel(parseConfigText(yaml, 'verbo.yaml'));

/** Opens `db`, runs `fn`, closes. */
async function withStore<T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const sync = (db: string, yaml: string, options?: SyncOptions) =>
  withStore(db, (s) => s.sync(modelOf(yaml), options));
const planOf = (db: string, yaml: string) => withStore(db, (s) => s.plan(modelOf(yaml)));
/** The plan's steps on `resource` (tests of one store share a database), as printed. */
const lines = (plan: SchemaPlan, resource?: string) =>
  plan.steps.filter((s) => !resource || s.resource === resource).map(describeStep);
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

async function insert(db: string, yaml: string, resource: string, rows: Row[]): Promise<void> {
  const model = modelOf(yaml);
  await withStore(db, async (s) => {
    await s.sync(model);
    for (const r of rows) await s.insert(model.byName.get(resource)!, r);
  });
}

async function all(db: string, yaml: string, resource: string): Promise<Row[]> {
  const model = modelOf(yaml);
  return withStore(db, async (s) => {
    await s.sync(model);
    return s.list(model.byName.get(resource)!, { where: [], sort: [{ field: 'id', desc: false }] });
  });
}

/** Where an index's entries are stored (SQLite: its root page; PostgreSQL: its file): a rebuild changes it. */
async function indexStorage(target: StoreTarget, db: string, name: string): Promise<unknown> {
  if (target.name === 'sqlite') {
    const d = new Database(db, { readonly: true });
    try {
      return (
        d.prepare("SELECT rootpage FROM sqlite_schema WHERE type = 'index' AND name = ?").get(name) as {
          rootpage: number;
        }
      ).rootpage;
    } finally {
      d.close();
    }
  }
  const sql = postgres(db, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`SELECT relfilenode FROM pg_class WHERE relname = ${name} AND relkind = 'i'`;
    return row.relfilenode;
  } finally {
    await sql.end();
  }
}

const people = (fields: string) => `resources:\n  people:\n    fields: { ${fields} }\n`;

describe('schema migrations', () => {
  describeEachStore('composite indexes', (_t, getDb) => {
    const v1 = `resources:\n  customers:\n    fields: { status: string, name: string }\n`;
    const v2 = `${v1}    indexes: [[status, -createdAt], { fields: [name], unique: true }]\n`;
    it('creates the declared indexes (safe; unique is checked), then plans nothing', async () => {
      await insert(getDb(), v1, 'customers', [{ status: 'a', name: 'x' }]);
      const plan = await planOf(getDb(), v2);
      expect(lines(plan)).toEqual([
        'create index customers_status_createdAt_desc_idx on customers(status, -createdAt)',
        'create unique index customers_name_key on customers(name)',
      ]);
      await sync(getDb(), v2, { allow: 'checked' });
      expect((await planOf(getDb(), v2)).steps).toEqual([]);
    });

    it('refuses a unique index over shared values, naming the rows; drops a removed index', async () => {
      await insert(getDb(), v2, 'customers', [{ status: 'b', name: 'y' }]);
      const v3 = `${v1}    indexes: [{ fields: [status, name], unique: true }, [status]]\n`;
      await insert(getDb(), v3, 'customers', []);
      const plan = await planOf(getDb(), v1);
      expect(lines(plan).sort()).toEqual([
        'drop index customers_status_idx on customers',
        'drop index customers_status_name_key on customers',
      ]);
      await insert(getDb(), v1, 'customers', [{ status: 'b', name: 'y' }]);
      const e = await failure(sync(getDb(), v2));
      expect(e).toBeInstanceOf(SchemaChangeRefused);
      expect(e!.message).toContain(
        'customers.name would become unique, but stored records share a value: 2 rows share one (ids 2, 3)',
      );
    });
  });

  describeEachStore('fields: drop, add required, retype, tighten', (_t, getDb) => {
    it('drops a field only with consent (destructive), keeping the other values', async () => {
      await insert(getDb(), people('name: string, phone: string'), 'people', [{ name: 'Ann', phone: '1' }]);
      const e = await failure(sync(getDb(), people('name: string'), { allow: 'checked' }));
      expect(e).toBeInstanceOf(MigrationNeeded);
      expect(e!.message).toMatch(/destructive +drop column people\.phone/);
      expect(await sync(getDb(), people('name: string'), { allow: 'destructive' })).toMatchObject({
        steps: [{ kind: 'drop-column', field: 'phone' }],
      });
      expect(await all(getDb(), people('name: string'), 'people')).toMatchObject([{ name: 'Ann' }]);
      expect((await all(getDb(), people('name: string'), 'people'))[0]).not.toHaveProperty('phone');
    });

    it('adds a required field: filled from its default, else refused with that advice', async () => {
      const e = await failure(sync(getDb(), people('name: string, age: { type: integer, required: true }')));
      expect(e).toBeInstanceOf(SchemaChangeRefused);
      expect(e!.message).toContain(
        'people.age is now required, but 1 row has no value (id 1): give the field a `default`',
      );
      expect((await planOf(getDb(), people('name: string'))).steps).toEqual([]);
      const v2 = people('name: string, age: { type: integer, required: true, default: 30 }');
      expect(lines(await planOf(getDb(), v2))).toEqual([
        'add column people.age (integer), stored rows set to 30',
      ]);
      await sync(getDb(), v2, { allow: 'safe' });
      expect(await all(getDb(), v2, 'people')).toMatchObject([{ name: 'Ann', age: 30 }]);
    });

    it('converts a type where every value converts, and refuses naming the rows that cannot', async () => {
      const v1 = people('name: string, age: { type: integer, required: true, default: 30 }, code: string');
      await insert(getDb(), v1, 'people', [
        { name: 'Bob', age: 41, code: '12' },
        { name: 'Cy', age: 7, code: 'x7' },
        { name: 'Di', age: 8, code: 'y' },
      ]);
      const v2 = people('name: string, age: { type: string, required: true, default: "30" }, code: integer');
      expect(lines(await planOf(getDb(), v2))).toEqual([
        'change people.age from integer to text',
        'change people.code from text to integer',
      ]);
      const e = await failure(sync(getDb(), v2));
      expect(e!.message).toContain('people.code → integer: 2 rows cannot convert (ids 3, 4)');
      // Nothing changed: the first step (age) was rolled back with the refusal.
      expect((await all(getDb(), v1, 'people')).map((p) => p.age)).toEqual([30, 41, 7, 8]);
      await expect(sync(getDb(), v2, { allow: 'safe' })).rejects.toBeInstanceOf(MigrationNeeded);
      const v3 = people('name: string, age: { type: string, required: true, default: "30" }, code: string');
      await sync(getDb(), v3);
      expect((await all(getDb(), v3, 'people')).map((p) => p.age)).toEqual(['30', '41', '7', '8']);
    });

    it('verifies a narrowed enum, a lower maxLength and a new required over stored values', async () => {
      const v1 = `resources:\n  tasks:\n    fields:\n      state: { type: enum, values: [open, done, lost] }\n      title: { type: string, maxLength: 50 }\n      owner: string\n`;
      await insert(getDb(), v1, 'tasks', [
        { state: 'open', title: 'short', owner: 'a' },
        { state: 'lost', title: 'a much longer title', owner: null },
      ]);
      const narrowed = v1.replace('[open, done, lost]', '[open, done]');
      expect(lines(await planOf(getDb(), narrowed), 'tasks')).toEqual(['restrict tasks.state to open, done']);
      expect((await failure(sync(getDb(), narrowed)))!.message).toContain(
        'tasks.state → one of open, done: 1 row holds another value (id 2)',
      );
      const shorter = v1.replace('maxLength: 50', 'maxLength: 10');
      expect((await failure(sync(getDb(), shorter)))!.message).toContain(
        'tasks.title → at most 10 characters: 1 row is longer (id 2)',
      );
      const required = v1.replace('owner: string', 'owner: { type: string, required: true }');
      expect((await failure(sync(getDb(), required)))!.message).toContain(
        'tasks.owner is now required, but 1 row has no value (id 2)',
      );
      // Widening is no step at all; a narrowing the rows pass is applied and recorded.
      expect(
        lines(await planOf(getDb(), v1.replace('[open, done, lost]', '[open, done, lost, new]')), 'tasks'),
      ).toEqual([]);
      await sync(getDb(), v1.replace('[open, done, lost]', '[open, lost]'));
      expect(lines(await planOf(getDb(), v1.replace('[open, done, lost]', '[open, lost]')), 'tasks')).toEqual(
        [],
      );
    });
  });

  describeEachStore('NOT NULL follows required', (_t, getDb) => {
    it('sets NOT NULL on a field made required (a default fills the empty values), drops it when optional', async () => {
      const v1 = `resources:\n  pets:\n    fields: { name: string, nick: string, age: string }\n`;
      await insert(getDb(), v1, 'pets', [
        { name: 'Ann', nick: null, age: '3' },
        { name: 'Bob', nick: 'b', age: '4' },
      ]);
      const strict = v1.replace('nick: string', 'nick: { type: string, required: true }');
      const plan = await planOf(getDb(), strict);
      expect(lines(plan)).toEqual(['require pets.nick (no stored value may be empty)']);
      expect(safetyOf(plan.steps[0], plan)).toBe('checked');
      expect((await failure(sync(getDb(), strict)))!.message).toContain(
        'pets.nick is now required, but 1 row has no value (id 1): give the field a `default`',
      );
      const filled = v1.replace('nick: string', 'nick: { type: string, required: true, default: anon }');
      const fill = await planOf(getDb(), filled);
      expect(lines(fill)).toEqual(['require pets.nick, empty stored values set to "anon"']);
      expect(safetyOf(fill.steps[0], fill)).toBe('safe');
      await sync(getDb(), filled, { allow: 'safe' });
      expect((await all(getDb(), filled, 'pets')).map((p) => p.nick)).toEqual(['anon', 'b']);
      expect((await planOf(getDb(), filled)).steps).toEqual([]);
      // The database itself now refuses an empty value (not only the API).
      await expect(insert(getDb(), filled, 'pets', [{ name: 'Cy', nick: null, age: '1' }])).rejects.toThrow();
      expect(lines(await planOf(getDb(), v1))).toEqual(['let pets.nick be empty (drop NOT NULL)']);
      await sync(getDb(), v1, { allow: 'safe' });
      await insert(getDb(), v1, 'pets', [{ name: 'Cy', nick: null, age: '5' }]);
      // Filled and retyped in one run (SQLite rebuilds the table once, NOT NULL included).
      const both = filled.replace('age: string', 'age: integer');
      await sync(getDb(), both);
      const rows = await all(getDb(), both, 'pets');
      expect(rows.map((p) => [p.nick, p.age])).toEqual([
        ['anon', 3],
        ['b', 4],
        ['anon', 5],
      ]);
      expect((await planOf(getDb(), both)).steps).toEqual([]);
    });
  });

  describeEachStore('conversions and dropped resources', (_t, getDb) => {
    const kinds = (fields: string) => `resources:\n  vals:\n    fields: { ${fields} }\n`;
    it('converts every kind it plans, values intact, on both stores', async () => {
      const v1 = kinds('i: integer, r: number, b: boolean, t: string, d: date, w: number');
      await insert(getDb(), v1, 'vals', [
        { i: 3, r: 2.5, b: true, t: 'true', d: '2024-02-29', w: 4 },
        { i: -7, r: 10, b: false, t: 'false', d: null, w: -2 },
      ]);
      const v2 = kinds('i: number, r: string, b: string, t: boolean, d: string, w: integer');
      expect(lines(await planOf(getDb(), v2), 'vals')).toEqual([
        'change vals.i from integer to real',
        'change vals.r from real to text',
        'change vals.b from boolean to text',
        'change vals.t from text to boolean',
        'change vals.d from date to text',
        'change vals.w from real to integer',
      ]);
      await sync(getDb(), v2);
      const rows = (await all(getDb(), v2, 'vals')).map(({ i, r, b, t, d, w }) => ({ i, r, b, t, d, w }));
      expect(rows[0]).toMatchObject({ i: 3, b: 'true', t: true, d: '2024-02-29', w: 4 });
      expect(rows[1]).toMatchObject({ i: -7, b: 'false', t: false, d: null, w: -2 });
      expect(['2.5', '2.5']).toContain(rows[0].r);
      expect(['10', '10.0']).toContain(rows[1].r);
    });

    it('drops a resource no longer declared only with consent; by default leaves its table alone', async () => {
      const both = `resources:\n  keep:\n    fields: { a: string }\n  gone:\n    fields: { b: string }\n`;
      await insert(getDb(), both, 'gone', [{ b: 'x' }]);
      const one = 'resources:\n  keep:\n    fields: { a: string }\n';
      expect(lines(await planOf(getDb(), one)).filter((l) => l.includes('gone'))).toEqual([
        'drop table gone (its rows are deleted)',
      ]);
      expect((await sync(getDb(), one)).steps.some((s) => s.kind === 'drop-table')).toBe(false);
      await expect(sync(getDb(), one, { allow: 'checked' })).rejects.toBeInstanceOf(MigrationNeeded);
      expect(await all(getDb(), both, 'gone')).toMatchObject([{ b: 'x' }]);
      await sync(getDb(), one, { allow: 'destructive' });
      expect(lines(await planOf(getDb(), one)).filter((l) => l.includes('gone'))).toEqual([]);
      expect(lines(await planOf(getDb(), both), 'gone')).toEqual([
        'create table gone',
        'create index gone_createdAt_idx on gone(createdAt)',
      ]);
    });
  });

  describeEachStore('renames', (target, getDb) => {
    const v1 = `resources:\n  clients:\n    fields: { fullName: { type: string, index: true }, vip: boolean }\n    indexes: [[vip, -createdAt]]\n  orders:\n    fields:\n      clientId: { type: reference, to: clients, onDelete: cascade }\n`;
    const v2 = `resources:\n  customers:\n    renamedFrom: [clients]\n    fields: { name: { type: string, index: true, renamedFrom: [fullName] }, vip: boolean }\n    indexes: [[vip, -createdAt]]\n  orders:\n    fields:\n      clientId: { type: reference, to: customers, onDelete: cascade }\n`;
    it('renames a resource and a field, keeping the rows, the references and the indexes', async () => {
      await insert(getDb(), v1, 'clients', [{ fullName: 'Ann', vip: true }]);
      await insert(getDb(), v1, 'orders', [{ clientId: 1 }]);
      const plan = await planOf(getDb(), v2);
      // The indexes are renamed in place (table and column names follow), none dropped and rebuilt.
      expect(lines(plan).sort()).toEqual([
        'rename column customers.fullName to name',
        'rename index clients_createdAt_idx to customers_createdAt_idx',
        'rename index clients_fullName_idx to customers_name_idx',
        'rename index clients_vip_createdAt_desc_idx to customers_vip_createdAt_desc_idx',
        'rename table clients to customers',
      ]);
      expect(lines(plan).slice(0, 2)).toEqual([
        'rename table clients to customers',
        'rename column customers.fullName to name',
      ]);
      expect(plan.steps.every((s) => s.kind !== 'drop-table' && s.kind !== 'drop-column')).toBe(true);
      const before = await indexStorage(target, getDb(), 'clients_vip_createdAt_desc_idx');
      await sync(getDb(), v2, { allow: 'safe' });
      expect(await indexStorage(target, getDb(), 'customers_vip_createdAt_desc_idx')).toBe(before);
      expect(await all(getDb(), v2, 'customers')).toMatchObject([{ id: 1, name: 'Ann', vip: true }]);
      expect((await planOf(getDb(), v2)).steps).toEqual([]);
      // The foreign key followed the table: deleting the customer cascades to the order.
      const model = modelOf(v2);
      await withStore(getDb(), async (s) => {
        await s.sync(model);
        expect(await s.count(model.byName.get('orders')!, [])).toBe(1);
        await s.modify(model.byName.get('customers')!, 1, () => ({ kind: 'delete' }));
        expect(await s.count(model.byName.get('orders')!, [])).toBe(0);
        const history = await s.migrations();
        expect(history.at(-1)).toMatchObject({
          who: 'server',
          steps: expect.arrayContaining(['safe rename table clients to customers']),
        });
      });
    });

    it('refuses a rename naming nothing stored; without renamedFrom it is a drop and an add', async () => {
      const typo = v2.replace('renamedFrom: [fullName]', 'renamedFrom: [fulName]').replace('name:', 'title:');
      const e = await failure(
        planOf(getDb(), typo).then((p) =>
          p.refused.length ? Promise.reject(new Error(p.refused.join())) : p,
        ),
      );
      expect(e!.message).toContain(
        'customers.title is renamedFrom fulName, but customers stores no such column (nor title)',
      );
      const plain = v2
        .replace('{ type: string, index: true, renamedFrom: [fullName] }', 'string')
        .replace('name:', 'label:');
      const plan = await planOf(getDb(), plain);
      expect(lines(plan)).toEqual([
        'add column customers.label (text)',
        'drop column customers.name (its values are deleted)',
        'drop index customers_name_idx on customers',
      ]);
    });
  });
});

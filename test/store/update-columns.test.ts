/**
 * A replace or patch sets only the fields whose stored value changes (store/sql/write-compiler.ts
 * changedFields): the indexes and triggers of the others (a search index) are not rewritten. Both
 * stores: the row after the write is the whole record, and search follows a changed name but not
 * an unchanged one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildModel, type Model, parseConfigText, type ResourceDef } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import { pgDialect } from '../../src/store/postgres/postgres-dialect.js';
import { changedFields, compileUpdate } from '../../src/store/sql/write-compiler.js';
import { sqliteDialect } from '../../src/store/sqlite/sqlite-dialect.js';
import type { Store } from '../../src/store/store.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
resources:
  people:
    fields:
      name: { type: string, required: true, search: true }
      phone: { type: string }
      tags: { type: json }
      active: { type: boolean }
      score: { type: integer }
`;

const model = buildModel(parseConfigText(YAML, 'test.yaml'));
const people = model.byName.get('people')!;

it('names only the fields whose bound value changes, for each dialect', () => {
  const current = {
    id: 1,
    name: 'Ana',
    phone: '1',
    tags: { a: [1] },
    active: true,
    score: '9007199254740993',
  };
  for (const d of [sqliteDialect, pgDialect]) {
    expect(changedFields(d, people, current, { ...current })).toEqual([]);
    expect(changedFields(d, people, current, { ...current, phone: '2' })).toEqual(['phone']);
    expect(changedFields(d, people, current, { ...current, tags: { a: [1] } })).toEqual([]);
    expect(changedFields(d, people, current, { ...current, tags: { a: [2] }, active: false })).toEqual([
      'tags',
      'active',
    ]);
    expect(changedFields(d, people, current, { ...current, score: '9007199254740994' })).toEqual(['score']);
    // A field left out of a replace is cleared: that is a change.
    expect(
      changedFields(d, people, current, {
        name: 'Ana',
        tags: { a: [1] },
        active: true,
        score: current.score,
      }),
    ).toEqual(['phone']);
    const sql = compileUpdate(d, people, ['phone']).sql;
    expect(sql).toMatch(/SET "phone" = \S+, "updatedAt" = \S+, "_version" = \S+ WHERE/);
    expect(sql.slice(sql.indexOf(' SET '), sql.indexOf(' WHERE '))).not.toContain('"name"');
  }
});

describeEachStore('UPDATE of the changed columns', (_target, getDb) => {
  let store: Store;
  let m: Model;
  let r: ResourceDef;
  beforeAll(async () => {
    store = await openStore(getDb());
    m = buildModel(parseConfigText(YAML, 'test.yaml'));
    await store.sync(m);
    r = m.byName.get('people')!;
  });
  afterAll(async () => {
    await store?.close();
  });

  const update = (id: unknown, values: Record<string, unknown>) =>
    store.modify(r, id, (current) => ({ kind: 'update', values: { ...current!, ...values } }));
  const found = async (words: string) =>
    (
      await store.list(r, {
        where: [{ field: '', op: 'search', value: [{ word: words, prefix: false }] }],
        sort: [{ field: 'id', desc: false }],
      })
    ).map((row) => row.id);

  it('writes the whole record back, bumps the version, and keeps search in step', async () => {
    const ana = await store.insert(r, {
      name: 'Ana García',
      phone: '1',
      tags: ['x'],
      active: true,
      score: 3,
    });
    const phoned = await update(ana.id, { phone: '2' });
    expect(phoned.row).toMatchObject({
      name: 'Ana García',
      phone: '2',
      tags: ['x'],
      active: true,
      score: 3,
      _version: 2,
    });
    expect(await found('garcia')).toEqual([ana.id]);
    const renamed = await update(ana.id, { name: 'Bea López' });
    expect(renamed.row).toMatchObject({ name: 'Bea López', phone: '2', _version: 3 });
    expect(await found('garcia')).toEqual([]);
    expect(await found('lopez')).toEqual([ana.id]);
    const same = await update(ana.id, {});
    expect(same.row).toMatchObject({ name: 'Bea López', phone: '2', _version: 4 });
    expect(await store.get(r, ana.id)).toMatchObject({
      name: 'Bea López',
      phone: '2',
      tags: ['x'],
      _version: 4,
    });
  });
});

/**
 * Store.listJson and Store.getJson: where a store builds a record's JSON text itself (store/sql/json-select.ts), the
 * text must mean exactly what the representation (http/respond/representation.ts toOutput) shows
 * for the same row — every field type, nulls, 64-bit integers, doubles, escapes — in the fields'
 * order. Both stores have it; a store without it would be read through list() (http/query/page-reader.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { embedRelations } from '../../src/http/query/embed.js';
import { toOutput } from '../../src/http/respond/representation.js';
import { buildModel, type Model, parseConfigText, type ResourceDef } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { ListQuery } from '../../src/store/query-types.js';
import type { Store } from '../../src/store/store.js';
import { FIELD_KIND_ROWS as ROWS, FIELD_KINDS_YAML as YAML } from '../support/field-kind-rows.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('list as JSON text built by the store', (target, getDb) => {
  let store: Store;
  let model: Model;
  let things: ResourceDef;

  beforeAll(async () => {
    store = await openStore(getDb());
    model = buildModel(parseConfigText(YAML, 'test.yaml'));
    await store.sync(model);
    things = model.byName.get('things')!;
    const owner = await store.insert(model.byName.get('owners')!, { name: 'o' });
    for (const row of ROWS) await store.insert(things, { ...row, owner: owner.id });
  });
  afterAll(async () => {
    await store?.close();
  });

  const byId: ListQuery = { where: [], sort: [{ field: 'id', desc: false }] };

  it('means what toOutput shows, field by field and in order', async () => {
    expect(store.listJson, `${target.name} builds list JSON itself`).toBeDefined();
    const fields = [...things.allFields.keys()];
    const texts = await store.listJson!(things, byId, fields);
    expect(texts).toBeDefined();
    const expected = (await store.list(things, byId)).map((row) => toOutput(things, row));
    const parsed = texts!.map((t) => JSON.parse(t) as Record<string, unknown>);
    expect(parsed).toEqual(expected);
    for (const p of parsed) expect(Object.keys(p)).toEqual(fields);
    expect(parsed[1].count).toBe('9007199254740993');
    expect(parsed[3].count).toBe('-9223372036854775808');
    expect(parsed[1].amount).toBe(0.30000000000000004);
    expect(parsed[1].doc).toMatchObject({ size: 1234, url: `/things/${parsed[1].id}/doc` });
    expect(parsed[0].doc).toBeNull();
  });

  it('keeps the order of `fields`, filters, sorts and reads a previous page in order', async () => {
    const fields = ['stage', 'id', 'label'];
    const query: ListQuery = {
      where: [{ field: 'active', op: 'eq', value: false }],
      sort: [{ field: 'id', desc: true }],
      limit: 2,
      keyset: { values: [2], direction: 'before' },
    };
    const texts = await store.listJson!(things, query, fields);
    const rows = await store.list(things, query);
    expect(rows.map((row) => row.id)).toEqual([4, 3]);
    expect(texts!.map((t) => JSON.parse(t))).toEqual(rows.map((row) => toOutput(things, row, fields)));
    expect(Object.keys(JSON.parse(texts![0]))).toEqual(fields);
  });

  it('reads one record by id as the same text, with the stored columns its ETag and Last-Modified read', async () => {
    // PostgreSQL spaces its JSON text's members: its items are read as rows, so an item's body is
    // byte-identical on both stores (store.ts getJson).
    if (target.name === 'postgres') {
      expect(store.getJson).toBeUndefined();
      return;
    }
    expect(store.getJson, `${target.name} builds a record's JSON itself`).toBeDefined();
    const fields = [...things.allFields.keys()];
    for (const row of await store.list(things, byId)) {
      const found = await store.getJson!(things, row.id, fields);
      expect(found).toBeTruthy();
      expect(JSON.parse(found!.json)).toEqual(toOutput(things, row));
      expect(found!.row).toEqual({
        id: row.id,
        _version: row._version,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      });
    }
    const [first] = await store.list(things, byId);
    const narrowed = await store.getJson!(things, first.id, ['label', 'id']);
    expect(Object.keys(JSON.parse(narrowed!.json))).toEqual(['label', 'id']);
    expect(await store.getJson!(things, 987654, fields)).toBeUndefined();
  });

  it('puts to-one relations inside each text as embedRelations shows them, a record without one as null', async () => {
    const owners = model.byName.get('owners')!;
    const relation = things.toOne[0];
    await store.insert(things, { label: 'no owner' });
    const fields = [...things.allFields.keys()];
    const ownerFields = ['name', 'id'];
    const texts = await store.listJson!(things, byId, fields, [
      { name: relation.name, field: relation.field, target: owners, fields: ownerFields },
    ]);
    const rows = await store.list(things, byId);
    const outputs = rows.map((row) => toOutput(things, row));
    await embedRelations(model, store, things, rows, outputs, [
      { relation: relation.name, fields: ownerFields, embed: [] },
    ]);
    const parsed = texts!.map((t) => JSON.parse(t) as Record<string, unknown>);
    expect(parsed).toEqual(outputs);
    // The relation once, where embedRelations puts it (a relation named as its field takes its place):
    // JSON.parse would hide a second key of the same name.
    const key = new RegExp(`"${relation.name}"\\s*:`, 'g');
    for (const text of texts!) expect(text.match(key)).toHaveLength(1);
    expect(Object.keys(parsed[0])).toEqual(Object.keys(outputs[0]));
    expect(parsed.at(-1)![relation.name]).toBeNull();
    expect(parsed[0][relation.name]).toEqual({ name: 'o', id: rows[0][relation.field] });
  });
});

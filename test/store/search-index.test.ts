/**
 * The search index in the schema planner (docs/search.md, docs/migrations.md), on every store:
 * `search: true` added to fields of a table that holds rows is one safe step that fills the index
 * from them; a changed field list, a renamed field or table rebuilds it; removing it drops it; a
 * table rebuild (SQLite) keeps it in step; and the plan prints each step as `verbo migrate` does.
 */
import { expect, it } from 'vitest';
import { buildModel, type Model, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { SearchTerm } from '../../src/store/query-types.js';
import { formatPlan, safetyOf } from '../../src/store/schema/schema-plan.js';
import type { Store } from '../../src/store/store.js';
import { describeEachStore } from '../support/store-targets.js';

const modelOf = (yaml: string): Model => buildModel(parseConfigText(yaml, 'verbo.yaml'));

const notes = (title: string, body: string, extra = '') => `
resources:
  notes:
    id: string
    fields:
      title: ${title}
      body: ${body}
      n: { type: integer${extra} }
`;
const PLAIN = notes('string', 'text');
const BOTH = notes('{ type: string, search: true }', '{ type: text, search: true }');
const TITLE_ONLY = notes('{ type: string, search: true }', 'text');

/** The ids of `resource`'s rows whose index holds every word (`word*`: a prefix). */
async function search(store: Store, model: Model, resource: string, text: string): Promise<string[]> {
  const terms: SearchTerm[] = text
    .split(' ')
    .map((w) => ({ word: w.replace('*', ''), prefix: w.endsWith('*') }));
  const rows = await store.list(model.byName.get(resource)!, {
    where: [{ field: '', op: 'search', value: terms }],
    sort: [{ field: 'id', desc: false }],
  });
  return rows.map((r) => String(r.id));
}

describeEachStore('the search index in the schema plan', (_target, getDb) => {
  it('is added to a table holding rows (safe, filled from them), rebuilt when its fields change, dropped when removed', async () => {
    const store = await openStore(getDb());
    try {
      const plain = modelOf(PLAIN);
      await store.sync(plain);
      const r = plain.byName.get('notes')!;
      await store.insert(r, { id: 'a', title: 'Árbol grande', body: 'green leaves', n: 1 });
      await store.insert(r, { id: 'b', title: 'Small tree', body: 'árbol pequeño', n: 2 });

      const both = modelOf(BOTH);
      const plan = await store.plan(both);
      expect(plan.steps).toEqual([
        {
          kind: 'create-search-index',
          resource: 'notes',
          index: { name: 'notes_fts', fields: ['title', 'body'] },
        },
      ]);
      expect(safetyOf(plan.steps[0], plan)).toBe('safe');
      expect(formatPlan(plan)).toBe(
        '1. safe        create search index notes_fts on notes(title, body), filled from the stored rows',
      );
      // `verbo serve` applies safe steps by itself.
      await store.sync(both, { allow: 'safe' });
      expect((await store.plan(both)).steps).toEqual([]);
      expect(await search(store, both, 'notes', 'arbol')).toEqual(['a', 'b']);
      expect(await search(store, both, 'notes', 'LEAVES')).toEqual(['a']);
      await store.insert(both.byName.get('notes')!, { id: 'c', title: 'Arboretum', n: 3 });
      expect(await search(store, both, 'notes', 'arbo*')).toEqual(['a', 'b', 'c']);
      // Many reads by id at once (gathered into one statement on PostgreSQL: get-batcher.ts), string
      // ids and an index column the rows never show: each gets the row a read of its own gives.
      const nr = both.byName.get('notes')!;
      const alone = await store.get(nr, 'a');
      expect(Object.keys(alone!).sort()).toEqual([
        '_version',
        'body',
        'createdAt',
        'id',
        'n',
        'title',
        'updatedAt',
      ]);
      const ids = ['a', 'zz', 'c', 'A', 'b', ...Array.from({ length: 20 }, (_, i) => ['c', 'b', 'a'][i % 3])];
      const many = await Promise.all(ids.map((id) => store.get(nr, id)));
      expect(many.map((x) => x?.id ?? null)).toEqual(
        ids.map((id) => (['a', 'b', 'c'].includes(id) ? id : null)),
      );
      expect(many[0]).toEqual(alone);

      // One field fewer: the index is built again over the title alone.
      const title = modelOf(TITLE_ONLY);
      const narrowed = await store.plan(title);
      expect(formatPlan(narrowed).split('\n')).toEqual([
        '1. safe        drop search index notes_fts on notes',
        '2. safe        create search index notes_fts on notes(title), filled from the stored rows',
      ]);
      await store.sync(title, { allow: 'safe' });
      expect(await search(store, title, 'notes', 'arbol')).toEqual(['a']);
      expect(await search(store, title, 'notes', 'leaves')).toEqual([]);

      // No searchable field left: the index goes, and writes go on without it.
      const dropped = await store.plan(plain);
      expect(formatPlan(dropped)).toBe('1. safe        drop search index notes_fts on notes');
      await store.sync(plain, { allow: 'safe' });
      expect((await store.plan(plain)).steps).toEqual([]);
      await store.insert(r, { id: 'd', title: 'After', n: 4 });
      await store.modify(r, 'a', () => ({ kind: 'update', values: { title: 'Changed', body: null, n: 1 } }));
      await store.deleteWhere(r, [{ field: 'id', op: 'eq', value: 'b' }]);
      // Built again later, it holds the rows as they are now.
      await store.sync(both, { allow: 'safe' });
      expect(await search(store, both, 'notes', 'changed')).toEqual(['a']);
      expect(await search(store, both, 'notes', 'arbol')).toEqual([]);
      expect(await search(store, both, 'notes', 'after')).toEqual(['d']);
    } finally {
      await store.close();
    }
  });

  it('follows renamed fields and tables, and a table rebuilt by a checked step', async () => {
    const store = await openStore(getDb());
    try {
      // The first test's table stays declared (this block shares its database).
      const before = modelOf(`${BOTH}
  memos:
    id: string
    fields:
      title: { type: string, search: true }
      n: integer
`);
      await store.sync(before);
      for (const [id, title, n] of [
        ['m1', 'Kiwi jam', 1],
        ['m2', 'Lemon jam', 2],
      ] as const)
        await store.insert(before.byName.get('memos')!, { id, title, n });

      const renamed = modelOf(`${BOTH}
  jottings:
    id: string
    renamedFrom: [memos]
    fields:
      heading: { type: string, search: true, renamedFrom: [title] }
      n: { type: integer, required: true, default: 0 }
`);
      const plan = await store.plan(renamed);
      const kinds = plan.steps.map((s) => s.kind);
      expect(kinds[0]).toBe('drop-search-index');
      expect(kinds.at(-1)).toBe('create-search-index');
      expect(kinds).toContain('rename-table');
      expect(kinds).toContain('rename-column');
      // `required` over stored rows: checked (SQLite rebuilds the table for NOT NULL).
      await store.sync(renamed, { allow: 'checked' });
      expect((await store.plan(renamed)).steps).toEqual([]);
      expect(await search(store, renamed, 'jottings', 'jam')).toEqual(['m1', 'm2']);
      const r = renamed.byName.get('jottings')!;
      await store.insert(r, { id: 'm3', heading: 'Mango jam', n: 3 });
      await store.modify(r, 'm1', () => ({ kind: 'update', values: { heading: 'Kiwi tart', n: 1 } }));
      expect(await search(store, renamed, 'jottings', 'jam')).toEqual(['m2', 'm3']);
      expect(await search(store, renamed, 'jottings', 'tart')).toEqual(['m1']);

      // A later rebuild of the table alone (n no longer required): the index stays in step.
      const optional = modelOf(`${BOTH}
  jottings:
    id: string
    fields:
      heading: { type: string, search: true }
      n: integer
`);
      await store.sync(optional, { allow: 'checked' });
      expect((await store.plan(optional)).steps).toEqual([]);
      await store.insert(optional.byName.get('jottings')!, { id: 'm4', heading: 'Peach jam' });
      await store.deleteWhere(optional.byName.get('jottings')!, [{ field: 'id', op: 'eq', value: 'm2' }]);
      expect(await search(store, optional, 'jottings', 'jam')).toEqual(['m3', 'm4']);
      expect(await search(store, optional, 'jottings', 'kiwi')).toEqual(['m1']);
    } finally {
      await store.close();
    }
  });
});

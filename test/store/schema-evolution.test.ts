/**
 * Schema sync on a database that already holds data, on every store: a reference pointed at another
 * resource moves its foreign key (or is refused, naming table, column and target), and new fields
 * and indexes keep the rows.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, type Model, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import { SchemaChangeRefused, UniqueViolation } from '../../src/store/store-errors.js';
import { expectEnvelope, startServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const modelOf = (yaml: string): Model => buildModel(parseConfigText(yaml, 'verbo.yaml'));

/** The library of issue 22: members with string ids, renamed to readers. */
const BEFORE = `
resources:
  members:
    id: string
    fields: { name: string }
  readers:
    id: string
    fields: { name: string }
  loans:
    fields:
      memberId: { type: reference, to: members, onDelete: restrict }
      note: string
  fines:
    fields: { loanId: { type: reference, to: loans, onDelete: cascade } }
`;
const AFTER = `
resources:
  readers:
    id: string
    fields: { name: string }
  loans:
    fields:
      memberId: { type: reference, to: readers, onDelete: restrict }
      note: string
  fines:
    fields: { loanId: { type: reference, to: loans, onDelete: cascade } }
`;

/** Syncs `yaml` on `db` and inserts rows: `{ resource: [values…] }`. */
async function seed(
  db: string,
  yaml: string,
  rows: Record<string, Record<string, unknown>[]>,
): Promise<void> {
  const model = modelOf(yaml);
  const store = await openStore(db);
  try {
    await store.sync(model);
    for (const [name, list] of Object.entries(rows))
      for (const values of list) await store.insert(model.byName.get(name)!, values);
  } finally {
    await store.close();
  }
}

async function syncError(db: string, yaml: string): Promise<unknown> {
  const store = await openStore(db);
  try {
    await store.sync(modelOf(yaml));
    return undefined;
  } catch (e) {
    return e;
  } finally {
    await store.close();
  }
}

describe('schema evolution on a database with data', () => {
  describeEachStore('a reference pointed at another resource', (_target, getDb) => {
    it('moves the foreign key to the new target and keeps the rows', async () => {
      await seed(getDb(), BEFORE, {
        members: [{ id: 'ann', name: 'Ann (member)' }],
        readers: [
          { id: 'ann', name: 'Ann' },
          { id: 'bob', name: 'Bob' },
        ],
        loans: [{ memberId: 'ann', note: 'kept' }],
        fines: [{ loanId: 1 }],
      });
      const server = await startServer({ db: getDb(), yaml: AFTER });
      try {
        const loans = await server.request('GET', '/loans');
        expect(loans.status).toBe(200);
        expect(loans.json.map((l: { memberId: string; note: string }) => [l.memberId, l.note])).toEqual([
          ['ann', 'kept'],
        ]);
        // Moving the loans' key rebuilt nothing it should not: the fine on loan 1 is still there.
        expect((await server.request('GET', '/fines')).json.map((f: { loanId: number }) => f.loanId)).toEqual(
          [1],
        );
        // bob is only a reader: accepted, so the key checks readers.
        const ok = await server.request('POST', '/loans', { body: { memberId: 'bob' } });
        expect(ok.status, ok.text).toBe(201);
        // Deleting a referenced reader is refused: the restrict key now sits on readers.
        expectEnvelope(await server.request('DELETE', '/readers/bob'), 409, 'STILL_REFERENCED');
        const bad = await server.request('POST', '/loans', { body: { memberId: 'nobody' } });
        expectEnvelope(bad, 422, 'REFERENCE_NOT_FOUND');
        expect(bad.json).toHaveLength(1);
        expect(bad.json[0].pointer).toBe('/memberId');
        expect(bad.json[0].userMessage).toBe('The referenced memberId does not exist.');
        expect(bad.json[0].internalMessage).not.toMatch(/\s{2}|^\s|\s$/);
      } finally {
        await server.close();
      }
    });
  });

  describeEachStore('a reference pointed at a resource that lacks referenced records', (_target, getDb) => {
    it('refuses the move, naming table, column and target, and changes nothing', async () => {
      const db = getDb();
      const loans = modelOf(BEFORE).byName.get('loans')!;
      await seed(db, BEFORE, { members: [{ id: 'zed', name: 'Zed' }] });
      await seed(db, BEFORE, { loans: [{ memberId: 'zed', note: 'orphan-to-be' }] });
      const error = await syncError(db, AFTER);
      expect(error).toBeInstanceOf(SchemaChangeRefused);
      const text = (error as SchemaChangeRefused).changes.join('\n');
      expect(text).toContain('loans.memberId would reference readers');
      // The old schema still syncs and the row is still there.
      const store = await openStore(db);
      try {
        await store.sync(modelOf(BEFORE));
        const rows = await store.list(loans, {
          where: [{ field: 'note', op: 'eq', value: 'orphan-to-be' }],
          sort: [],
        });
        expect(rows.map((r) => r.memberId)).toEqual(['zed']);
      } finally {
        await store.close();
      }
    });
  });

  describeEachStore('a field and an index added to the config', (_target, getDb) => {
    it('adds them and keeps every row; a second sync changes nothing', async () => {
      const v1 = 'resources:\n  books:\n    fields:\n      title: string\n      isbn: string\n';
      const v2 =
        'resources:\n  books:\n    fields:\n      title: { type: string, index: true }\n      isbn: { type: string, unique: true }\n      pages: integer\n';
      await seed(getDb(), v1, {
        books: [
          { title: 'Dune', isbn: '1' },
          { title: 'Emma', isbn: '2' },
        ],
      });
      const model = modelOf(v2);
      const books = model.byName.get('books')!;
      const store = await openStore(getDb());
      try {
        await store.sync(model);
        await store.sync(model);
        const rows = await store.list(books, { where: [], sort: [{ field: 'id', desc: false }] });
        expect(rows.map((r) => [r.title, r.isbn, r.pages])).toEqual([
          ['Dune', '1', null],
          ['Emma', '2', null],
        ]);
        await store.insert(books, { title: 'Ulysses', isbn: '3', pages: 730 });
        await expect(store.insert(books, { title: 'Dune again', isbn: '1' })).rejects.toBeInstanceOf(
          UniqueViolation,
        );
        const found = await store.list(books, {
          where: [{ field: 'title', op: 'eq', value: 'Ulysses' }],
          sort: [],
        });
        expect(found.map((r) => r.pages)).toEqual([730]);
      } finally {
        await store.close();
      }
    });

    it('refuses a field that becomes unique while stored rows share a value', async () => {
      await seed(getDb(), 'resources:\n  tags:\n    fields: { label: string }\n', {
        tags: [{ label: 'x' }, { label: 'x' }],
      });
      const error = await syncError(
        getDb(),
        'resources:\n  tags:\n    fields: { label: { type: string, unique: true } }\n',
      );
      expect(error).toBeInstanceOf(SchemaChangeRefused);
      expect((error as SchemaChangeRefused).changes.join()).toContain('tags.label would become unique');
    });
  });
});

/** The shared schema planner: a declared model against an introspected database → typed steps. */
import { describe, expect, it } from 'vitest';
import { buildModel, type Model, parseConfigText } from '../../src/model/index.js';
import { type DbSchema, type DbTable, describeStep, formatPlan } from '../../src/store/schema/schema-plan.js';
import { planSchema, type StoredTypeNames } from '../../src/store/schema/schema-planner.js';

const modelOf = (yaml: string): Model => buildModel(parseConfigText(yaml, 'test.yaml'));

/** SQLite's introspected names; the planner only compares them. */
const names: StoredTypeNames = {
  storedType: (s) => ({ integer: 'INTEGER', real: 'REAL', boolean: 'INTEGER' })[s as string] ?? 'TEXT',
  storedIdType: (t) => (t === 'integer' ? 'INTEGER' : 'TEXT'),
  converts: (from, to) => to === 'text' || (from === 'text' && to === 'integer'),
};

function table(name: string, columns: Record<string, string>, extra: Partial<DbTable> = {}): DbTable {
  const all = { id: 'INTEGER', ...columns, createdAt: 'TEXT', updatedAt: 'TEXT', _version: 'INTEGER' };
  return {
    name,
    columns: new Map(Object.entries(all).map(([c, type]) => [c, { name: c, type, notNull: c === 'id' }])),
    foreignKeys: [],
    indexes: new Set([`${name}_createdAt_idx`]),
    ...extra,
  };
}

const db = (...tables: DbTable[]): DbSchema => ({
  tables: new Map(tables.map((t) => [t.name, t])),
  storages: new Map(),
  specs: new Map(),
});

const LIBRARY = `
resources:
  readers:
    fields: { name: string }
  loans:
    fields:
      memberId: { type: reference, to: readers, onDelete: restrict }
      due: date
`;

describe('schema planner', () => {
  it('plans every table and index of an empty database, tables first', () => {
    const plan = planSchema(modelOf(LIBRARY), db(), names);
    expect(plan.refused).toEqual([]);
    expect(plan.steps.map(describeStep)).toEqual([
      'create table readers',
      'create table loans',
      'create index readers_createdAt_idx on readers(createdAt)',
      'create index loans_memberId_idx on loans(memberId)',
      'create index loans_createdAt_idx on loans(createdAt)',
    ]);
  });

  it('plans nothing when the database matches', () => {
    const readers = table('readers', { name: 'TEXT' });
    const loans = table(
      'loans',
      { memberId: 'INTEGER', due: 'TEXT' },
      {
        foreignKeys: [{ column: 'memberId', target: 'readers', onDelete: 'restrict' }],
        indexes: new Set(['loans_createdAt_idx', 'loans_memberId_idx']),
      },
    );
    const plan = planSchema(modelOf(LIBRARY), db(readers, loans), names);
    expect(plan).toEqual({ steps: [], refused: [] });
    expect(formatPlan(plan)).toBe('the database matches the config');
  });

  it('plans a changed reference target (members → readers) with the constraint it replaces', () => {
    const members = table('members', { name: 'TEXT' });
    const loans = table(
      'loans',
      { memberId: 'INTEGER', due: 'TEXT' },
      {
        foreignKeys: [
          { column: 'memberId', target: 'members', onDelete: 'restrict', name: 'loans_memberId_fkey' },
        ],
        indexes: new Set(['loans_createdAt_idx', 'loans_memberId_idx']),
      },
    );
    const plan = planSchema(modelOf(LIBRARY), db(members, loans), names);
    expect(plan.refused).toEqual([]);
    expect(plan.steps).toEqual([
      { kind: 'create-table', resource: 'readers' },
      {
        kind: 'change-reference',
        resource: 'loans',
        field: 'memberId',
        from: { target: 'members', onDelete: 'restrict', constraint: 'loans_memberId_fkey' },
        to: { target: 'readers', onDelete: 'restrict' },
      },
      {
        kind: 'create-index',
        resource: 'readers',
        index: {
          name: 'readers_createdAt_idx',
          columns: [{ field: 'createdAt', descending: false, nullable: false }],
          unique: false,
        },
      },
    ]);
    expect(formatPlan(plan)).toContain(
      '2. checked     change reference loans.memberId from members (on delete restrict) to readers (on delete restrict)',
    );
  });

  it('plans a new field and a new index on an existing table, and swaps an index that stops being unique', () => {
    const model = modelOf(`
resources:
  books:
    fields:
      title: { type: string, index: true }
      isbn: string
      pages: integer
`);
    const books = table(
      'books',
      { title: 'TEXT', isbn: 'TEXT' },
      {
        indexes: new Set(['books_createdAt_idx', 'books_isbn_key', 'sqlite_autoindex_books_1']),
      },
    );
    const plan = planSchema(model, db(books), names);
    expect(plan.refused).toEqual([]);
    expect(plan.steps.map(describeStep)).toEqual([
      'add column books.pages (integer)',
      'drop index books_isbn_key on books',
      'create index books_title_idx on books(title)',
    ]);
  });

  it('plans a retype and a dropped column, refuses a changed id type and a conversion it cannot make', () => {
    const model = modelOf(
      'resources:\n  books:\n    id: uuid\n    fields: { title: integer, cover: json }\n',
    );
    const books = table('books', { title: 'TEXT', cover: 'INTEGER', gone: 'TEXT' });
    const storages = new Map([
      ['books.title', 'text'],
      ['books.cover', 'integer'],
    ]);
    const plan = planSchema(model, { ...db(books), storages }, names);
    expect(plan.refused).toEqual([
      'books.id would change type from INTEGER to uuid',
      'books.cover would change from integer to json storage, which verbo cannot convert',
    ]);
    expect(formatPlan(plan).split('\n')).toEqual([
      '1. checked     change books.title from text to integer',
      '2. destructive drop column books.gone (its values are deleted)',
      'refused: books.id would change type from INTEGER to uuid',
      'refused: books.cover would change from integer to json storage, which verbo cannot convert',
    ]);
  });

  it('names composite indexes by their columns, shortens long names, and drops only its own', () => {
    const model = modelOf(
      'resources:\n  books:\n    fields: { title: string, a_b: string, averyveryveryverylongfieldname: string, another_very_long_field_name: string }\n    indexes: [[title, -createdAt], [a_b, title], [averyveryveryverylongfieldname, another_very_long_field_name]]\n',
    );
    const plan = planSchema(model, db(), names);
    const created = plan.steps.flatMap((s) => (s.kind === 'create-index' ? [s.index.name] : []));
    expect(created).toEqual([
      'books_createdAt_idx',
      'books_title_createdAt_desc_idx',
      'books_a_b_title_idx',
      expect.stringMatching(/^books_h[0-9a-f]{8}_idx$/),
    ]);
    const books = table(
      'books',
      {
        title: 'TEXT',
        a_b: 'TEXT',
        averyveryveryverylongfieldname: 'TEXT',
        another_very_long_field_name: 'TEXT',
      },
      { indexes: new Set([...created, 'books_by_hand', 'books_title_a_b_desc_key']) },
    );
    expect(planSchema(model, db(books), names).steps.map(describeStep)).toEqual([
      'drop index books_title_a_b_desc_key on books',
    ]);
  });

  it('plans a removed reference and a changed onDelete', () => {
    const model = modelOf(`
resources:
  readers:
    fields: { name: string }
  loans:
    fields:
      memberId: { type: reference, to: readers, onDelete: cascade }
      otherId: integer
`);
    const loans = table(
      'loans',
      { memberId: 'INTEGER', otherId: 'INTEGER' },
      {
        foreignKeys: [
          { column: 'memberId', target: 'readers', onDelete: 'restrict' },
          { column: 'otherId', target: 'readers', onDelete: 'set-null' },
        ],
        indexes: new Set(['loans_createdAt_idx', 'loans_memberId_idx']),
      },
    );
    const plan = planSchema(model, db(table('readers', { name: 'TEXT' }), loans), names);
    expect(plan.steps.map(describeStep)).toEqual([
      'change reference loans.memberId from readers (on delete restrict) to readers (on delete cascade)',
      'remove reference loans.otherId → readers',
    ]);
  });
});

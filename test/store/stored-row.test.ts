/**
 * A one-row insert on SQLite knows its row without RETURNING where the bound values say it exactly
 * (store/sqlite/stored-row.ts): the row handed back must be the row read back, value for value and
 * key for key, for every storage kind — and a value whose stored form is not certain reads it back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, type Model, parseConfigText } from '../../src/model/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Row } from '../../src/store/store.js';

const model: Model = buildModel(
  parseConfigText(
    `
resources:
  things:
    fields:
      label: { type: string, search: true }
      count: integer
      big: integer
      ratio: number
      flag: boolean
      data: json
      day: date
      at: datetime
      kind: { type: enum, values: [a, b], default: a }
  keyed:
    id: uuid
    fields:
      label: string
`,
    'test.yaml',
  ),
);
const things = model.byName.get('things')!;
const keyed = model.byName.get('keyed')!;

/** Same values, same keys in the same order, and -0 told from 0. */
const same = (a: Row, b: Row | undefined) => {
  expect(Object.keys(a)).toEqual(Object.keys(b ?? {}));
  for (const k of Object.keys(a))
    expect(Object.is(a[k], b?.[k]) || JSON.stringify(a[k]) === JSON.stringify(b?.[k])).toBe(true);
  expect(a).toEqual(b);
};

describe('SqliteStore: the row of an insert is the row read back [sqlite]', () => {
  let store: SqliteStore;
  beforeAll(async () => {
    store = new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'verbo-stored-')), 's.sqlite') });
    await store.sync(model);
  });
  afterAll(async () => {
    await store?.close();
  });

  const cases: [string, Row][] = [
    [
      'every kind',
      {
        label: 'Ana',
        count: 3,
        big: '9007199254740993',
        ratio: 1.5,
        flag: true,
        data: { a: [1, 'x', null], b: { c: false } },
        day: '2024-02-29',
        at: '2024-02-29T12:00:00.000Z',
        kind: 'b',
      },
    ],
    [
      'nulls',
      {
        label: null,
        count: null,
        big: null,
        ratio: null,
        flag: null,
        data: null,
        day: null,
        at: null,
        kind: null,
      },
    ],
    [
      'false, 0, an integral number, a JSON scalar',
      { flag: false, count: 0, ratio: 2, data: 'text', big: -5 },
    ],
    ['-0 in an integer and a number (read back)', { count: -0, ratio: -0, data: -0 }],
    ['an integer as a digit string within 2^53 (read back)', { big: '42' }],
    ['a number in a text column (read back)', { label: 7 }],
    ['a lone surrogate and a NUL (read back)', { label: 'a\ud800b' }],
    ['a NUL (read back)', { label: 'a\u0000b' }],
    ['emoji and accents', { label: 'Ñandú 🦆', data: { '🦆': 'é' } }],
    ['a large integral number', { ratio: 2 ** 60, count: 2 ** 53 - 1 }],
  ];
  for (const [name, values] of cases) {
    it(name, async () => {
      // As planWrite hands it over: every declared field, null when not given.
      const full: Row = Object.fromEntries(things.fields.map((f) => [f.name, null]));
      const row = await store.insert(things, { ...full, ...values });
      same(row, await store.get(things, row.id));
    });
  }

  it('a uuid id given by the server', async () => {
    const row = await store.insert(keyed, { label: 'x' });
    expect(typeof row.id).toBe('string');
    same(row, await store.get(keyed, row.id));
  });
});

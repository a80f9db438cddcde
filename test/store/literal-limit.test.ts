/**
 * SQLite writes a list's LIMIT as an integer literal (SqlDialect.literalLimit): it plans with a
 * bound LIMIT's value, so a statement whose LIMIT is bound is prepared again each time it runs.
 * OFFSET stays bound (it does not re-prepare), and PostgreSQL binds both. Each limit is then a
 * statement of its own: pages of different sizes must not share one.
 */
import { expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import { pgDialect } from '../../src/store/postgres/postgres-dialect.js';
import type { ListQuery } from '../../src/store/query-types.js';
import { compileAggregate } from '../../src/store/sql/aggregate-compiler.js';
import { compileCappedCount, compileSelect } from '../../src/store/sql/sql-compiler.js';
import { sqliteDialect } from '../../src/store/sqlite/sqlite-dialect.js';

const model = buildModel(
  parseConfigText(
    'resources:\n  notes:\n    fields:\n      title: { type: string, required: true }\n      stage: { type: string }\n',
    'test.yaml',
  ),
);
const notes = model.byName.get('notes')!;
const page = (limit: number, offset?: number): ListQuery => ({
  where: [{ field: 'stage', op: 'eq', value: 'open' }],
  sort: [{ field: 'id', desc: false }],
  limit,
  offset,
});

it('SQLite writes LIMIT out and binds OFFSET; PostgreSQL binds both', () => {
  const s = compileSelect(sqliteDialect, notes, page(26, 50));
  expect(s.sql).toMatch(/ LIMIT 26 OFFSET \?$/);
  expect(s.values).toEqual(['open', 50]);
  const p = compileSelect(pgDialect, notes, page(26, 50));
  expect(p.sql).toMatch(/ LIMIT \$2 OFFSET \$3$/);
  expect(p.values).toEqual(['open', 26, 50]);
  expect(compileCappedCount(sqliteDialect, notes, [], 10_000).sql).toContain('LIMIT 10000)');
  const groups = compileAggregate(sqliteDialect, notes, {
    where: [],
    groupBy: [{ field: 'stage' }],
    aggregates: [{ fn: 'count', key: 'count' }],
    having: [],
    sort: [{ key: 'stage', desc: false }],
    limit: 7,
  });
  expect(groups.sql).toMatch(/ LIMIT 7$/);
});

it('pages of different sizes on SQLite each get their own rows', async () => {
  const store = await openStore(':memory:');
  try {
    await store.sync(model);
    for (let i = 1; i <= 6; i++) await store.insert(notes, { title: `n${i}`, stage: 'open' });
    for (const [limit, offset, ids] of [
      [2, undefined, [1, 2]],
      [3, undefined, [1, 2, 3]],
      [2, 3, [4, 5]],
      [4, 4, [5, 6]],
    ] as const) {
      const rows = await store.list(notes, page(limit, offset));
      expect(rows.map((r) => Number(r.id))).toEqual(ids);
    }
  } finally {
    await store.close();
  }
});

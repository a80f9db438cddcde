/**
 * The SQLite store keeps the planner's averages (sqlite_stat1) and drops ANALYZE's value samples
 * (sqlite_stat4) when it starts (store/sqlite/planner-statistics.ts): with samples, every execution
 * of a cached statement that compares an indexed column with a bound value is prepared again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';

const model = buildModel(
  parseConfigText(
    'resources:\n  notes:\n    fields:\n      title: { type: string, required: true }\n      stage: { type: string, index: true }\n',
    'test.yaml',
  ),
);
const notes = model.byName.get('notes')!;
const dir = mkdtempSync(join(os.tmpdir(), 'verbo-stat4-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const count = (file: string, table: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

it('drops sqlite_stat4 samples at start-up, keeps sqlite_stat1 and every row', async () => {
  const file = join(dir, 'notes.sqlite');
  const first = await openStore(file);
  await first.sync(model);
  for (let i = 0; i < 50; i++) await first.insert(notes, { title: `n${i}`, stage: i % 5 ? 'open' : 'won' });
  await first.close();
  const db = new Database(file);
  db.exec('ANALYZE');
  db.close();
  expect(count(file, 'sqlite_stat4')).toBeGreaterThan(0);
  const stat1 = count(file, 'sqlite_stat1');
  expect(stat1).toBeGreaterThan(0);

  const again = await openStore(file);
  try {
    await again.sync(model);
    expect(count(file, 'sqlite_stat4')).toBe(0);
    expect(count(file, 'sqlite_stat1')).toBe(stat1);
    const won = await again.list(notes, {
      where: [{ field: 'stage', op: 'eq', value: 'won' }],
      sort: [{ field: 'id', desc: false }],
      limit: 100,
    });
    expect(won.map((r) => Number(r.id))).toEqual([1, 6, 11, 16, 21, 26, 31, 36, 41, 46]);
  } finally {
    await again.close();
  }
});

/** SQLite only: the WAL is checkpointed by the store's timer, never inside a request's commit. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(join(os.tmpdir(), 'verbo-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const model = buildModel(
  parseConfigText(
    'resources:\n  notes:\n    fields:\n      body: { type: text, required: true }\n',
    'verbo.yaml',
  ),
);
const notes = model.byName.get('notes')!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SQLite WAL checkpoints', () => {
  it('writes stay in the WAL (no checkpoint in a commit); the timer copies them to the database file; data survives reopening', async () => {
    const file = join(dir, 'wal.sqlite');
    const store = await openStore(file);
    await store.sync(model);
    await sleep(400); // the schema's pages reach the file first
    const before = statSync(file).size;
    // 3000 commits write far more than the 1000 WAL pages at which SQLite would checkpoint by itself.
    // The store's methods resolve through microtasks only, so no timer runs inside this loop.
    for (let i = 0; i < 3000; i++) await store.insert(notes, { body: `note ${i} ${'x'.repeat(200)}` });
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(1000 * 4096);
    expect(statSync(file).size, 'no checkpoint ran inside a commit').toBe(before);
    await sleep(700);
    expect(statSync(file).size, 'the timer checkpointed the WAL into the database file').toBeGreaterThan(
      before + 3000 * 200,
    );
    await store.close();
    const again = await openStore(file);
    await again.sync(model);
    expect(await again.count(notes, [])).toBe(3000);
    await again.close();
  });
});

/** SQLite only: the WAL is checkpointed by the store's worker thread, never inside a request's commit. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

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
/** Blocks this thread (no timers, no callbacks) for `ms`: only another thread can act meanwhile. */
const blockThisThread = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const walBytes = (file: string) => statSync(`${file}-wal`).size;

async function writeNotes(store: SqliteStore, n: number) {
  for (let i = 0; i < n; i++) await store.insert(notes, { body: `note ${i} ${'x'.repeat(200)}` });
}

describe('SQLite WAL checkpoints', () => {
  it('a commit never checkpoints: 3000 writes (3× the 1000 pages where SQLite would) leave the database file as it was', async () => {
    const file = join(dir, 'no-auto.sqlite');
    const store = new SqliteStore({ path: file, walCheckpointMs: 60_000 });
    await store.sync(model);
    const before = statSync(file).size;
    await writeNotes(store, 3000);
    expect(walBytes(file)).toBeGreaterThan(1000 * 4096);
    expect(statSync(file).size, 'no checkpoint ran inside a commit').toBe(before);
    await store.close();
    const again = new SqliteStore({ path: file });
    await again.sync(model);
    expect(await again.count(notes, []), 'closing checkpointed everything; nothing lost').toBe(3000);
    await again.close();
  });

  it('the worker thread checkpoints while this thread is blocked; data survives reopening', async () => {
    const file = join(dir, 'worker.sqlite');
    const store = new SqliteStore({ path: file, walCheckpointMs: 50 });
    await store.sync(model);
    await sleep(300); // the worker is up and has checkpointed the schema
    const before = statSync(file).size;
    await writeNotes(store, 2000);
    // No timer of this thread can run now: if the file grows, another thread copied the WAL into it.
    blockThisThread(1500);
    expect(statSync(file).size).toBeGreaterThan(before + 2000 * 200);
    await store.close();
    const again = new SqliteStore({ path: file });
    await again.sync(model);
    expect(await again.count(notes, [])).toBe(2000);
    await again.close();
  });
});

/**
 * SQLite only: blob statements run with a small page cache (store/sqlite/sqlite-blobs.ts), so a
 * file's pages do not fill the connection's 16 MB cache; the connection's own size comes back after
 * each statement, a failing one included, and files still round-trip byte-exact.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { BLOB_CACHE_KIB, sqliteBlobQuery } from '../../src/store/sqlite/sqlite-blobs.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const dir = mkdtempSync(join(os.tmpdir(), 'verbo-blobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cacheSize = (db: Database.Database) => Number(db.pragma('cache_size', { simple: true }));

describe('SQLite blob statements', () => {
  it('run with BLOB_CACHE_KIB of page cache and give the connection its own size back, also when they fail', async () => {
    const db = new Database(join(dir, 'cache.sqlite'));
    db.pragma('cache_size = -12345');
    db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
    const query = sqliteBlobQuery(db);
    const during = await query('SELECT cache_size AS c FROM pragma_cache_size()', []);
    expect(during.rows).toEqual([{ c: -BLOB_CACHE_KIB }]);
    expect(cacheSize(db)).toBe(-12345);
    expect((await query('INSERT INTO t (v) VALUES ($1)', [7])).count).toBe(1);
    expect(cacheSize(db)).toBe(-12345);
    await expect(query('INSERT INTO t (v) VALUES ($1)', [null])).rejects.toThrow(/NOT NULL/);
    expect(cacheSize(db)).toBe(-12345);
    db.close();
  });

  it('a 3 MB file in uneven pieces, staged, committed and read back, is byte-exact, and the store keeps its cache size', async () => {
    const store = new SqliteStore({ path: join(dir, 'store.sqlite') });
    const model = buildModel(
      parseConfigText('resources:\n  notes:\n    fields:\n      body: text\n', 'verbo.yaml'),
    );
    await store.sync(model);
    const db = (store as unknown as { db: Database.Database }).db;
    const own = cacheSize(db);
    const bytes = randomBytes(3 * 1024 * 1024 + 123);
    const staged = await store.blobs.stage(
      (async function* () {
        // Pieces across and exactly on the 256 KiB chunk boundaries (the store copies them into one buffer).
        const sizes = [1, 256 * 1024 - 1, 256 * 1024, 100_000, 7, 600_000];
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const size = sizes[i % sizes.length];
          yield bytes.subarray(at, at + size);
          at += size;
        }
      })(),
    );
    expect(staged.size).toBe(bytes.length);
    await store.blobs.commit(staged, 'a'.repeat(64));
    const parts: Buffer[] = [];
    for await (const part of store.blobs.read('a'.repeat(64), 5, bytes.length - 1)) parts.push(part);
    expect(Buffer.concat(parts).equals(bytes.subarray(5))).toBe(true);
    expect(cacheSize(db)).toBe(own);
    await store.close();
  });
});

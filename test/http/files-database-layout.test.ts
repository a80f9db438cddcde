/**
 * The `database` file driver's chunk layout (store/files/sql-blob-store.ts): each file records the
 * size of its chunks, NULL meaning the 256 KiB of files stored before the column existed. A
 * database from before gains the column on start, files in either layout download byte-exact,
 * ranges across chunk boundaries included; on both stores.
 */
import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { expect, it } from 'vitest';
import { LEGACY_CHUNK_BYTES } from '../../src/store/files/sql-blob-store.js';
import { PG_CHUNK_BYTES } from '../../src/store/postgres/postgres-blobs.js';
import { startServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const yaml = `
storage: { files: { driver: database } }
resources:
  docs:
    fields:
      title: string
      body: { type: file, maxSize: 4MB }
`;

/** Raw statements on the test's database, beside the server's own connection. */
interface Raw {
  run(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

function rawSql(db: string): Raw {
  if (db.startsWith('postgres')) {
    const sql = postgres(db, { max: 1, onnotice: () => {} });
    return {
      run: async (text, params = []) => [...(await sql.unsafe(text, params as never[]))],
      close: () => sql.end(),
    };
  }
  const conn = new Database(db);
  conn.pragma('busy_timeout = 5000');
  return {
    async run(text, params = []) {
      const s = conn.prepare(text.replace(/\$\d+/g, '?'));
      if (s.reader) return s.all(...params) as Record<string, unknown>[];
      s.run(...params);
      return [];
    },
    close: async () => {
      conn.close();
    },
  };
}

/** Ranges across chunk boundaries of both layouts, the first and last bytes, and a middle run. */
const rangesOf = (size: number): [number, number][] => [
  [0, 0],
  [size - 1, size - 1],
  [PG_CHUNK_BYTES - 3, PG_CHUNK_BYTES + 2],
  [PG_CHUNK_BYTES, PG_CHUNK_BYTES],
  [LEGACY_CHUNK_BYTES - 1, LEGACY_CHUNK_BYTES],
  [LEGACY_CHUNK_BYTES - 5000, 2 * LEGACY_CHUNK_BYTES + 7],
  [100, size - 100],
  [2 * LEGACY_CHUNK_BYTES + 1, size - 1],
];

describeEachStore('database file chunks', (target, getDb) => {
  it('an older database gains chunk_size; files in the old and the new layout download byte-exact, ranges too', async () => {
    const db = getDb();
    const raw = rawSql(db);
    // `_verbo_blobs` as verbo created it before files recorded their chunk size.
    await raw.run(
      target.name === 'postgres'
        ? 'CREATE TABLE _verbo_blobs (key text PRIMARY KEY, size bigint NOT NULL, created_at bigint NOT NULL)'
        : 'CREATE TABLE _verbo_blobs (key TEXT PRIMARY KEY, size INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT',
    );
    const server = await startServer({ db, yaml });
    try {
      const bytes = randomBytes(2 * LEGACY_CHUNK_BYTES + 12_345);
      const { id } = (await server.request('POST', '/docs', { body: { title: 'layout' } })).json as {
        id: number;
      };
      const put = await fetch(`${server.url}/docs/${id}/body`, {
        method: 'PUT',
        body: new Uint8Array(bytes),
      });
      expect(put.status).toBe(201);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const chunkSizeOf = async () =>
        (await raw.run('SELECT chunk_size FROM _verbo_blobs WHERE key = $1', [sha256]))[0]?.chunk_size;
      const chunks = async () =>
        (await raw.run('SELECT n FROM _verbo_blob_chunks WHERE key = $1', [sha256])).length;
      const written = target.name === 'postgres' ? PG_CHUNK_BYTES : LEGACY_CHUNK_BYTES;
      expect(Number(await chunkSizeOf())).toBe(written);
      expect(await chunks()).toBe(Math.ceil(bytes.length / written));

      const expectExact = async () => {
        const whole = await fetch(`${server.url}/docs/${id}/body`);
        expect(whole.status).toBe(200);
        expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
        for (const [start, end] of rangesOf(bytes.length)) {
          const part = await fetch(`${server.url}/docs/${id}/body`, {
            headers: { range: `bytes=${start}-${end}` },
          });
          expect(part.status).toBe(206);
          expect(part.headers.get('content-range')).toBe(`bytes ${start}-${end}/${bytes.length}`);
          const got = Buffer.from(await part.arrayBuffer());
          expect({ start, end, exact: got.equals(bytes.subarray(start, end + 1)) }).toEqual({
            start,
            end,
            exact: true,
          });
        }
      };
      await expectExact();

      // The same file as an older verbo stored it: 256 KiB chunks, no chunk size recorded.
      await raw.run('DELETE FROM _verbo_blob_chunks WHERE key = $1', [sha256]);
      for (let n = 0; n * LEGACY_CHUNK_BYTES < bytes.length; n++)
        await raw.run('INSERT INTO _verbo_blob_chunks (key, n, data) VALUES ($1, $2, $3)', [
          sha256,
          n,
          bytes.subarray(n * LEGACY_CHUNK_BYTES, (n + 1) * LEGACY_CHUNK_BYTES),
        ]);
      await raw.run('UPDATE _verbo_blobs SET chunk_size = NULL WHERE key = $1', [sha256]);
      expect(await chunkSizeOf()).toBeNull();
      expect(await chunks()).toBe(3);
      await expectExact();

      // A missing chunk is an error (500, before any byte is sent), never bytes shifted into place.
      await raw.run('DELETE FROM _verbo_blob_chunks WHERE key = $1 AND n = $2', [sha256, 1]);
      const broken = await fetch(`${server.url}/docs/${id}/body`, {
        headers: { range: `bytes=${LEGACY_CHUNK_BYTES}-${LEGACY_CHUNK_BYTES + 9}` },
      });
      expect(broken.status).toBe(500);
      expect(((await broken.json()) as { code: string }[])[0].code).toBe('INTERNAL_ERROR');
    } finally {
      await server.close();
      await raw.close();
    }
  });
});

/**
 * The `database` driver (docs/files.md): a file's bytes in verbo's own tables, in chunks, so every
 * instance on one database shares them with no shared disk and memory stays bounded both ways.
 * `_verbo_blobs (key, size, created_at)` lists the committed files; `_verbo_blob_chunks (key, n,
 * data)` holds the bytes, staged under a name of the writing process, then renamed to the hash in one
 * transaction. Written once for both stores over `BlobSql` (statements use `$1`-style parameters).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { type BlobStore, orphanedStaging, type StagedBlob, stagingName } from './blob-store.js';

/** 256 KiB a chunk: one row per read or write, few rows per file. */
export const CHUNK_BYTES = 256 * 1024;

/** Runs one statement: the rows it returns, and how many it changed. */
export type BlobQuery = (
  text: string,
  params: unknown[],
) => Promise<{ rows: Record<string, unknown>[]; count: number }>;

export interface BlobSql {
  query: BlobQuery;
  /** Runs `fn` in one transaction. */
  transaction<T>(fn: (query: BlobQuery) => Promise<T>): Promise<T>;
}

/** The tables, for the bootstrap of schema-sql.ts. */
export function blobTablesSql(text: string, integer: string, blob: string, options: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS _verbo_blobs (key ${text} PRIMARY KEY, size ${integer} NOT NULL, created_at ${integer} NOT NULL)${options}`,
    `CREATE TABLE IF NOT EXISTS _verbo_blob_chunks (key ${text} NOT NULL, n ${integer} NOT NULL, data ${blob} NOT NULL, PRIMARY KEY (key, n))${options}`,
  ];
}

/** `source` in pieces of exactly CHUNK_BYTES (the last one shorter). */
async function* rechunk(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    let rest = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (size + rest.length >= CHUNK_BYTES) {
      const take = CHUNK_BYTES - size;
      parts.push(rest.subarray(0, take));
      yield Buffer.concat(parts);
      rest = rest.subarray(take);
      parts = [];
      size = 0;
    }
    if (rest.length) {
      parts.push(Buffer.from(rest)); // copied: the source may reuse its buffer
      size += rest.length;
    }
  }
  if (size) yield Buffer.concat(parts);
}

export class SqlBlobStore implements BlobStore {
  private readonly host = hostname().replaceAll('.', '-');

  constructor(private readonly sql: BlobSql) {}

  async stage(source: AsyncIterable<Uint8Array>): Promise<StagedBlob> {
    const key = stagingName(this.host, process.pid, randomBytes(8).toString('hex'));
    let n = 0;
    let size = 0;
    try {
      for await (const chunk of rechunk(source)) {
        await this.sql.query('INSERT INTO _verbo_blob_chunks (key, n, data) VALUES ($1, $2, $3)', [
          key,
          n++,
          chunk,
        ]);
        size += chunk.length;
      }
    } catch (e) {
      await this.discard({ key, size });
      throw e;
    }
    return { key, size };
  }

  async commit(staged: StagedBlob, sha256: string): Promise<void> {
    await this.sql.transaction(async (q) => {
      await q('DELETE FROM _verbo_blob_chunks WHERE key = $1', [sha256]);
      await q('DELETE FROM _verbo_blobs WHERE key = $1', [sha256]);
      await q('UPDATE _verbo_blob_chunks SET key = $1 WHERE key = $2', [sha256, staged.key]);
      await q('INSERT INTO _verbo_blobs (key, size, created_at) VALUES ($1, $2, $3)', [
        sha256,
        staged.size,
        Date.now(),
      ]);
    });
  }

  async discard(staged: StagedBlob): Promise<void> {
    await this.sql.query('DELETE FROM _verbo_blob_chunks WHERE key = $1', [staged.key]);
  }

  async size(sha256: string): Promise<number | undefined> {
    const { rows } = await this.sql.query('SELECT size FROM _verbo_blobs WHERE key = $1', [sha256]);
    return rows.length ? Number(rows[0].size) : undefined;
  }

  read(sha256: string, start: number, end: number): Readable {
    const query = this.sql.query;
    async function* chunks() {
      for (let n = Math.floor(start / CHUNK_BYTES); n <= Math.floor(end / CHUNK_BYTES); n++) {
        const { rows } = await query('SELECT data FROM _verbo_blob_chunks WHERE key = $1 AND n = $2', [
          sha256,
          n,
        ]);
        if (!rows.length) throw new Error(`file ${sha256} lacks chunk ${n}`);
        const data = rows[0].data as Buffer;
        const from = n * CHUNK_BYTES;
        yield data.subarray(Math.max(0, start - from), Math.min(data.length, end - from + 1));
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async list(): Promise<{ sha256: string; at: number }[]> {
    const { rows } = await this.sql.query('SELECT key, created_at FROM _verbo_blobs', []);
    return rows.map((r) => ({ sha256: String(r.key), at: Number(r.created_at) }));
  }

  async remove(sha256: string, before: number): Promise<boolean> {
    return this.sql.transaction(async (q) => {
      const gone = await q('DELETE FROM _verbo_blobs WHERE key = $1 AND created_at < $2', [sha256, before]);
      if (gone.count !== 1) return false;
      await q('DELETE FROM _verbo_blob_chunks WHERE key = $1', [sha256]);
      return true;
    });
  }

  async cleanStaging(): Promise<void> {
    const { rows } = await this.sql.query(
      'SELECT DISTINCT key FROM _verbo_blob_chunks WHERE key NOT IN (SELECT key FROM _verbo_blobs)',
      [],
    );
    for (const { key } of rows)
      if (orphanedStaging(String(key), this.host))
        await this.sql.query('DELETE FROM _verbo_blob_chunks WHERE key = $1', [key]);
  }
}

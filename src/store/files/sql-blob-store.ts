/**
 * The `database` driver (docs/files.md): a file's bytes in verbo's own tables, in chunks, so every
 * instance on one database shares them with no shared disk and memory stays bounded both ways.
 * `_verbo_blobs (key, size, created_at, chunk_size)` lists the committed files; `_verbo_blob_chunks
 * (key, n, data)` holds the bytes, staged under a name of the writing process, then renamed to the
 * hash in one transaction. Written once for both stores over `BlobSql` (statements use `$1`-style
 * parameters).
 *
 * Each file records the size of its chunks (chunk `n` holds bytes `n × chunk_size` onwards), so a
 * store may write smaller chunks than it once did and still read every file it wrote before: files
 * stored before the column existed have NULL there, meaning LEGACY_CHUNK_BYTES. PostgreSQL writes
 * smaller chunks, as base64 text (postgres-blobs.ts says why). Reads fetch at most this store's chunk
 * size a statement, so a file in larger chunks is read a slice of a chunk at a time.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { type BlobStore, orphanedStaging, type StagedBlob, stagingName } from './blob-store.js';

/** 256 KiB a chunk by default: one row per read or write, few rows per file. */
export const CHUNK_BYTES = 256 * 1024;
/** The chunk size of files whose `chunk_size` is NULL (stored before the column existed). */
export const LEGACY_CHUNK_BYTES = 256 * 1024;

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
    `CREATE TABLE IF NOT EXISTS _verbo_blobs (key ${text} PRIMARY KEY, size ${integer} NOT NULL, created_at ${integer} NOT NULL, chunk_size ${integer})${options}`,
    `CREATE TABLE IF NOT EXISTS _verbo_blob_chunks (key ${text} NOT NULL, n ${integer} NOT NULL, data ${blob} NOT NULL, PRIMARY KEY (key, n))${options}`,
  ];
}

/** Columns added to the tables after they were first created: added where a table lacks them (schema-sync.ts). */
export function blobColumnsAdded(integer: string): { table: string; column: string; sql: string }[] {
  return [
    {
      table: '_verbo_blobs',
      column: 'chunk_size',
      sql: `ALTER TABLE _verbo_blobs ADD COLUMN chunk_size ${integer}`,
    },
  ];
}

/**
 * `source` in pieces of exactly `bytes` (the last one shorter), each a view of one buffer that the
 * next piece overwrites: the caller hands a piece on before it asks for the next (better-sqlite3
 * copies a bound blob, base64 is a new string). Copying into one buffer, rather than copying each
 * remainder and concatenating them, allocates nothing a piece: ArrayBuffers live outside the JS
 * heap, V8 frees them only after a collection its young generation's ~32 MB of them triggers, and a
 * collection's sweeper lags behind under load, so each byte allocated per byte of a file adds to the
 * peak RSS of a transfer (docs/files.md).
 */
async function* rechunk(source: AsyncIterable<Uint8Array>, bytes: number): AsyncGenerator<Buffer> {
  const piece = Buffer.allocUnsafeSlow(bytes);
  let size = 0;
  for await (const chunk of source) {
    for (let at = 0; at < chunk.byteLength; ) {
      const take = Math.min(bytes - size, chunk.byteLength - at);
      piece.set(chunk.subarray(at, at + take), size);
      size += take;
      at += take;
      if (size === bytes) {
        yield piece;
        size = 0;
      }
    }
  }
  if (size) yield piece.subarray(0, size);
}

export interface SqlBlobOptions {
  /** The chunk size of the files this store writes (each file records its own); CHUNK_BYTES by default. */
  chunkBytes?: number;
  /** Chunks travel as base64 text (PostgreSQL: see postgres-blobs.ts) rather than as bytes. */
  base64?: boolean;
}

export class SqlBlobStore implements BlobStore {
  private readonly host = hostname().replaceAll('.', '-');

  private readonly chunkBytes: number;
  /** The INSERT's value of a chunk's bytes, and the SELECT of a slice of them (`$1`: from, `$2`: length). */
  private readonly bytesIn: string;
  private readonly bytesOut: string;

  constructor(
    private readonly sql: BlobSql,
    private readonly options: SqlBlobOptions = {},
  ) {
    this.chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    this.bytesIn = options.base64 ? "decode($3, 'base64')" : '$3';
    this.bytesOut = options.base64 ? "encode(substr(data, $1, $2), 'base64')" : 'substr(data, $1, $2)';
  }

  async stage(source: AsyncIterable<Uint8Array>): Promise<StagedBlob> {
    const key = stagingName(this.host, process.pid, randomBytes(8).toString('hex'));
    let n = 0;
    let size = 0;
    try {
      for await (const chunk of rechunk(source, this.chunkBytes)) {
        await this.sql.query(
          `INSERT INTO _verbo_blob_chunks (key, n, data) VALUES ($1, $2, ${this.bytesIn})`,
          [key, n++, this.options.base64 ? chunk.toString('base64') : chunk],
        );
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
      await q('INSERT INTO _verbo_blobs (key, size, created_at, chunk_size) VALUES ($1, $2, $3, $4)', [
        sha256,
        staged.size,
        Date.now(),
        this.chunkBytes,
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

  /** Bytes `start`..`end` of a committed file, whatever its chunk size, in pieces of at most this store's. */
  read(sha256: string, start: number, end: number): Readable {
    const query = this.sql.query;
    const most = this.chunkBytes;
    const { bytesOut } = this;
    const base64 = this.options.base64 === true;
    async function* pieces() {
      const { rows } = await query('SELECT chunk_size FROM _verbo_blobs WHERE key = $1', [sha256]);
      if (!rows.length) throw new Error(`file ${sha256} is not stored`);
      const chunk = rows[0].chunk_size == null ? LEGACY_CHUNK_BYTES : Number(rows[0].chunk_size);
      for (let at = start; at <= end; ) {
        const n = Math.floor(at / chunk);
        const from = at - n * chunk;
        const length = Math.min(chunk - from, end - at + 1, most);
        const got = await query(
          `SELECT ${bytesOut} AS data FROM _verbo_blob_chunks WHERE key = $3 AND n = $4`,
          [from + 1, length, sha256, n],
        );
        const value = got.rows[0]?.data;
        const data =
          base64 && typeof value === 'string' ? Buffer.from(value, 'base64') : (value as Buffer | undefined);
        if (data?.length !== length) throw new Error(`file ${sha256} lacks bytes ${at}..${at + length - 1}`);
        yield data;
        at += length;
      }
    }
    return Readable.from(pieces(), { objectMode: false });
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

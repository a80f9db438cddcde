/** The `database` file driver on PostgreSQL: the shared SqlBlobStore over the pool (bytea chunks). */

import { type BlobQuery, SqlBlobStore } from '../files/sql-blob-store.js';
import { begin, type TxConn, type Conn as WriteConn } from './postgres-write-pool.js';

/**
 * How PostgreSQL keeps file chunks. postgres.js sends and receives every value as text: a bytea
 * parameter becomes a hex string twice the chunk's size, built by concatenation and then flattened
 * (copied again), and a 256 KiB chunk's 512 KiB string went to V8's large-object space. So chunks
 * are 64 KiB (each file records its size; older files keep their 256 KiB) and travel as base64
 * (`decode` / `encode` on the server): one 87 KiB string a chunk, under V8's 128 KiB regular object
 * size so it dies young, a third less to allocate than hex and no flattening copy. (Measured on a
 * 300 MB upload, with release() below: 32 KiB chunks rose a little more and were slower, 128 and
 * 256 KiB base64 or hex chunks rose more on the download.)
 */
export const PG_CHUNK_BYTES = 64 * 1024;

type Conn = WriteConn | TxConn;
type Exec = (
  sql: Conn,
  text: string,
  params: unknown[],
) => Promise<Record<string, unknown>[] & { count: number }>;

/**
 * Lets go of a settled statement's parameters. postgres.js keeps a query's values (`args`) and their
 * text forms (`parameters`: a chunk's whole encoding) on the query object, and query objects outlive
 * their statement long enough to be promoted to the old generation; a chunk's string then stays until
 * a full collection, and a 500 MB upload piled ~60 MB of them. Nothing reads them once it settled.
 */
function release(query: Promise<unknown>): void {
  const q = query as Promise<unknown> & { args?: unknown[]; parameters?: unknown[] };
  if ('parameters' in q) q.parameters = [];
  if ('args' in q) q.args = [];
}

/** `run` takes a pooled connection (the store's gate and error mapping); `begin` opens a transaction on one. */
export function postgresBlobs(
  run: <T>(fn: (sql: Conn) => Promise<T>) => Promise<T>,
  exec: Exec,
): SqlBlobStore {
  const on =
    (sql: Conn): BlobQuery =>
    async (text, params) => {
      const query = exec(sql, text, params);
      try {
        const rows = await query;
        const settled = { rows: Array.from(rows), count: rows.count };
        // The query is a promise, and keeps what it resolved to: a read chunk's base64 string stayed
        // with it as long as the query lived (promoted with it, until a full collection).
        rows.length = 0;
        return settled;
      } finally {
        release(query);
      }
    };
  return new SqlBlobStore(
    {
      query: (text, params) => run((sql) => on(sql)(text, params)),
      transaction: (fn) => run((sql) => begin(sql, (tx) => fn(on(tx)))),
    },
    { chunkBytes: PG_CHUNK_BYTES, base64: true },
  );
}

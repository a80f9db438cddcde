/** The `database` file driver on PostgreSQL: the shared SqlBlobStore over the pool (bytea chunks). */
import type postgres from 'postgres';
import { type BlobQuery, SqlBlobStore } from '../files/sql-blob-store.js';

type Conn = postgres.Sql | postgres.TransactionSql;
type Exec = (
  sql: Conn,
  text: string,
  params: unknown[],
) => Promise<Record<string, unknown>[] & { count: number }>;

/** `run` takes a pooled connection (the store's gate and error mapping); `begin` opens a transaction on one. */
export function postgresBlobs(
  run: <T>(fn: (sql: Conn) => Promise<T>) => Promise<T>,
  exec: Exec,
): SqlBlobStore {
  const on =
    (sql: Conn): BlobQuery =>
    async (text, params) => {
      const rows = await exec(sql, text, params);
      return { rows, count: rows.count };
    };
  return new SqlBlobStore({
    query: (text, params) => run((sql) => on(sql)(text, params)),
    transaction: (fn) =>
      run(
        (sql) =>
          ('savepoint' in sql
            ? sql.savepoint((tx: postgres.TransactionSql) => fn(on(tx)))
            : sql.begin((tx: postgres.TransactionSql) => fn(on(tx)))) as Promise<
            Awaited<ReturnType<typeof fn>>
          >,
      ),
  });
}

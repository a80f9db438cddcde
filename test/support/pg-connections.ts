/** Connections of a test's own to its PostgreSQL database: to count verbo's, and to hold locks as another client would. */
import postgres from 'postgres';

/** Counts the connections verbo holds to the database (its `application_name`). */
export function verboConnections(url: string): { count(): Promise<number>; end(): Promise<void> } {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const name = new URL(url).pathname.slice(1);
  return {
    async count() {
      const [row] =
        await admin`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = ${name} AND application_name = 'verbo'`;
      return Number(row.n);
    },
    end: () => admin.end(),
  };
}

/** A transaction on its own connection that holds `statement`'s locks until `end()`. */
export async function holdLock(url: string, statement: string) {
  const locker = postgres(url, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holding = locker.begin(async (tx) => {
    await tx.unsafe(statement);
    locked();
    await held;
  });
  await isLocked;
  return {
    async end() {
      release();
      await holding;
      await locker.end();
    },
  };
}

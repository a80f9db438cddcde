/** The databases the store suites run against: SQLite always, PostgreSQL when VERBO_TEST_PG_URL is set. */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  available: boolean;
  skipReason?: string;
  /** A fresh, empty database: a file path or a URL for `openStore`. */
  create(): Promise<{ db: string; cleanup(): Promise<void> }>;
}

const suffix = () => randomBytes(6).toString('hex');

const sqliteTarget: StoreTarget = {
  name: 'sqlite',
  available: true,
  async create() {
    const db = join(tmpdir(), `verbo-t-${suffix()}.sqlite`);
    return {
      db,
      async cleanup() {
        for (const ext of ['', '-wal', '-shm']) rmSync(db + ext, { force: true });
      },
    };
  },
};

const pgUrl = process.env.VERBO_TEST_PG_URL;

const postgresTarget: StoreTarget = {
  name: 'postgres',
  available: Boolean(pgUrl),
  skipReason: pgUrl ? undefined : 'VERBO_TEST_PG_URL is not set: PostgreSQL tests skipped',
  async create() {
    if (!pgUrl) throw new Error(postgresTarget.skipReason);
    const name = `verbo_t_${suffix()}`;
    const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    return {
      db: url.toString(),
      async cleanup() {
        const sql = postgres(pgUrl, { max: 1, onnotice: () => {} });
        try {
          await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`;
          await sql.unsafe(`DROP DATABASE IF EXISTS ${name}`);
        } finally {
          await sql.end();
        }
      },
    };
  },
};

export const storeTargets: StoreTarget[] = [sqliteTarget, postgresTarget];

const warned = new Set<string>();

/**
 * One `describe` on one store target. `getDb()` gives the target's fresh database (created before
 * the block's tests, dropped after). An unavailable target is skipped loudly: a warning once per
 * target, and the reason in the skipped block's name.
 */
function describeOnTarget(
  target: StoreTarget,
  label: string,
  fn: (target: StoreTarget, getDb: () => string) => void,
): void {
  if (!target.available) {
    if (!warned.has(target.name)) {
      warned.add(target.name);
      console.warn(`[store-targets] ${target.name}: ${target.skipReason}`);
    }
    describe.skip(`${label} (skipped: ${target.skipReason})`, () => fn(target, () => ''));
    return;
  }
  describe(label, () => {
    let created: { db: string; cleanup(): Promise<void> } | undefined;
    beforeAll(async () => {
      created = await target.create();
    });
    afterAll(async () => {
      await created?.cleanup();
    });
    fn(target, () => {
      if (!created) throw new Error(`the ${target.name} database is not ready`);
      return created.db;
    });
  });
}

/** One `describe` per store target (describeOnTarget). */
export function describeEachStore(
  title: string,
  fn: (target: StoreTarget, getDb: () => string) => void,
): void {
  for (const target of storeTargets) describeOnTarget(target, `${title} [${target.name}]`, fn);
}

/** A `describe` of PostgreSQL-only behaviour, on a fresh database of its own (describeOnTarget). */
export function describePostgres(title: string, fn: (getDb: () => string) => void): void {
  describeOnTarget(postgresTarget, `${title} [postgres]`, (_target, getDb) => fn(getDb));
}

/**
 * One crash cycle for the crash-safety tests: serve, write concurrently, SIGKILL, restart on the
 * same database, and measure what survived (see write-load.ts) and whether the store checks clean.
 */
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { expect } from 'vitest';
import { serveCli } from './cli-harness.js';
import { CRM_CONFIG } from './http-harness.js';
import type { StoreTarget } from './store-targets.js';
import { newReport, runWriters, verifyWrites } from './write-load.js';

/** Kills the server after `killAfterAcks` acknowledged writes (or 3 s); returns the figures after a restart. */
export async function crashAndVerify(target: StoreTarget, db: string, prefix: string, killAfterAcks: number) {
  const first = await serveCli([CRM_CONFIG, '--db', db, '--log-level', 'silent']);
  const report = newReport();
  let killed = false;
  const started = Date.now();
  const writers = runWriters(first.url, 8, prefix, () => killed, report);
  while (!killed) {
    await new Promise((r) => setTimeout(r, 10));
    if (report.acked.size >= killAfterAcks || Date.now() - started > 3000) {
      first.child.kill('SIGKILL');
      killed = true;
    }
  }
  expect(await first.exited).toBeNull(); // killed by the signal, no exit code
  await writers;
  const second = await serveCli([CRM_CONFIG, '--db', db, '--log-level', 'silent']);
  try {
    const figures = await verifyWrites(second.url, report, prefix);
    const storeCheck = target.name === 'sqlite' ? sqliteCheck(db) : await postgresCheck(db);
    return { ...figures, ...storeCheck, requests: report.requests };
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
}

function sqliteCheck(file: string) {
  const sqlite = new Database(file, { readonly: true });
  try {
    const integrity = sqlite.pragma('integrity_check', { simple: true });
    const foreignKeys = (sqlite.pragma('foreign_key_check') as unknown[]).length;
    const count = (sqlite.prepare('SELECT count(*) AS n FROM customers').get() as { n: number }).n;
    return { integrity: String(integrity), foreignKeyProblems: foreignKeys, sqlCount: count };
  } finally {
    sqlite.close();
  }
}

async function postgresCheck(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [{ n }] = await sql`SELECT count(*)::int AS n FROM customers`;
    // Every row readable in full, and no row without the columns a create always writes.
    const rows = await sql`SELECT * FROM customers`;
    const [{ broken }] =
      await sql`SELECT count(*)::int AS broken FROM customers WHERE name IS NULL OR email IS NULL OR "_version" < 1`;
    return {
      integrity: rows.length === n ? 'ok' : `read ${rows.length} of ${n}`,
      foreignKeyProblems: broken,
      sqlCount: n as number,
    };
  } finally {
    await sql.end();
  }
}

/** Prepares each target's database with the same rows and starts the target as its own process. */
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPgDatabase, loadPostgres, loadSqlite, writeJsonServerDb } from './bench-data.mjs';
import { freePort, startServer } from './bench-process.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The verbo command benchmarked: this tree's build, or another's (`VERBO_BENCH_MAIN=/path/to/dist/cli/main.js`). */
const VERBO = process.env.VERBO_BENCH_MAIN ?? join(ROOT, 'dist', 'cli', 'main.js');
const CONFIG = join(ROOT, 'examples', 'crm', 'verbo.yaml');
const BASELINE = join(ROOT, 'bench', 'baselines', 'fastify-sqlite.mjs');
const CEILING = join(ROOT, 'bench', 'baselines', 'node-http-ceiling.mjs');

/** Display names and how each target spells the workloads. */
export const TARGET_INFO = {
  'verbo-sqlite': { flavour: 'verbo', label: 'verbo (SQLite)' },
  'verbo-pg': { flavour: 'verbo', label: 'verbo (PostgreSQL)' },
  'verbo-sqlite-w2': { flavour: 'verbo', label: 'verbo (SQLite), --workers 2' },
  'verbo-pg-w2': { flavour: 'verbo', label: 'verbo (PostgreSQL), --workers 2' },
  'hand-written': { flavour: 'baseline', label: 'hand-written Fastify + better-sqlite3' },
  'json-server': { flavour: 'json-server', label: 'json-server' },
  ceiling: { flavour: 'ceiling', label: 'ceiling (node:http, fixed body)' },
};

/** verbo serve on `db`; `nodeFlags` go before the script (e.g. --cpu-prof). */
export async function startVerbo(name, db, { nodeFlags = [], env, args = [] } = {}) {
  const port = await freePort();
  return startServer(
    name,
    [
      ...nodeFlags,
      VERBO,
      'serve',
      CONFIG,
      '--db',
      db,
      '--port',
      String(port),
      '--log-level',
      'silent',
      ...args,
    ],
    port,
    { cwd: ROOT, env },
  );
}

/** Lets verbo create its schema on an empty database, then stops it. */
async function createSchema(db) {
  const v = await startVerbo('verbo (schema)', db);
  await v.stop();
}

/** An empty verbo database in SQLite, then the rows, then a copy of the file for the baseline. */
export async function prepareSqlite(dir, prefix, customers, orders) {
  const file = join(dir, `${prefix}-verbo.sqlite`);
  await createSchema(file);
  loadSqlite(file, customers, orders);
  const copy = join(dir, `${prefix}-baseline.sqlite`);
  copyFileSync(file, copy);
  return { verboFile: file, baselineFile: copy };
}

/** A fresh `verbo_bench_*` database with verbo's schema and the rows; `drop()` removes it. */
export async function preparePostgres(adminUrl, suffix, customers, orders) {
  const pg = await createPgDatabase(adminUrl, `verbo_bench_${process.pid}_${suffix}`);
  try {
    await createSchema(pg.url);
    await loadPostgres(pg.url, customers, orders);
  } catch (e) {
    await pg.drop();
    throw e;
  }
  return pg;
}

export async function startBaseline(file, { nodeFlags = [] } = {}) {
  const port = await freePort();
  return startServer('hand-written', [...nodeFlags, BASELINE, '--db', file, '--port', String(port)], port, {
    cwd: ROOT,
  });
}

export async function startCeiling() {
  const port = await freePort();
  return startServer('ceiling', [CEILING, '--port', String(port)], port, { cwd: ROOT });
}

export async function startJsonServer(dir, customers, orders) {
  const file = join(dir, 'json-server-db.json');
  writeJsonServerDb(file, customers, orders);
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('json-server/package.json');
  const bin = join(dirname(pkg), require(pkg).bin);
  const port = await freePort();
  return startServer(
    'json-server',
    [bin, file, '--port', String(port), '--host', '127.0.0.1', '--quiet'],
    port,
    { cwd: dir },
  );
}

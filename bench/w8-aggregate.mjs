#!/usr/bin/env node
/**
 * Issue 19's W8: `GET /orders?groupBy=stage&aggregate=count(),sum(amount)` over 1 000 000 orders on
 * the CRM example, against the hand-written Fastify + better-sqlite3 server answering the same
 * groups from its own statement (`GET /orders/by-stage`: `SELECT stage, COUNT(*), SUM(amount) …
 * GROUP BY stage`) on a copy of the same database file (so the same indexes), at least 0.9× its
 * requests/s.
 *
 *   node bench/w8-aggregate.mjs [--orders 1000000] [--rounds 3] [--duration 5] [--connections 4] [--pg]
 *
 * Checks first that both answer the same groups, then runs W8 on both, rounds interleaved, each
 * run followed by a wait until the server is idle; prints the medians (req/s, latency, server CPU
 * per request) and the ratio; writes bench/results/w8-aggregate-latest.json. With --pg (and
 * VERBO_TEST_PG_URL set) verbo on PostgreSQL joins. Build first (`npm run build`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { logPaired, pairedRuns } from './lib/bench-paired.mjs';
import { log } from './lib/bench-process.mjs';
import { preparePostgres, prepareSqlite, ROOT, startBaseline, startVerbo } from './lib/bench-targets.mjs';

const { values: a } = parseArgs({
  options: {
    orders: { type: 'string' },
    customers: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    pg: { type: 'boolean' },
  },
});
const options = {
  orders: Number(a.orders ?? 1_000_000),
  customers: Number(a.customers ?? 10_000),
  rounds: Number(a.rounds ?? 3),
  duration: Number(a.duration ?? 5),
  // Each request scans every order: a few connections keep each server busy without a long queue.
  connections: Number(a.connections ?? 4),
  warmup: 2,
};
const PATHS = {
  verbo: '/orders?groupBy=stage&aggregate=count(),sum(amount)',
  baseline: '/orders/by-stage',
};

const dir = mkdtempSync(join(os.tmpdir(), 'verbo-w8-'));
const servers = {};
let pg;
try {
  log(`W8: ${options.orders} orders, ${options.customers} customers, load ${os.loadavg()[0].toFixed(2)}`);
  const sqlite = await prepareSqlite(dir, 'w8', options.customers, options.orders);
  servers['verbo-sqlite'] = await startVerbo('verbo-sqlite', sqlite.verboFile);
  servers['hand-written'] = await startBaseline(sqlite.baselineFile);
  if (a.pg && process.env.VERBO_TEST_PG_URL) {
    pg = await preparePostgres(process.env.VERBO_TEST_PG_URL, 'w8', options.customers, options.orders);
    servers['verbo-pg'] = await startVerbo('verbo-pg', pg.url);
  }
  const pathOf = (name) => (name === 'hand-written' ? PATHS.baseline : PATHS.verbo);
  // The same groups from each (sums compared to the cent: PostgreSQL and SQLite add doubles in their own order).
  const answers = {};
  for (const [name, s] of Object.entries(servers)) {
    const res = await fetch(s.url + pathOf(name));
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${await res.text()}`);
    answers[name] = (await res.json())
      .map((g) => `${g.stage}:${g.count}:${g.sum_amount.toFixed(2)}`)
      .join(' ');
  }
  log(`  groups: ${answers['hand-written']}`);
  for (const [name, text] of Object.entries(answers))
    if (text !== answers['hand-written']) throw new Error(`${name} answers other groups: ${text}`);

  const { targets, ratios } = await pairedRuns(servers, pathOf, options);
  const result = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), loadAverage: os.loadavg() },
    options,
    paths: PATHS,
    targets,
    ratios,
  };
  logPaired('W8', { targets, ratios });
  writeFileSync(
    join(ROOT, 'bench', 'results', 'w8-aggregate-latest.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
} finally {
  for (const server of Object.values(servers)) await server.stop();
  await pg?.drop();
  rmSync(dir, { recursive: true, force: true });
}

#!/usr/bin/env node
/**
 * Issue 14's bar: W2 (`GET /customers?status=active&sort=-createdAt&limit=25`) on the CRM example,
 * which declares `indexes: [[status, -createdAt]]`, against the hand-written Fastify + better-sqlite3
 * server on a copy of the same database file (so the same index), at least 0.9× its requests/s.
 *
 *   node bench/w2-composite.mjs [--rounds 3] [--duration 5] [--customers 10000] [--pg]
 *
 * First shows that both servers' W2 query reads the composite index (verbo: its own index advice,
 * `verbo check --queries`, is silent; the baseline: EXPLAIN QUERY PLAN has no SCAN, no TEMP B-TREE), then runs W2 on both, rounds interleaved (bench/lib/bench-phases.mjs),
 * and prints the medians and the ratio; writes bench/results/w2-composite-latest.json. With --pg
 * (and VERBO_TEST_PG_URL set) verbo on PostgreSQL joins. Build first (`npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { throughputPhase } from './lib/bench-phases.mjs';
import { log } from './lib/bench-process.mjs';
import { summarise } from './lib/bench-report.mjs';
import { preparePostgres, prepareSqlite, ROOT, startBaseline, startVerbo } from './lib/bench-targets.mjs';

const { values: a } = parseArgs({
  options: {
    rounds: { type: 'string' },
    duration: { type: 'string' },
    customers: { type: 'string' },
    pg: { type: 'boolean' },
  },
});
const customers = Number(a.customers ?? 10_000);
const options = {
  rounds: Number(a.rounds ?? 3),
  duration: Number(a.duration ?? 5),
  warmup: 2,
  connections: 50,
  customers,
  only: ['W2'],
};
const INDEX = 'customers_status_createdAt_desc_idx';
const CONFIG = join(ROOT, 'examples', 'crm', 'verbo.yaml');
const dir = mkdtempSync(join(os.tmpdir(), 'verbo-w2-'));
const servers = {};
let pg;
try {
  log(`W2 with the declared composite index: ${customers} customers, load ${os.loadavg()[0].toFixed(2)}`);
  const sqlite = await prepareSqlite(dir, 'w2', customers, customers);
  // verbo's own W2 query, as its list compiler writes it, through its index advice (silent when an index serves it).
  const queries = join(dir, 'w2.txt');
  writeFileSync(queries, '/customers?status=active&sort=-createdAt&limit=25\n');
  const check = spawnSync(
    process.execPath,
    [
      join(ROOT, 'dist', 'cli', 'main.js'),
      'check',
      CONFIG,
      '--db',
      sqlite.verboFile,
      '--queries',
      queries,
      '--min-rows',
      '1',
    ],
    { encoding: 'utf8' },
  );
  const advice = `${check.stdout}${check.stderr}`.trim();
  log(`  verbo: ${advice.replaceAll('\n', ' | ')}`);
  if (check.status !== 0 || /warning/.test(advice)) throw new Error('verbo does not read W2 from an index');
  // The hand-written server's statement, on its copy of the file.
  const db = new Database(sqlite.baselineFile, { readonly: true });
  const has = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?").get(INDEX);
  const plan = db
    .prepare(
      `EXPLAIN QUERY PLAN SELECT * FROM customers WHERE status = ? ORDER BY "createdAt" DESC, id LIMIT 25`,
    )
    .all('active')
    .map((r) => r.detail);
  db.close();
  log(`  hand-written: index ${INDEX} ${has ? 'present' : 'MISSING'}; plan: ${plan.join(' | ')}`);
  if (!has || plan.some((d) => /SCAN|TEMP B-TREE/.test(d)))
    throw new Error('the hand-written server does not read W2 from the composite index');
  const plans = { verbo: advice, 'hand-written': plan };
  servers['verbo-sqlite'] = await startVerbo('verbo-sqlite', sqlite.verboFile);
  servers['hand-written'] = await startBaseline(sqlite.baselineFile);
  if (a.pg && process.env.VERBO_TEST_PG_URL) {
    pg = await preparePostgres(process.env.VERBO_TEST_PG_URL, 'w2', customers, customers);
    servers['verbo-pg'] = await startVerbo('verbo-pg', pg.url);
  }
  const runs = {};
  await throughputPhase(servers, options, runs);
  const s = summarise(runs);
  const base = s['hand-written'].W2;
  const result = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), loadAverage: os.loadavg() },
    options,
    plans,
    targets: Object.fromEntries(Object.entries(s).map(([t, w]) => [t, w.W2])),
    ratios: Object.fromEntries(
      Object.keys(s)
        .filter((t) => t !== 'hand-written')
        .map((t) => [t, { rps: s[t].W2.rps / base.rps, cpuPerRequest: base.cpuUs / s[t].W2.cpuUs }]),
    ),
  };
  log('W2 medians:');
  for (const [t, w] of Object.entries(result.targets))
    log(
      `  ${t.padEnd(13)} ${w.rps.toFixed(0).padStart(6)} req/s  p50 ${w.p50} ms  p99 ${w.p99} ms  ${w.cpuUs.toFixed(0)} µs CPU/req`,
    );
  for (const [t, r] of Object.entries(result.ratios))
    log(
      `  ${t} vs hand-written: ${r.rps.toFixed(2)}× req/s, ${r.cpuPerRequest.toFixed(2)}× by CPU/req${t === 'verbo-sqlite' ? ` (bar: 0.9×: ${r.rps >= 0.9 ? 'met' : 'NOT met'})` : ''}`,
    );
  writeFileSync(
    join(ROOT, 'bench', 'results', 'w2-composite-latest.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
} finally {
  for (const server of Object.values(servers)) await server.stop();
  await pg?.drop();
  rmSync(dir, { recursive: true, force: true });
}

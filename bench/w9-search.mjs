#!/usr/bin/env node
/**
 * Issue 19's W9: a full-text search over 1 000 000 customers on the CRM example (`name`, `email` and
 * `company` are `search: true`), against the hand-written Fastify + better-sqlite3 server answering
 * the same search from its own FTS5 statement (`GET /customers/search`: `… FROM customers_fts f JOIN
 * customers c ON c.id = f.rowid WHERE customers_fts MATCH ? ORDER BY …`) on a copy of the same
 * database file (so the same FTS5 index), at least 0.9× its requests/s. Two workloads:
 *
 *   W9   GET /customers?q=company 42&limit=25                 (2 000 matches, in id order)
 *   W9r  GET /customers?q=company 42&sort=-relevance&limit=25 (the same, ranked by bm25)
 *
 *   node bench/w9-search.mjs [--customers 1000000] [--rounds 3] [--duration 5] [--connections 8] [--pg]
 *
 * Checks first that every server answers the same records, then runs each workload on each server,
 * rounds interleaved; writes bench/results/w9-search-latest.json. With --pg (and VERBO_TEST_PG_URL
 * set) verbo on PostgreSQL joins (its tsvector column and GIN index). Build first (`npm run build`).
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
    customers: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    q: { type: 'string' },
    pg: { type: 'boolean' },
  },
});
const options = {
  customers: Number(a.customers ?? 1_000_000),
  rounds: Number(a.rounds ?? 3),
  duration: Number(a.duration ?? 5),
  connections: Number(a.connections ?? 8),
  warmup: 2,
  q: a.q ?? 'company 42',
};
const q = encodeURIComponent(options.q);
const WORKLOADS = {
  W9: { verbo: `/customers?q=${q}&limit=25`, baseline: `/customers/search?q=${q}&limit=25` },
  W9r: {
    verbo: `/customers?q=${q}&sort=-relevance&limit=25`,
    baseline: `/customers/search?q=${q}&rank=true&limit=25`,
  },
};

const dir = mkdtempSync(join(os.tmpdir(), 'verbo-w9-'));
const servers = {};
let pg;
try {
  log(
    `W9: ${options.customers} customers, q=${JSON.stringify(options.q)}, load ${os.loadavg()[0].toFixed(2)}`,
  );
  const sqlite = await prepareSqlite(dir, 'w9', options.customers, 1000);
  servers['verbo-sqlite'] = await startVerbo('verbo-sqlite', sqlite.verboFile);
  servers['hand-written'] = await startBaseline(sqlite.baselineFile);
  if (a.pg && process.env.VERBO_TEST_PG_URL) {
    pg = await preparePostgres(process.env.VERBO_TEST_PG_URL, 'w9', options.customers, 1000);
    servers['verbo-pg'] = await startVerbo('verbo-pg', pg.url);
  }
  const result = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), loadAverage: os.loadavg() },
    options,
    workloads: WORKLOADS,
  };
  for (const [w, paths] of Object.entries(WORKLOADS)) {
    const pathOf = (name) => (name === 'hand-written' ? paths.baseline : paths.verbo);
    // The same records from each, in the same order.
    const answers = {};
    for (const [name, s] of Object.entries(servers)) {
      const res = await fetch(s.url + pathOf(name));
      if (res.status !== 200) throw new Error(`${w} ${name}: ${res.status} ${await res.text()}`);
      answers[name] = (await res.json()).map((c) => c.id).join(',');
    }
    log(`  ${w} ids: ${answers['hand-written']}`);
    for (const [name, ids] of Object.entries(answers))
      if (ids !== answers['hand-written']) throw new Error(`${w}: ${name} answers other records: ${ids}`);
    const paired = await pairedRuns(servers, pathOf, options, 'hand-written', `${w} `);
    logPaired(w, paired);
    result[w] = paired;
  }
  result.loadAverageAfter = os.loadavg();
  writeFileSync(
    join(ROOT, 'bench', 'results', 'w9-search-latest.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
} finally {
  for (const server of Object.values(servers)) await server.stop();
  await pg?.drop();
  rmSync(dir, { recursive: true, force: true });
}

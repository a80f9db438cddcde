#!/usr/bin/env node
/**
 * Compares verbo builds or settings on PostgreSQL, one workload, on the benchmark's data (10 000
 * customers and orders in a fresh `verbo_bench_*` database, dropped after):
 *
 *   VERBO_TEST_PG_URL=postgres://… node bench/pg-compare.mjs [W1] [--rounds 3] [--seconds 10] \
 *     --target 'before=/path/to/other/dist/cli/main.js' --target 'after=dist/cli/main.js --read-pool-size 5'
 *
 * Each target is `NAME=MAIN_JS [serve options…]` (default: this tree's dist, no options);
 * `--sqlite` adds this tree's dist on the same rows in SQLite, for the PostgreSQL : SQLite ratio. All targets
 * run at once (an idle one costs nothing); after a warm-up each, rounds run them in rotating order,
 * 50 connections, each run followed by a wait until the server is idle. Per run: req/s, p50/p99,
 * the server's CPU per request (verbo's process only, not PostgreSQL's backends) and the machine's
 * 1-minute load average when the run ended.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad } from './lib/bench-load.mjs';
import { cpuMsOf, freePort, log, quiesce, startServer } from './lib/bench-process.mjs';
import { median } from './lib/bench-report.mjs';
import { preparePostgres, prepareSqlite, ROOT } from './lib/bench-targets.mjs';
import { requestsFor } from './lib/bench-workloads.mjs';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    target: { type: 'string', multiple: true },
    sqlite: { type: 'boolean' },
  },
});
const pgUrl = process.env.VERBO_TEST_PG_URL;
if (!pgUrl) {
  console.error(
    'pg-compare: set VERBO_TEST_PG_URL to a PostgreSQL server (a database is created and dropped)',
  );
  process.exit(2);
}
const workload = positionals[0] ?? 'W1';
const rounds = Number(a.rounds ?? 3);
const seconds = Number(a.seconds ?? 10);
const warmup = Number(a.warmup ?? 3);
const targets = (a.target ?? [`this=${resolve(ROOT, 'dist/cli/main.js')}`]).map((spec) => {
  const [name, rest] = [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)];
  const [main, ...args] = rest.trim().split(/\s+/);
  return { name, main: resolve(main), args, db: undefined };
});
const CONFIG = resolve(ROOT, 'examples/crm/verbo.yaml');
const CUSTOMERS = 10_000;

const pg = await preparePostgres(pgUrl, 'compare', CUSTOMERS, CUSTOMERS);
const dir = mkdtempSync(join(os.tmpdir(), 'verbo-pg-compare-'));
if (a.sqlite) {
  const { verboFile } = await prepareSqlite(dir, 'compare', CUSTOMERS, CUSTOMERS);
  targets.push({ name: 'sqlite', main: resolve(ROOT, 'dist/cli/main.js'), args: [], db: verboFile });
}
const servers = [];
try {
  for (const t of targets) {
    const port = await freePort();
    const args = [
      t.main,
      'serve',
      CONFIG,
      '--db',
      t.db ?? pg.url,
      '--port',
      String(port),
      '--log-level',
      'silent',
    ];
    servers.push({ ...t, server: await startServer(t.name, [...args, ...t.args], port, { cwd: ROOT }) });
  }
  const requests = requestsFor(workload, 'verbo', { customers: CUSTOMERS });
  const once = async ({ server }, duration) => {
    const before = cpuMsOf(server.pid);
    const r = await runLoad(server.url, requests, { connections: 50, duration });
    const load = os.loadavg()[0];
    await quiesce(server.pid);
    return { ...r, load, cpuUs: ((cpuMsOf(server.pid) - before) * 1000) / r.requests };
  };
  for (const s of servers) await once(s, warmup);
  const runs = Object.fromEntries(servers.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const s of servers.map((_, i) => servers[(i + round) % servers.length])) {
      const r = await once(s, seconds);
      runs[s.name].push(r);
      log(
        `${workload} round ${round + 1} ${s.name.padEnd(10)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${r.cpuUs.toFixed(0)} µs CPU/req  ${r.non2xx} non-2xx  load ${r.load.toFixed(2)}`,
      );
    }
  }
  for (const s of servers) {
    const rs = runs[s.name];
    log(
      `${workload} median ${s.name.padEnd(10)} ${median(rs.map((r) => r.rps))
        .toFixed(0)
        .padStart(
          6,
        )} req/s  ${median(rs.map((r) => r.cpuUs)).toFixed(0)} µs CPU/req  (${s.main} ${s.args.join(' ')})`,
    );
  }
} finally {
  for (const s of servers) await s.server.stop();
  await pg.drop();
  rmSync(dir, { recursive: true, force: true });
}

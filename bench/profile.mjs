#!/usr/bin/env node
/**
 * Profiles verbo under one workload: `node bench/profile.mjs W1 [--seconds 10] [--top 30] [--keep]`.
 * Starts `node --cpu-prof dist/cli/main.js serve …` on the benchmark's SQLite data, drives the
 * workload with autocannon at 50 connections, stops verbo and prints self time per function.
 * `--no-prof` only measures (server CPU per request); `--baseline` profiles the hand-written baseline instead;
 * `--connections N` drives it with N connections instead; `--after W3` first runs another workload
 * for as long before the first measurement (profiled too: compare with `--no-prof`), and `--repeat N`
 * measures N times; `--pg` profiles verbo on PostgreSQL (VERBO_TEST_PG_URL) instead. Also: `node bench/profile.mjs --summary FILE.cpuprofile`.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad } from './lib/bench-load.mjs';
import { cpuMsOf } from './lib/bench-process.mjs';
import { preparePostgres, prepareSqlite, ROOT, startBaseline, startVerbo } from './lib/bench-targets.mjs';
import { requestsFor } from './lib/bench-workloads.mjs';
import { formatSummary, summariseProfile } from './lib/cpu-profile.mjs';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string' },
    top: { type: 'string' },
    keep: { type: 'boolean' },
    'no-prof': { type: 'boolean' },
    summary: { type: 'string' },
    baseline: { type: 'boolean' },
    connections: { type: 'string' },
    after: { type: 'string' },
    pg: { type: 'boolean' },
    repeat: { type: 'string' },
  },
});
const top = Number(a.top ?? 30);
if (a.summary) {
  console.log(formatSummary(summariseProfile(a.summary, ROOT), top));
  process.exit(0);
}
const workload = positionals[0] ?? 'W1';
const dir = mkdtempSync(join(os.tmpdir(), 'verbo-profile-'));
try {
  const pgUrl = process.env.VERBO_TEST_PG_URL;
  if (a.pg && !pgUrl) throw new Error('--pg needs VERBO_TEST_PG_URL');
  const pg = a.pg ? await preparePostgres(pgUrl, 'profile', 10_000, 10_000) : undefined;
  // The SQLite data only where a server reads it (not for verbo on PostgreSQL).
  const db = pg && !a.baseline ? undefined : await prepareSqlite(dir, 'profile', 10_000, 10_000);
  const profDir = join(dir, 'prof');
  const nodeFlags = a['no-prof'] ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir];
  const server = a.baseline
    ? await startBaseline(db.baselineFile, { nodeFlags })
    : await startVerbo('verbo', pg ? pg.url : db.verboFile, { nodeFlags });
  const flavour = a.baseline ? 'baseline' : 'verbo';
  const load = (w) =>
    runLoad(server.url, requestsFor(w, flavour, { customers: 10_000 }), {
      duration: Number(a.seconds ?? 10),
      connections: Number(a.connections ?? 50),
    });
  for (let i = 0; i < Number(a.repeat ?? 1); i++) {
    if (a.after && i === 0) await load(a.after);
    const cpuBefore = cpuMsOf(server.pid);
    const r = await load(workload);
    const cpuUs = ((cpuMsOf(server.pid) - cpuBefore) * 1000) / r.requests;
    console.log(
      `${workload}${a.after ? ` after ${a.after}` : ''}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.non2xx} non-2xx, server CPU ${cpuUs.toFixed(0)} µs/request`,
    );
  }
  await server.stop();
  if (!a['no-prof']) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    console.log(formatSummary(summariseProfile(join(profDir, file), ROOT), top));
    if (a.keep) console.log(`\nprofile kept: ${join(profDir, file)}`);
  }
  await pg?.drop();
} finally {
  if (!a.keep) rmSync(dir, { recursive: true, force: true });
}

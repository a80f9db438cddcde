#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { deepPagePhase, peaksOf, throughputPhase } from './lib/bench-phases.mjs';
import { log } from './lib/bench-process.mjs';
/**
 * `npm run bench [-- --quick]`: verbo against json-server, a hand-written Fastify + SQLite API and
 * a bare node:http ceiling, on the same data and workloads; prints the table and writes
 * bench/results/{timestamp,latest}.json, latest.md and latest.svg.
 *
 * Options: --quick, --rounds N, --duration S, --warmup S, --only W1,W3, --targets a,b, --w5-rows N,
 * --no-w5, --no-save. PostgreSQL joins when VERBO_TEST_PG_URL is set.
 */
import { updateReadmeTable } from './lib/bench-readme.mjs';
import { consoleReport, goals, markdownReport, ratios, summarise } from './lib/bench-report.mjs';
import { ratiosSvg } from './lib/bench-svg.mjs';
import {
  preparePostgres,
  prepareSqlite,
  ROOT,
  startBaseline,
  startCeiling,
  startJsonServer,
  startVerbo,
} from './lib/bench-targets.mjs';

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    only: { type: 'string' },
    targets: { type: 'string' },
    'w5-rows': { type: 'string' },
    'no-w5': { type: 'boolean' },
    'no-save': { type: 'boolean' },
  },
});
const quick = Boolean(a.quick);
const w5Rows = Number(a['w5-rows'] ?? (quick ? 100_000 : 1_000_000));
const options = {
  quick,
  rounds: Number(a.rounds ?? (quick ? 3 : 5)),
  duration: Number(a.duration ?? (quick ? 0.8 : 5)),
  warmup: Number(a.warmup ?? (quick ? 0.3 : 2)),
  connections: 50,
  customers: 10_000,
  orders: 10_000,
  w5Rows,
  w5Depth: w5Rows - w5Rows / 100,
  w5Duration: quick ? 0.4 : 2,
  w5Warmup: quick ? 0.2 : 1,
  only: a.only?.split(','),
};
const started = Date.now();
const pgUrl = process.env.VERBO_TEST_PG_URL;
const wanted = (name) =>
  (!a.targets || a.targets.split(',').includes(name)) && (!name.startsWith('verbo-pg') || Boolean(pgUrl));
const cleanups = [];
const cleanup = async () => {
  while (cleanups.length)
    await cleanups
      .pop()()
      .catch((e) => log(`cleanup: ${e.message}`));
};
process.once('SIGINT', () => cleanup().finally(() => process.exit(130)));

/** Rebuilds dist/ when a source file is newer than it (a fresh clone builds on npm install). */
function ensureBuilt() {
  const newest = (dir) =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .reduce((m, e) => Math.max(m, statSync(join(e.parentPath ?? e.path, e.name)).mtimeMs), 0);
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist', 'cli', 'main.js')).mtimeMs;
  } catch {}
  if (newest(join(ROOT, 'src')) > built) {
    log('building dist/ (sources changed)…');
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
      { stdio: 'inherit' },
    );
  }
}

async function startAll(
  dir,
  prefix,
  customers,
  orders,
  pgSuffix,
  { withJsonServer, withCeiling, withWorkers },
) {
  const servers = {};
  const stopAll = async () => {
    for (const s of Object.values(servers)) await s.stop();
  };
  cleanups.push(stopAll);
  const sqlite = await prepareSqlite(dir, prefix, customers, orders);
  const workers = { args: ['--workers', '2'] };
  if (wanted('verbo-sqlite')) servers['verbo-sqlite'] = await startVerbo('verbo-sqlite', sqlite.verboFile);
  if (withWorkers && wanted('verbo-sqlite-w2'))
    servers['verbo-sqlite-w2'] = await startVerbo('verbo-sqlite-w2', sqlite.verboFile, workers);
  if (wanted('verbo-pg')) {
    const pg = await preparePostgres(pgUrl, pgSuffix, customers, orders);
    cleanups.push(() => pg.drop());
    servers['verbo-pg'] = await startVerbo('verbo-pg', pg.url);
    if (withWorkers && wanted('verbo-pg-w2'))
      servers['verbo-pg-w2'] = await startVerbo('verbo-pg-w2', pg.url, workers);
  }
  if (wanted('hand-written')) servers['hand-written'] = await startBaseline(sqlite.baselineFile);
  if (withJsonServer && wanted('json-server'))
    servers['json-server'] = await startJsonServer(dir, customers, orders);
  if (withCeiling && wanted('ceiling')) servers.ceiling = await startCeiling();
  return { servers, stopAll };
}

ensureBuilt();
const dir = mkdtempSync(join(os.tmpdir(), 'verbo-bench-'));
cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.availableParallelism(),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  loadAverage: os.loadavg().map((x) => x.toFixed(2)),
};
const runs = {};
const peaks = {};
try {
  log(
    `verbo bench${quick ? ' --quick' : ''}: ${machine.cpu} × ${machine.cores}, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
  );
  log(`preparing ${options.customers} customers and ${options.orders} orders for every target…`);
  const main = await startAll(dir, 'main', options.customers, options.orders, 'main', {
    withJsonServer: true,
    withCeiling: true,
    withWorkers: true,
  });
  await throughputPhase(main.servers, options, runs);
  peaks.main = peaksOf(main.servers);
  await main.stopAll();
  if (!a['no-w5'] && (!options.only || options.only.includes('W5'))) {
    log(`preparing the W5 table: ${w5Rows.toLocaleString('en-US')} customers…`);
    const deep = await startAll(dir, 'w5', w5Rows, 0, 'w5', { withJsonServer: false, withCeiling: false });
    await deepPagePhase(deep.servers, options, runs);
    peaks.w5 = peaksOf(deep.servers);
    await deep.stopAll();
  }
} finally {
  await cleanup();
}

const summary = summarise(runs);
const targets = [
  'verbo-sqlite',
  'verbo-sqlite-w2',
  'verbo-pg',
  'verbo-pg-w2',
  'hand-written',
  'json-server',
  'ceiling',
].filter((t) => runs[t]);
const r = ratios(summary);
const result = {
  startedAt: new Date(started).toISOString(),
  elapsedSeconds: Math.round((Date.now() - started) / 1000),
  machine,
  options,
  targets,
  summary,
  ratios: r,
  peakRssMb: peaks,
  runs,
};
result.goals = goals(summary, r, peaks, options);
process.stdout.write(
  `\n${consoleReport(result)}\nPeak RSS (VmHWM, MB): ${JSON.stringify(peaks, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}\nElapsed: ${result.elapsedSeconds} s\n`,
);
if (!a['no-save']) {
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const stamped = join(out, `${result.startedAt.replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
  writeFileSync(stamped, json);
  writeFileSync(join(out, 'latest.json'), json);
  writeFileSync(join(out, 'latest.md'), `${markdownReport(result)}\n`);
  writeFileSync(join(out, 'latest.svg'), ratiosSvg(result));
  try {
    // In the repository's own JSON style, so `npm run lint` has nothing to say about results.
    const biome = join(ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
    execFileSync(process.execPath, [biome, 'format', '--write', stamped, join(out, 'latest.json')], {
      stdio: 'ignore',
    });
  } catch {}
  log(`saved ${relative(ROOT, stamped)} and bench/results/latest.{json,md,svg}`);
  // A full run (not --quick, not --only) is the one the README shows.
  if (!quick && !a.only && !a.targets && updateReadmeTable(ROOT, markdownReport(result)))
    log('updated the table in README.md');
}

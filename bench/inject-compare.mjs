#!/usr/bin/env node
/**
 * Development aid: the JavaScript cost of one request in verbo and in the hand-written baseline,
 * both in this one process through Fastify's inject (no sockets, no kernel), alternating batches
 * so both see the same machine load; reports the fastest batch of each. `node bench/inject-compare.mjs [W1,W3,W4] [--batches 30] [--size 500]
 * [--only verbo|baseline]` (with `node --cpu-prof` for a profile of one side).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBaselineApp } from './baselines/fastify-sqlite.mjs';
import { prepareSqlite, ROOT } from './lib/bench-targets.mjs';
import { requestsFor } from './lib/bench-workloads.mjs';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: { batches: { type: 'string' }, size: { type: 'string' }, only: { type: 'string' } },
});
const workloads = (positionals[0] ?? 'W1,W3,W4').split(',');
const batches = Number(a.batches ?? 30);
const size = Number(a.size ?? 500);
const dir = mkdtempSync(join(os.tmpdir(), 'verbo-inject-'));

/** One autocannon request spec → inject options (setupRequest applied). */
function toInject(spec) {
  const req = spec.setupRequest ? spec.setupRequest({ ...spec }) : spec;
  return { method: req.method, url: req.path, headers: req.headers, payload: req.body };
}

async function batch(app, specs, n) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const res = await app.inject(toInject(specs[0]));
    if (res.statusCode >= 300) throw new Error(`${res.statusCode} ${res.body}`);
  }
  return Number(process.hrtime.bigint() - started) / 1000 / n;
}

try {
  const files = await prepareSqlite(dir, 'inject', 10_000, 10_000);
  const { loadModel } = await import(join(ROOT, 'dist', 'model', 'index.js'));
  const { openStore } = await import(join(ROOT, 'dist', 'store', 'open-store.js'));
  const { buildApp } = await import(join(ROOT, 'dist', 'http', 'app.js'));
  const model = loadModel(join(ROOT, 'examples', 'crm', 'verbo.yaml'));
  const store = await openStore(files.verboFile);
  await store.sync(model);
  const verbo = await buildApp({ model, store, logger: { level: 'silent' } });
  await verbo.ready();
  copyFileSync(files.baselineFile, join(dir, 'b2.sqlite'));
  const baseline = buildBaselineApp(join(dir, 'b2.sqlite'));
  await baseline.app.ready();
  for (const w of workloads) {
    const specs = {
      verbo: requestsFor(w, 'verbo', { customers: 10_000 }),
      baseline: requestsFor(w, 'baseline', { customers: 10_000 }),
    };
    await batch(verbo, specs.verbo, size / 2);
    await batch(baseline.app, specs.baseline, size / 2);
    const times = { verbo: [], baseline: [] };
    for (let i = 0; i < batches; i++) {
      if (a.only !== 'baseline') times.verbo.push(await batch(verbo, specs.verbo, size));
      if (a.only !== 'verbo') times.baseline.push(await batch(baseline.app, specs.baseline, size));
    }
    // The fastest batch: the least disturbed by other work on the machine.
    const fastest = (xs) => (xs.length ? Math.min(...xs) : undefined);
    const v = fastest(times.verbo);
    const b = fastest(times.baseline);
    const f = (x) => (x === undefined ? '–' : x.toFixed(1));
    console.log(
      `${w}: verbo ${f(v)} µs/request, hand-written ${f(b)} µs/request, hand-written/verbo ${b && v ? (b / v).toFixed(2) : '–'}`,
    );
  }
  await verbo.close();
  await store.close();
  await baseline.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

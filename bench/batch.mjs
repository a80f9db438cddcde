#!/usr/bin/env node
/**
 * Issue 19's batch bar: one POST /batch of 100 operations at least 5× faster than the same 100
 * requests sent one by one (each waiting for the previous answer, as a client without batches would).
 *
 *   node bench/batch.mjs [--rounds 5] [--size 100] [--pg]
 *
 * Creates CRM customers (and with --pg on PostgreSQL too, VERBO_TEST_PG_URL set); prints the median
 * wall time of each way and the ratio; writes bench/results/batch-latest.json. Build first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPgDatabase } from './lib/bench-data.mjs';
import { log } from './lib/bench-process.mjs';
import { ROOT, startVerbo } from './lib/bench-targets.mjs';

const { values: a } = parseArgs({
  options: { rounds: { type: 'string' }, size: { type: 'string' }, pg: { type: 'boolean' } },
});
const rounds = Number(a.rounds ?? 5);
const size = Number(a.size ?? 100);
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
let n = 0;
const body = () => {
  n++;
  return { name: `Batch ${n}`, email: `batch-${process.pid}-${n}@example.com`, status: 'lead' };
};

async function post(url, path, json) {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  if (res.status >= 400) throw new Error(`${path} → ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

async function measure(server) {
  const one = [];
  const batch = [];
  for (let r = 0; r < rounds + 1; r++) {
    let t = performance.now();
    for (let i = 0; i < size; i++) await post(server.url, '/customers', body());
    const oneByOne = performance.now() - t;
    const operations = Array.from({ length: size }, () => ({
      method: 'POST',
      path: '/customers',
      body: body(),
    }));
    t = performance.now();
    await post(server.url, '/batch', { operations });
    const batched = performance.now() - t;
    if (r === 0) continue; // warm-up
    one.push(oneByOne);
    batch.push(batched);
    log(`  round ${r}: one by one ${oneByOne.toFixed(1)} ms, one batch ${batched.toFixed(1)} ms`);
  }
  return { oneByOneMs: median(one), batchMs: median(batch), ratio: median(one) / median(batch) };
}

const dir = mkdtempSync(join(os.tmpdir(), 'verbo-batch-'));
const results = {};
let pg;
try {
  log(`${size} creates, one by one vs one batch; ${rounds} rounds; load ${os.loadavg()[0].toFixed(2)}`);
  const targets = [['sqlite', join(dir, 'batch.sqlite')]];
  if (a.pg && process.env.VERBO_TEST_PG_URL) {
    pg = await createPgDatabase(process.env.VERBO_TEST_PG_URL, `verbo_bench_${process.pid}_batch`);
    targets.push(['postgres', pg.url]);
  }
  for (const [name, db] of targets) {
    const server = await startVerbo(`verbo-${name}`, db);
    try {
      log(`verbo on ${name}:`);
      results[name] = await measure(server);
      const m = results[name];
      log(
        `  median: one by one ${m.oneByOneMs.toFixed(1)} ms, batch ${m.batchMs.toFixed(1)} ms → ${m.ratio.toFixed(1)}× (bar 5×: ${m.ratio >= 5 ? 'met' : 'NOT met'})`,
      );
    } finally {
      await server.stop();
    }
  }
  writeFileSync(
    join(ROOT, 'bench', 'results', 'batch-latest.json'),
    `${JSON.stringify({ date: new Date().toISOString(), loadAverage: os.loadavg(), size, rounds, results }, null, 2)}\n`,
  );
} finally {
  await pg?.drop();
  rmSync(dir, { recursive: true, force: true });
}

#!/usr/bin/env node
/**
 * Change streams under load (issue 17, docs/realtime.md, docs/scaling.md), on demand:
 *   npm run build && node bench/realtime.mjs [--subscribers 1000] [--rate 100] [--seconds 20] [--stores sqlite,postgres]
 * One verbo process (the built CLI, a separate OS process) serves `subscribers` change streams,
 * `GET /events?bucket=K` with K = i mod 10, while this process writes `rate` records a second with
 * bucket = n mod 10: each write matches one stream in ten, about subscribers × rate / 10 deliveries a
 * second. Reported per store: delivery latency p50/p99 (from just before the POST to the event read
 * here, one clock), the server's peak RSS, and its CPU per delivery: the CPU of the measured window
 * less what the same writes cost without streams (measured first), over the deliveries.
 * PostgreSQL: VERBO_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), a fresh database.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPgDatabase } from './lib/bench-data.mjs';
import { cpuMsOf, freePort, log, sampleRss, startServer } from './lib/bench-process.mjs';

const { values: a } = parseArgs({
  options: {
    subscribers: { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    stores: { type: 'string' },
  },
});
const SUBSCRIBERS = Number(a.subscribers ?? 1000);
const RATE = Number(a.rate ?? 100);
const SECONDS = Number(a.seconds ?? 20);
const STORES = (a.stores ?? 'sqlite,postgres').split(',');
const BUCKETS = 10;
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(os.tmpdir(), 'verbo-rt-bench-'));
const config = join(dir, 'verbo.yaml');
writeFileSync(
  config,
  `realtime: { maxStreamsPerCaller: ${SUBSCRIBERS + 10}, maxStreams: ${SUBSCRIBERS + 10} }
resources:
  events:
    fields:
      bucket: { type: integer, required: true, index: true }
      t: { type: number, required: true }
`,
);

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** One change stream on its own connection; calls `onCreated(t)` for each created event's `t`. */
function subscribe(url, onCreated) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`${url}: ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      let ready = false;
      res.on('data', (chunk) => {
        buffer += chunk;
        let at = buffer.indexOf('\n\n');
        while (at >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          if (block.startsWith('event: created')) {
            const m = /"t":([0-9.e+]+)/.exec(block);
            if (m) onCreated(Number(m[1]));
          } else if (!ready && block.startsWith('event: ready')) {
            ready = true;
            resolve({ close: () => req.destroy() });
          }
          at = buffer.indexOf('\n\n');
        }
      });
      res.on('error', () => {});
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes `rate` records a second until stopped; returns the stop function (resolves with the count). */
function writer(url) {
  let n = 0;
  let failed = 0;
  const statuses = {};
  let running = true;
  const inflight = new Set();
  const started = now();
  const loop = (async () => {
    while (running) {
      const due = started + (n * 1000) / RATE;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      const body = JSON.stringify({ bucket: n % BUCKETS, t: now() });
      n++;
      const p = fetch(`${url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
        .then(async (res) => {
          const text = await res.text();
          if (res.status !== 201) {
            failed++;
            const key = `${res.status} ${/"code":"([A-Z_]+)"/.exec(text)?.[1] ?? ''}`.trim();
            statuses[key] = (statuses[key] ?? 0) + 1;
          }
        })
        .catch((e) => {
          failed++;
          statuses[e.cause?.code ?? e.name] = (statuses[e.cause?.code ?? e.name] ?? 0) + 1;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
  })();
  return async () => {
    running = false;
    await loop;
    await Promise.all(inflight);
    return { written: n, failed, statuses };
  };
}

async function measure(store, db) {
  const port = await freePort();
  const server = await startServer(
    `verbo (${store})`,
    [
      // e.g. VERBO_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server
      ...(process.env.VERBO_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      CLI,
      'serve',
      config,
      '--db',
      db,
      '--port',
      String(port),
      '--log-level',
      'warn',
    ],
    port,
  );
  try {
    // The writes alone: what the server spends without any stream.
    log(`${store}: ${RATE} writes/s without streams, ${Math.min(SECONDS, 10)} s`);
    const stopA = writer(server.url);
    await sleep(2000);
    const cpuA0 = cpuMsOf(server.pid);
    const tA0 = now();
    await sleep(Math.min(SECONDS, 10) * 1000);
    const cpuWritesPerSec = (cpuMsOf(server.pid) - cpuA0) / ((now() - tA0) / 1000);
    await stopA();

    log(`${store}: opening ${SUBSCRIBERS} streams`);
    let measuring = false;
    const latencies = [];
    let deliveries = 0;
    const onCreated = (t) => {
      if (!measuring) return;
      deliveries++;
      latencies.push(now() - t);
    };
    const streams = [];
    for (let i = 0; i < SUBSCRIBERS; i += 50)
      streams.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, SUBSCRIBERS - i) }, (_, k) =>
            subscribe(`${server.url}/events?bucket=${(i + k) % BUCKETS}`, onCreated),
          ),
        )),
      );
    log(`${store}: ${RATE} writes/s with ${SUBSCRIBERS} streams, ${SECONDS} s (after 3 s of warm-up)`);
    const rss = sampleRss(server.pid, 250);
    const stopB = writer(server.url);
    await sleep(3000);
    measuring = true;
    const cpu0 = cpuMsOf(server.pid);
    const own0 = process.cpuUsage();
    const t0 = now();
    await sleep(SECONDS * 1000);
    measuring = false;
    const cpuMs = cpuMsOf(server.pid) - cpu0;
    const own = process.cpuUsage(own0);
    const elapsed = (now() - t0) / 1000;
    const { written, failed, statuses } = await stopB();
    const peakRssMb = rss();
    for (const s of streams) s.close();
    latencies.sort((x, y) => x - y);
    const netCpuMs = cpuMs - cpuWritesPerSec * elapsed;
    return {
      store,
      subscribers: SUBSCRIBERS,
      writesPerSecond: RATE,
      written,
      failedWrites: failed,
      ...(failed ? { failures: statuses } : {}),
      seconds: Number(elapsed.toFixed(1)),
      deliveriesPerSecond: Math.round(deliveries / elapsed),
      expectedPerSecond: (SUBSCRIBERS * RATE) / BUCKETS,
      p50Ms: Number(pct(latencies, 50)?.toFixed(1)),
      p99Ms: Number(pct(latencies, 99)?.toFixed(1)),
      maxMs: Number(latencies.at(-1)?.toFixed(1)),
      peakRssMb: Math.round(peakRssMb),
      serverCpuPercent: Math.round((cpuMs / 1000 / elapsed) * 100),
      writesOnlyCpuPercent: Math.round(cpuWritesPerSec / 10),
      // This process (the 1000 readers and the writer) competes for the same CPUs.
      benchCpuPercent: Math.round(((own.user + own.system) / 1e6 / elapsed) * 100),
      cpuUsPerDelivery: Number(((netCpuMs * 1000) / deliveries).toFixed(1)),
      loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    };
  } finally {
    await server.stop();
  }
}

const results = [];
try {
  for (const store of STORES) {
    if (store === 'sqlite') results.push(await measure('sqlite', join(dir, 'bench.sqlite')));
    else if (store === 'postgres') {
      const pg = await createPgDatabase(
        process.env.VERBO_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
        `verbo_bench_rt_${process.pid}`,
      );
      try {
        results.push(await measure('postgres', pg.url));
      } finally {
        await pg.drop();
      }
    } else throw new Error(`unknown store ${store}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ cpus: os.cpus().length, node: process.version, results }, null, 2));

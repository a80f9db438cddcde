#!/usr/bin/env node
/**
 * Where each SQLite target pays for WAL checkpoints under writes: `node bench/wal-growth.mjs [W3|W4] [--seconds 10]`.
 * Drives the write workload at 50 connections, then prints the WAL size left behind, the server's
 * CPU per request during the load, and the CPU its shutdown takes (SQLite checkpoints whatever the
 * WAL still holds when the last connection closes). A target whose WAL only grows has deferred
 * checkpoint work to its shutdown; its CPU per request during the load leaves that work out.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad } from './lib/bench-load.mjs';
import { cpuMsOf } from './lib/bench-process.mjs';
import { prepareSqlite, startBaseline, startVerbo } from './lib/bench-targets.mjs';
import { requestsFor } from './lib/bench-workloads.mjs';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: 'string' } },
});
const workload = positionals[0] ?? 'W3';
const seconds = Number(a.seconds ?? 10);
const dir = mkdtempSync(join(os.tmpdir(), 'verbo-wal-'));
const mb = (file) => {
  try {
    return (statSync(file).size / 2 ** 20).toFixed(1);
  } catch {
    return '0.0';
  }
};
try {
  const db = await prepareSqlite(dir, 'wal', 10_000, 10_000);
  for (const [name, file, start, kind] of [
    ['verbo (SQLite)', db.verboFile, () => startVerbo('verbo', db.verboFile), 'verbo'],
    ['hand-written', db.baselineFile, () => startBaseline(db.baselineFile), 'baseline'],
  ]) {
    const server = await start();
    const cpu0 = cpuMsOf(server.pid);
    const r = await runLoad(server.url, requestsFor(workload, kind, { customers: 10_000 }), {
      duration: seconds,
    });
    const cpuLoad = cpuMsOf(server.pid) - cpu0;
    const wal = mb(`${file}-wal`);
    const cpu1 = cpuMsOf(server.pid);
    const stop = server.stop();
    // The process's CPU right before it exits: sampled until it is gone.
    let last = cpu1;
    for (;;) {
      const c = cpuMsOf(server.pid);
      if (!Number.isFinite(c) || c === undefined) break;
      last = c;
      await new Promise((res) => setTimeout(res, 5));
    }
    await stop;
    console.log(
      `${workload} ${name}: ${r.requests} requests, ${((cpuLoad * 1000) / r.requests).toFixed(0)} µs CPU/request during the load; WAL after the load ${wal} MB; shutdown CPU ≥ ${(last - cpu1).toFixed(0)} ms (${(((last - cpu1) * 1000) / r.requests).toFixed(0)} µs per request of the load)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

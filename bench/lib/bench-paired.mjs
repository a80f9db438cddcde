/**
 * A paired comparison: each server answers its own path of one workload, warmed up once, then in
 * rounds whose order rotates, each run followed by a wait until the server is idle; the medians
 * (req/s, latency, server CPU per request) and each target's ratio to `base` (W8, W9).
 */
import { runLoad } from './bench-load.mjs';
import { cpuMsOf, log, quiesce } from './bench-process.mjs';
import { median } from './bench-report.mjs';

/** `pathOf(name)`: the path that server is asked; `label` names the workload in the log. */
export async function pairedRuns(servers, pathOf, options, base = 'hand-written', label = '') {
  const runs = {};
  const once = async (name, duration, keep) => {
    const server = servers[name];
    const cpuBefore = cpuMsOf(server.pid);
    const r = await runLoad(server.url, [{ method: 'GET', path: pathOf(name) }], {
      connections: options.connections,
      duration,
    });
    await quiesce(server.pid);
    const cpuUs = r.requests ? ((cpuMsOf(server.pid) - cpuBefore) * 1000) / r.requests : undefined;
    if (r.non2xx || r.errors) log(`  ! ${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    if (!keep) return;
    if (!runs[name]) runs[name] = [];
    runs[name].push({ ...r, cpuUs });
    log(
      `  ${label}${name.padEnd(13)} ${r.rps.toFixed(1).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${cpuUs?.toFixed(0) ?? '–'} µs CPU/req`,
    );
  };
  const names = Object.keys(servers);
  for (const name of names) await once(name, options.warmup, false);
  for (let round = 0; round < options.rounds; round++) {
    log(`${label}round ${round + 1}/${options.rounds}`);
    for (const name of names.map((_, i) => names[(i + round) % names.length]))
      await once(name, options.duration, true);
  }
  const targets = Object.fromEntries(
    Object.entries(runs).map(([name, rs]) => [
      name,
      {
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        cpuUs: median(rs.map((r) => r.cpuUs)),
        runs: rs.length,
      },
    ]),
  );
  const b = targets[base];
  const ratios = Object.fromEntries(
    names
      .filter((t) => t !== base)
      .map((t) => [t, { rps: targets[t].rps / b.rps, cpuPerRequest: b.cpuUs / targets[t].cpuUs }]),
  );
  return { targets, ratios };
}

/** Logs the medians and the ratios, with the bar for verbo on SQLite. */
export function logPaired(label, { targets, ratios }, bar = 0.9) {
  log(`${label} medians:`);
  for (const [t, w] of Object.entries(targets))
    log(
      `  ${t.padEnd(13)} ${w.rps.toFixed(1).padStart(7)} req/s  p50 ${w.p50} ms  ${w.cpuUs.toFixed(0)} µs CPU/req`,
    );
  for (const [t, r] of Object.entries(ratios))
    log(
      `  ${t} vs hand-written: ${r.rps.toFixed(2)}× req/s, ${r.cpuPerRequest.toFixed(2)}× by CPU/req${t === 'verbo-sqlite' ? ` (bar: ${bar}×: ${r.rps >= bar ? 'met' : 'NOT met'})` : ''}`,
    );
}

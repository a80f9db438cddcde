/**
 * The two phases of a run: throughput (W1–W4, W6: every target up at once, rounds interleaved,
 * each run followed by a wait until the target is idle again) and deep pages (W5, a larger table).
 */
import { getOne, probeLatency, runLoad } from './bench-load.mjs';
import { childrenOf, cpuMsOf, log, memoryOf, quiesce, sampleRss } from './bench-process.mjs';
import { TARGET_INFO } from './bench-targets.mjs';
import {
  deepPagePaths,
  nextCursor,
  requestsFor,
  skipReason,
  W5_VARIANTS,
  WORKLOADS,
} from './bench-workloads.mjs';

const rotate = (xs, n) => xs.map((_, i) => xs[(i + n) % xs.length]);

function record(runs, target, w, figures) {
  runs[target] ??= {};
  runs[target][w] ??= [];
  runs[target][w].push(figures);
}

/** Runs W1–W4 and W6 on every started target. */
export async function throughputPhase(servers, options, runs) {
  const names = Object.keys(servers);
  const workloads = WORKLOADS.filter((w) => !options.only || options.only.includes(w.id));
  const once = async (name, w, duration, keep) => {
    if (skipReason(name, w.id, options)) return;
    const requests = requestsFor(w.id, TARGET_INFO[name].flavour, { customers: options.customers });
    const server = servers[name];
    const stopSampling = sampleRss(server.pid);
    const cpuBefore = cpuMsOf(server.pid);
    const r = await runLoad(server.url, requests, { connections: options.connections, duration });
    const rssMb = stopSampling();
    const waited = await quiesce(server.pid);
    // Server CPU per request, the queue the run left included: steadier than req/s when the machine is shared.
    const cpuUs = r.requests ? ((cpuMsOf(server.pid) - cpuBefore) * 1000) / r.requests : undefined;
    if (r.non2xx || r.errors)
      log(`  ! ${name} ${w.id}: ${r.non2xx} non-2xx, ${r.errors} errors ${JSON.stringify(r.statusCodes)}`);
    if (keep) {
      record(runs, name, w.id, { ...r, rssMb, cpuUs });
      log(
        `  ${w.id} ${name.padEnd(13)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${cpuUs?.toFixed(0) ?? '–'} µs CPU/req  ${rssMb.toFixed(0)} MB${waited > 500 ? `  (busy ${(waited / 1000).toFixed(1)} s after the run)` : ''}`,
      );
    }
  };
  log(`warm-up: ${options.warmup} s per workload and target`);
  for (const w of workloads) for (const name of names) await once(name, w, options.warmup, false);
  for (let round = 0; round < options.rounds; round++) {
    log(`round ${round + 1}/${options.rounds}`);
    for (const w of workloads)
      for (const name of rotate(names, round)) await once(name, w, options.duration, true);
  }
}

/** The cursor verbo's own Link header gives for the page after row `depth` (walking from depth − 25). */
async function verboCursor(url, depth) {
  const res = await getOne(`${url}/customers?id[gt]=${depth - 25}&limit=25`);
  const cursor = nextCursor(res.link);
  if (res.status !== 200 || !cursor)
    throw new Error(`no next cursor from ${url} (status ${res.status}, Link ${res.link})`);
  return cursor;
}

/** Checks that the offset page and the cursor page are the same rows before timing them. */
async function samePage(url, paths) {
  const [a, b] = await Promise.all([
    fetch(url + paths.offset).then((r) => r.json()),
    fetch(url + paths.cursor).then((r) => r.json()),
  ]);
  const ids = (rows) => rows.map((r) => r.id).join(',');
  if (!Array.isArray(a) || ids(a) !== ids(b))
    throw new Error(`offset and cursor pages differ on ${url}: [${ids(a)}] vs [${ids(b)}]`);
}

/** W5: page one, the deep page by offset and by cursor, one request at a time. */
export async function deepPagePhase(servers, options, runs) {
  const paths = {};
  for (const [name, server] of Object.entries(servers)) {
    const flavour = TARGET_INFO[name].flavour;
    paths[name] = deepPagePaths(
      flavour,
      options.w5Depth,
      flavour === 'verbo' ? await verboCursor(server.url, options.w5Depth) : undefined,
    );
    await samePage(server.url, paths[name]);
  }
  const key = { 'W5-first': 'first', 'W5-offset': 'offset', 'W5-cursor': 'cursor' };
  const probe = (name, v, durationMs) =>
    probeLatency(servers[name].url + paths[name][key[v.id]], { durationMs });
  for (const name of Object.keys(servers))
    for (const v of W5_VARIANTS) await probe(name, v, options.w5Warmup * 1000);
  for (let round = 0; round < options.rounds; round++) {
    log(`W5 round ${round + 1}/${options.rounds}`);
    for (const name of rotate(Object.keys(servers), round)) {
      for (const v of W5_VARIANTS) {
        const stopSampling = sampleRss(servers[name].pid);
        const r = await probe(name, v, options.w5Duration * 1000);
        const rssMb = stopSampling();
        record(runs, name, v.id, { ...r, rssMb });
        log(
          `  ${v.id.padEnd(9)} ${name.padEnd(13)} p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  (${r.requests} requests)  ${rssMb.toFixed(0)} MB`,
        );
      }
    }
  }
}

/** Peak RSS (VmHWM, MB) of every server, read just before it stops. */
export function peaksOf(servers) {
  const out = {};
  for (const [name, s] of Object.entries(servers)) {
    const m = memoryOf(s.pid, childrenOf(s.pid));
    if (m) out[name] = m.hwmKb / 1024;
  }
  return out;
}

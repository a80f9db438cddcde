#!/usr/bin/env node
/**
 * W7 (issue 15): files. Download of a 1 MB file and upload of a 1 MB file (multipart, a record with
 * it) on verbo against a hand-written Fastify + @fastify/multipart server (bench/baselines/
 * fastify-files.mjs), rounds interleaved, medians and ratios; then the server's peak RSS while a
 * 500 MB file is uploaded and downloaded (streamed both ways), for each file driver.
 *
 *   node bench/w7-files.mjs [--rounds 3] [--duration 5] [--big-mb 500] [--pg] [--no-rss]
 *
 * Writes bench/results/w7-files-latest.json. Build first (`npm run build`). With --pg (and
 * VERBO_TEST_PG_URL set) the RSS runs also use PostgreSQL (driver: database).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad } from './lib/bench-load.mjs';
import { freePort, log, memoryOf, sampleRss, startServer } from './lib/bench-process.mjs';
import { ROOT } from './lib/bench-targets.mjs';

const { values: a } = parseArgs({
  options: {
    rounds: { type: 'string' },
    duration: { type: 'string' },
    'big-mb': { type: 'string' },
    pg: { type: 'boolean' },
    'no-rss': { type: 'boolean' },
  },
});
const rounds = Number(a.rounds ?? 3);
const duration = Number(a.duration ?? 5);
const bigMb = Number(a['big-mb'] ?? 500);
const VERBO = join(ROOT, 'dist', 'cli', 'main.js');
const dir = mkdtempSync(join(os.tmpdir(), 'verbo-w7-'));
const MB = 1024 * 1024;
const file = randomBytes(MB);

const configOf = (driver, files) => `
storage: { files: { driver: ${driver}, dir: ${JSON.stringify(files)} } }
resources:
  customers:
    fields:
      name: { type: string, required: true }
      doc: { type: file, maxSize: 1GB }
`;

async function startVerboFiles(name, driver, db) {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, configOf(driver, join(dir, `${name}-files`)));
  const port = await freePort();
  const args = [VERBO, 'serve', config, '--db', db, '--port', String(port), '--log-level', 'silent'];
  return startServer(name, args, port, { cwd: dir });
}

const BOUNDARY = 'w7boundaryw7';
function multipartBody(parts) {
  const chunks = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${p.type}\r\n\r\n`),
    );
    chunks.push(Buffer.from(p.body), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}
const multipartType = `multipart/form-data; boundary=${BOUNDARY}`;

/** Streams `mb` MB (a repeated random MB) to `method url`; resolves with the status and answer. */
function send(url, method, mb, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { 'content-length': String(mb * MB), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < mb) {
        sent++;
        if (!req.write(file)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** Reads `url` to the end, counting bytes. */
function drain(url) {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let bytes = 0;
      res.on('data', (d) => {
        bytes += d.length;
      });
      res.on('end', () => resolve({ status: res.statusCode, bytes }));
    })
      .on('error', reject)
      .end();
  });
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const result = {
  at: new Date().toISOString(),
  load: os.loadavg()[0],
  cpus: os.cpus().length,
  w7: {},
  rss: [],
};
const servers = [];
try {
  log(`W7: 1 MB download and upload, ${rounds} rounds × ${duration} s, load ${os.loadavg()[0].toFixed(2)}`);
  const verbo = await startVerboFiles('verbo', 'fs', join(dir, 'w7.sqlite'));
  servers.push(verbo);
  const port = await freePort();
  const baseline = await startServer(
    'hand-written',
    [
      join(ROOT, 'bench', 'baselines', 'fastify-files.mjs'),
      '--dir',
      join(dir, 'baseline-files'),
      '--port',
      String(port),
    ],
    port,
  );
  servers.push(baseline);
  // One record with the 1 MB file on each.
  const made = await fetch(`${verbo.url}/customers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'w7' }),
  }).then((r) => r.json());
  const put = await send(`${verbo.url}/customers/${made.id}/doc`, 'PUT', 1);
  const up = await fetch(`${baseline.url}/files`, {
    method: 'POST',
    headers: { 'content-type': multipartType },
    body: multipartBody([{ name: 'file', filename: 'w7.bin', type: 'application/octet-stream', body: file }]),
  }).then((r) => r.json());
  if (put.status !== 201 || !up.sha256) throw new Error(`setup failed: ${put.status} ${put.text}`);
  const uploadVerbo = multipartBody([
    { name: 'record', type: 'application/json', body: '{"name":"w7 upload"}' },
    { name: 'doc', filename: 'w7.bin', type: 'application/octet-stream', body: file },
  ]);
  const uploadBaseline = multipartBody([
    { name: 'file', filename: 'w7.bin', type: 'application/octet-stream', body: file },
  ]);
  const workloads = {
    download: {
      verbo: [{ method: 'GET', path: `/customers/${made.id}/doc` }],
      'hand-written': [{ method: 'GET', path: `/files/${up.sha256}` }],
    },
    upload: {
      verbo: [
        { method: 'POST', path: '/customers', headers: { 'content-type': multipartType }, body: uploadVerbo },
      ],
      'hand-written': [
        { method: 'POST', path: '/files', headers: { 'content-type': multipartType }, body: uploadBaseline },
      ],
    },
  };
  for (const [w, byTarget] of Object.entries(workloads)) {
    const runs = { verbo: [], 'hand-written': [] };
    for (let round = 0; round < rounds; round++)
      for (const s of round % 2 ? [baseline, verbo] : [verbo, baseline]) {
        const r = await runLoad(s.url, byTarget[s.name], { connections: 10, duration });
        if (r.non2xx || r.errors)
          throw new Error(`${w} on ${s.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        runs[s.name].push(r.rps);
        log(`  ${w} ${s.name} round ${round + 1}: ${r.rps.toFixed(0)} req/s (p99 ${r.p99} ms)`);
      }
    const v = median(runs.verbo);
    const b = median(runs['hand-written']);
    result.w7[w] = { verbo: v, handWritten: b, ratio: v / b, runs };
    log(`W7 ${w}: verbo ${v.toFixed(0)} req/s, hand-written ${b.toFixed(0)} req/s → ${(v / b).toFixed(2)}×`);
  }
  for (const s of servers.splice(0)) await s.stop();

  if (!a['no-rss']) {
    const targets = [
      ['fs', join(dir, 'rss-fs.sqlite')],
      ['database', join(dir, 'rss-db.sqlite')],
      ...(a.pg && process.env.VERBO_TEST_PG_URL ? [['database', process.env.VERBO_TEST_PG_URL]] : []),
    ];
    for (const [driver, db] of targets) {
      const store = db.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
      const s = await startVerboFiles(`rss-${driver}-${store}`, driver, db);
      servers.push(s);
      const rec = await fetch(`${s.url}/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'big' }),
      }).then((r) => r.json());
      // Warm: one small file each way, so the baseline RSS includes the code paths.
      await send(`${s.url}/customers/${rec.id}/doc`, 'PUT', 1);
      await drain(`${s.url}/customers/${rec.id}/doc`);
      const before = memoryOf(s.pid).rssKb / 1024;
      let stop = sampleRss(s.pid, 50);
      const t0 = Date.now();
      const upload = await send(`${s.url}/customers/${rec.id}/doc`, 'PUT', bigMb);
      const upMs = Date.now() - t0;
      const upPeak = stop();
      if (upload.status !== 200) throw new Error(`upload: ${upload.status} ${upload.text}`);
      stop = sampleRss(s.pid, 50);
      const t1 = Date.now();
      const down = await drain(`${s.url}/customers/${rec.id}/doc`);
      const downMs = Date.now() - t1;
      const downPeak = stop();
      if (down.bytes !== bigMb * MB) throw new Error(`download: ${down.bytes} bytes`);
      const row = {
        driver,
        store,
        mb: bigMb,
        rssBeforeMb: +before.toFixed(1),
        uploadPeakMb: +upPeak.toFixed(1),
        uploadRiseMb: +(upPeak - before).toFixed(1),
        uploadSeconds: upMs / 1000,
        downloadPeakMb: +downPeak.toFixed(1),
        downloadRiseMb: +(downPeak - before).toFixed(1),
        downloadSeconds: downMs / 1000,
      };
      result.rss.push(row);
      log(
        `RSS ${bigMb} MB, driver ${driver} on ${store}: before ${row.rssBeforeMb} MB; upload +${row.uploadRiseMb} MB (${row.uploadSeconds} s); download +${row.downloadRiseMb} MB (${row.downloadSeconds} s)`,
      );
      await servers.pop().stop();
    }
  }
  writeFileSync(
    join(ROOT, 'bench', 'results', 'w7-files-latest.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result, null, 2));
} finally {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}

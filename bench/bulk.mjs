/**
 * Bulk data speed (docs/bulk.md): `verbo import` of N CRM customers from NDJSON, then `verbo export
 * customers --format csv` of the same table, each as its own process (rows/s, peak RSS from
 * /proc/PID/status VmHWM), next to `sqlite3 .import` of the same rows as CSV into a plain table
 * (the physical limit on this machine), when the sqlite3 CLI exists. json-server has no import.
 * Needs `npm run build`. Usage: node bench/bulk.mjs [N=100000]; results in bench/results/bulk-latest.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const CONFIG = join(ROOT, 'examples/crm/verbo.yaml');
const N = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'verbo-bench-bulk-'));

const customer = (i) => ({
  name: `Customer ${i}`,
  email: `c${i}@example.com`,
  phone: `+1 555 ${String(i).padStart(7, '0')}`,
  company: i % 3 ? `Company ${i % 1000}` : null,
  status: ['lead', 'active', 'churned'][i % 3],
  tags: i % 2 ? ['vip', `t${i % 7}`] : null,
});

async function writeLines(file, lineOf) {
  const out = createWriteStream(file);
  for (let i = 1; i <= N; i++)
    if (!out.write(`${lineOf(i)}\n`)) await new Promise((r) => out.once('drain', r));
  await new Promise((r) => out.end(r));
}

/** Runs a command; wall time, exit code and peak RSS (VmHWM, polled while it runs). */
function measure(cmd, args, stdoutFile, stdinFile) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      stdio: [stdinFile ? openSync(stdinFile, 'r') : 'ignore', stdoutFile ? 'pipe' : 'ignore', 'pipe'],
    });
    if (stdoutFile) child.stdout.pipe(createWriteStream(stdoutFile));
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let peakKb = 0;
    let cpuTicks = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
        // utime + stime (fields 14, 15), in clock ticks: the CPU it used, whatever the machine's load.
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        cpuTicks = Number(stat[11]) + Number(stat[12]);
      } catch {}
    }, 20);
    child.on('exit', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({
        code,
        seconds,
        cpuSeconds: cpuTicks / 100,
        peakMb: Math.round(peakKb / 1024),
        stderr: stderr.slice(-400),
      });
    });
  });
}

const rate = (s) => Math.round(N / s);
/** Wall time and rate, the CPU time (the machine is shared: wall time includes waiting for a CPU), peak RSS. */
const figures = (m) => ({
  seconds: m.seconds,
  rowsPerSecond: rate(m.seconds),
  cpuSeconds: m.cpuSeconds,
  rowsPerCpuSecond: rate(m.cpuSeconds),
  peakRssMb: m.peakMb,
  load: loadavg()[0],
});
const results = { n: N, at: new Date().toISOString(), node: process.version };
try {
  const ndjson = join(dir, 'customers.ndjson');
  await writeLines(ndjson, (i) => JSON.stringify(customer(i)));
  const db = join(dir, 'crm.sqlite');
  const imp = await measure(process.execPath, [
    CLI,
    'import',
    ndjson,
    '--resource',
    'customers',
    '--config',
    CONFIG,
    '--db',
    db,
  ]);
  if (imp.code !== 0) throw new Error(`import exited ${imp.code}: ${imp.stderr}`);
  results.importNdjson = figures(imp);

  const csv = join(dir, 'export.csv');
  const exp = await measure(
    process.execPath,
    [CLI, 'export', 'customers', '--format', 'csv', '--config', CONFIG, '--db', db],
    csv,
  );
  if (exp.code !== 0) throw new Error(`export exited ${exp.code}: ${exp.stderr}`);
  results.exportCsv = figures(exp);

  if (spawnSync('sqlite3', ['-version']).status === 0) {
    const plain = join(dir, 'plain.sqlite');
    const rows = join(dir, 'rows.csv');
    await writeLines(rows, (i) => {
      const c = customer(i);
      return [
        c.name,
        c.email,
        c.phone,
        c.company ?? '',
        c.status,
        c.tags ? `"${JSON.stringify(c.tags).replaceAll('"', '""')}"` : '',
      ].join(',');
    });
    const schema =
      'CREATE TABLE customers (name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, phone TEXT, company TEXT, status TEXT, tags TEXT);';
    writeFileSync(join(dir, 'import.sql'), `${schema}\n.mode csv\n.import ${rows} customers\n`);
    const lite = await measure('sqlite3', [plain], undefined, join(dir, 'import.sql'));
    results.sqlite3Import = figures(lite);
  } else results.sqlite3Import = 'the sqlite3 CLI is not installed: no physical-limit figure';
  results.jsonServer = 'json-server has no import: nothing to compare';
} finally {
  rmSync(dir, { recursive: true, force: true });
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/bulk-latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));

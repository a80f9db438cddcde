/** `verbo serve --workers N` through the built CLI: N processes on one port, on either store. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, type Served, serveCli } from '../support/cli-harness.js';
import { CRM_CONFIG, customer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-workers-'));

/** The pids the primary reports as started, in order. */
const startedPids = (s: Served) =>
  [...s.output().matchAll(/verbo: worker (\d+) started/g)].map((m) => Number(m[1]));

/** The pids in the per-request log lines (pino writes its own pid on every line). */
function requestPids(s: Served): Set<number> {
  const pids = new Set<number>();
  for (const line of s.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; pid?: number };
    if (entry.msg === 'request' && entry.pid) pids.add(entry.pid);
  }
  return pids;
}

/** A GET on a new connection (no keep-alive), so the primary hands it to the next worker in turn. */
const freshGet = (url: string) =>
  new Promise<number>((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    })
      .on('error', reject)
      .end();
  });

const post = (url: string, body: unknown) =>
  fetch(`${url}/customers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describeEachStore('verbo serve --workers 2', (_target, getDb) => {
  it('serves one port from two processes: concurrent POSTs all land, both workers answer, SIGTERM → exit 0', async () => {
    const s = await serveCli([CRM_CONFIG, '--db', getDb(), '--workers', '2']);
    try {
      const workers = startedPids(s);
      expect(new Set(workers).size).toBe(2);
      expect(workers).not.toContain(s.child.pid);
      const created = await Promise.all(Array.from({ length: 40 }, (_, i) => post(s.url, customer(`w${i}`))));
      expect(created.map((r) => r.status)).toEqual(Array(40).fill(201));
      const ids = await Promise.all(created.map(async (r) => (await r.json()).id));
      expect(new Set(ids).size).toBe(40);
      const count = await fetch(`${s.url}/customers?count=true&limit=1`);
      expect(count.headers.get('x-total-count')).toBe('40');
      await until('the request log lines', () => requestPids(s).size >= 2, 5000);
      expect([...requestPids(s)].sort()).toEqual([...workers].sort());
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
      for (const pid of workers) expect(alive(pid)).toBe(false);
    } finally {
      s.child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('verbo serve --workers: crashes and shutdown [sqlite]', () => {
  it('restarts a worker that crashes; the other keeps serving meanwhile; the new one serves too', async () => {
    const s = await serveCli([CRM_CONFIG, '--db', join(dir, 'crash.sqlite'), '--workers', '2']);
    try {
      const [victim, survivor] = startedPids(s);
      process.kill(victim, 'SIGKILL');
      await until('the restart', () =>
        new RegExp(`worker ${victim} exited \\(signal SIGKILL\\); starting another`).test(s.output()),
      );
      for (let i = 0; i < 5; i++) expect(await freshGet(`${s.url}/customers`)).toBe(200);
      await until('a third worker', () => startedPids(s).length === 3);
      const replacement = startedPids(s)[2];
      expect([victim, survivor]).not.toContain(replacement);
      await until('the new worker to answer', async () => {
        for (let i = 0; i < 4; i++) expect(await freshGet(`${s.url}/customers`)).toBe(200);
        return requestPids(s).has(replacement);
      });
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    } finally {
      s.child.kill('SIGKILL');
    }
  }, 60_000);

  it('SIGTERM waits for an in-flight request to finish, then exits 0', async () => {
    const s = await serveCli([CRM_CONFIG, '--db', join(dir, 'drain.sqlite'), '--workers', '2']);
    try {
      const body = JSON.stringify(customer('late'));
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          `${s.url}/customers`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode!, text }));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => {
          s.child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(10)), 500);
        }, 300);
      });
      expect(status).toBe(201);
      expect(JSON.parse(text).email).toBe('clate@example.com');
      expect(await s.exited).toBe(0);
    } finally {
      s.child.kill('SIGKILL');
    }
  }, 60_000);

  it('gives up with exit 1 when workers keep failing (here: the port is taken)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const child = spawn(
        process.execPath,
        [
          CLI,
          'serve',
          CRM_CONFIG,
          '--db',
          join(dir, 'taken.sqlite'),
          '--workers',
          '2',
          '--port',
          String(port),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, out).toBe(1);
      expect(out).toMatch(/EADDRINUSE/);
      expect(out).toMatch(/exits within 60 s, giving up/);
      expect(startedPids({ output: () => out } as Served).length).toBeGreaterThanOrEqual(6);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('refuses --workers with an in-memory database, and bad numbers, with exit 2', () => {
    const memory = runCli(['serve', CRM_CONFIG, '--db', ':memory:', '--workers', '2', '--port', '0']);
    expect(memory.code).toBe(2);
    expect(memory.stderr).toContain('--workers needs a database several processes can share');
    for (const [flag, value] of [
      ['--workers', '0'],
      ['--workers', 'two'],
      ['--pool-size', '0'],
      ['--pool-size', '1.5'],
      ['--read-pool-size', '0'],
      ['--read-pool-size', 'many'],
    ]) {
      const r = runCli(['serve', CRM_CONFIG, '--db', ':memory:', flag, value, '--port', '0']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${flag} must be a whole number of at least 1, got ${value}`);
    }
  }, 60_000);
});

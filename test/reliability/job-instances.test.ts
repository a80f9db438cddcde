/**
 * docs/bulk.md, jobs across processes (issue 16): two instances on one database answer for the
 * same job (progress, result, a cancel sent to the other one), and a server killed during an
 * all-or-nothing import leaves nothing written and a job that a restarted instance reports failed
 * (JOB_INTERRUPTED) — on every store.
 */
import { expect, it } from 'vitest';
import { serveCli } from '../support/cli-harness.js';
import { CRM_CONFIG, customer, startServer, type TestServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const ROWS = 10_000;
const rows = (prefix: string, n = ROWS) =>
  Array.from({ length: n }, (_, i) => JSON.stringify(customer(`${prefix}${i}`))).join('\n');

const total = async (base: string) =>
  Number((await fetch(`${base}/customers?count=true&limit=1`)).headers.get('x-total-count'));

async function startImport(base: string, prefix: string, n = ROWS, query = ''): Promise<string> {
  const res = await fetch(`${base}/customers/imports${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: rows(prefix, n),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return res.headers.get('location')!;
}

/** Polls `location` on `s` until the job ends; returns the progress seen on the way and the end. */
async function watchJob(s: TestServer, location: string) {
  const seen: number[] = [];
  for (let i = 0; i < 1200; i++) {
    const res = await s.request('GET', location);
    expect(res.status, res.text).toBe(200);
    if (!['queued', 'running'].includes(res.json.state)) return { seen, job: res.json };
    seen.push(res.json.progress.done);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the job did not end');
}

describeEachStore('jobs seen from two instances on one database', (target, getDb) => {
  // Two processes, as in production (`--workers N` or two hosts): a runs the job, b is asked about it.
  it('the other instance shows the job running, then its result; its DELETE (202) cancels it', async () => {
    const a = await serveCli([CRM_CONFIG, '--db', getDb(), '--log-level', 'silent']);
    const b = await startServer({ db: getDb() });
    try {
      const before = await total(b.url);
      const first = await startImport(a.url, 'ia');
      const watched = await watchJob(b, first);
      expect(watched.seen.length).toBeGreaterThan(0);
      expect(watched.job).toMatchObject({ state: 'succeeded', progress: { done: ROWS } });
      expect(await total(b.url)).toBe(before + ROWS);

      // On SQLite an all-or-nothing import holds the one writer to its end, so another process
      // cannot record a cancel meanwhile (docs/bulk.md); a valid-rows import commits chunk by chunk.
      const validRows = target.name === 'sqlite';
      // Long enough to outlast the runner's first look at the cancel flag (it persists progress and
      // reads the flag once a second): SQLite imports some 60 000 rows a second.
      const size = validRows ? 20 * ROWS : 4 * ROWS;
      const second = await startImport(a.url, 'ib', size, validRows ? '?mode=valid-rows' : '');
      const asked = await b.request('DELETE', second);
      expect(asked.status, asked.text).toBe(202); // another instance runs it: asked, not yet done
      // The runner (instance a) sees the request at its next progress write and stops.
      const ended = await watchJob(b, second);
      expect(ended.job.state).toBe('cancelled');
      expect((await (await fetch(a.url + second)).json()).state).toBe('cancelled');
      const kept = validRows ? ended.job.progress.done : 0; // valid-rows keeps the chunks committed
      expect(kept).toBeLessThan(size);
      expect(await total(a.url)).toBe(before + ROWS + kept);
    } finally {
      a.child.kill('SIGTERM');
      await a.exited;
      await b.close();
    }
  }, 120_000);
});

describeEachStore('a server killed during an import', (_target, getDb) => {
  it('writes nothing of it; the restarted instance reports the job failed with JOB_INTERRUPTED', async () => {
    const first = await serveCli([CRM_CONFIG, '--db', getDb(), '--log-level', 'silent']);
    let location: string;
    let before: number;
    try {
      before = await total(first.url);
      // Long enough to be killed mid-way (SQLite imports some 60 000 rows a second).
      location = await startImport(first.url, 'ik', 20 * ROWS);
      // Kill it once the import is under way (its progress is stored at most once a second).
      for (let i = 0; i < 200; i++) {
        const job = await (await fetch(first.url + location)).json();
        if (job.state !== 'running' || job.progress.done > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      first.child.kill('SIGKILL');
    }
    expect(await first.exited).toBeNull();
    const second = await startServer({ db: getDb() });
    try {
      const res = await second.request('GET', location);
      expect(res.status, res.text).toBe(200);
      expect(res.json.state, res.text).toBe('failed');
      expect(res.json.result.errors[0].code, res.text).toBe('JOB_INTERRUPTED');
      expect(await total(second.url)).toBe(before);
    } finally {
      await second.close();
    }
  }, 120_000);
});

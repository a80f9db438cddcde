/**
 * docs/files.md with `verbo serve --workers 2` (issue 15): files uploaded through any worker are
 * downloaded whole from every worker, a replaced file is gone from all of them, on both drivers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { serveCli } from '../support/cli-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-workers-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A GET on a new connection (no keep-alive), so the primary hands it to the next worker in turn. */
const freshGet = (url: string) =>
  new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts) }));
    })
      .on('error', reject)
      .end();
  });

// Each store with the driver it is deployed with: SQLite on one disk (fs), PostgreSQL with no
// shared disk (database). files-recovery.test.ts covers the other pairs.
describeEachStore('verbo serve --workers 2 with files', (target, getDb) => {
  const driver = target.name === 'sqlite' ? 'fs' : 'database';
  it(`(driver ${driver}) every worker serves every upload whole; a replaced file is gone from all`, async () => {
    const config = join(dir, `${target.name}-${driver}.yaml`);
    writeFileSync(
      config,
      `storage: { files: { driver: ${driver}, dir: ${JSON.stringify(join(dir, `${target.name}-${driver}`))} } }
resources:
  docs:
    fields:
      title: string
      body: { type: file }
`,
    );
    const s = await serveCli([config, '--db', getDb(), '--workers', '2', '--log-level', 'silent']);
    try {
      const uploads = Array.from({ length: 6 }, () => randomBytes(100_000));
      const ids: number[] = [];
      for (const bytes of uploads) {
        const form = new FormData();
        form.set('record', new Blob([JSON.stringify({ title: 't' })], { type: 'application/json' }));
        form.set('body', new Blob([bytes]), 'b.bin');
        // A new connection each, so the uploads are spread over both workers.
        const res = await fetch(`${s.url}/docs`, { method: 'POST', body: form, keepalive: false });
        expect(res.status, await res.clone().text()).toBe(201);
        ids.push((await res.json()).id);
      }
      for (let round = 0; round < 2; round++)
        for (const [i, id] of ids.entries()) {
          const got = await freshGet(`${s.url}/docs/${id}/body`);
          expect(got.status).toBe(200);
          expect(sha(got.body)).toBe(sha(uploads[i]));
        }
      const replaced = randomBytes(1000);
      const put = await fetch(`${s.url}/docs/${ids[0]}/body`, { method: 'PUT', body: replaced });
      expect(put.status).toBe(200);
      for (let round = 0; round < 4; round++) {
        const got = await freshGet(`${s.url}/docs/${ids[0]}/body`);
        expect(sha(got.body)).toBe(sha(replaced));
      }
    } finally {
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    }
  }, 60_000);
});

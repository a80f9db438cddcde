/**
 * What a kill between file and record leaves (docs/files.md): a committed file with the claim of a
 * process that no longer runs, and a half-staged file. The next start removes both and keeps every
 * file a record references; on both stores and both drivers.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { BlobStore } from '../../src/store/files/blob-store.js';
import { FsBlobStore } from '../../src/store/files/fs-blob-store.js';
import { startServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-files-recovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that ran and ended: its claims and staging are a dead process's. */
const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
const host = hostname().replaceAll('.', '-');

async function* once(bytes: Buffer) {
  yield bytes;
}

for (const driver of ['fs', 'database'] as const)
  describeEachStore(`files after a kill (driver ${driver})`, (target, getDb) => {
    it('the next start removes the orphan and the half-staged file, keeps referenced files', async () => {
      const files = join(dir, `${target.name}-${driver}`);
      const yaml = `
storage: { files: { driver: ${driver}, dir: ${JSON.stringify(files)} } }
resources:
  docs:
    fields:
      title: string
      body: { type: file }
`;
      const first = await startServer({ db: getDb(), yaml });
      const blobs = (): BlobStore => (driver === 'fs' ? new FsBlobStore(files) : first.store.blobs!);
      const { id } = (await first.request('POST', '/docs', { body: { title: 'kept' } })).json;
      const kept = await fetch(`${first.url}/docs/${id}/body`, { method: 'PUT', body: 'kept text' });
      expect(kept.status).toBe(201);
      // The state a kill between the file and its record leaves behind.
      const orphan = Buffer.from('orphan text');
      const sha = createHash('sha256').update(orphan).digest('hex');
      const staged = await blobs().stage(once(orphan));
      await blobs().commit(staged, sha);
      await first.store.kv.set('file-claims', sha, `${host}.${deadPid}.claim`, 3_600_000);
      if (driver === 'fs') writeFileSync(join(files, '.staging', `${host}.${deadPid}.abcdef`), 'half');
      else await blobs().stage(once(Buffer.from('half'))); // this process's: kept until it ends
      expect((await blobs().list()).map((b) => b.sha256)).toContain(sha);
      await new Promise((r) => setTimeout(r, 5));
      await first.close();

      const second = await startServer({ db: getDb(), yaml });
      try {
        const left = (driver === 'fs' ? new FsBlobStore(files) : second.store.blobs!).list();
        expect((await left).map((b) => b.sha256)).not.toContain(sha);
        expect((await left).length).toBe(1);
        if (driver === 'fs') expect(readdirSync(join(files, '.staging'))).toEqual([]);
        const got = await fetch(`${second.url}/docs/${id}/body`);
        expect(got.status).toBe(200);
        expect(got.headers.get('content-type')).toBe('text/plain');
        expect(await got.text()).toBe('kept text');
      } finally {
        await second.close();
      }
    });
  });

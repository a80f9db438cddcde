/**
 * docs/files.md, atomicity under a real kill (issue 15): uploads run concurrently against
 * `verbo serve`, which is SIGKILLed mid-stream; after a restart no record shows a file it cannot
 * serve whole, every acknowledged upload is there, and no stored file is left that no record
 * references. SQLite with the fs driver, PostgreSQL with the database driver (files-recovery.test.ts
 * covers every store × driver pair on a constructed crash state).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/store/files/fs-blob-store.js';
import { serveCli } from '../support/cli-harness.js';
import { startServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-files-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describeEachStore('files: SIGKILL during uploads', (target, getDb) => {
  const driver = target.name === 'sqlite' ? 'fs' : 'database';
  it(`(driver ${driver}) no half-visible file, no lost acknowledged upload, no orphan after restart`, async () => {
    const files = join(dir, target.name);
    const yaml = `
storage: { files: { driver: ${driver}, dir: ${JSON.stringify(files)} } }
resources:
  docs:
    fields:
      title: { type: string, required: true }
      body: { type: file, maxSize: 1MB }
`;
    const config = join(dir, `${target.name}.yaml`);
    writeFileSync(config, yaml);
    const first = await serveCli([config, '--db', getDb(), '--log-level', 'silent']);
    const acked = new Map<string, string>(); // title → sha256 of what was sent
    let killed = false;
    let sent = 0;
    const uploader = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const bytes = randomBytes(64 * 1024 + Math.floor(Math.random() * 128 * 1024));
        const title = `w${w}-${i}`;
        const form = new FormData();
        form.set('record', new Blob([JSON.stringify({ title })], { type: 'application/json' }));
        form.set('body', new Blob([bytes], { type: 'application/octet-stream' }), `${title}.bin`);
        sent++;
        try {
          const res = await fetch(`${first.url}/docs`, { method: 'POST', body: form });
          if (res.status === 201) acked.set(title, sha(bytes));
          else if (!killed) throw new Error(`upload ${title}: ${res.status} ${await res.text()}`);
        } catch (e) {
          if (!killed) throw e;
        }
      }
    };
    const uploads = Promise.all(Array.from({ length: 6 }, (_, w) => uploader(w)));
    const started = Date.now();
    while (acked.size < 30 && Date.now() - started < 4000) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    killed = true;
    expect(await first.exited).toBeNull();
    await uploads;
    expect(acked.size).toBeGreaterThan(0);

    const second = await startServer({ db: getDb(), yaml });
    try {
      const records: { id: number; title: string; body: { sha256: string } | null }[] = [];
      for (let cursor = '/docs?limit=100'; cursor; ) {
        const res = await second.request('GET', cursor);
        expect(res.status, res.text).toBe(200);
        records.push(...res.json);
        cursor = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? '';
      }
      const byTitle = new Map(records.map((r) => [r.title, r]));
      for (const [title, hash] of acked) expect(byTitle.get(title)?.body?.sha256, title).toBe(hash);
      // Every record's file downloads whole: its bytes hash to what the record says.
      for (const r of records) {
        expect(r.body, r.title).not.toBeNull();
        const got = await fetch(`${second.url}/docs/${r.id}/body`);
        expect(got.status, r.title).toBe(200);
        expect(sha(new Uint8Array(await got.arrayBuffer())), r.title).toBe(r.body!.sha256);
      }
      // No orphan: the stored files are exactly those the records reference.
      const blobs = driver === 'fs' ? new FsBlobStore(files) : second.store.blobs!;
      const stored = (await blobs.list()).map((b) => b.sha256).sort();
      expect(stored).toEqual([...new Set(records.map((r) => r.body!.sha256))].sort());
      console.log(
        `[files-crash ${target.name}/${driver}] ${sent} uploads sent, ${acked.size} acknowledged, ${records.length} records after restart, ${stored.length} files stored`,
      );
    } finally {
      await second.close();
    }
  }, 60_000);
});

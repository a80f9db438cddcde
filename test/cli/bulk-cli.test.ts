/**
 * docs/bulk.md from the command line: `verbo import db.json --from json-server` on the db.json of
 * json-server's own documentation (its README's example), an export → import round trip that
 * gives an equal table, and an export into a pipe whose reader lags or leaves, on both stores.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import { CLI, runCli } from '../support/cli-harness.js';
import { CRM_CONFIG } from '../support/http-harness.js';
import { describeEachStore, storeTargets } from '../support/store-targets.js';

/** json-server's README: "Create a db.json or db.json5 file" (v1), verbatim. */
const DB_JSON = `{
  "posts": [
    { "id": "1", "title": "a title", "views": 100 },
    { "id": "2", "title": "another title", "views": 200 }
  ],
  "comments": [
    { "id": "1", "text": "a comment about post 1", "postId": "1" },
    { "id": "2", "text": "another comment about post 1", "postId": "1" }
  ],
  "profile": {
    "name": "typicode"
  }
}
`;

const CONFIG = `
resources:
  comments:
    fields:
      text: { type: string, required: true }
      postId: { type: reference, to: posts, required: true }
  posts:
    fields:
      title: { type: string, required: true }
      views: integer
`;

const byId = { where: [], sort: [{ field: 'id', desc: false }] };

describeEachStore('verbo import / export', (target, getDb) => {
  const dir = mkdtempSync(join(tmpdir(), 'verbo-bulk-cli-'));
  /** A fresh, empty database of this store's kind. */
  const fresher = () => storeTargets.find((t) => t.name === target.name)!.create();

  it('imports json-server’s own example db.json: ids kept, references after their targets, the singular resource reported', async () => {
    writeFileSync(join(dir, 'db.json'), DB_JSON);
    writeFileSync(join(dir, 'verbo.yaml'), CONFIG);
    const fresh = await fresher();
    const db = fresh.db;
    const r = runCli([
      'import',
      join(dir, 'db.json'),
      '--from',
      'json-server',
      '--config',
      join(dir, 'verbo.yaml'),
      '--db',
      db,
    ]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/profile/);
    const model = buildModel(parseConfigText(CONFIG, 'verbo.yaml'));
    const store = await openStore(db);
    try {
      await store.sync(model);
      const posts = await store.list(model.byName.get('posts')!, byId);
      expect(posts.map((p) => [p.id, p.title, p.views])).toEqual([
        [1, 'a title', 100],
        [2, 'another title', 200],
      ]);
      const comments = await store.list(model.byName.get('comments')!, byId);
      expect(comments.map((c) => [c.id, c.postId])).toEqual([
        [1, 1],
        [2, 1],
      ]);
    } finally {
      await store.close();
      await fresh.cleanup();
    }
  });

  it('export then import into an empty database gives an equal table', async () => {
    const model = buildModel(parseConfigText(readFileSync(CRM_CONFIG, 'utf8'), 'verbo.yaml'));
    const customers = model.byName.get('customers')!;
    const source = await openStore(getDb());
    try {
      await source.sync(model);
      for (let i = 0; i < 250; i++)
        await source.insert(customers, {
          name: `Round ${i} "quoted", with a comma\nand a line`,
          email: `round-${i}@example.com`,
          status: ['lead', 'active', 'churned'][i % 3],
          tags: i % 2 ? ['a', { nested: i }] : null,
          phone: i % 5 ? null : '+34 600',
        });
    } finally {
      await source.close();
    }
    const exported = runCli([
      'export',
      'customers',
      '--format',
      'ndjson',
      '--config',
      CRM_CONFIG,
      '--db',
      getDb(),
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const file = join(dir, 'customers.ndjson');
    writeFileSync(file, exported.stdout);
    // The other database: a fresh one of the same kind.
    const other = await fresher();
    try {
      const imported = runCli([
        'import',
        file,
        '--resource',
        'customers',
        '--config',
        CRM_CONFIG,
        '--db',
        other.db,
      ]);
      expect(imported.code, `${imported.stdout}\n${imported.stderr}`).toBe(0);
      const [a, b] = [await openStore(getDb()), await openStore(other.db)];
      try {
        await a.sync(model);
        await b.sync(model);
        const strip = (rows: Record<string, unknown>[]) => rows.map(({ _version, ...rest }) => rest);
        const left = strip(await a.list(customers, byId));
        expect(left.length).toBeGreaterThanOrEqual(250);
        expect(strip(await b.list(customers, byId))).toEqual(left);
      } finally {
        await a.close();
        await b.close();
      }
    } finally {
      await other.cleanup();
    }
  }, 60_000);

  it('export into a pipe whose reader lags: every line arrives, exit 0; a reader that leaves early: exit 0', async () => {
    const model = buildModel(parseConfigText(readFileSync(CRM_CONFIG, 'utf8'), 'verbo.yaml'));
    const customers = model.byName.get('customers')!;
    const source = await openStore(getDb());
    try {
      await source.sync(model);
      const rows = Array.from({ length: 3000 }, (_, i) => ({
        name: `Piped ${i} ${'x'.repeat(100)}`,
        email: `piped-${i}@example.com`,
      }));
      for (let i = 0; i < rows.length; i += 500) await source.insertMany(customers, rows.slice(i, i + 500));
    } finally {
      await source.close();
    }
    const args = ['export', 'customers', '--format', 'csv', '--config', CRM_CONFIG, '--db', getDb()];
    // Far more than a pipe holds (64 KiB), read with pauses: the writer finds the pipe full again and again.
    const lagging = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let stderr = '';
    lagging.stderr.on('data', (d) => {
      stderr += d;
    });
    lagging.stdout.setEncoding('utf8');
    lagging.stdout.on('data', (d: string) => {
      text += d;
      lagging.stdout.pause();
      setTimeout(() => lagging.stdout.resume(), 5);
    });
    const code = await new Promise((resolve) => lagging.on('close', resolve));
    expect(code, stderr).toBe(0);
    expect(text.length).toBeGreaterThan(300_000);
    const piped = text.split('\r\n').filter((line) => /,piped-\d+@example\.com,/.test(line));
    expect(piped).toHaveLength(3000);
    // A reader that stops after the first chunk (`| head -1`).
    const leaving = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    leaving.stdout.once('data', () => leaving.stdout.destroy());
    expect(await new Promise((resolve) => leaving.on('close', resolve))).toBe(0);
  }, 60_000);
});

/**
 * Writes that arrive together are committed together on SQLite (store/sqlite/group-commit.ts): each
 * still gets its own answer — 201 with its Location, ETag and record, or its own 409; a PATCH its
 * own 200 or its 412 — its own change-log entry, and its own afterCommit call; idempotency keys
 * still replay.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type AuthServer, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const HOOKS = `
export const leads = {
  afterCommit(ctx) {
    globalThis.__verboConcurrentCalls.push([ctx.operation, ctx.record.id, ctx.record.email, ctx.record.name]);
  },
};
`;

declare global {
  // biome-ignore lint/suspicious/noExplicitAny: the hooks module records its calls here
  var __verboConcurrentCalls: any[];
}

describeEachStore('concurrent writes', (_target, getDb) => {
  let s: AuthServer;
  let dir: string;
  beforeAll(async () => {
    globalThis.__verboConcurrentCalls = [];
    dir = mkdtempSync(join(tmpdir(), 'verbo-concurrent-'));
    const file = join(dir, 'hooks.mjs');
    writeFileSync(file, HOOKS);
    s = await startAuthServer({
      db: getDb(),
      yaml: `
name: concurrent
hooks: ${JSON.stringify(file)}
resources:
  leads:
    fields:
      name: { type: string, required: true, search: true }
      email: { type: email, required: true, unique: true }
      tags: json
`,
    });
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('30 at once: each its own 201 (or its own 409), Location, ETag, record, log entry and afterCommit', async () => {
    const after = (await s.store.changes.bounds()).last;
    const emails = Array.from({ length: 30 }, (_, i) => `lead${i === 17 ? 3 : i}@example.com`);
    const answers = await Promise.all(
      emails.map((email, i) =>
        s.request('POST', '/leads', { body: { name: `Lead ${i}`, email, tags: [i] } }),
      ),
    );
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(1);
    expectEnvelope(refused[0], 409, 'UNIQUE_VIOLATION');
    const made = answers.filter((a) => a.status === 201);
    expect(new Set(made.map((a) => a.json.id)).size).toBe(29);
    for (const a of made) {
      expect(a.headers.get('location')).toBe(`/leads/${a.json.id}`);
      const read = await s.request('GET', `/leads/${a.json.id}`);
      expect(read.json).toEqual(a.json);
      expect(read.headers.get('etag')).toBe(a.headers.get('etag'));
      expect(read.headers.get('last-modified')).toBe(a.headers.get('last-modified'));
    }
    const log = await s.store.changes.read(after, 100);
    expect(log.map((e) => [e.kind, e.id]).sort((x, y) => Number(x[1]) - Number(y[1]))).toEqual(
      made.map((a) => ['created', a.json.id]).sort((x, y) => Number(x[1]) - Number(y[1])),
    );
    await vi.waitFor(() => expect(globalThis.__verboConcurrentCalls).toHaveLength(29));
    expect(new Set(globalThis.__verboConcurrentCalls.map((c) => `${c[0]} ${c[1]} ${c[2]}`))).toEqual(
      new Set(made.map((a) => `create ${a.json.id} ${a.json.email}`)),
    );
  });

  it('concurrent retries of one Idempotency-Key: one record, the others replay it or wait (409)', async () => {
    const key = { 'idempotency-key': '"concurrent-1"' };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        s.request('POST', '/leads', { headers: key, body: { name: 'Once', email: 'once@example.com' } }),
      ),
    );
    const made = answers.filter((a) => a.status === 201);
    expect(made.length).toBeGreaterThanOrEqual(1);
    expect(new Set(made.map((a) => a.json.id)).size).toBe(1);
    for (const a of answers.filter((x) => x.status !== 201)) expectEnvelope(a, 409, 'REQUEST_IN_PROGRESS');
    const list = await s.request('GET', '/leads?email=once@example.com');
    expect(list.json).toHaveLength(1);
  });

  it('20 PATCHes of one record at once, each with If-Match of the first version: one 200, the rest 412', async () => {
    const made = await s.request('POST', '/leads', { body: { name: 'Race', email: 'race@example.com' } });
    expect(made.status).toBe(201);
    const url = `/leads/${made.json.id}`;
    const etag = made.headers.get('etag')!;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.request('PATCH', url, {
          headers: { 'if-match': etag, 'content-type': 'application/merge-patch+json' },
          body: { name: `Race ${i}` },
        }),
      ),
    );
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200)) expectEnvelope(a, 412, 'PRECONDITION_FAILED');
    const read = await s.request('GET', url);
    expect(read.json).toEqual(won[0].json);
    // Version 2: no second write went through.
    expect(read.headers.get('etag')).toMatch(/^"2-/);
    expect(read.headers.get('etag')).toBe(won[0].headers.get('etag'));
  });

  it('PATCHes of many records at once: each its own 200 (or 422), change-log entry and afterCommit', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      const made = await s.request('POST', '/leads', { body: { name: `P${i}`, email: `p${i}@example.com` } });
      ids.push(made.json.id);
    }
    const after = (await s.store.changes.bounds()).last;
    globalThis.__verboConcurrentCalls.length = 0;
    const answers = await Promise.all(
      ids.map((id, i) =>
        s.request('PATCH', `/leads/${id}`, {
          headers: { 'content-type': 'application/merge-patch+json' },
          // One of them breaks the schema: refused alone.
          body: i === 5 ? { email: 'not an email' } : { name: `Patched ${i}` },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(ids.map((_, i) => (i === 5 ? 422 : 200)));
    for (const [i, a] of answers.entries()) {
      if (i === 5) continue;
      expect(a.json).toMatchObject({ id: ids[i], name: `Patched ${i}`, email: `p${i}@example.com` });
      expect((await s.request('GET', `/leads/${ids[i]}`)).json).toEqual(a.json);
    }
    const log = await s.store.changes.read(after, 100);
    expect(log.map((e) => `${e.kind} ${e.id}`).sort()).toEqual(
      ids
        .filter((_, i) => i !== 5)
        .map((id) => `updated ${id}`)
        .sort(),
    );
    await vi.waitFor(() => expect(globalThis.__verboConcurrentCalls).toHaveLength(11));
    expect(new Set(globalThis.__verboConcurrentCalls.map((c) => `${c[0]} ${c[1]} ${c[3]}`))).toEqual(
      new Set(ids.flatMap((id, i) => (i === 5 ? [] : [`update ${id} Patched ${i}`]))),
    );
  });
});

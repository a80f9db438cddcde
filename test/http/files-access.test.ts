/** A file follows its record's access rules (docs/files.md): owner-scoped records' files are 404 to others, 401 to nobody. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuthServer, addUser, signIn, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const dir = mkdtempSync(join(tmpdir(), 'verbo-files-access-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEachStore('files: access', (target, getDb) => {
  let s: AuthServer;
  const who: Record<'ann' | 'bob', { cookie: string }> = {} as never;
  beforeAll(async () => {
    s = await startAuthServer({
      db: getDb(),
      yaml: `
auth: { registration: closed }
storage: { files: { dir: ${JSON.stringify(join(dir, target.name))} } }
resources:
  docs:
    access: { read: owner, write: owner }
    fields: { title: string, body: { type: file } }
`,
    });
    for (const name of ['ann', 'bob'] as const) {
      await addUser(s, `${name}@example.com`, `${name}-password-123`);
      who[name] = await signIn(s, `${name}@example.com`, `${name}-password-123`);
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the owner uploads and downloads; another caller gets 404, nobody 401; nothing changes', async () => {
    const { id } = (await s.request('POST', '/docs', { headers: who.ann, body: { title: 'mine' } })).json;
    const path = `/docs/${id}/body`;
    const put = await fetch(s.url + path, { method: 'PUT', headers: who.ann, body: 'secret text' });
    expect(put.status).toBe(201);
    expect(await (await fetch(s.url + path, { headers: who.ann })).text()).toBe('secret text');
    expectEnvelope(await s.request('GET', path), 401, 'UNAUTHENTICATED');
    expectEnvelope(await s.request('GET', path, { headers: who.bob }), 404, 'RECORD_NOT_FOUND');
    const overwrite = await fetch(s.url + path, { method: 'PUT', headers: who.bob, body: 'mine now' });
    expect(overwrite.status).toBe(404);
    expectEnvelope(await s.request('DELETE', path, { headers: who.bob }), 404, 'RECORD_NOT_FOUND');
    expectEnvelope(await s.request('DELETE', path), 401, 'UNAUTHENTICATED');
    expect(await (await fetch(s.url + path, { headers: who.ann })).text()).toBe('secret text');
  });
});

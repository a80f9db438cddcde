/** The change log names who wrote each change over HTTP: the signed-in caller of the request (store/changes/write-context.ts). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuthServer, addUser, notesYaml, signIn, startAuthServer } from '../support/auth-harness.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('change log: the writer of each HTTP write', (_target, getDb) => {
  let s: AuthServer;
  let ann: { cookie: string };
  let annId: unknown;
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: notesYaml('{ registration: closed }') });
    annId = (await addUser(s, 'ann@example.com', 'writer-suite password 1')).id;
    ann = await signIn(s, 'ann@example.com', 'writer-suite password 1');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('POST, PATCH and DELETE by a signed-in user are logged under user:<id>, after the body was read', async () => {
    const before = (await s.store.changes.read(0, 10_000)).length;
    const made = await s.request('POST', '/notes', { headers: ann, body: { text: 'one' } });
    expect(made.status).toBe(201);
    const id = made.json.id;
    const patched = await s.request('PATCH', `/notes/${id}`, {
      headers: { ...ann, 'content-type': 'application/merge-patch+json' },
      body: { text: 'two' },
    });
    expect(patched.status).toBe(200);
    expect((await s.request('DELETE', `/notes/${id}`, { headers: ann })).status).toBe(204);
    const mine = (await s.store.changes.read(0, 10_000)).slice(before);
    expect(mine.map((e) => [e.kind, e.caller])).toEqual([
      ['created', `user:${annId}`],
      ['updated', `user:${annId}`],
      ['deleted', `user:${annId}`],
    ]);
  });
});

/**
 * docs/realtime.md with an access expression (docs/auth.md#expressions): a resumed stream is not
 * told of the deletion of a record the rule hides from its caller (it cannot check a deleted
 * record, so it says nothing), while the records it may see arrive as usual.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuthServer, addUser, signIn, startAuthServer } from '../support/auth-harness.js';
import { kinds, openSse, type SseEvent } from '../support/sse-client.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
auth: { registration: closed }
resources:
  deals:
    access:
      read: "record.stage != 'secret' || 'sales' in caller.roles"
      write: authenticated
    fields:
      stage: { type: enum, values: [open, secret], required: true }
`;

describeEachStore('change streams: access expressions', (_target, getDb) => {
  let s: AuthServer;
  let ann: { cookie: string };
  let sam: { cookie: string };
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: YAML });
    await addUser(s, 'ann@example.com', 'ann password 1');
    await addUser(s, 'sam@example.com', 'sam password 1', ['sales']);
    ann = await signIn(s, 'ann@example.com', 'ann password 1');
    sam = await signIn(s, 'sam@example.com', 'sam password 1');
  });
  afterAll(() => s?.close());

  it('a resumed stream hears nothing of a hidden record, not even its deletion', async () => {
    const first = await openSse(`${s.url}/deals`, ann);
    const ready = await first.until((es: SseEvent[]) => es.some((e) => e.event === 'ready'));
    first.close();
    const from = ready.find((e) => e.event === 'ready')!.id!;
    const secret = await s.request('POST', '/deals', { headers: sam, body: { stage: 'secret' } });
    expect(secret.status, secret.text).toBe(201);
    expect((await s.request('DELETE', `/deals/${secret.json.id}`, { headers: sam })).status).toBe(204);
    const resumed = await openSse(`${s.url}/deals`, { ...ann, 'last-event-id': from });
    try {
      const open = await s.request('POST', '/deals', { headers: sam, body: { stage: 'open' } });
      expect(open.status).toBe(201);
      const events = await resumed.until((es) => kinds(es).includes(`created ${open.json.id}`));
      const shown = kinds(events.filter((e) => e.event !== ':'));
      expect(shown).toEqual([`created ${open.json.id}`]);
      expect(JSON.stringify(events)).not.toContain(`"id":${secret.json.id}`);
    } finally {
      resumed.close();
    }
  });
});

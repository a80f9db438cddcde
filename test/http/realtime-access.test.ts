/**
 * Change streams under access rules (docs/realtime.md, issue 17) on every store: owner rows stay
 * private on a stream, a revoked token or an ended session closes its stream within 5 s with a
 * final `event: error` carrying the envelope, and the per-caller limit answers 429.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type AuthServer, addUser, bearer, signIn, startAuthServer } from '../support/auth-harness.js';
import { kinds, openSse, type SseEvent, type SseStream } from '../support/sse-client.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
auth: { registration: closed }
realtime: { maxStreamsPerCaller: 2 }
resources:
  notes:
    access: { read: owner, write: owner }
    fields:
      text: { type: string, required: true }
`;

const ready = (es: SseEvent[]) => es.some((e) => e.event === 'ready');
const dataEvents = (es: SseEvent[]) => es.filter((e) => e.event !== ':');

describeEachStore('change streams: access', (_target, getDb) => {
  let s: AuthServer;
  let ann: { cookie: string };
  let bob: { cookie: string };
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: YAML });
    await addUser(s, 'ann@example.com', 'ann password 1');
    await addUser(s, 'bob@example.com', 'bob password 1');
    ann = await signIn(s, 'ann@example.com', 'ann password 1');
    bob = await signIn(s, 'bob@example.com', 'bob password 1');
  });
  afterAll(() => s?.close());
  /** Every stream a test opens is closed after it, whatever it asserted. */
  const opened: SseStream[] = [];
  const track = async (p: Promise<SseStream>) => {
    const stream = await p;
    opened.push(stream);
    return stream;
  };
  afterEach(() => {
    for (const x of opened.splice(0)) x.close();
  });
  const note = async (who: Record<string, string>, text: string) => {
    const res = await s.request('POST', '/notes', { headers: who, body: { text } });
    expect(res.status, res.text).toBe(201);
    return res.json;
  };

  it('owner rows stay private: another user’s stream shows none of them, snapshot or live', async () => {
    const old = await note(ann, 'ann before');
    const annStream = await track(openSse(`${s.url}/notes?snapshot=true`, ann));
    const bobStream = await track(openSse(`${s.url}/notes?snapshot=true`, bob));
    await Promise.all([annStream.until(ready), bobStream.until(ready)]);
    const a = await note(ann, 'ann live');
    await s.request('PATCH', `/notes/${a.id}`, {
      headers: { ...ann, 'content-type': 'application/merge-patch+json' },
      body: { text: 'ann edited' },
    });
    const b = await note(bob, 'bob live');
    await s.request('DELETE', `/notes/${a.id}`, { headers: ann });
    // Bob's own note arriving last proves his stream is past every one of Ann's changes.
    const bobEvents = await bobStream.until((es) => kinds(es).includes(`created ${b.id}`));
    expect(kinds(dataEvents(bobEvents))).toEqual(['ready', `created ${b.id}`]);
    expect(JSON.stringify(bobEvents)).not.toContain('ann');
    const annEvents = await annStream.until((es) => kinds(es).includes(`deleted ${a.id}`));
    expect(kinds(dataEvents(annEvents))).toEqual([
      `snapshot ${old.id}`,
      'ready',
      `created ${a.id}`,
      `updated ${a.id}`,
      `deleted ${a.id}`,
    ]);
    // Following one of Ann's records by id: Bob is told it does not exist.
    const peek = await track(openSse(`${s.url}/notes/${old.id}`, bob));
    expect(peek.status).toBe(404);
    // Resuming from before Ann's changes shows Bob nothing of them either (not even the deletion).
    const from = bobEvents.find((e) => e.event === 'ready')!.id!;
    const resumed = await track(openSse(`${s.url}/notes`, { ...bob, 'last-event-id': from }));
    const c = await note(bob, 'bob again');
    const again = await resumed.until((es) => kinds(es).includes(`created ${c.id}`));
    expect(kinds(dataEvents(again))).toEqual([`created ${b.id}`, `created ${c.id}`]);
    for (const x of [annStream, bobStream, resumed]) x.close();
  });

  it('a revoked token closes its stream within 5 s with a final event: error carrying the envelope', async () => {
    const made = await s.request('POST', '/auth/tokens', { headers: ann, body: { name: 'stream' } });
    expect(made.status).toBe(201);
    const stream = await track(openSse(`${s.url}/notes`, bearer(made.json.token)));
    await stream.until(ready);
    expect((await s.request('DELETE', `/auth/tokens/${made.json.id}`, { headers: ann })).status).toBe(204);
    const revoked = Date.now();
    await stream.ended;
    expect(Date.now() - revoked).toBeLessThan(5000);
    const last = dataEvents(stream.events).at(-1)!;
    expect(last.event).toBe('error');
    expect(Array.isArray(last.data)).toBe(true);
    expect(last.data[0]).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    expect(typeof last.data[0].userMessage).toBe('string');
    expect(typeof last.data[0].traceId).toBe('string');
  });

  it('an ended session closes its stream the same way', async () => {
    const session = await signIn(s, 'bob@example.com', 'bob password 1');
    const stream = await track(openSse(`${s.url}/notes`, session));
    await stream.until(ready);
    const out = await s.request('POST', '/auth/logout', { headers: session });
    expect(out.status).toBeLessThan(300);
    const ended = Date.now();
    await stream.ended;
    expect(Date.now() - ended).toBeLessThan(5000);
    const last = dataEvents(stream.events).at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data[0]).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('over the per-caller limit → 429 TOO_MANY_STREAMS with the envelope; other callers unaffected', async () => {
    const first = await track(openSse(`${s.url}/notes`, ann));
    const second = await track(openSse(`${s.url}/notes`, ann));
    await Promise.all([first.until(ready), second.until(ready)]);
    const third = await track(openSse(`${s.url}/notes`, ann));
    expect(third.status).toBe(429);
    expect(third.headers.get('content-type')).toMatch(/^application\/json/);
    expect(third.body[0]).toMatchObject({ status: 429, code: 'TOO_MANY_STREAMS' });
    expect(third.body[0].traceId).toBe(third.headers.get('x-trace-id'));
    const other = await track(openSse(`${s.url}/notes`, bob));
    expect(other.status).toBe(200);
    other.close();
    first.close();
    // Once a stream closes its slot is free again.
    let fourth = await track(openSse(`${s.url}/notes`, ann));
    for (let i = 0; fourth.status === 429 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 50));
      fourth = await track(openSse(`${s.url}/notes`, ann));
    }
    expect(fourth.status).toBe(200);
    fourth.close();
    second.close();
  });
});

/**
 * Change streams across processes (docs/realtime.md, issue 17), through the built CLI on every
 * store: resume by Last-Event-ID after the server is killed (SIGKILL) and restarted on the same
 * database, two instances on one database, and `--workers 2` seeing each other's writes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Served, serveCli } from '../support/cli-harness.js';
import { kinds, openSse, type SseEvent, type SseStream } from '../support/sse-client.js';
import { describeEachStore } from '../support/store-targets.js';

const CONFIG = join(mkdtempSync(join(tmpdir(), 'verbo-rt-')), 'verbo.yaml');
writeFileSync(
  CONFIG,
  `resources:
  customers:
    fields:
      name: { type: string, required: true }
`,
);

const ready = (es: SseEvent[]) => es.some((e) => e.event === 'ready');
const live = (es: SseEvent[]) => kinds(es.filter((e) => !['ready', 'snapshot'].includes(e.event)));

describeEachStore('change streams across processes', (_target, getDb) => {
  const running: Served[] = [];
  const streams: SseStream[] = [];
  const serve = async (...args: string[]) => {
    const s = await serveCli([CONFIG, '--db', getDb(), '--log-level', 'warn', ...args]);
    running.push(s);
    return s;
  };
  const watch = async (url: string, headers: Record<string, string> = {}) => {
    const s = await openSse(`${url}/customers`, headers);
    streams.push(s);
    // A fresh stream says `ready`; a resumed one goes straight on with the changes after its id.
    if (!headers['last-event-id']) await s.until(ready, 15_000);
    return s;
  };
  const post = async (url: string, name: string) => {
    const res = await fetch(`${url}/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ name }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: number };
  };
  beforeAll(() => {
    expect(getDb()).toBeTruthy();
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    for (const s of running) s.child.kill('SIGKILL');
    await Promise.all(running.map((s) => s.exited));
  });

  it('resumes by Last-Event-ID after the server is killed and restarted: nothing lost, nothing twice', async () => {
    const a = await serve();
    const stream = await watch(a.url);
    const x = await post(a.url, 'x');
    const y = await post(a.url, 'y');
    const seen = await stream.until((es) => live(es).includes(`created ${y.id}`));
    const lastId = seen.find((e) => e.event === 'created' && e.data.id === y.id)!.id!;
    // Committed, then the process dies before (maybe) telling anyone.
    const z = await post(a.url, 'z');
    a.child.kill('SIGKILL');
    await a.exited;
    await stream.ended;
    expect(live(stream.events).slice(0, 2)).toEqual([`created ${x.id}`, `created ${y.id}`]);

    const b = await serve();
    const w = await post(b.url, 'w');
    const resumed = await watch(b.url, { 'last-event-id': lastId });
    const events = await resumed.until((es) => live(es).includes(`created ${w.id}`));
    expect(live(events)).toEqual([`created ${z.id}`, `created ${w.id}`]);
    const ids = events.filter((e) => e.event === 'created').map((e) => Number(e.id));
    expect(ids[0]).toBeGreaterThan(Number(lastId));
    expect(ids[1]).toBeGreaterThan(ids[0]);
    b.child.kill('SIGKILL');
    await b.exited;
  }, 90_000);

  it('two instances on one database see each other’s writes', async () => {
    const [a, b] = await Promise.all([serve(), serve()]);
    const [onA, onB] = await Promise.all([watch(a.url), watch(b.url)]);
    const viaB = await post(b.url, 'via b');
    const viaA = await post(a.url, 'via a');
    for (const s of [onA, onB]) {
      const events = await s.until(
        (es) => live(es).includes(`created ${viaA.id}`) && live(es).includes(`created ${viaB.id}`),
      );
      expect(live(events)).toEqual([`created ${viaB.id}`, `created ${viaA.id}`]);
    }
    for (const s of [a, b]) s.child.kill('SIGKILL');
    await Promise.all([a.exited, b.exited]);
  }, 90_000);

  it('--workers 2: a stream on either worker sees writes made through the other', async () => {
    const cluster = await serve('--workers', '2');
    // New connections go to the workers in turn: the streams land on both, and so do the writes.
    const first = await watch(cluster.url);
    const second = await watch(cluster.url);
    const p = await post(cluster.url, 'p');
    const q = await post(cluster.url, 'q');
    for (const s of [first, second]) {
      const events = await s.until(
        (es) => live(es).includes(`created ${q.id}`) && live(es).includes(`created ${p.id}`),
      );
      expect(live(events)).toEqual([`created ${p.id}`, `created ${q.id}`]);
    }
    cluster.child.kill('SIGTERM');
    await cluster.exited;
  }, 90_000);
});

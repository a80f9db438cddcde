/** Change streams (docs/realtime.md) on every store: snapshot, ready, live changes, filters, resume, reset. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/http-harness.js';
import { kinds, openSse } from '../support/sse-client.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
realtime: { heartbeatSeconds: 1 }
resources:
  customers:
    fields:
      name: { type: string, required: true }
      status: { type: enum, values: [active, churned] }
      score: integer
  orders:
    fields:
      customerId: { type: reference, to: customers, onDelete: cascade }
      amount: number
`;

describeEachStore('change streams', (_target, getDb) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ db: getDb(), yaml: YAML });
  });
  afterAll(() => server.close());
  const post = async (body: object) => (await server.request('POST', '/customers', { body })).json;
  const patch = (id: unknown, body: object) =>
    server.request('PATCH', `/customers/${id}`, {
      body,
      headers: { 'content-type': 'application/merge-patch+json' },
    });

  it('opens with retry advice and snapshot then ready; JSON stays the default', async () => {
    const a = await post({ name: 'ann', status: 'active', score: 1 });
    const b = await post({ name: 'bob', status: 'active', score: 2 });
    await post({ name: 'cy', status: 'churned', score: 3 });
    const plain = await server.request('GET', '/customers?status=active');
    expect(plain.headers.get('content-type')).toContain('application/json');
    const s = await openSse(`${server.url}/customers?status=active&sort=-score&snapshot=true&fields=id,name`);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = await s.until((es) => es.some((e) => e.event === 'ready'));
    expect(kinds(events)).toEqual([`snapshot ${b.id}`, `snapshot ${a.id}`, 'ready']);
    expect(events[0].data).toEqual({ id: b.id, name: 'bob' });
    const ready = events.find((e) => e.event === 'ready')!;
    expect(Number(ready.id)).toBeGreaterThan(0);
    s.close();
  });

  it('sends created, updated and deleted, entering and leaving the filter, with increasing ids', async () => {
    const s = await openSse(`${server.url}/customers?status=active`);
    await s.until((es) => es.some((e) => e.event === 'ready'));
    const d = await post({ name: 'dee', status: 'active' });
    const e = await post({ name: 'eve', status: 'churned' });
    await patch(d.id, { score: 9 });
    await patch(d.id, { status: 'churned' }); // leaves
    await patch(e.id, { status: 'active' }); // enters
    await server.request('DELETE', `/customers/${e.id}`);
    const events = await s.until((es) => kinds(es).includes(`deleted ${e.id}`));
    const live = events.filter((x) => ['created', 'updated', 'deleted'].includes(x.event));
    expect(kinds(live)).toEqual([
      `created ${d.id}`,
      `updated ${d.id}`,
      `deleted ${d.id}`,
      `created ${e.id}`,
      `deleted ${e.id}`,
    ]);
    expect(live[1].data).toMatchObject({ id: d.id, score: 9, status: 'active' });
    expect(live[2].data).toEqual({ id: d.id });
    const ids = live.map((x) => Number(x.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    s.close();
  });

  it('follows one record at /{r}/{id}; an unknown id is 404', async () => {
    const f = await post({ name: 'fay', status: 'active' });
    const s = await openSse(`${server.url}/customers/${f.id}?snapshot=true`);
    await s.until((es) => es.some((e) => e.event === 'ready'));
    await post({ name: 'other', status: 'active' });
    await patch(f.id, { name: 'Fay' });
    await server.request('DELETE', `/customers/${f.id}`);
    const events = await s.until((es) => kinds(es).includes(`deleted ${f.id}`));
    expect(kinds(events)).toEqual([`snapshot ${f.id}`, 'ready', `updated ${f.id}`, `deleted ${f.id}`]);
    const missing = await openSse(`${server.url}/customers/999999`);
    expect(missing.status).toBe(404);
    expect(missing.body[0].code).toBe('RECORD_NOT_FOUND');
    s.close();
  });

  it('resumes after Last-Event-ID with every later change, none twice', async () => {
    const s = await openSse(`${server.url}/customers`);
    await s.until((es) => es.some((e) => e.event === 'ready'));
    const g = await post({ name: 'gus' });
    const first = await s.until((es) => kinds(es).includes(`created ${g.id}`));
    const last = first.find((e) => e.event === 'created')!.id!;
    s.close();
    await patch(g.id, { name: 'Gus' });
    const h = await post({ name: 'hal' });
    await server.request('DELETE', `/customers/${g.id}`);
    const again = await openSse(`${server.url}/customers`, { 'last-event-id': last });
    const events = await again.until((es) => kinds(es).includes(`deleted ${g.id}`));
    expect(kinds(events.filter((e) => e.event !== 'ready'))).toEqual([`created ${h.id}`, `deleted ${g.id}`]);
    again.close();
  });

  it('starts with reset when Last-Event-ID is past the retained log, then a fresh snapshot', async () => {
    await server.store.changes.prune({ maxAgeMs: 0, maxCount: 1 });
    const { first } = await server.store.changes.bounds();
    const s = await openSse(`${server.url}/customers?snapshot=true&limit=1`, {
      'last-event-id': String(first - 5),
    });
    const events = await s.until((es) => es.some((e) => e.event === 'ready'));
    expect(events.filter((e) => e.event !== ':')[0].event).toBe('reset');
    expect(events.some((e) => e.event === 'snapshot')).toBe(true);
    s.close();
    const bogus = await openSse(`${server.url}/customers`, { 'last-event-id': 'nope' });
    expect((await bogus.until((es) => es.some((e) => e.event === 'ready')))[0].event).toBe('reset');
    bogus.close();
  });

  it('the JSON answers take the documented snapshot parameter too (and ignore it)', async () => {
    const a = await post({ name: 'jo', status: 'active' });
    const list = await server.request('GET', '/customers?status=active&snapshot=true');
    expect(list.status).toBe(200);
    expect(list.json.map((c: { id: number }) => c.id)).toContain(a.id);
    expect((await server.request('GET', `/customers/${a.id}?snapshot=false`)).status).toBe(200);
    const bad = await server.request('GET', '/customers?snapshot=maybe');
    expect(bad.status).toBe(400);
    expect(bad.json[0]).toMatchObject({ code: 'INVALID_QUERY_PARAMETER', parameter: 'snapshot' });
  });

  it('sends heartbeats and refuses a bad snapshot value with the envelope', async () => {
    const s = await openSse(`${server.url}/customers`);
    await s.until((es) => es.some((e) => e.event === ':' && e.data === 'heartbeat'), 4000);
    s.close();
    const bad = await openSse(`${server.url}/customers?snapshot=maybe`);
    expect(bad.status).toBe(400);
    expect(bad.body[0]).toMatchObject({ code: 'INVALID_QUERY_PARAMETER', parameter: 'snapshot' });
  });
});

describe('change streams: shutdown', () => {
  it('app.close() ends open streams promptly', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const server = await startServer({
      db: join(mkdtempSync(join(tmpdir(), 'rt-')), 'db.sqlite'),
      yaml: YAML,
    });
    const s = await openSse(`${server.url}/customers`);
    await s.until((es) => es.some((e) => e.event === 'ready'));
    const started = Date.now();
    await server.close();
    await s.ended;
    expect(Date.now() - started).toBeLessThan(3000);
    const last = s.events.filter((e) => e.event !== ':').at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data[0].code).toBe('SERVICE_UNAVAILABLE');
  });
});

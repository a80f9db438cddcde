/**
 * A write answers after this process's streams were sent its change (docs/realtime.md, "Every
 * step"): a client that waits for each answer sees created, updated and deleted of one record, not
 * a later state folded over an earlier one, however slow the delivery. A delivery slower than the
 * wait's bound never holds the answer past it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DELIVERY_WAIT_MS } from '../../src/http/realtime/answer-after-delivery.js';
import { startServer, type TestServer } from '../support/http-harness.js';
import { kinds, openSse } from '../support/sse-client.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
resources:
  notes:
    fields:
      text: { type: string, required: true }
`;

describeEachStore('change streams: every step', (_target, getDb) => {
  let server: TestServer;
  let delay = 0;
  beforeAll(async () => {
    server = await startServer({ db: getDb(), yaml: YAML });
    // Each read of the change log takes `delay` ms more: a delivery slower than a client's writes.
    const changes = server.store.changes;
    const read = changes.read.bind(changes);
    changes.read = async (after, limit) => {
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      return read(after, limit);
    };
  });
  afterAll(() => server.close());
  const json = { 'content-type': 'application/merge-patch+json' };

  it('a client that waits for each answer sees every step, even when delivery takes 40 ms a read', async () => {
    delay = 40;
    const s = await openSse(`${server.url}/notes`);
    await s.until((es) => es.some((e) => e.event === 'ready'));
    const expected: string[] = [];
    for (let i = 0; i < 5; i++) {
      const made = await server.request('POST', '/notes', { body: { text: `note ${i}` } });
      expect(made.status).toBe(201);
      const id = made.json.id;
      const edited = await server.request('PATCH', `/notes/${id}`, {
        headers: json,
        body: { text: 'edited' },
      });
      expect(edited.status).toBe(200);
      expect((await server.request('DELETE', `/notes/${id}`)).status).toBe(204);
      expected.push(`created ${id}`, `updated ${id}`, `deleted ${id}`);
    }
    const last = expected.at(-1)!;
    const events = await s.until((es) => kinds(es).includes(last));
    const live = events.filter((e) => ['created', 'updated', 'deleted'].includes(e.event));
    expect(kinds(live)).toEqual(expected);
    expect(live.filter((e) => e.event === 'updated').every((e) => e.data.text === 'edited')).toBe(true);
    s.close();
  });

  it(`a delivery slower than ${DELIVERY_WAIT_MS} ms holds the answer no longer than that`, async () => {
    delay = 1200;
    const s = await openSse(`${server.url}/notes`);
    await s.until((es) => es.some((e) => e.event === 'ready'), 5000);
    const started = Date.now();
    const made = await server.request('POST', '/notes', { body: { text: 'slow' } });
    const took = Date.now() - started;
    expect(made.status).toBe(201);
    expect(took).toBeGreaterThanOrEqual(DELIVERY_WAIT_MS - 50);
    expect(took).toBeLessThan(delay);
    const events = await s.until((es) => kinds(es).includes(`created ${made.json.id}`), 5000);
    expect(kinds(events).at(-1)).toBe(`created ${made.json.id}`);
    s.close();
    delay = 0;
  }, 15_000);

  it('the operations of a batch do not wait (nothing of theirs is committed); the batch answers once', async () => {
    delay = 1200;
    const s = await openSse(`${server.url}/notes`);
    await s.until((es) => es.some((e) => e.event === 'ready'), 5000);
    // A write whose delivery is under way (slowly) when the batch runs.
    expect((await server.request('POST', '/notes', { body: { text: 'before' } })).status).toBe(201);
    const started = Date.now();
    const res = await server.request('POST', '/batch', {
      body: {
        operations: [
          // Not a route the batch calls itself: this and every later operation go through `inject`,
          // with the route's own hooks (a redirect is answered, and the batch goes on).
          { method: 'GET', path: '/notes/' },
          { method: 'POST', path: '/notes', body: { text: 'b1' } },
          { method: 'POST', path: '/notes', body: { text: 'b2' } },
          { method: 'POST', path: '/notes', body: { text: 'b3' } },
        ],
      },
    });
    const took = Date.now() - started;
    expect(res.status, res.text).toBe(200);
    expect(res.json.operations.map((o: { status: number }) => o.status)).toEqual([301, 201, 201, 201]);
    // Three operations each waiting for the feed would take 3 × DELIVERY_WAIT_MS at least.
    expect(took).toBeLessThan(3 * DELIVERY_WAIT_MS);
    const ids = res.json.operations.slice(1).map((o: { body: { id: unknown } }) => o.body.id);
    const events = await s.until(
      (es) => ids.every((id: unknown) => kinds(es).includes(`created ${id}`)),
      8000,
    );
    expect(kinds(events).filter((k) => ids.some((id: unknown) => k === `created ${id}`))).toHaveLength(3);
    s.close();
    delay = 0;
  }, 20_000);

  it('with no stream open a write does not wait for the feed', async () => {
    delay = 1200;
    // The previous test's stream was closed by its client: give the server a moment to see it go.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const made = await server.request('POST', '/notes', { body: { text: 'alone' } });
    expect(made.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(DELIVERY_WAIT_MS);
    delay = 0;
  });
});

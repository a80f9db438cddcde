/**
 * Change streams under load (docs/realtime.md, issue 17) on every store: a snapshot taken while
 * writes run, followed live, adds up to the final list with no gap and no duplicate; a reader that
 * stops reading is dropped once its unread bytes pass the bound.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/http-harness.js';
import { openSse } from '../support/sse-client.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
realtime: { bufferBytes: 65536 }
resources:
  items:
    fields:
      n: { type: integer, required: true }
      band: { type: enum, values: [a, b] }
      blob: string
`;

describeEachStore('change streams: load', (_target, getDb) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ db: getDb(), yaml: YAML });
  });
  afterAll(() => server?.close());

  it('snapshot then live while writes run: every record once, the end state exact, ids increasing', async () => {
    // More than one snapshot page (500), as one bulk write.
    const rows = Array.from({ length: 1200 }, (_, i) => ({ n: i, band: i % 3 ? 'a' : 'b' }));
    for (let i = 0; i < rows.length; i += 50)
      await Promise.all(rows.slice(i, i + 50).map((body) => server.request('POST', '/items', { body })));
    let writing = true;
    const writes = (async () => {
      let i = 0;
      while (writing) {
        i++;
        const id = 1 + ((i * 37) % 1200);
        if (i % 5 === 0) await server.request('DELETE', `/items/${id}`);
        else if (i % 5 === 1) await server.request('POST', '/items', { body: { n: 5000 + i, band: 'a' } });
        else
          await server.request('PATCH', `/items/${id}`, {
            body: { n: 10_000 + i, band: i % 2 ? 'a' : 'b' },
            headers: { 'content-type': 'application/merge-patch+json' },
          });
      }
      return i;
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stream = await openSse(`${server.url}/items?band=a&sort=n&snapshot=true`);
    try {
      await stream.until((es) => es.some((e) => e.event === 'ready'), 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      writing = false;
    }
    const done = await writes;
    expect(done).toBeGreaterThan(10);
    const marker = (await server.request('POST', '/items', { body: { n: -1, band: 'a' } })).json;
    await stream.until((es) => es.some((e) => e.event === 'created' && e.data.id === marker.id), 30_000);
    stream.close();

    const state = new Map<number, { n: number }>();
    let live = false;
    let lastId = 0;
    for (const e of stream.events) {
      if (e.event === ':') continue;
      if (e.event === 'ready') {
        live = true;
        lastId = Number(e.id);
        continue;
      }
      if (e.event === 'snapshot') {
        expect(live).toBe(false);
        expect(state.has(e.data.id), `snapshot ${e.data.id} twice`).toBe(false);
        state.set(e.data.id, e.data);
        continue;
      }
      expect(Number(e.id), `${e.event} ${e.data.id} after ${lastId}`).toBeGreaterThan(lastId);
      lastId = Number(e.id);
      if (e.event === 'created') {
        expect(state.has(e.data.id), `created ${e.data.id} while shown`).toBe(false);
        state.set(e.data.id, e.data);
      } else if (e.event === 'updated') {
        expect(state.has(e.data.id), `updated ${e.data.id} while not shown`).toBe(true);
        state.set(e.data.id, e.data);
      } else if (e.event === 'deleted') {
        expect(state.delete(e.data.id), `deleted ${e.data.id} while not shown`).toBe(true);
      } else throw new Error(`unexpected event ${e.event}`);
    }
    const expected = new Map<number, unknown>();
    for (let after = 0; ; ) {
      const page = await server.request('GET', `/items?band=a&sort=id&id[gt]=${after}&limit=1000`);
      expect(page.status).toBe(200);
      for (const x of page.json) expected.set(x.id, x);
      if (page.json.length < 1000) break;
      after = page.json.at(-1).id;
    }
    expect(state.size).toBe(expected.size);
    for (const [id, record] of expected) expect(state.get(id), `record ${id}`).toEqual(record);
  }, 60_000);

  it('a reader that stops reading is dropped once its unread bytes pass the bound', async () => {
    const url = new URL(`${server.url}/items?band=b`);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Not reading while 10 MB of matching changes are written: the server fills the socket's
    // buffers, passes the bound (64 KiB) and drops the stream.
    const blob = 'x'.repeat(50_000);
    for (let i = 0; i < 200; i += 10)
      await Promise.all(
        Array.from({ length: 10 }, (_, k) =>
          server.request('POST', '/items', { body: { n: 100_000 + i + k, band: 'b', blob } }),
        ),
      );
    const total = 200 * blob.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    let received = 0;
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      text = (text + chunk.toString('latin1')).slice(-4096);
    });
    socket.resume();
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`stream still open after ${received} bytes`)), 10_000);
      socket.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(total / 2);
    // The caller can open a stream again at once: the dropped one no longer counts.
    const next = await openSse(`${server.url}/items?band=a`);
    expect(next.status).toBe(200);
    next.close();
  }, 60_000);

  it('a large snapshot paces itself to a reader that reads, whatever the bound', async () => {
    const stream = await openSse(`${server.url}/items?band=b&snapshot=true`);
    const events = await stream.until((es) => es.some((e) => e.event === 'ready'), 30_000);
    expect(events.filter((e) => e.event === 'snapshot').length).toBeGreaterThan(200);
    expect(events.some((e) => e.event === 'error')).toBe(false);
    stream.close();
  }, 60_000);
});

/**
 * The read shortcut (src/http/shortcut/item-read-shortcut.ts) answers a plain anonymous GET of one
 * record below Fastify's pipeline. Each request here goes over real HTTP to two apps on the same
 * store — the shortcut on, and off — and must get the same answer: status, every header (the date
 * and a random trace id aside) and the body byte for byte. A hook on the first app counts the
 * requests its pipeline saw, which says who answered: the shortcut exactly where it may.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { Res } from '../support/http-harness.js';
import { send } from '../support/raw-http.js';
import { describeEachStore, storeTargets } from '../support/store-targets.js';

const OPEN = `
cors: { origins: ['https://app.example'], credentials: false }
resources:
  owners:
    fields: { name: string }
  items:
    fields:
      title: { type: string, required: true }
      count: integer
      price: number
      done: boolean
      due: date
      at: datetime
      stage: { type: enum, values: [open, won] }
      meta: json
      owner: { type: reference, to: owners }
      picture: { type: file, accept: [image/png] }
`;
const GUARDED = `
auth: { registration: open }
resources:
  notes:
    access: { read: public, create: authenticated }
    fields: { text: string }
  secrets:
    access: { read: authenticated, create: authenticated }
    fields: { text: string }
`;

interface Variant {
  name: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** Whether the shortcut answers (else the pipeline does). */
  shortcut: boolean;
}

/** Two listening apps on one store: the shortcut on (`fast`), off (`reference`). */
async function pair(store: Store, yaml: string) {
  const model = buildModel(parseConfigText(yaml, 'verbo.yaml'));
  await store.sync(model);
  const fast = await buildApp({ model, store });
  const reference = await buildApp({ model, store, readShortcut: false });
  let seen = 0;
  fast.addHook('onResponse', (_req, _reply, done) => {
    seen++;
    done();
  });
  const fastUrl = await fast.listen({ port: 0, host: '127.0.0.1' });
  const referenceUrl = await reference.listen({ port: 0, host: '127.0.0.1' });
  return {
    reference,
    fastUrl,
    seen: () => seen,
    async both(v: Variant): Promise<[Res, Res]> {
      const r = { method: v.method ?? 'GET', path: v.path, headers: { ...v.headers } };
      return [await send(fastUrl, r), await send(referenceUrl, r)];
    },
    async close() {
      await fast.close();
      await reference.close();
    },
  };
}

type Pair = Awaited<ReturnType<typeof pair>>;

/** POSTs a record through the reference app: 201 or the test fails. */
async function create(p: Pair, url: string, payload: Record<string, unknown>): Promise<void> {
  const made = await p.reference.inject({ method: 'POST', url, payload });
  expect(made.statusCode, made.body).toBe(201);
}

/** Status, headers and body, minus what differs between any two responses: the date, a random trace id. */
function comparable(res: Res, keepTraceId: boolean) {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name === 'date' || (name === 'x-trace-id' && !keepTraceId)) return;
    headers[name] = value;
  });
  const traceId = res.headers.get('x-trace-id');
  const body = keepTraceId || !traceId ? res.text : res.text.replaceAll(traceId, 'TRACE-ID');
  return { status: res.status, headers, body };
}

async function expectSameAnswers(p: Pair, variants: Variant[]) {
  for (const v of variants) {
    const before = p.seen();
    const [fast, reference] = await p.both(v);
    const echoed = Boolean(v.headers?.['x-request-id'] || v.headers?.traceparent);
    expect(comparable(fast, echoed), v.name).toEqual(comparable(reference, echoed));
    expect(fast.headers.get('x-trace-id'), v.name).toMatch(echoed ? /./ : /^[0-9a-f]{32}$/);
    expect(p.seen() - before, `${v.name}: answered by the ${v.shortcut ? 'shortcut' : 'pipeline'}`).toBe(
      v.shortcut ? 0 : 1,
    );
  }
}

describeEachStore('read shortcut: the same answers as the pipeline', (_target, getDb) => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(getDb());
  });
  afterAll(async () => {
    await store.close();
  });
  /** Two apps on the block's store for `yaml`, seeded once, closed after the block. */
  const usePair = (yaml: string, seed: (p: Pair) => Promise<void>): (() => Pair) => {
    let made: Pair | undefined;
    beforeAll(async () => {
      made = await pair(store, yaml);
      await seed(made);
    });
    afterAll(async () => {
      await made?.close();
    });
    return () => made!;
  };

  describe('without auth, with CORS', () => {
    const pairOf = usePair(OPEN, async (p) => {
      await create(p, '/owners', { name: 'Ana' });
      await create(p, '/items', {
        title: 'Señal — "quoted" \\ back\nslash 🎉',
        count: 9007199254740991,
        price: 0.1,
        done: true,
        due: '2026-02-28',
        at: '2026-12-05T10:20:30.456Z',
        stage: 'won',
        meta: { nested: [1, 'two', null, { deep: true }], empty: {} },
        owner: 1,
      });
      await create(p, '/items', { title: 'nulls everywhere' });
    });

    it('plain reads are the shortcut’s, every other request the pipeline’s, with one answer', async () => {
      await expectSameAnswers(pairOf(), [
        { name: 'every type', path: '/items/1', shortcut: true },
        { name: 'nulls', path: '/items/2', shortcut: true },
        { name: 'another resource', path: '/owners/1', shortcut: true },
        { name: 'Accept JSON', path: '/items/1', headers: { accept: 'application/json' }, shortcut: true },
        { name: 'Accept any', path: '/items/1', headers: { accept: '*/*' }, shortcut: true },
        {
          name: 'Accept problem+json',
          path: '/items/1',
          headers: { accept: 'application/problem+json' },
          shortcut: true,
        },
        {
          name: 'Accept JSON over a stream',
          path: '/items/1',
          headers: { accept: 'application/json, text/event-stream;q=0.5' },
          shortcut: true,
        },
        { name: 'Accept-Language', path: '/items/1', headers: { 'accept-language': 'es' }, shortcut: true },
        { name: 'X-Request-Id', path: '/items/1', headers: { 'x-request-id': 'abc-123' }, shortcut: true },
        {
          name: 'traceparent',
          path: '/items/1',
          headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
          shortcut: true,
        },
        { name: 'a cookie (no auth)', path: '/items/1', headers: { cookie: 'a=b' }, shortcut: true },
        {
          name: 'behind a proxy',
          path: '/items/1',
          headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https', via: '1.1 edge' },
          shortcut: true,
        },
        { name: 'Accept HTML', path: '/items/1', headers: { accept: 'text/html' }, shortcut: false },
        {
          name: 'Origin (CORS)',
          path: '/items/1',
          headers: { origin: 'https://app.example' },
          shortcut: false,
        },
        { name: 'If-None-Match', path: '/items/1', headers: { 'if-none-match': '*' }, shortcut: false },
        {
          name: 'If-Modified-Since',
          path: '/items/1',
          headers: { 'if-modified-since': 'Sat, 05 Dec 2099 10:00:00 GMT' },
          shortcut: false,
        },
        { name: 'an unknown header', path: '/items/1', headers: { 'x-anything': '1' }, shortcut: false },
        { name: 'a query', path: '/items/1?fields=title', shortcut: false },
        { name: 'an embed', path: '/items/1?embed=owner', shortcut: false },
        { name: 'missing', path: '/items/999', shortcut: false },
        { name: 'not an id', path: '/items/abc', shortcut: false },
        { name: 'encoded', path: '/items/%31', shortcut: false },
        { name: 'trailing slash', path: '/items/1/', shortcut: false },
        { name: 'double slash', path: '//items/1', shortcut: false },
        { name: 'unknown path', path: '/nothing/1', shortcut: false },
        { name: 'HEAD', path: '/items/1', method: 'HEAD', shortcut: false },
        { name: 'file', path: '/items/1/picture', shortcut: false },
      ]);
    });

    it('a changed record is read fresh: new body, new ETag', async () => {
      const [before] = await pairOf().both({ name: 'before', path: '/owners/1', shortcut: true });
      const changed = await pairOf().reference.inject({
        method: 'PATCH',
        url: '/owners/1',
        headers: { 'content-type': 'application/merge-patch+json' },
        payload: { name: 'Ana María' },
      });
      expect(changed.statusCode).toBe(200);
      await expectSameAnswers(pairOf(), [{ name: 'after a write', path: '/owners/1', shortcut: true }]);
      const [after] = await pairOf().both({ name: 'after', path: '/owners/1', shortcut: true });
      expect(after.json.name).toBe('Ana María');
      expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    });
  });

  describe('under a basePath', () => {
    const pairOf = usePair('basePath: /api/v1\nresources:\n  tags:\n    fields: { label: string }\n', (p) =>
      create(p, '/api/v1/tags', { label: 'a' }),
    );

    it('reads under the base path take the shortcut; the bare path is the pipeline’s 404', async () => {
      await expectSameAnswers(pairOf(), [
        { name: 'under the base path', path: '/api/v1/tags/1', shortcut: true },
        { name: 'without it', path: '/tags/1', shortcut: false },
        { name: 'half of it', path: '/v1/tags/1', shortcut: false },
      ]);
    });
  });

  describe('with auth', () => {
    const pairOf = usePair(GUARDED, async () => {
      const notes = buildModel(parseConfigText(GUARDED, 'verbo.yaml')).resources.find(
        (r) => r.name === 'notes',
      )!;
      await store.insert(notes, { text: 'hello' });
    });

    it('only anonymous reads of publicly readable records take the shortcut', async () => {
      await expectSameAnswers(pairOf(), [
        { name: 'public, anonymous', path: '/notes/1', shortcut: true },
        { name: 'a bad token', path: '/notes/1', headers: { authorization: 'Bearer nope' }, shortcut: false },
        {
          name: 'a stale session',
          path: '/notes/1',
          headers: { cookie: 'verbo_session=x' },
          shortcut: false,
        },
        { name: 'read needs a caller', path: '/secrets/1', shortcut: false },
      ]);
    });
  });
});

describe('read shortcut: the rest of the pipeline’s duties [sqlite]', () => {
  const yaml = 'resources:\n  notes:\n    fields: { text: string }\n';
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const db = await storeTargets[0].create();
    cleanup = db.cleanup;
    store = await openStore(db.db);
    const model = buildModel(parseConfigText(yaml, 'verbo.yaml'));
    await store.sync(model);
    await store.insert(model.resources[0], { text: 'hello' });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('writes the request log line the pipeline writes', async () => {
    const model = buildModel(parseConfigText(yaml, 'verbo.yaml'));
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
    const answers: Record<string, unknown>[] = [];
    for (const readShortcut of [true, false]) {
      const app = await buildApp({ model, store, readShortcut, logger: { level: 'info', stream } });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      lines.length = 0;
      const res = await send(url, { method: 'GET', path: '/notes/1', headers: { 'x-request-id': 'log-me' } });
      expect(res.status).toBe(200);
      await app.close();
      const line = lines.find((l) => l.msg === 'request');
      expect(line, JSON.stringify(lines)).toBeDefined();
      const { time: _t, pid: _p, hostname: _h, durationMs, ...rest } = line!;
      expect(typeof durationMs).toBe('number');
      answers.push(rest);
    }
    expect(answers[0]).toEqual({
      level: 30,
      traceId: 'log-me',
      method: 'GET',
      url: '/notes/1',
      status: 200,
      msg: 'request',
    });
    expect(answers[0]).toEqual(answers[1]);
  });
});

describe('read shortcut: kept answers, never stale [sqlite]', () => {
  const yaml = 'resources:\n  notes:\n    fields: { text: string }\n';
  const model = buildModel(parseConfigText(yaml, 'verbo.yaml'));
  let file: string;
  let store: Store;
  let cleanup: () => Promise<void>;
  let p: Pair;
  beforeAll(async () => {
    const db = await storeTargets[0].create();
    file = db.db;
    cleanup = db.cleanup;
    store = await openStore(file);
    p = await pair(store, yaml);
    await store.insert(model.resources[0], { text: 'hello' });
    await store.insert(model.resources[0], { text: 'bye' });
  });
  afterAll(async () => {
    await p.close();
    await store.close();
    await cleanup();
  });
  const read = async (path: string) => (await p.both({ name: path, path, shortcut: true }))[0];

  it('a second read of an unchanged record is answered from what was kept, the same bytes', async () => {
    const reads = vi.spyOn(store as Required<Pick<Store, 'getJsonNow'>>, 'getJsonNow');
    try {
      const first = await send(p.fastUrl, { method: 'GET', path: '/notes/1', headers: {} });
      expect(reads.mock.calls.length).toBe(1);
      const again = await send(p.fastUrl, { method: 'GET', path: '/notes/1', headers: {} });
      expect(reads.mock.calls.length).toBe(1);
      expect(comparable(again, false)).toEqual(comparable(first, false));
    } finally {
      reads.mockRestore();
    }
    await expectSameAnswers(p, [{ name: 'kept', path: '/notes/1', shortcut: true }]);
  });

  it('a write by another connection, even one that leaves _version alone, is seen at once', async () => {
    expect((await read('/notes/1')).json.text).toBe('hello');
    const other = new Database(file);
    try {
      other.prepare(`UPDATE notes SET "text" = 'from elsewhere' WHERE id = 1`).run();
    } finally {
      other.close();
    }
    const after = await read('/notes/1');
    expect(after.json.text).toBe('from elsewhere');
    await expectSameAnswers(p, [{ name: 'after the other write', path: '/notes/1', shortcut: true }]);
  });

  it('a write through this server to another record is seen too; a deleted record is the pipeline’s 404', async () => {
    expect((await read('/notes/2')).json.text).toBe('bye');
    const removed = await p.reference.inject({ method: 'DELETE', url: '/notes/2' });
    expect(removed.statusCode).toBe(204);
    await expectSameAnswers(p, [{ name: 'deleted', path: '/notes/2', shortcut: false }]);
    const [gone] = await p.both({ name: 'deleted', path: '/notes/2', shortcut: false });
    expect(gone.status).toBe(404);
  });
});

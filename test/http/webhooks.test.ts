/**
 * docs/webhooks.md: committed changes are POSTed to each webhook signed as Standard Webhooks says,
 * a refused write sends nothing, a target that was down gets the delivery on a later attempt, every
 * attempt is listed at GET /webhooks/deliveries (admin only), and private targets are refused
 * unless allowed — at load for addresses, at delivery time for names that resolve to one.
 */
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuthServer, addUser, signIn, sleep, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { type Receiver, startReceiver, verifySignature } from '../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('a test secret of 24 bytes').toString('base64')}`;
process.env.VERBO_TEST_WEBHOOK_SECRET = SECRET;
// Gone after this file, so a later file in the same process (if vitest ever shares one) never sees it.
afterAll(() => {
  delete process.env.VERBO_TEST_WEBHOOK_SECRET;
});

const yaml = (url: string, extra = 'allowPrivateTargets: true') =>
  `
name: hooks
auth: { registration: closed }
rules: []
resources:
  orders:
    access: { read: public, write: public }
    rules:
      - name: positive
        check: "record.amount >= 0"
        message: { en: "The amount cannot be negative." }
    fields:
      title: { type: string, required: true }
      amount: { type: integer }
      secret: { type: string, access: { read: role:sales } }
webhooks:
  - url: ${url}
    events: [orders.created, orders.updated]
    secretEnv: VERBO_TEST_WEBHOOK_SECRET
    ${extra}
`.replace('rules: []\n', '');

describeEachStore('webhooks', (_target, getDb) => {
  let receiver: Receiver;
  let s: AuthServer;
  beforeAll(async () => {
    receiver = await startReceiver();
    s = await startAuthServer({ db: getDb(), yaml: yaml(receiver.url) });
    await addUser(s, 'root@example.com', 'root-password-123', ['admin']);
    await addUser(s, 'ann@example.com', 'ann-password-123');
  });
  afterAll(async () => {
    await s.close();
    await receiver.close();
  });

  it('delivers committed changes signed (Standard Webhooks), in order, and nothing for a refused write', async () => {
    const a = await s.request('POST', '/orders', { body: { title: 'a', amount: 5, secret: 's3cret' } });
    expect(a.status, a.text).toBe(201);
    const refused = await s.request('POST', '/orders', { body: { title: 'bad', amount: -1 } });
    expectEnvelope(refused, 400, 'BUSINESS_RULE_VIOLATED');
    // `data` is read when the delivery is queued: each change is awaited so it shows the record.
    await receiver.until((rs) => rs.length >= 1);
    const patched = await s.request('PATCH', `/orders/${a.json.id}`, { body: { amount: 7 } });
    expect(patched.status, patched.text).toBe(200);
    await receiver.until((rs) => rs.length >= 2);
    expect((await s.request('DELETE', `/orders/${a.json.id}`)).status).toBe(204);
    const got = await receiver.until((rs) => rs.length >= 2);
    await sleep(1500);
    expect(got.map((r) => r.json.type)).toEqual(['orders.created', 'orders.updated']);
    for (const r of got) {
      expect(verifySignature(r, SECRET)).toBe(true);
      expect(verifySignature(r, 'whsec_d3Jvbmc=')).toBe(false);
      expect(r.headers['webhook-id']).toMatch(/^msg_/);
      expect(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.json.data.id).toBe(a.json.id);
      // The record as someone not signed in reads it: a field with a read rule is absent.
      expect(r.json.data).not.toHaveProperty('secret');
      expect(r.body).not.toContain('s3cret');
      expect(Date.parse(r.json.timestamp)).not.toBeNaN();
    }
    expect(got[0].json.data.title).toBe('a');
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(2);
  });

  it('retries after the target was down; GET /webhooks/deliveries lists every attempt (admin only)', async () => {
    let calls = 0;
    receiver.respond = () => (++calls <= 2 ? 503 : 200);
    const before = receiver.received.length;
    const b = await s.request('POST', '/orders', { body: { title: 'retried', amount: 1 } });
    expect(b.status).toBe(201);
    const got = await receiver.until((rs) => rs.length >= before + 3, 30_000);
    const tries = got.slice(before);
    expect(tries.map((r) => r.json.data.id)).toEqual([b.json.id, b.json.id, b.json.id]);
    // The same message each time: one webhook-id, signed anew.
    expect(new Set(tries.map((r) => r.headers['webhook-id'])).size).toBe(1);
    receiver.respond = () => 200;

    expectEnvelope(await s.request('GET', '/webhooks/deliveries'), 401, 'UNAUTHENTICATED');
    const ann = await signIn(s, 'ann@example.com', 'ann-password-123');
    expectEnvelope(await s.request('GET', '/webhooks/deliveries', { headers: ann }), 403, 'FORBIDDEN');
    const root = await signIn(s, 'root@example.com', 'root-password-123');
    let list = await s.request('GET', '/webhooks/deliveries', { headers: root });
    for (
      let i = 0;
      i < 40 &&
      !list.json.some(
        (x: { outcome: string; recordId: string }) =>
          x.outcome === 'delivered' && x.recordId === String(b.json.id),
      );
      i++
    ) {
      await sleep(100);
      list = await s.request('GET', '/webhooks/deliveries', { headers: root });
    }
    expect(list.status, list.text).toBe(200);
    const mine = list.json.filter((x: { recordId: string }) => x.recordId === String(b.json.id)).reverse();
    expect(
      mine.map((x: { status: number; attempt: number; outcome: string }) => [x.attempt, x.status, x.outcome]),
    ).toEqual([
      [1, 503, 'pending'],
      [2, 503, 'pending'],
      [3, 200, 'delivered'],
    ]);
    for (const x of mine) {
      expect(x.event).toBe('orders.created');
      expect(typeof x.responseMs).toBe('number');
      expect(Date.parse(x.at)).not.toBeNaN();
    }
    expectEnvelope(
      await s.request('GET', '/webhooks/deliveries?limit=0', { headers: root }),
      400,
      'INVALID_QUERY_PARAMETER',
    );
  }, 40_000);

  it('a receiver that was down (connection refused) gets the delivery once it is back on its port', async () => {
    const port = receiver.port;
    await receiver.close();
    const c = await s.request('POST', '/orders', { body: { title: 'while down', amount: 2 } });
    expect(c.status).toBe(201);
    const root = await signIn(s, 'root@example.com', 'root-password-123');
    const failed = async () =>
      (await s.request('GET', '/webhooks/deliveries', { headers: root })).json.filter(
        (x: { recordId: string; error: string | null }) => x.recordId === String(c.json.id) && x.error,
      );
    for (let i = 0; i < 50 && (await failed()).length === 0; i++) await sleep(100);
    expect((await failed())[0]).toMatchObject({ status: null, outcome: 'pending' });
    receiver = await startReceiver(port);
    const got = await receiver.until((rs) => rs.some((r) => r.json.data.id === c.json.id), 30_000);
    expect(got.filter((r) => r.json.data.id === c.json.id)).toHaveLength(1);
    expect(verifySignature(got[0], SECRET)).toBe(true);
  }, 40_000);
});

describeEachStore('webhook targets on private addresses', (_target, getDb) => {
  it('a name resolving to a private or loopback address is refused at delivery time (DNS rebinding)', async () => {
    const name = hostname();
    const { address } = await lookup(name);
    const receiver = await startReceiver();
    if (!/^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$)/.test(address)) {
      console.log(`skipped: ${name} resolves to ${address}, not a private address on this machine`);
      return;
    }
    const s = await startAuthServer({
      db: getDb(),
      yaml: yaml(`http://${name}:${receiver.port}/hook`, ''),
    });
    try {
      await addUser(s, 'root@example.com', 'root-password-123', ['admin']);
      const root = await signIn(s, 'root@example.com', 'root-password-123');
      expect((await s.request('POST', '/orders', { body: { title: 'x', amount: 1 } })).status).toBe(201);
      let list = await s.request('GET', '/webhooks/deliveries', { headers: root });
      for (let i = 0; i < 50 && list.json.length === 0; i++) {
        await sleep(100);
        list = await s.request('GET', '/webhooks/deliveries', { headers: root });
      }
      expect(list.json[0].error).toMatch(/private or loopback/);
      expect(list.json[0].status).toBeNull();
      expect(receiver.received).toHaveLength(0);
    } finally {
      await s.close();
      await receiver.close();
    }
  });
});

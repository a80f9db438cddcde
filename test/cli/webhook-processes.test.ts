/**
 * Webhooks across processes (docs/webhooks.md), through the built CLI on every store: after a
 * SIGKILL of the server mid-traffic and a restart on the same database, exactly the committed
 * changes are delivered (each at least once; once in this run, as nothing was in flight); two
 * instances on one database, and `--workers 2`, deliver each change once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Served, serveCli } from '../support/cli-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { type Receiver, startReceiver, verifySignature } from '../support/webhook-receiver.js';

const SECRET = 'a plain secret';
process.env.VERBO_TEST_HOOK_SECRET = SECRET;
// Gone after this file, so a later file in the same process (if vitest ever shares one) never sees it.
afterAll(() => {
  delete process.env.VERBO_TEST_HOOK_SECRET;
});

describeEachStore('webhooks across processes', (_target, getDb) => {
  const running: Served[] = [];
  let receiver: Receiver;
  let config: string;
  beforeAll(async () => {
    receiver = await startReceiver();
    config = join(mkdtempSync(join(tmpdir(), 'verbo-wh-')), 'verbo.yaml');
    writeFileSync(
      config,
      `resources:
  orders:
    fields:
      title: { type: string, required: true }
webhooks:
  - url: ${receiver.url}
    events: [orders.created]
    secretEnv: VERBO_TEST_HOOK_SECRET
    allowPrivateTargets: true
`,
    );
  });
  const serve = async (...args: string[]) => {
    const s = await serveCli([config, '--db', getDb(), '--log-level', 'warn', ...args]);
    running.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of running) s.child.kill('SIGKILL');
    await Promise.all(running.map((s) => s.exited));
    await receiver.close();
  });
  const post = (url: string, title: string) =>
    fetch(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ title }),
    });
  const ids = (rs: Receiver['received']) => rs.map((r) => r.json.data.id as number);

  it('after a SIGKILL mid-traffic and a restart, exactly the committed changes are delivered', async () => {
    const a = await serve();
    // Writes keep coming while the process dies: some commit, some never answer.
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      writes.push(post(a.url, `o${i}`).catch(() => undefined));
      if (i === 25) a.child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(writes);
    await a.exited;
    const b = await serve();
    const committed = ((await (await fetch(`${b.url}/orders?limit=1000`)).json()) as { id: number }[]).map(
      (o) => o.id,
    );
    expect(committed.length).toBeGreaterThan(0);
    await receiver.until((rs) => committed.every((id) => ids(rs).includes(id)), 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect([...new Set(ids(receiver.received))].sort((x, y) => x - y)).toEqual(
      [...committed].sort((x, y) => x - y),
    );
    for (const r of receiver.received) expect(verifySignature(r, SECRET)).toBe(true);
    b.child.kill('SIGKILL');
    await b.exited;
  }, 120_000);

  it('two instances on one database deliver each change once', async () => {
    receiver.received.length = 0;
    const [a, b] = await Promise.all([serve(), serve()]);
    const made: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await post(i % 2 ? a.url : b.url, `p${i}`);
      expect(res.status).toBe(201);
      made.push(((await res.json()) as { id: number }).id);
    }
    await receiver.until((rs) => made.every((id) => ids(rs).includes(id)), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(ids(receiver.received).sort((x, y) => x - y)).toEqual(made.sort((x, y) => x - y));
    for (const s of [a, b]) s.child.kill('SIGKILL');
    await Promise.all([a.exited, b.exited]);
  }, 90_000);

  it('--workers 2: each change delivered once', async () => {
    receiver.received.length = 0;
    const cluster = await serve('--workers', '2');
    const made: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await post(cluster.url, `w${i}`);
      expect(res.status).toBe(201);
      made.push(((await res.json()) as { id: number }).id);
    }
    await receiver.until((rs) => made.every((id) => ids(rs).includes(id)), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(ids(receiver.received).sort((x, y) => x - y)).toEqual(made.sort((x, y) => x - y));
    cluster.child.kill('SIGTERM');
    await cluster.exited;
  }, 90_000);
});

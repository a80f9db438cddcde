/**
 * verbo/client `watch` against a live server (docs/realtime.md, docs/client.md): typed snapshot,
 * ready and live changes; resuming by itself with Last-Event-ID after the connection is cut, with
 * nothing lost or seen twice; `break` closing the stream; errors as VerboError.
 */
import { expect, it } from 'vitest';
import { type Change, createClient, VerboError } from '../../src/client/index.js';
import { customer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { tcpProxy, viaProxy } from '../support/tcp-proxy.js';
import { recordingFetch } from './client-harness.js';
import type { Customer, Resources } from './fixtures/crm-types.js';

/** `type id` (or `type`) of each change, for compact assertions. */
const brief = (cs: Change<Partial<Customer>, number>[]) =>
  cs.map((c) =>
    c.type === 'deleted' ? `deleted ${c.id}` : 'record' in c ? `${c.type} ${c.record.id}` : c.type,
  );

/** Collects changes from `iterable` until `stop` holds over them (then breaks, closing the stream). */
async function collect<T>(
  iterable: AsyncIterable<T>,
  stop: (seen: T[]) => boolean,
  ms = 15_000,
): Promise<T[]> {
  const seen: T[] = [];
  const timer = setTimeout(() => {
    throw new Error(`timed out: ${JSON.stringify(seen)}`);
  }, ms);
  try {
    for await (const c of iterable) {
      seen.push(c);
      if (stop(seen)) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return seen;
}

describeEachStore('verbo/client: watch', (_target, getDb) => {
  const server = useServer(getDb);

  it('snapshot, ready, then created/updated/deleted as they happen, typed; break closes the stream', async () => {
    const rec = recordingFetch();
    const api = createClient<Resources>({ baseUrl: server().url, fetch: rec.fetch });
    const a = await api.customers.create(customer('w1', { status: 'active' }));
    await api.customers.create(customer('w2', { status: 'lead' }));
    const changes: Change<Pick<Customer, 'id' | 'name' | 'status'>, number>[] = [];
    let made: { b?: Customer } = {};
    for await (const change of api.customers.watch({
      where: { status: 'active' },
      fields: ['id', 'name', 'status'],
      snapshot: true,
    })) {
      changes.push(change);
      if (change.type === 'ready') {
        const b = await api.customers.create(customer('w3', { status: 'active' }));
        await api.customers.patch(b.id, { name: 'Renamed' });
        await api.customers.patch(a.id, { status: 'churned' });
        made = { b };
      }
      if (change.type === 'deleted') break;
    }
    const b = made.b!;
    expect(brief(changes)).toEqual([
      `snapshot ${a.id}`,
      'ready',
      `created ${b.id}`,
      `updated ${b.id}`,
      `deleted ${a.id}`,
    ]);
    const updated = changes[3];
    if (updated.type !== 'updated') throw new Error('expected updated');
    expect(updated.record).toEqual({ id: b.id, name: 'Renamed', status: 'active' });
    expect(updated.seq).toBeGreaterThan((changes[2] as { seq: number }).seq);
    const get = rec.sent.find((s) => s.url.includes('snapshot=true'))!;
    expect(get.url).toBe(`${server().url}/customers?status=active&fields=id,name,status&snapshot=true`);
    expect(get.headers.get('accept')).toBe('text/event-stream');
  });

  it('resumes by itself with Last-Event-ID after the connection is cut: nothing lost, nothing twice', async () => {
    const proxy = tcpProxy(new URL(server().url));
    await proxy.start();
    const rec = recordingFetch();
    const api = createClient<Resources>({
      baseUrl: viaProxy(server().url, proxy).replace(/\/$/, ''),
      fetch: rec.fetch,
    });
    const direct = createClient<Resources>({ baseUrl: server().url });
    const ids: number[] = [];
    let first: Promise<{ id: number }> | undefined;
    try {
      const changes = await collect(api.customers.watch({ where: { company: 'Resume Co' } }), (seen) => {
        const last = seen.at(-1)!;
        if (last.type === 'ready')
          void (async () => {
            first = direct.customers.create(customer('r1', { company: 'Resume Co' }));
            ids.push((await first).id);
          })();
        // (The event may come before the answer to the create: its name says which it is.)
        if (last.type === 'created' && last.record.name === 'Customer r1')
          void (async () => {
            await proxy.stop(); // the connection drops; these writes happen while the client is away
            // r1's answer may come after its event (a write answers once its change was delivered):
            // wait for it, so that ids stay in the order of the creates.
            const r1 = await first!;
            ids.push((await direct.customers.create(customer('r2', { company: 'Resume Co' }))).id);
            await direct.customers.patch(r1.id, { name: 'r1 again' });
            await proxy.start();
            ids.push((await direct.customers.create(customer('r3', { company: 'Resume Co' }))).id);
          })();
        return last.type === 'created' && last.record.name === 'Customer r3';
      });
      while (ids.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(brief(changes)).toEqual([
        'ready',
        `created ${ids[0]}`,
        `created ${ids[1]}`,
        `updated ${ids[0]}`,
        `created ${ids[2]}`,
      ]);
      const streams = rec.sent.filter((s) => s.headers.get('accept') === 'text/event-stream');
      expect(streams.length).toBeGreaterThanOrEqual(2);
      const resumedWith = streams.at(-1)!.headers.get('last-event-id');
      expect(resumedWith).toBe(String((changes[1] as { seq: number }).seq));
    } finally {
      await proxy.stop();
    }
  }, 30_000);

  it('an error answer is a VerboError (400 on a bad filter), thrown by the iteration', async () => {
    const api = createClient<Resources>({ baseUrl: server().url });
    const iteration = collect(api.customers.watch({ where: { nope: 1 } as never }), () => true);
    const e = await iteration.catch((x) => x);
    expect(e).toBeInstanceOf(VerboError);
    expect(e.status).toBe(400);
  });

  it('signal aborts the watch quietly', async () => {
    const api = createClient<Resources>({ baseUrl: server().url });
    const controller = new AbortController();
    const seen = await collect(api.customers.watch({ signal: controller.signal }), (s) => {
      if (s.at(-1)?.type === 'ready') controller.abort();
      return false;
    });
    expect(brief(seen)).toEqual(['ready']);
  });
});

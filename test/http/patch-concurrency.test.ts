/** docs/patch.md: read, patch and write in one transaction with a row lock, so concurrent PATCHes lose nothing. */
import { expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { createCustomer, current, jsonPatch, mergePatch } from '../support/patch-client.js';
import { describeEachStore } from '../support/store-targets.js';

const N = 20;

describeEachStore('concurrent PATCH', (_target, getDb) => {
  const server = useServer(getDb);

  it(`${N} concurrent JSON Patch appends (add /tags/-) to one customer all land`, async () => {
    const c = await createCustomer(server(), { tags: ['seed'] });
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        jsonPatch(server(), c.id, [{ op: 'add', path: '/tags/-', value: `t${i}` }]),
      ),
    );
    for (const res of results) expect(res.status, res.text).toBe(200);
    const tags = (await current(server(), c.id)).tags as string[];
    expect(tags).toHaveLength(N + 1);
    expect(tags[0]).toBe('seed');
    expect([...tags.slice(1)].sort()).toEqual(Array.from({ length: N }, (_, i) => `t${i}`).sort());
    // Each response saw every append committed before it: the lengths are 2..N+1, each exactly once.
    expect(results.map((r) => r.json.tags.length).sort((a: number, b: number) => a - b)).toEqual(
      Array.from({ length: N }, (_, i) => i + 2),
    );
  });

  it(`${N} concurrent merge patches to different members of tags and different fields keep every change`, async () => {
    const c = await createCustomer(server(), { tags: { base: true } });
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => {
        const patch =
          i % 4 === 0 ? { company: `Co ${i}`, tags: { [`k${i}`]: i } } : { tags: { [`k${i}`]: i } };
        return mergePatch(
          server(),
          c.id,
          i === 1 ? { ...patch, phone: '555' } : i === 2 ? { ...patch, status: 'active' } : patch,
        );
      }),
    );
    for (const res of results) expect(res.status, res.text).toBe(200);
    const after = await current(server(), c.id);
    const expected: Record<string, unknown> = { base: true };
    for (let i = 0; i < N; i++) expected[`k${i}`] = i;
    expect(after.tags).toEqual(expected);
    expect(after).toMatchObject({ phone: '555', status: 'active', name: c.name, email: c.email });
    expect(after.company).toMatch(/^Co \d+$/);
  });

  it(`${N} concurrent test-then-replace patches: exactly one wins, the others get 409`, async () => {
    const c = await createCustomer(server(), { company: 'v0' });
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        jsonPatch(server(), c.id, [
          { op: 'test', path: '/company', value: 'v0' },
          { op: 'replace', path: '/company', value: `v${i + 1}` },
        ]),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const losers = results.filter((r) => r.status !== 200);
    expect(losers).toHaveLength(N - 1);
    for (const res of losers) expectEnvelope(res, 409, 'PATCH_TEST_FAILED');
    const winner = results.find((r) => r.status === 200)!;
    expect((await current(server(), c.id)).company).toBe(winner.json.company);
  });
});

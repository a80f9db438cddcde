/**
 * Imports write a chunk of rows in one store call (Store.insertMany): each row still gets its
 * change-log entry, its business rules, and a refusal of its own (the chunk is then written row by
 * row, so the refused row is named and the others are kept or rolled back as the mode says).
 */
import { expect, it } from 'vitest';
import { type TestServer, useServer } from '../support/http-harness.js';
import { CRM_WITH_RULE, importNdjson } from '../support/import-job.js';
import { describeEachStore } from '../support/store-targets.js';

const rowsOf = (n: number, at: (i: number) => Record<string, unknown> = () => ({})) =>
  Array.from({ length: n }, (_, k) => ({ name: `R${k + 1}`, email: `r${k + 1}@x.example`, ...at(k + 1) }))
    .map((r) => JSON.stringify(r))
    .join('\n');

const total = async (s: TestServer) =>
  Number((await s.request('GET', '/customers?count=true&limit=1')).headers.get('x-total-count'));

describeEachStore('batched imports', (_target, getDb) => {
  const server = useServer(getDb, { yaml: CRM_WITH_RULE });

  it('1 200 rows (three chunks): every row stored and logged in _verbo_changes as created', async () => {
    const s = server();
    const before = (await s.store.changes.bounds()).last;
    const job = await importNdjson(s, 'customers', rowsOf(1200));
    expect(job.state).toBe('succeeded');
    expect(job.result).toMatchObject({ created: 1200, failed: 0 });
    expect(await total(s)).toBe(1200);
    const entries = await s.store.changes.read(before, 5000);
    const created = entries.filter((e) => e.resource === 'customers' && e.kind === 'created');
    expect(created).toHaveLength(1200);
    expect(new Set(created.map((e) => String(e.id))).size).toBe(1200);
  });

  it('a business rule refuses its row inside a chunk: named at /rows/{n}, the rest written (valid-rows)', async () => {
    const s = server();
    const before = await total(s);
    const body = rowsOf(600, (i) => ({ email: `b${i}@x.example`, company: i === 450 ? 'Test' : 'Acme' }));
    const job = await importNdjson(s, 'customers', body, '?mode=valid-rows');
    expect(job.result).toMatchObject({ created: 599, failed: 1 });
    expect(job.result.errors).toEqual([
      expect.objectContaining({ code: 'BUSINESS_RULE_VIOLATED', pointer: '/rows/450' }),
    ]);
    expect(await total(s)).toBe(before + 599);
  });

  it('a taken email inside a chunk: that row reported, all-or-nothing writes nothing', async () => {
    const s = server();
    const before = await total(s);
    const body = rowsOf(700, (i) => ({ email: i === 321 ? 'r5@x.example' : `c${i}@x.example` }));
    const job = await importNdjson(s, 'customers', body);
    expect(job.state).toBe('failed');
    expect(job.result.errors).toEqual([expect.objectContaining({ pointer: '/rows/321/email' })]);
    expect(await total(s)).toBe(before);
  });
});

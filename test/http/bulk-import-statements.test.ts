/**
 * Imports insert a chunk's rows with multi-row INSERT statements (store insertMany): what they
 * write must be what row-by-row inserts would. Each record gets the id its entry in the change log
 * names (one entry per record), the full-text index finds exactly the imported records, a row that
 * breaks a rule, a unique key or a reference is named at its own row, and an all-or-nothing import
 * whose last row fails leaves no record, no change-log entry and no search hit behind.
 */
import { expect, it } from 'vitest';
import { type TestServer, useServer } from '../support/http-harness.js';
import { CRM_WITH_RULE, importNdjson } from '../support/import-job.js';
import { describeEachStore } from '../support/store-targets.js';

const ndjson = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).join('\n');

/** Every matching customer (an NDJSON export: no page limit). */
async function exported(s: TestServer, query: string) {
  const res = await s.request('GET', `/customers?${query}`, {
    headers: { accept: 'application/x-ndjson' },
  });
  expect(res.status, res.text).toBe(200);
  return res.text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Every customer whose email ends with `suffix`, by email. */
const customersBy = async (s: TestServer, suffix: string) =>
  new Map((await exported(s, `email[like]=*${suffix}`)).map((c) => [c.email as string, c]));

/** The emails of the customers `?q=` finds. */
const hits = async (s: TestServer, q: string) =>
  (await exported(s, `q=${encodeURIComponent(q)}`)).map((c) => c.email as string).sort();

describeEachStore('imports written by multi-row statements', (_target, getDb) => {
  const server = useServer(getDb, { yaml: CRM_WITH_RULE });

  it('1 100 rows: one created entry per record, naming its id, version 1, in the order of the rows', async () => {
    const s = server();
    const before = (await s.store.changes.bounds()).last;
    const rows = Array.from({ length: 1100 }, (_, k) => ({
      name: `Log ${k + 1}`,
      email: `l${k + 1}@log.example`,
    }));
    const job = await importNdjson(s, 'customers', ndjson(rows));
    expect(job.result).toMatchObject({ created: 1100, failed: 0 });
    const stored = await customersBy(s, '@log.example');
    expect(stored.size).toBe(1100);
    const entries = (await s.store.changes.read(before, 5000)).filter((e) => e.resource === 'customers');
    expect(entries.map((e) => e.kind)).toEqual(Array(1100).fill('created'));
    expect(entries.map((e) => e.version)).toEqual(Array(1100).fill(1));
    // The entries name the stored records, in the order their rows came.
    expect(entries.map((e) => String(e.id))).toEqual(rows.map((r) => String(stored.get(r.email)!.id)));
    for (const r of rows) expect(stored.get(r.email)!.name).toBe(r.name);
  });

  it('rows with ids among rows without: each keeps its own, the others get new ones, every one logged', async () => {
    const s = server();
    const before = (await s.store.changes.bounds()).last;
    const rows = Array.from({ length: 700 }, (_, k) => ({
      ...(k % 3 === 0 ? { id: 900_000 + k } : {}),
      name: `Mixed ${k + 1}`,
      email: `m${k + 1}@mixed.example`,
      ...(k % 5 === 0 ? { phone: `+1 ${k}` } : {}),
    }));
    const job = await importNdjson(s, 'customers', ndjson(rows));
    expect(job.result).toMatchObject({ created: 700, failed: 0 });
    const stored = await customersBy(s, '@mixed.example');
    expect(stored.size).toBe(700);
    const ids = new Set<string>();
    for (const r of rows) {
      const c = stored.get(r.email)!;
      if (r.id !== undefined) expect(c.id).toBe(r.id);
      expect(c.phone).toBe(r.phone ?? null);
      ids.add(String(c.id));
    }
    expect(ids.size).toBe(700);
    const logged = (await s.store.changes.read(before, 5000)).filter((e) => e.resource === 'customers');
    expect(logged.map((e) => String(e.id))).toEqual(rows.map((r) => String(stored.get(r.email)!.id)));
  });

  it('the full-text index finds the imported records, and only them', async () => {
    const s = server();
    const rows = Array.from({ length: 900 }, (_, k) => ({
      name: k % 100 === 7 ? `Quokka Person ${k}` : `Wombat Person ${k}`,
      email: `f${k}@fts.example`,
      company: k % 2 ? 'Marsupial Works' : null,
    }));
    const job = await importNdjson(s, 'customers', ndjson(rows));
    expect(job.result).toMatchObject({ created: 900, failed: 0 });
    const quokkas = rows.filter((r) => r.name.startsWith('Quokka')).map((r) => r.email);
    expect(await hits(s, 'quokka')).toEqual([...quokkas].sort());
    expect((await hits(s, 'marsupial')).length).toBe(450);
    expect((await hits(s, 'wombat person')).length).toBe(891);
  });

  for (const [why, last] of [
    ['breaks a business rule', { company: 'Test' }],
    ['takes an email already stored', { email: 'l1@log.example' }],
  ] as const)
    it(`all-or-nothing: when the last of 1 000 rows ${why}, no record, log entry or search hit is left`, async () => {
      const s = server();
      const before = (await s.store.changes.bounds()).last;
      const count = Number(
        (await s.request('GET', '/customers?count=true&limit=1')).headers.get('x-total-count'),
      );
      const rows = Array.from({ length: 1000 }, (_, k) => ({
        name: `Ghost Aardvark ${k}`,
        email: `g${k}@ghost.example`,
        ...(k === 999 ? last : {}),
      }));
      const job = await importNdjson(s, 'customers', ndjson(rows));
      expect(job.state).toBe('failed');
      expect(job.result).toMatchObject({ created: 0, failed: 1 });
      expect(job.result.errors).toEqual([
        expect.objectContaining({ pointer: expect.stringMatching(/^\/rows\/1000/) }),
      ]);
      expect(
        Number((await s.request('GET', '/customers?count=true&limit=1')).headers.get('x-total-count')),
      ).toBe(count);
      expect((await s.store.changes.bounds()).last).toBe(before);
      expect(await hits(s, 'aardvark')).toEqual([]);
    });

  it('a missing reference inside a chunk is named at its row; valid-rows writes the others', async () => {
    const s = server();
    const [customer] = [...(await customersBy(s, '@log.example')).values()];
    const rows = Array.from({ length: 600 }, (_, k) => ({
      customerId: k === 417 ? 987_654_321 : customer.id,
      title: `Order ${k + 1}`,
      amount: k,
    }));
    const job = await importNdjson(s, 'orders', ndjson(rows), '?mode=valid-rows');
    expect(job.result).toMatchObject({ created: 599, failed: 1 });
    expect(job.result.errors).toEqual([expect.objectContaining({ pointer: '/rows/418/customerId' })]);
  });
});

/** docs/bulk.md: every list answers text/csv and application/x-ndjson, streamed, with its filters, sort and access. */
import { expect, it } from 'vitest';
import { csvRecords } from '../../src/write/bulk/csv-records.js';
import { customer, expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

/** Every record of a CSV text (the import's own RFC 4180 reader). */
async function parse(text: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of csvRecords([text] as unknown as AsyncIterable<string>))
    out.push(r.map((c) => c ?? ''));
  return out;
}

describeEachStore('exports', (_target, getDb) => {
  const server = useServer(getDb);
  const TOTAL = 1200; // more than one page of the export's reads (1000)

  it('setup', async () => {
    const s = server();
    const rows = Array.from({ length: TOTAL }, (_, i) =>
      JSON.stringify(
        customer(i, {
          status: i % 2 ? 'active' : 'lead',
          company: i === 7 ? 'Quote "and", comma\r\nnew line' : i === 8 ? '' : null,
          tags: i === 7 ? ['vip', { n: 1 }] : null,
        }),
      ),
    );
    const res = await s.request('POST', '/customers/imports', {
      raw: rows.join('\n'),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(res.status).toBe(202);
    for (let i = 0; i < 1000; i++) {
      const job = await s.request('GET', res.headers.get('location')!);
      if (job.json.state === 'succeeded') return;
      expect(job.json.state).toBe('running');
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('setup import did not finish');
  }, 60_000);

  it('NDJSON: every row without paging limits, in the list order, each as the JSON representation', async () => {
    const s = server();
    const res = await s.request('GET', '/customers?sort=-id', {
      headers: { accept: 'application/x-ndjson' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('vary')).toContain('Accept');
    const lines = res.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(TOTAL);
    expect(lines[0].id).toBeGreaterThan(lines[1].id);
    const json = await s.request('GET', `/customers/${lines[0].id}`);
    expect(lines[0]).toEqual(json.json);
  });

  it('CSV: RFC 4180 round trip of quotes, commas, line breaks, empty text vs null, json as JSON text', async () => {
    const s = server();
    const res = await s.request('GET', '/customers?email=c7@example.com', {
      headers: { accept: 'text/csv' },
    });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    const [header, ...rows] = await parse(res.text);
    expect(header).toEqual([
      'id',
      'name',
      'email',
      'phone',
      'company',
      'status',
      'tags',
      'avatar',
      'createdAt',
      'updatedAt',
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0][4]).toBe('Quote "and", comma\r\nnew line');
    expect(JSON.parse(rows[0][6])).toEqual(['vip', { n: 1 }]);
    expect(res.text).toContain('"Quote ""and"", comma\r\nnew line"');
    const eight = await s.request('GET', '/customers?email=c8@example.com&fields=email,company,phone', {
      headers: { accept: 'text/csv' },
    });
    expect(eight.text).toBe('email,company,phone\r\nc8@example.com,"",\r\n');
  });

  it('filters, sort, fields and limit apply as to the JSON list', async () => {
    const s = server();
    const res = await s.request('GET', '/customers?status=active&sort=-email&fields=email,status', {
      headers: { accept: 'text/csv' },
    });
    const [header, ...rows] = await parse(res.text);
    expect(header).toEqual(['email', 'status']);
    expect(rows).toHaveLength(TOTAL / 2);
    expect(rows.every((r) => r[1] === 'active')).toBe(true);
    const emails = rows.map((r) => r[0]);
    expect(emails).toEqual([...emails].sort().reverse());
    const limited = await s.request('GET', '/customers?limit=5', {
      headers: { accept: 'application/x-ndjson' },
    });
    expect(limited.text.trimEnd().split('\n')).toHaveLength(5);
    const empty = await s.request('GET', '/customers?status=churned&fields=id,name', {
      headers: { accept: 'text/csv' },
    });
    expect(empty.text).toBe('id,name\r\n');
  });

  it('bad queries and unacceptable types get the envelope', async () => {
    const s = server();
    expectEnvelope(await s.request('GET', '/customers?sort=nope', { headers: { accept: 'text/csv' } }), 400);
    const r406 = await s.request('GET', '/customers', { headers: { accept: 'image/png' } });
    expectEnvelope(r406, 406, 'NOT_ACCEPTABLE');
  });
});

describeEachStore('exports keep the access rules', (_target, getDb) => {
  const yaml = `
auth: { registration: open }
resources:
  notes:
    access: { read: [owner], create: [authenticated] }
    fields:
      text: { type: string }
`;
  const server = useServer(getDb, { yaml });

  it('an owner exports only their own records, and sees only their own jobs', async () => {
    const s = server();
    const cookies: Record<string, string> = {};
    for (const who of ['a', 'b']) {
      const reg = await s.request('POST', '/auth/register', {
        body: { email: `${who}@example.com`, password: 'correct horse battery' },
      });
      expect(reg.status, reg.text).toBe(201);
      cookies[who] = reg.headers.get('set-cookie')!.split(';')[0];
    }
    const as = (who: string, extra: Record<string, string> = {}) => ({ cookie: cookies[who], ...extra });
    const imported: Record<string, string> = {};
    for (const who of ['a', 'b']) {
      const res = await s.request('POST', '/notes/imports', {
        raw: `{"text":"${who}1"}\n{"text":"${who}2"}\n`,
        headers: as(who, { 'content-type': 'application/x-ndjson' }),
      });
      expect(res.status, res.text).toBe(202);
      imported[who] = res.headers.get('location')!;
      for (let i = 0; i < 200; i++) {
        const job = await s.request('GET', imported[who], { headers: as(who) });
        if (job.json.state !== 'running') break;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    const mine = await s.request('GET', '/notes?fields=text', { headers: as('a', { accept: 'text/csv' }) });
    expect(mine.text).toBe('text\r\na1\r\na2\r\n');
    const anon = await s.request('GET', '/notes', { headers: { accept: 'text/csv' } });
    expectEnvelope(anon, 401, 'UNAUTHENTICATED');
    expectEnvelope(await s.request('GET', imported.a, { headers: as('b') }), 404, 'RECORD_NOT_FOUND');
    expectEnvelope(await s.request('GET', imported.a), 404, 'RECORD_NOT_FOUND');
    expect((await s.request('GET', imported.a, { headers: as('a') })).json.state).toBe('succeeded');
  });
});

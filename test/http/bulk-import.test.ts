/** docs/bulk.md: POST /{r}/imports → 202 job; modes, onConflict, bad input, jobs, cancel — on every store. */
import { expect, it } from 'vitest';
import { customer, expectEnvelope, type TestServer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const ndjson = (rows: unknown[]) =>
  rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

async function importJob(
  s: TestServer,
  path: string,
  type: string,
  raw: string,
  headers: Record<string, string> = {},
) {
  const res = await s.request('POST', path, { raw, headers: { 'content-type': type, ...headers } });
  expect(res.status, res.text).toBe(202);
  expect(res.headers.get('location')).toBe(`/jobs/${res.json.id}`);
  return res;
}

/** Polls the job until it has finished; asserts Retry-After while it runs. */
async function finished(s: TestServer, location: string, headers: Record<string, string> = {}) {
  for (let i = 0; i < 400; i++) {
    const res = await s.request('GET', location, { headers });
    expect(res.status, res.text).toBe(200);
    if (!['queued', 'running'].includes(res.json.state)) {
      expect(res.headers.get('retry-after')).toBeNull();
      return res.json;
    }
    expect(res.headers.get('retry-after')).toBe('1');
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the job did not finish');
}

const count = async (s: TestServer, query = '') =>
  (await s.request('GET', `/customers?count=true&limit=1${query}`)).headers.get('x-total-count');

describeEachStore('imports as jobs', (_target, getDb) => {
  const server = useServer(getDb);

  it('NDJSON, all-or-nothing by default: one bad row writes nothing, every problem at /rows/{n}', async () => {
    const s = server();
    const before = await count(s);
    const body = ndjson([
      customer('a1'),
      customer('a2', { email: 'nope' }),
      '{not json',
      customer('a4', { status: 'x' }),
    ]);
    const res = await importJob(s, '/customers/imports', 'application/x-ndjson', body);
    expect(res.json).toMatchObject({ kind: 'import', resource: 'customers', progress: { total: 4 } });
    expect(['queued', 'running', 'failed']).toContain(res.json.state);
    const job = await finished(s, res.headers.get('location')!);
    expect(job.state).toBe('failed');
    expect(job.progress).toEqual({ done: 4, total: 4 });
    expect(job.result).toMatchObject({ created: 0, failed: 3 });
    expect(job.result.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code])).toEqual([
      ['/rows/2/email', 'VALIDATION_FAILED'],
      ['/rows/3', 'MALFORMED_ROW'],
      ['/rows/4/status', 'VALIDATION_FAILED'],
    ]);
    expect(job.result.errors[0]).toMatchObject({ status: 422, traceId: res.headers.get('x-trace-id') });
    expect(await count(s)).toBe(before);
    for (const k of ['createdAt', 'startedAt', 'finishedAt']) expect(job[k]).toMatch(/^\d{4}-.*Z$/);
  });

  it('mode=valid-rows writes the good rows and reports the bad ones', async () => {
    const s = server();
    const body = ndjson([customer('v1'), customer('v2', { email: 'nope' }), customer('v3')]);
    const res = await importJob(s, '/customers/imports?mode=valid-rows', 'application/x-ndjson', body);
    const job = await finished(s, res.headers.get('location')!);
    expect(job.state).toBe('succeeded');
    expect(job.result).toMatchObject({ created: 2, failed: 1, updated: 0, skipped: 0 });
    expect(job.result.errors).toHaveLength(1);
    expect(job.result.errors[0].pointer).toBe('/rows/2/email');
    expect(await count(s, '&email=cv1@example.com')).toBe('1');
    expect(await count(s, '&email=cv3@example.com')).toBe('1');
  });

  it('CSV (RFC 4180: quotes, embedded newlines, json as JSON text) and a JSON array', async () => {
    const s = server();
    const csv =
      'name,email,company,tags,status\r\n' +
      '"Smith, Jo",csv1@example.com,"Line one\nline ""two""","[""vip"",{""a"":1}]",active\r\n' +
      'Empty,csv2@example.com,"",,\r\n';
    const job = await finished(
      s,
      (await importJob(s, '/customers/imports', 'text/csv', csv)).headers.get('location')!,
    );
    expect(job).toMatchObject({
      state: 'succeeded',
      progress: { done: 2, total: 2 },
      result: { created: 2 },
    });
    const [a] = (await s.request('GET', '/customers?email=csv1@example.com')).json;
    expect(a).toMatchObject({
      name: 'Smith, Jo',
      company: 'Line one\nline "two"',
      tags: ['vip', { a: 1 }],
      status: 'active',
    });
    const [b] = (await s.request('GET', '/customers?email=csv2@example.com')).json;
    expect(b).toMatchObject({ company: '', tags: null, status: 'lead' });
    const arr = JSON.stringify([customer('j1'), customer('j2', { tags: [1, [2, { x: ']' }]] })]);
    const j = await finished(
      s,
      (await importJob(s, '/customers/imports', 'application/json', arr)).headers.get('location')!,
    );
    expect(j).toMatchObject({ state: 'succeeded', progress: { done: 2, total: 2 }, result: { created: 2 } });
  });

  it('CSV bad input: a ragged row, an unknown column, a cell of the wrong type, each at its row', async () => {
    const s = server();
    const csv = 'name,email,shoeSize\nA,r1@example.com,4\nB,r2@example.com\n';
    const job = await finished(
      s,
      (await importJob(s, '/customers/imports?mode=valid-rows', 'text/csv', csv)).headers.get('location')!,
    );
    expect(job.result.created).toBe(0);
    const at = job.result.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]);
    expect(at).toContainEqual(['/rows/1/shoeSize', 'VALIDATION_FAILED']);
    expect(at).toContainEqual(['/rows/2', 'MALFORMED_ROW']);
    const typed = 'name,email,tags\nA,r3@example.com,{oops\n';
    const t = await finished(
      s,
      (await importJob(s, '/customers/imports', 'text/csv', typed)).headers.get('location')!,
    );
    expect(t.result.errors[0]).toMatchObject({ pointer: '/rows/1/tags', code: 'VALIDATION_FAILED' });
  });

  it('onConflict: fail reports the taken key; skip leaves the record; update replaces the named fields', async () => {
    const s = server();
    await s.request('POST', '/customers', { body: customer('k1', { company: 'Old', phone: '1' }) });
    const row = ndjson([customer('k1', { company: 'New' })]);
    const fail = await finished(
      s,
      (await importJob(s, '/customers/imports', 'application/x-ndjson', row)).headers.get('location')!,
    );
    expect(fail.result.errors[0]).toMatchObject({
      code: 'UNIQUE_VIOLATION',
      pointer: '/rows/1/email',
      status: 409,
    });
    const skip = await finished(
      s,
      (await importJob(s, '/customers/imports?onConflict=skip', 'application/x-ndjson', row)).headers.get(
        'location',
      )!,
    );
    expect(skip).toMatchObject({ state: 'succeeded', result: { skipped: 1, created: 0 } });
    const upd = await finished(
      s,
      (await importJob(s, '/customers/imports?onConflict=update', 'application/x-ndjson', row)).headers.get(
        'location',
      )!,
    );
    expect(upd).toMatchObject({ state: 'succeeded', result: { updated: 1, created: 0 } });
    const [rec] = (await s.request('GET', '/customers?email=ck1@example.com')).json;
    expect(rec).toMatchObject({ company: 'New', phone: '1' });
  });

  it('keeps ids given in the rows', async () => {
    const s = server();
    const body = ndjson([{ id: 90001, ...customer('id1') }]);
    const job = await finished(
      s,
      (await importJob(s, '/customers/imports', 'application/x-ndjson', body)).headers.get('location')!,
    );
    expect(job.result.created).toBe(1);
    expect((await s.request('GET', '/customers/90001')).json.email).toBe('cid1@example.com');
  });

  it('refuses what it cannot take: 415 listing the types, 400 for a bad option, 404 for another job', async () => {
    const s = server();
    const r415 = await s.request('POST', '/customers/imports', {
      raw: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expectEnvelope(r415, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(r415.headers.get('accept-post')).toBe('application/x-ndjson, text/csv, application/json');
    const bad = await s.request('POST', '/customers/imports?mode=some', {
      raw: '',
      headers: { 'content-type': 'text/csv' },
    });
    expectEnvelope(bad, 400, 'INVALID_QUERY_PARAMETER');
    expect(bad.json[0].parameter).toBe('mode');
    expectEnvelope(
      await s.request('GET', '/jobs/00000000-0000-4000-8000-000000000000'),
      404,
      'RECORD_NOT_FOUND',
    );
    expectEnvelope(await s.request('GET', '/jobs/nope'), 404, 'RECORD_NOT_FOUND');
    expectEnvelope(await s.request('PUT', '/jobs/nope', { body: {} }), 405, 'METHOD_NOT_ALLOWED');
  });

  it('DELETE /jobs/{id} of a finished job is 409', async () => {
    const s = server();
    const loc = (
      await importJob(s, '/customers/imports', 'application/x-ndjson', ndjson([customer('d1')]))
    ).headers.get('location')!;
    await finished(s, loc);
    expectEnvelope(await s.request('DELETE', loc), 409, 'JOB_FINISHED');
  });

  it('cancel: an all-or-nothing import stopped midway writes nothing', async () => {
    const s = server();
    const before = await count(s);
    const rows = Array.from({ length: 20_000 }, (_, i) => customer(`cx${i}`));
    const loc = (await importJob(s, '/customers/imports', 'application/x-ndjson', ndjson(rows))).headers.get(
      'location',
    )!;
    const res = await s.request('DELETE', loc);
    expect(res.status, res.text).toBe(200);
    expect(res.json.state).toBe('cancelled');
    expect((await s.request('GET', loc)).json.state).toBe('cancelled');
    expect(await count(s)).toBe(before);
  });
});

describeEachStore('import size limit', (_target, getDb) => {
  const server = useServer(getDb, {
    yaml: 'limits: { importBytes: 100 }\nresources:\n  notes:\n    fields:\n      text: { type: string }\n',
  });

  it('413 past limits.importBytes, nothing written', async () => {
    const s = server();
    const body = ndjson(Array.from({ length: 10 }, (_, i) => ({ text: `note number ${i}` })));
    expectEnvelope(
      await s.request('POST', '/notes/imports', {
        raw: body,
        headers: { 'content-type': 'application/x-ndjson' },
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect((await s.request('GET', '/notes')).json).toEqual([]);
  });
});

/** verbo/client bulk data against a live server: import(rows | stream) → job handle, export() as NDJSON. */
import { expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { customer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { recordingFetch } from './client-harness.js';
import type { Resources } from './fixtures/crm-types.js';

describeEachStore('verbo/client: import and export', (_target, getDb) => {
  const server = useServer(getDb);
  const client = () => {
    const rec = recordingFetch();
    return { api: createClient<Resources>({ baseUrl: server().url, fetch: rec.fetch }), sent: rec.sent };
  };

  it('import(array): NDJSON to /customers/imports, a job handle whose progress() and done() follow the job', async () => {
    const { api, sent } = client();
    const rows = Array.from({ length: 30 }, (_, i) => customer(`bi${i}`, { tags: [i] }));
    const job = await api.customers.import(rows);
    expect(job.location).toBe(`/jobs/${job.id}`);
    expect(sent[0]).toMatchObject({ method: 'POST', url: `${server().url}/customers/imports`, status: 202 });
    expect(sent[0].headers.get('content-type')).toBe('application/x-ndjson');
    expect(sent[0].headers.get('idempotency-key')).toBeNull();
    expect(
      sent[0]
        .body!.trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(rows);
    const now = await job.progress();
    expect(now.id).toBe(job.id);
    expect(now.progress.total).toBe(30);
    const done = await job.done();
    expect(done).toMatchObject({ state: 'succeeded', progress: { done: 30, total: 30 } });
    expect(done.result).toMatchObject({ created: 30, failed: 0 });
    const listed = await api.customers.list({ where: { email: { like: 'cbi*' } }, limit: 100 });
    expect(listed.items).toHaveLength(30);
  });

  it('import(async iterable) streams the rows; options go in the query; a bad row is named by its number', async () => {
    const { api, sent } = client();
    async function* rows() {
      for (let i = 1; i <= 5; i++) yield customer(`st${i}`, i === 4 ? { email: 'not an email' } : {});
    }
    const job = await api.customers.import(rows(), { mode: 'valid-rows', onConflict: 'skip' });
    expect(sent[0].url).toBe(`${server().url}/customers/imports?mode=valid-rows&onConflict=skip`);
    const done = await job.done();
    expect(done.state).toBe('succeeded');
    expect(done.result).toMatchObject({ created: 4, failed: 1 });
    expect(done.result?.errors?.map((e) => e.pointer)).toEqual(['/rows/4/email']);
  });

  it('export(): every matching record from NDJSON, one at a time, filters and fields applied', async () => {
    const { api, sent } = client();
    const seen: Array<{ email: string }> = [];
    for await (const c of api.customers.export({ where: { email: { like: 'cst*' } }, fields: ['email'] }))
      seen.push(c);
    expect(seen.map((c) => c.email).sort()).toEqual([
      'cst1@example.com',
      'cst2@example.com',
      'cst3@example.com',
      'cst5@example.com',
    ]);
    expect(Object.keys(seen[0])).toEqual(['email']);
    expect(sent[0].headers.get('accept')).toBe('application/x-ndjson');
    let all = 0;
    for await (const _ of api.customers.export()) all++;
    expect(all).toBe(34);
  });
});

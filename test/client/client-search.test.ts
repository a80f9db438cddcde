/** verbo/client: `q` on list (docs/search.md) — the query string, the matches, relevance order and its pages. */
import { beforeAll, expect, it } from 'vitest';
import { createClient, type VerboClient } from '../../src/client/index.js';
import { customer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { caught, recordingFetch } from './client-harness.js';
import type { Resources } from './fixtures/crm-types.js';

describeEachStore('verbo/client: search', (_target, getDb) => {
  const server = useServer(getDb);
  const rec = recordingFetch();
  let api: VerboClient<Resources>;

  beforeAll(async () => {
    api = createClient<Resources>({ baseUrl: server().url, fetch: rec.fetch });
    for (const [n, name, company] of [
      [1, 'Ana García', 'Solar Núñez'],
      [2, 'Anabel Ruiz', 'García Hermanos'],
      [3, 'Bruno Díaz', 'Acme'],
    ] as const)
      await api.customers.create(customer(`s${n}`, { name, company }));
  });

  it('sends q as the query string has it and gets the matching records', async () => {
    const page = await api.customers.list({ q: 'ana garcía', where: { status: 'lead' }, count: true });
    expect(rec.sent.at(-1)!.url).toContain('status=lead&q=ana%20garc%C3%ADa');
    expect(page.items.map((c) => c.name)).toEqual(['Ana García']);
    expect(page.total).toBe(1);
    const prefixed = await api.customers.list({ q: 'ana*', sort: 'name' });
    expect(prefixed.items.map((c) => c.name)).toEqual(['Ana García', 'Anabel Ruiz']);
  });

  it('narrows an aggregate by q', async () => {
    const groups = await api.customers.aggregate({ q: 'garcia', groupBy: ['status'] });
    expect(rec.sent.at(-1)!.url).toContain('q=garcia');
    expect(groups).toEqual([{ status: 'lead', count: 2 }]);
  });

  it('sorts by -relevance and walks its pages', async () => {
    const names: string[] = [];
    for await (const page of api.customers.list({ q: 'garcia', sort: '-relevance', limit: 1 }).pages())
      names.push(...page.items.map((c) => c.name));
    expect(names.sort()).toEqual(['Ana García', 'Anabel Ruiz']);
    const e = await caught(api.customers.list({ sort: '-relevance' }));
    expect(e).toMatchObject({ status: 400, code: 'INVALID_QUERY_PARAMETER' });
  });
});

/**
 * Index advice while serving (docs/migrations.md), on every store: the first list query of a shape
 * that sorts, or scans while filtering, a table past the threshold logs one warning naming the
 * `indexes:` line that would serve it; a shape an index serves, or a small table, logs nothing.
 */
import { expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { IndexAdvisor } from '../../src/http/query/index-advisor.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { openStore } from '../../src/store/open-store.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML =
  'resources:\n  customers:\n    fields:\n      name: string\n      status: { type: enum, values: [lead, active], index: true }\n    indexes: [[status, -createdAt]]\n';

describeEachStore('index advice', (_target, getDb) => {
  it('warns once per slow query shape, through the list route', async () => {
    const model = buildModel(parseConfigText(YAML, 'verbo.yaml'));
    const store = await openStore(getDb());
    const lines: string[] = [];
    const app = await buildApp({
      model,
      store,
      logger: { level: 'warn', stream: { write: (l: string) => lines.push(l) } },
      indexAdviceMinRows: 50,
    });
    try {
      await store.sync(model);
      const customers = model.byName.get('customers')!;
      for (let i = 0; i < 60; i++)
        await store.insert(customers, { name: `n${i}`, status: i % 2 ? 'active' : 'lead' });
      const get = (url: string) =>
        app.inject({ method: 'GET', url }).then((r) => expect(r.statusCode).toBe(200));
      await get('/customers?name=n3');
      await get('/customers?name=n4');
      await get('/customers?status=active&sort=-createdAt');
      await get('/customers?limit=5');
      await new Promise((r) => setTimeout(r, 300));
      const warnings = lines
        .map((l) => JSON.parse(l).msg as string)
        .filter((m) => m.startsWith('index advice'));
      expect(warnings).toEqual([
        'index advice: customers|name:eq|id: scans 60 customers rows without an index: add to customers: indexes: [[name]]',
      ]);
      // A small table: nothing (the advisor is the one the route uses, here with a higher threshold).
      const quiet: string[] = [];
      const advisor = new IndexAdvisor(store, 1000);
      await advisor.observe(customers, { where: [{ field: 'name', op: 'eq', value: 'x' }], sort: [] }, {
        warn: (_o: unknown, m: string) => quiet.push(m),
      } as never);
      expect(quiet).toEqual([]);
    } finally {
      await app.close();
      await store.close();
    }
  });
});

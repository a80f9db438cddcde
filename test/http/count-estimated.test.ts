/**
 * docs/query.md: `Prefer: count=estimated` gives X-Total-Count without a full count — exact up to a
 * threshold (counting stops there), beyond it PostgreSQL's planner estimate or the threshold (SQLite).
 */

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { CRM_CONFIG, customer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

describeEachStore('Prefer: count=estimated', (target, getDb) => {
  const server = useServer(getDb);
  const customers = buildModel(parseConfigText(readFileSync(CRM_CONFIG, 'utf8'), 'v.yaml')).byName.get(
    'customers',
  )!;

  it('answers the exact count under the threshold, with Preference-Applied: count=estimated', async () => {
    for (let i = 0; i < 30; i++)
      await server().request('POST', '/customers', {
        body: customer(`est-${i}`, { status: i % 3 ? 'lead' : 'active' }),
      });
    const res = await server().request('GET', '/customers?status=active&limit=2', {
      headers: { prefer: 'count=estimated' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toHaveLength(2);
    expect(res.headers.get('x-total-count')).toBe('10');
    expect(res.headers.get('preference-applied')).toBe('count=estimated');
    // Exact wins when both are asked; neither → no count at all.
    const both = await server().request('GET', '/customers?limit=1', {
      headers: { prefer: 'count=estimated, count=exact' },
    });
    expect(both.headers.get('preference-applied')).toBe('count=exact');
    expect(both.headers.get('x-total-count')).toBe('30');
    expect((await server().request('GET', '/customers?limit=1')).headers.get('x-total-count')).toBeNull();
  });

  it('the client asks for it with count: "estimated"', async () => {
    const api = createClient({ baseUrl: server().url });
    const page = await api.customers.list({ where: { status: 'active' }, limit: 1, count: 'estimated' });
    expect(page.total).toBe(10);
    expect(page.items).toHaveLength(1);
  });

  it('stops counting at the threshold: the store reads no more rows than that', async () => {
    const store = server().store;
    expect(await store.estimateCount(customers, [], 1000)).toBe(30);
    const capped = await store.estimateCount(customers, [], 10);
    if (target.name === 'postgres')
      expect(capped).toBeGreaterThan(10); // the planner's estimate, never below the cap
    else expect(capped).toBe(10);
    expect(
      await store.estimateCount(customers, [{ field: 'status', op: 'eq', value: 'active' }], 5),
    ).toBeGreaterThanOrEqual(5);
  });
});

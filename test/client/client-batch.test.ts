/** verbo/client: api.batch([...]) — results of every operation, or one VerboError and nothing written. */
import { expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { customer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';
import { caught, expectClientError } from './client-harness.js';
import type { Resources } from './fixtures/crm-types.js';

describeEachStore('verbo/client: batch', (_target, getDb) => {
  const server = useServer(getDb);
  const api = () => createClient<Resources>({ baseUrl: server().url });

  it('returns each status, headers and body; a reference carries an id between operations', async () => {
    const results = await api().batch([
      { method: 'POST', path: '/customers', body: customer('cb1'), ref: 'c' },
      { method: 'POST', path: '/orders', body: { customerId: '$c.id', title: 'T', amount: 5 } },
    ]);
    expect(results.map((r) => r.status)).toEqual([201, 201]);
    const c = results[0].body as { id: number };
    expect(results[0].headers.location).toBe(`/customers/${c.id}`);
    expect((results[1].body as { customerId: number }).customerId).toBe(c.id);
    expect((await api().customers.get(c.id)).email).toBe('ccb1@example.com');
  });

  it('a failing operation throws one VerboError with its pointer under /operations/{i}; nothing is written', async () => {
    const e = await caught(
      api().batch([
        { method: 'POST', path: '/customers', body: customer('cb2') },
        // @ts-expect-error a create without email: the types refuse it, and so does the server
        { method: 'POST', path: '/customers', body: { name: '' } },
      ]),
    );
    expectClientError(e, 422, 'VALIDATION_FAILED');
    expect(e.errors.map((x) => x.pointer).sort()).toEqual([
      '/operations/1/body/email',
      '/operations/1/body/name',
    ]);
    expect((await api().customers.list({ where: { email: 'ccb2@example.com' } })).items).toEqual([]);
  });
});

/** Client-chosen keys (`id: string`, `id: uuid`): PUT creates with the key; a key that can never be one is a 422. */
import { expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
resources:
  users:
    id: string
    fields:
      name: { type: string, required: true }
  devices:
    id: uuid
    fields:
      label: { type: string, required: true }
`;

describeEachStore('natural keys', (_target, getDb) => {
  const server = useServer(getDb, { yaml: YAML });

  it('PUT creates with a valid key (201 + Location); an invalid key → 422 pointing at /id, never a 404', async () => {
    const made = await server().request('PUT', '/users/ada.lovelace', { body: { name: 'Ada' } });
    expect(made.status, made.text).toBe(201);
    expect(made.headers.get('location')).toBe('/users/ada.lovelace');
    const bad = await server().request('PUT', '/users/a%20b', { body: { name: 'Spaces' } });
    expectEnvelope(bad, 422, 'VALIDATION_FAILED');
    expect(bad.json[0].pointer).toBe('/id');
    const uuid = '4b2f0c0e-8e0e-4c7a-9d51-3f7f2b8c1a10';
    expect((await server().request('PUT', `/devices/${uuid}`, { body: { label: 'phone' } })).status).toBe(
      201,
    );
    expectEnvelope(
      await server().request('PUT', '/devices/not-a-uuid', { body: { label: 'x' } }),
      422,
      'VALIDATION_FAILED',
    );
    // Reads of a key that cannot exist stay 404.
    expectEnvelope(await server().request('GET', '/users/a%20b'), 404, 'RECORD_NOT_FOUND');
  });
});

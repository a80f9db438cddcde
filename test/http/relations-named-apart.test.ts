/** Two references from one resource to the same target: two to-many relations, named apart. */
import { expect, it } from 'vitest';
import { useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
resources:
  people:
    fields:
      name: { type: string, required: true }
  parcels:
    fields:
      label: { type: string, required: true }
      senderId: { type: reference, to: people, required: true }
      recipientId: { type: reference, to: people, required: true }
`;

describeEachStore('two references to one target', (_target, getDb) => {
  const server = useServer(getDb, { yaml: YAML });

  it('nested routes and embed keep the two relations apart; to-one embeds use the field names', async () => {
    const ann = (await server().request('POST', '/people', { body: { name: 'Ann' } })).json;
    const bob = (await server().request('POST', '/people', { body: { name: 'Bob' } })).json;
    const p1 = await server().request('POST', '/parcels', {
      body: { label: 'p1', senderId: ann.id, recipientId: bob.id },
    });
    expect(p1.status, p1.text).toBe(201);
    await server().request('POST', '/parcels', {
      body: { label: 'p2', senderId: ann.id, recipientId: ann.id },
    });

    const sent = await server().request('GET', `/people/${ann.id}/parcelsBySender`);
    expect(sent.status, sent.text).toBe(200);
    expect(sent.json.map((p: { label: string }) => p.label)).toEqual(['p1', 'p2']);
    const received = await server().request('GET', `/people/${bob.id}/parcelsByRecipient`);
    expect(received.json.map((p: { label: string }) => p.label)).toEqual(['p1']);
    expect((await server().request('GET', `/people/${ann.id}/parcels`)).status).toBe(404);

    const created = await server().request('POST', `/people/${bob.id}/parcelsBySender`, {
      body: { label: 'p3', recipientId: ann.id },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.senderId).toBe(bob.id);

    const embedded = await server().request(
      'GET',
      `/people/${ann.id}?embed=parcelsBySender,parcelsByRecipient`,
    );
    expect(embedded.status, embedded.text).toBe(200);
    expect(embedded.json.parcelsBySender.map((p: { label: string }) => p.label)).toEqual(['p1', 'p2']);
    expect(embedded.json.parcelsByRecipient.map((p: { label: string }) => p.label)).toEqual(['p2', 'p3']);

    const parcel = await server().request('GET', `/parcels/${p1.json.id}?embed=sender,recipient`);
    expect(parcel.json.sender.name).toBe('Ann');
    expect(parcel.json.recipient.name).toBe('Bob');

    const doc = (await server().request('GET', '/openapi.json')).json;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/people/{id}/parcelsBySender', '/people/{id}/parcelsByRecipient']),
    );
  });
});

/**
 * docs/rules.md#field-access: a field with its own read/write rules is absent for callers its read
 * rule does not admit — in items, lists, embeds and write responses — filtering or sorting on it
 * answers 403, and a write to it by someone its write rule does not admit answers 403 (a
 * replacement that leaves it out keeps it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRecordTypes } from '../../src/codegen/record-types.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { buildOpenApi } from '../../src/openapi/openapi-builder.js';
import { type AuthServer, addUser, signIn, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope } from '../support/http-harness.js';
import { openSse, type SseEvent } from '../support/sse-client.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: fields
auth: { registration: closed }
resources:
  contacts:
    access: { read: authenticated, write: authenticated }
    fields:
      name: { type: string, required: true }
      email: { type: email, access: { read: role:sales, write: role:sales } }
      notes: { type: string, access: { write: role:sales } }
  calls:
    access: { read: authenticated, write: authenticated }
    fields:
      contactId: { type: reference, to: contacts, required: true }
      topic: string
`;

describeEachStore('field access', (_target, getDb) => {
  let s: AuthServer;
  let ann: { cookie: string };
  let sam: { cookie: string };
  let id: number;
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: YAML });
    await addUser(s, 'ann@example.com', 'ann-password-123');
    await addUser(s, 'sam@example.com', 'sam-password-123', ['sales']);
    ann = await signIn(s, 'ann@example.com', 'ann-password-123');
    sam = await signIn(s, 'sam@example.com', 'sam-password-123');
    const created = await s.request('POST', '/contacts', {
      body: { name: 'Ada', email: 'ada@example.com', notes: 'met at fair' },
      headers: sam,
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.email).toBe('ada@example.com');
    id = created.json.id;
    await s.request('POST', '/calls', { body: { contactId: id, topic: 'intro' }, headers: ann });
  });
  afterAll(() => s.close());

  it('a caller the read rule does not admit never sees the field: item, list, fields, embeds', async () => {
    const item = await s.request('GET', `/contacts/${id}`, { headers: ann });
    expect(item.json).toMatchObject({ name: 'Ada', notes: 'met at fair' });
    expect(item.json).not.toHaveProperty('email');
    const list = await s.request('GET', '/contacts', { headers: ann });
    expect(list.json[0]).not.toHaveProperty('email');
    const selected = await s.request('GET', '/contacts?fields=id,email', { headers: ann });
    expect(selected.json[0]).toEqual({ id });
    const embedded = await s.request('GET', '/calls?embed=contact', { headers: ann });
    expect(embedded.json[0].contact.name).toBe('Ada');
    expect(embedded.json[0].contact).not.toHaveProperty('email');
    const nested = await s.request('GET', `/contacts/${id}?embed=calls`, { headers: ann });
    expect(nested.json).not.toHaveProperty('email');
    expect(embedded.text + nested.text + list.text + item.text).not.toContain('ada@example.com');
    const samSees = await s.request('GET', `/contacts/${id}?embed=calls`, { headers: sam });
    expect(samSees.json.email).toBe('ada@example.com');
  });

  it('exports and change streams hide the field from the same caller: CSV, NDJSON, snapshot and live events', async () => {
    for (const [who, sees] of [
      [ann, false],
      [sam, true],
    ] as const) {
      const csv = await s.request('GET', '/contacts', { headers: { ...who, accept: 'text/csv' } });
      expect(csv.status, csv.text).toBe(200);
      expect(csv.text.split('\r\n')[0].split(',').includes('email')).toBe(sees);
      expect(csv.text.includes('ada@example.com')).toBe(sees);
      const ndjson = await s.request('GET', '/contacts', {
        headers: { ...who, accept: 'application/x-ndjson' },
      });
      expect(ndjson.status, ndjson.text).toBe(200);
      const rows = ndjson.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect('email' in row).toBe(sees);
    }
    const streams = [
      await openSse(`${s.url}/contacts?snapshot=true`, ann),
      await openSse(`${s.url}/contacts?snapshot=true`, sam),
    ];
    try {
      const ready = (events: SseEvent[]) => events.some((e) => e.event === 'ready');
      await Promise.all(streams.map((st) => st.until(ready)));
      const made = await s.request('POST', '/contacts', {
        body: { name: 'Bo', email: 'bo@example.com' },
        headers: sam,
      });
      expect(made.status).toBe(201);
      const created = (events: SseEvent[]) =>
        events.some((e) => e.event === 'created' && e.data.id === made.json.id);
      const [annEvents, samEvents] = await Promise.all(streams.map((st) => st.until(created)));
      const records = (events: SseEvent[]) =>
        events.filter((e) => e.event === 'snapshot' || e.event === 'created');
      for (const e of records(annEvents)) expect(e.data).not.toHaveProperty('email');
      expect(records(samEvents).find((e) => e.data.id === made.json.id)?.data.email).toBe('bo@example.com');
    } finally {
      for (const st of streams) st.close();
    }
  });

  it('filtering or sorting on a hidden field is 403 naming the parameter', async () => {
    const filter = await s.request('GET', '/contacts?email=ada@example.com', { headers: ann });
    expectEnvelope(filter, 403, 'FORBIDDEN');
    expect(filter.json[0].parameter).toBe('email');
    const sort = await s.request('GET', '/contacts?sort=-email', { headers: ann });
    expectEnvelope(sort, 403, 'FORBIDDEN');
    expect(sort.json[0].parameter).toBe('sort');
    const bulk = await s.request('DELETE', '/contacts?email[like]=ada*', { headers: ann });
    expectEnvelope(bulk, 403, 'FORBIDDEN');
    expect((await s.request('GET', '/contacts?email=ada@example.com', { headers: sam })).json).toHaveLength(
      1,
    );
  });

  it('a write to a field by someone its write rule does not admit is 403; nothing changes', async () => {
    const post = await s.request('POST', '/contacts', { body: { name: 'Bo', notes: 'x' }, headers: ann });
    expectEnvelope(post, 403, 'FORBIDDEN');
    expect(post.json[0].pointer).toBe('/notes');
    const patch = await s.request('PATCH', `/contacts/${id}`, {
      body: { email: 'x@example.com' },
      headers: ann,
    });
    expectEnvelope(patch, 403, 'FORBIDDEN');
    const notes = await s.request('PATCH', `/contacts/${id}`, { body: { notes: 'changed' }, headers: ann });
    expectEnvelope(notes, 403, 'FORBIDDEN');
    expect((await s.request('GET', `/contacts/${id}`, { headers: sam })).json).toMatchObject({
      email: 'ada@example.com',
      notes: 'met at fair',
    });
  });

  it('a replacement or patch by that caller keeps the fields it may not write or read', async () => {
    const current = (await s.request('GET', `/contacts/${id}`, { headers: ann })).json;
    const put = await s.request('PUT', `/contacts/${id}`, {
      body: { ...current, name: 'Ada L.' },
      headers: ann,
    });
    expect(put.status, put.text).toBe(200);
    expect(put.json).not.toHaveProperty('email');
    const patch = await s.request('PATCH', `/contacts/${id}`, {
      body: { name: 'Ada Lovelace' },
      headers: ann,
    });
    expect(patch.status, patch.text).toBe(200);
    const put2 = await s.request('PUT', `/contacts/${id}`, { body: { name: 'Ada' }, headers: ann });
    expect(put2.status, put2.text).toBe(200);
    expect((await s.request('GET', `/contacts/${id}`, { headers: sam })).json).toMatchObject({
      name: 'Ada',
      email: 'ada@example.com',
      notes: 'met at fair',
    });
  });
});

describe('field access in the document and the types', () => {
  const model = buildModel(parseConfigText(YAML, 'verbo.yaml'));
  it('OpenAPI marks the field (x-verbo-access) and leaves it out of required', () => {
    const doc = buildOpenApi(model) as {
      components: {
        schemas: Record<string, { required: string[]; properties: Record<string, Record<string, unknown>> }>;
      };
    };
    const contact = doc.components.schemas.Contact;
    expect(contact.required).not.toContain('email');
    expect(contact.required).toContain('notes');
    expect(contact.properties.email['x-verbo-access']).toEqual({
      read: ['role:sales'],
      write: ['role:sales'],
    });
  });
  it('verbo types makes the field optional in the read shape', () => {
    expect(generateRecordTypes(model)).toMatch(/interface Contact \{[^}]*\n {2}email\?: string \| null;/);
  });
});

/**
 * A reference field takes its target's id type (docs/config.md): the same parsing, canonical form,
 * errors and OpenAPI schema, for uuid-keyed and string-keyed targets, on every store.
 */
import { expect, it } from 'vitest';
import { expectEnvelope, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const LIBRARY = `
resources:
  authors:
    id: uuid
    fields: { name: { type: string, required: true } }
  members:
    id: string
    fields: { name: string }
  books:
    fields:
      title: { type: string, required: true }
      authorId: { type: reference, to: authors }
  loans:
    fields:
      memberId: { type: reference, to: members, required: true }
`;

const UPPER = 'BCD66F8D-1C2A-4F5B-9E3D-7A8B9C0D1E2F';
const LOWER = UPPER.toLowerCase();

describeEachStore('references take their target id type', (_target, getDb) => {
  const server = useServer(getDb, { yaml: LIBRARY });

  it('a uuid reference is canonical: upper-case in a body or a filter names the same author', async () => {
    const author = await server().request('POST', '/authors', { body: { id: UPPER, name: 'Ada' } });
    expect(author.status, author.text).toBe(201);
    expect(author.json.id).toBe(LOWER);
    expect((await server().request('GET', `/authors/${UPPER}`)).status).toBe(200);

    const book = await server().request('POST', '/books', { body: { title: 'Notes', authorId: UPPER } });
    expect(book.status, book.text).toBe(201);
    expect(book.json.authorId).toBe(LOWER);

    for (const value of [UPPER, LOWER]) {
      const found = await server().request('GET', `/books?authorId=${value}`);
      expect(found.status).toBe(200);
      expect(found.json.map((b: { id: number }) => b.id)).toEqual([book.json.id]);
    }
    const nested = await server().request('GET', `/books?authorId[in]=${UPPER},${LOWER}`);
    expect(nested.json).toHaveLength(1);
  });

  it('a value that is no uuid is refused alike as an id filter and as a reference filter', async () => {
    const byId = await server().request('GET', '/authors?id=123');
    expectEnvelope(byId, 400, 'INVALID_QUERY_PARAMETER');
    const byReference = await server().request('GET', '/books?authorId=123');
    expectEnvelope(byReference, 400, 'INVALID_QUERY_PARAMETER');
    expect(byReference.json[0].internalMessage).toBe(
      byId.json[0].internalMessage.replace('id:', 'authorId:'),
    );
  });

  it('a body reference that cannot be an id of the target is a validation problem, with the field problems', async () => {
    const res = await server().request('POST', '/books', { body: { title: 5, authorId: 'nope' } });
    expectEnvelope(res, 422, 'VALIDATION_FAILED');
    expect(res.json.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/authorId', '/title']);
    // A well-formed uuid of no author is still a missing reference.
    const missing = await server().request('POST', '/books', {
      body: { title: 'x', authorId: '00000000-0000-4000-8000-000000000000' },
    });
    expectEnvelope(missing, 422, 'REFERENCE_NOT_FOUND');
  });

  it('a string-keyed reference takes the key rules of its target', async () => {
    const member = await server().request('POST', '/members', { body: { id: 'ada-l', name: 'Ada' } });
    expect(member.status, member.text).toBe(201);
    const loan = await server().request('POST', '/loans', { body: { memberId: 'ada-l' } });
    expect(loan.status, loan.text).toBe(201);
    const found = await server().request('GET', '/loans?memberId=ada-l');
    expect(found.json.map((l: { id: number }) => l.id)).toEqual([loan.json.id]);
    const bad = await server().request('POST', '/loans', { body: { memberId: 'not a key' } });
    expectEnvelope(bad, 422, 'VALIDATION_FAILED');
    expect(bad.json[0].pointer).toBe('/memberId');
  });

  it('OpenAPI documents a reference with its target id schema, in bodies and filters', async () => {
    const doc = (await server().request('GET', '/openapi.json')).json;
    const schemas = doc.components.schemas;
    const bookCreate = JSON.stringify(schemas.BookCreate ?? schemas.BooksCreate);
    expect(bookCreate).toContain('"format":"uuid"');
    // One plain parameter per filter (docs/openapi.md): `authorId` is the equals filter.
    const authorFilter = doc.components.parameters['books.filter.authorId'].schema;
    expect(authorFilter.format).toBe('uuid');
    const memberFilter = doc.components.parameters['loans.filter.memberId'].schema;
    expect(memberFilter.type).toBe('string');
    const loanCreate = JSON.stringify(schemas.LoanCreate ?? schemas.LoansCreate);
    expect(loanCreate).toContain('^[A-Za-z0-9._~-]+$');
  });
});

/**
 * Nested embeds (docs/query.md, "Embedding related records"): `embed=book.author`, fields inside an
 * embed, merged branches, the depth limit, access rules at every depth and ETags over nested
 * records, on every store.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuthServer, addUser, signIn, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope, type TestServer, useServer } from '../support/http-harness.js';
import { countListCalls, type Rec } from '../support/query-fixtures.js';
import { describeEachStore } from '../support/store-targets.js';

const resources = (access: (name: string) => string) => `
resources:
  authors:
    id: uuid
    ${access('authors')}
    fields:
      name: { type: string, required: true }
      country: { type: string }
  books:
    ${access('books')}
    fields:
      authorId: { type: reference, to: authors, required: true }
      title: { type: string, required: true }
      pages: { type: integer }
  members:
    id: string
    ${access('members')}
    fields:
      name: { type: string, required: true }
  loans:
    ${access('loans')}
    fields:
      bookId: { type: reference, to: books, required: true }
      memberId: { type: reference, to: members, required: true }
      due: { type: date }
`;

const LIBRARY = `name: library\n${resources(() => '')}`;
const RULES: Record<string, string> = {
  authors: 'access: { read: authenticated, write: authenticated }',
  books: 'access: { read: authenticated, write: authenticated }',
  members: 'access: { read: role:staff, write: role:staff }',
  loans: 'access: { read: owner, write: owner }',
};
const SECURE = `name: library\nauth: { registration: closed }\n${resources((n) => RULES[n])}`;

type Req = TestServer['request'];

async function post(request: Req, path: string, body: Rec, headers: Record<string, string> = {}) {
  const res = await request('POST', path, { body, headers });
  expect(res.status, res.text).toBe(201);
  return res.json as Rec;
}

describeEachStore('nested embeds', (_target, getDb) => {
  const server = useServer(getDb, { yaml: LIBRARY });
  let ada: Rec;
  let bob: Rec;
  let books: Rec[];
  let loans: Rec[];
  const get = (path: string) => server().request('GET', path);

  beforeAll(async () => {
    const req: Req = (m, p, o) => server().request(m, p, o);
    ada = await post(req, '/authors', { name: 'Ada', country: 'UK' });
    bob = await post(req, '/authors', { name: 'Bob', country: 'ES' });
    books = [
      await post(req, '/books', { authorId: ada.id, title: 'Notes', pages: 10 }),
      await post(req, '/books', { authorId: ada.id, title: 'Engines', pages: 20 }),
      await post(req, '/books', { authorId: bob.id, title: 'Tiles', pages: 30 }),
    ];
    await post(req, '/members', { id: 'm-1', name: 'Mia' });
    await post(req, '/members', { id: 'm-2', name: 'Max' });
    loans = [
      await post(req, '/loans', { bookId: books[0].id, memberId: 'm-1' }),
      await post(req, '/loans', { bookId: books[0].id, memberId: 'm-2' }),
      await post(req, '/loans', { bookId: books[2].id, memberId: 'm-1' }),
    ];
  });

  it('embed=book.author: to-one through to-one, one query per level', async () => {
    let res!: Awaited<ReturnType<typeof get>>;
    const calls = await countListCalls(server(), async () => {
      res = await get('/loans?embed=book.author');
    });
    expect(res.status, res.text).toBe(200);
    expect(calls).toEqual(['loans', 'books', 'authors']);
    const [first, , third] = res.json;
    expect(first.book).toEqual({ ...books[0], author: ada });
    expect(third.book).toEqual({ ...books[2], author: bob });
  });

  it('to-many inside to-many, three levels deep, with fields inside each embed', async () => {
    const res = await get(`/authors/${ada.id}?embed=books(title).loans(memberId).member(name)`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.books).toEqual([
      {
        title: 'Notes',
        loans: [
          { memberId: 'm-1', member: { name: 'Mia' } },
          { memberId: 'm-2', member: { name: 'Max' } },
        ],
      },
      { title: 'Engines', loans: [] },
    ]);
    expect(res.json.name).toBe('Ada');
  });

  it('items naming one relation merge; fields given once apply to the merged branch', async () => {
    const res = await get(`/books?embed=author(name),loans.member,loans(id)&id=${books[0].id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.json[0].author).toEqual({ name: 'Ada' });
    expect(res.json[0].loans).toEqual([
      {
        id: loans[0].id,
        member: { id: 'm-1', name: 'Mia', createdAt: expect.any(String), updatedAt: expect.any(String) },
      },
      { id: loans[1].id, member: expect.objectContaining({ id: 'm-2' }) },
    ]);
  });

  it('customer(name,email)-style fields on a to-one: only the fields named, null when the reference is null', async () => {
    const res = await get('/books?embed=author(name,country)&sort=id');
    expect(res.json.map((b: Rec) => b.author)).toEqual([
      { name: 'Ada', country: 'UK' },
      { name: 'Ada', country: 'UK' },
      { name: 'Bob', country: 'ES' },
    ]);
  });

  it.each([
    ['book.author.books.loans', 'at most 3 levels'],
    ['book.nope', 'books has no relation "nope"'],
    ['book(nope)', 'books has no field "nope"'],
    ['book(', 'expected a field name'],
    ['book(title', 'expected "," or ")"'],
    ['book.', 'expected a relation name'],
    ['book,,member', 'expected a relation name'],
    ['book(title).author,book(pages)', 'given twice'],
    ['book;drop', 'unexpected ";"'],
    ['', 'expected a relation name'],
  ])('embed=%s → 400 INVALID_QUERY_PARAMETER naming embed (%s)', async (embed, message) => {
    const res = await get(`/loans?embed=${encodeURIComponent(embed)}`);
    expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
    expect(res.json[0].parameter).toBe('embed');
    expect(res.json[0].internalMessage).toContain(message);
    const item = await get(`/loans/${loans[0].id}?embed=${encodeURIComponent(embed)}`);
    expectEnvelope(item, 400, 'INVALID_QUERY_PARAMETER');
  });

  it('the list ETag and the item ETag change when a record two levels down changes', async () => {
    const list = `/loans?embed=book.author&id=${loans[2].id}`;
    const item = `/loans/${loans[2].id}?embed=book.author`;
    const before = [(await get(list)).headers.get('etag'), (await get(item)).headers.get('etag')];
    const again = await server().request('GET', list, { headers: { 'if-none-match': before[0]! } });
    expect(again.status).toBe(304);
    const patched = await server().request('PATCH', `/authors/${bob.id}`, { body: { country: 'PT' } });
    expect(patched.status, patched.text).toBe(200);
    const after = [await get(list), await get(item)];
    expect(after[0].json[0].book.author.country).toBe('PT');
    expect(after[1].json.book.author.country).toBe('PT');
    expect(after[0].headers.get('etag')).not.toBe(before[0]);
    expect(after[1].headers.get('etag')).not.toBe(before[1]);
    const stale = await server().request('GET', item, { headers: { 'if-none-match': before[1]! } });
    expect(stale.status).toBe(200);
  });
});

describeEachStore('nested embeds under access rules', (_target, getDb) => {
  let s: AuthServer;
  const who: Record<'ann' | 'ben' | 'sue', Record<string, string>> = {} as never;
  let bookId = 0;
  let authorId = '';

  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: SECURE });
    for (const [name, roles] of [
      ['ann', []],
      ['ben', []],
      ['sue', ['staff']],
    ] as const) {
      await addUser(s, `${name}@example.com`, `${name}-password-123`, [...roles]);
      who[name] = await signIn(s, `${name}@example.com`, `${name}-password-123`);
    }
    const req: Req = (m, p, o) => s.request(m, p, o);
    authorId = String((await post(req, '/authors', { name: 'Ada' }, who.ann)).id);
    bookId = Number((await post(req, '/books', { authorId, title: 'Notes' }, who.ann)).id);
    await post(req, '/members', { id: 'm-1', name: 'Mia' }, who.sue);
    await post(req, '/loans', { bookId, memberId: 'm-1' }, who.ann);
    await post(req, '/loans', { bookId, memberId: 'm-1' }, who.ben);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('an owner resource two levels down shows only the caller’s records', async () => {
    for (const name of ['ann', 'ben'] as const) {
      const res = await s.request('GET', `/authors/${authorId}?embed=books.loans`, { headers: who[name] });
      expect(res.status, res.text).toBe(200);
      const owners = res.json.books[0].loans.map((l: Rec) => l.ownerId);
      expect(owners).toHaveLength(1);
      expect(owners[0]).toBe(res.json.books[0].loans[0].ownerId);
      const direct = await s.request('GET', `/loans?bookId=${bookId}`, { headers: who[name] });
      expect(res.json.books[0].loans).toEqual(direct.json);
    }
  });

  it('a resource the caller may not read is refused at any depth, as a direct read is', async () => {
    const direct = await s.request('GET', '/members', { headers: who.ann });
    expectEnvelope(direct, 403, 'FORBIDDEN');
    const nested = await s.request('GET', `/authors?embed=books.loans.member`, { headers: who.ann });
    expectEnvelope(nested, 403, 'FORBIDDEN');
    const staff = await s.request('GET', `/books/${bookId}?embed=loans.member(name)`, { headers: who.sue });
    expect(staff.status, staff.text).toBe(200);
    // sue owns no loans: the owner rule applies to her too, so nothing leaks through the embed.
    expect(staff.json.loans).toEqual([]);
  });
});

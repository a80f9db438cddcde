/**
 * docs/search.md: `?q=` matches words and `word*` prefixes, accent- and case-insensitively, every
 * word required, combined with filters, sort, paging (offset and cursor), fields, embed and count;
 * `sort=-relevance` ranks the same way on both stores for this corpus; the index follows every
 * write; user text is words, never search syntax; and the errors name their parameter.
 */
import { beforeAll, expect, it } from 'vitest';
import { expectEnvelope, type TestServer, useServer } from '../support/http-harness.js';
import { kinds, openSse } from '../support/sse-client.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: search
resources:
  people:
    fields:
      name: { type: string, search: true }
      bio: { type: text, search: true }
      city: { type: string, index: true }
      age: integer
  pets:
    fields:
      personId: { type: reference, to: people }
      name: { type: string, search: true }
  memos:
    id: uuid
    fields:
      text: { type: text, search: true }
      rank: integer
  plain:
    fields:
      title: string
`;

const PEOPLE = [
  { name: 'Ana García', bio: 'Architect in Madrid', city: 'Madrid', age: 41 },
  { name: 'ANA GARCIA-LOPEZ', bio: 'Nurse', city: 'Lima', age: 35 },
  { name: 'José Pérez', bio: 'Works with Ana on bridges', city: 'Madrid', age: 52 },
  { name: 'Garcilaso', bio: 'Poet', city: 'Toledo', age: 33 },
  { name: 'Zoë Müller', bio: 'Café owner; crème brûlée', city: 'Zürich', age: 29 },
  { name: 'Bob', bio: 'AND OR NOT NEAR', city: 'Quito', age: 60 },
];

/** Ranked by `?q=ranking`: more occurrences in texts of the same length first, then shorter texts. */
const RANKED = [
  { name: 'Ranking', bio: 'ranking ranking', city: 'R', age: 3 },
  { name: 'Ranking Hill', bio: 'other things here', city: 'R', age: 1 },
  { name: 'Ranking', bio: 'ranking notes', city: 'R', age: 2 },
  { name: 'Ranking', bio: 'nothing here', city: 'R', age: 4 },
];

type Rec = { id: number; name: string; bio?: string; city?: string; age?: number };
const names = (res: { json: Rec[] }) => res.json.map((r) => r.name);

describeEachStore('full-text search (?q=)', (_target, getDb) => {
  const server = useServer(getDb, { yaml: YAML });
  const get = (path: string) => server().request('GET', path);
  const ids: Record<string, number> = {};
  let s: TestServer;

  beforeAll(async () => {
    s = server();
    for (const p of [...PEOPLE, ...RANKED]) {
      const res = await s.request('POST', '/people', { body: p });
      expect(res.status, res.text).toBe(201);
      ids[`${p.name}/${p.age}`] = res.json.id;
    }
    for (const [person, name] of [
      ['Ana García/41', 'Rex'],
      ['José Pérez/52', 'Rex Junior'],
      ['Garcilaso/33', 'Rexona'],
    ]) {
      const pet = await s.request('POST', '/pets', { body: { personId: ids[person], name } });
      expect(pet.status, pet.text).toBe(201);
    }
    for (const [text, rank] of [
      ['uuid ids search too', 2],
      ['search search search', 1],
      ['nothing to see', 3],
    ] as const) {
      const memo = await s.request('POST', '/memos', { body: { text, rank } });
      expect(memo.status, memo.text).toBe(201);
    }
  });

  it('matches whole words, accent- and case-insensitively, in any searchable field', async () => {
    expect(names(await get('/people?q=garcia'))).toEqual(['Ana García', 'ANA GARCIA-LOPEZ']);
    expect(names(await get('/people?q=GARCÍA'))).toEqual(['Ana García', 'ANA GARCIA-LOPEZ']);
    expect(names(await get(`/people?q=${encodeURIComponent('perez')}`))).toEqual(['José Pérez']);
    expect(names(await get(`/people?q=${encodeURIComponent('CREME brulee zoe muller')}`))).toEqual([
      'Zoë Müller',
    ]);
    // A word of the bio; `garc` is no word of any record (prefixes are written `garc*`).
    expect(names(await get('/people?q=bridges'))).toEqual(['José Pérez']);
    expect((await get('/people?q=garc')).json).toEqual([]);
  });

  it('matches prefixes written word*, and requires every word (AND)', async () => {
    expect(names(await get('/people?q=garc*'))).toEqual(['Ana García', 'ANA GARCIA-LOPEZ', 'Garcilaso']);
    expect(names(await get(`/people?q=${encodeURIComponent('ana garcía')}`))).toEqual([
      'Ana García',
      'ANA GARCIA-LOPEZ',
    ]);
    // Madrid is José's city, which the index does not hold; Ana's bio names it.
    expect(names(await get(`/people?q=${encodeURIComponent('ana madrid')}`))).toEqual(['Ana García']);
    expect(names(await get(`/people?q=${encodeURIComponent('ana lopez madrid')}`))).toEqual([]);
  });

  it('combines with filters, sort, fields, count, offset paging and embed', async () => {
    const madrid = await get('/people?q=ana&city=Madrid&age[gt]=45&count=true');
    expect(names(madrid)).toEqual(['José Pérez']);
    expect(madrid.headers.get('x-total-count')).toBe('1');
    const sorted = await get('/people?q=garc*&sort=-age&fields=name,age');
    expect(sorted.json).toEqual([
      { name: 'Ana García', age: 41 },
      { name: 'ANA GARCIA-LOPEZ', age: 35 },
      { name: 'Garcilaso', age: 33 },
    ]);
    const page = await get('/people?q=garc*&sort=name&limit=1&offset=1&count=true');
    expect(names(page)).toEqual(['Ana García']);
    expect(page.headers.get('x-total-count')).toBe('3');
    expect(page.headers.get('link')).toContain('offset=2');
    const embedded = await get('/people?q=ana&embed=pets&city=Madrid');
    expect(
      embedded.json.map((r: Rec & { pets: { name: string }[] }) => [r.name, r.pets.map((p) => p.name)]),
    ).toEqual([
      ['Ana García', ['Rex']],
      ['José Pérez', ['Rex Junior']],
    ]);
  });

  it('combines with filters and sorts through relations', async () => {
    const byOwner = await get('/pets?q=rex*&sort=-person.name');
    expect(byOwner.status, byOwner.text).toBe(200);
    expect(names(byOwner)).toEqual(['Rex Junior', 'Rexona', 'Rex']);
    const ranked = await get('/pets?q=rex&sort=person.name,-relevance&limit=1');
    expect(names(ranked)).toEqual(['Rex']);
    const next = /<([^>]+)>; rel="next"/.exec(ranked.headers.get('link') ?? '')![1];
    expect(names(await get(next))).toEqual(['Rex Junior']);
    expect(names(await get('/people?q=ana&pets.name=Rex'))).toEqual(['Ana García']);
    expect(names(await get('/pets?q=rex*&person.city=Madrid&sort=name'))).toEqual(['Rex', 'Rex Junior']);
  });

  it('narrows the rows an aggregate groups', async () => {
    const res = await get('/people?q=garc*&groupBy=city&aggregate=count(),sum(age)&sort=city');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual([
      { city: 'Lima', count: 1, sum_age: 35 },
      { city: 'Madrid', count: 1, sum_age: 41 },
      { city: 'Toledo', count: 1, sum_age: 33 },
    ]);
  });

  it('searches a resource whose ids are not integers (uuid)', async () => {
    const found = await get('/memos?q=search&sort=-relevance');
    expect(found.status, found.text).toBe(200);
    expect(found.json.map((m: { rank: number }) => m.rank)).toEqual([1, 2]);
    expect((await get('/memos?q=uuid&rank=2&count=true')).headers.get('x-total-count')).toBe('1');
    const first = await get('/memos?q=search&sort=-relevance&limit=1');
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')![1];
    expect((await get(next)).json.map((m: { rank: number }) => m.rank)).toEqual([2]);
  });

  it('sort=-relevance ranks by relevance (the same order on both stores), relevance ascending reverses it', async () => {
    const ranked = await get('/people?q=ranking&sort=-relevance');
    expect(ranked.status, ranked.text).toBe(200);
    expect(ranked.json.map((r: Rec) => r.age)).toEqual([3, 2, 4, 1]);
    // Relevance is an order, not a field of the records.
    expect(ranked.json[0]).not.toHaveProperty('_relevance');
    expect(ranked.json[0]).not.toHaveProperty('relevance');
    const ascending = await get('/people?q=ranking&sort=relevance');
    expect(ascending.json.map((r: Rec) => r.age)).toEqual([1, 4, 2, 3]);
    // A later key breaks no tie here, and a filter narrows the ranked rows.
    const filtered = await get('/people?q=ranking&sort=-relevance,name&age[lte]=2');
    expect(filtered.json.map((r: Rec) => r.age)).toEqual([2, 1]);
  });

  it('pages by cursor through a search, sorted by relevance or by a field, forward and back', async () => {
    for (const sort of ['-relevance', 'age']) {
      const expected = (await get(`/people?q=ranking&sort=${sort}`)).json.map((r: Rec) => r.id);
      const seen: number[] = [];
      let url: string | undefined = `/people?q=ranking&sort=${sort}&limit=1`;
      let last: string | undefined;
      while (url) {
        const res = await get(url);
        expect(res.status, res.text).toBe(200);
        seen.push(...res.json.map((r: Rec) => r.id));
        last = url;
        url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      }
      expect(seen).toEqual(expected);
      const back = await get(last!);
      const prev = /<([^>]+)>; rel="prev"/.exec(back.headers.get('link') ?? '')?.[1];
      expect((await get(prev!)).json.map((r: Rec) => r.id)).toEqual([expected.at(-2)]);
    }
  });

  it('keeps the index in step with every write: POST, PATCH, PUT, DELETE', async () => {
    const made = await s.request('POST', '/people', { body: { name: 'Quetzal Writer', city: 'X' } });
    expect(made.status).toBe(201);
    const id = made.json.id;
    expect(names(await get('/people?q=quetzal'))).toEqual(['Quetzal Writer']);
    await s.request('PATCH', `/people/${id}`, {
      body: { name: 'Xylo Writer' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect((await get('/people?q=quetzal')).json).toEqual([]);
    expect(names(await get('/people?q=xylo'))).toEqual(['Xylo Writer']);
    // A change to a field the index does not hold leaves it as it was.
    await s.request('PATCH', `/people/${id}`, {
      body: { city: 'Y' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(names(await get('/people?q=xylo'))).toEqual(['Xylo Writer']);
    await s.request('PUT', `/people/${id}`, { body: { name: 'Yodel Singer', bio: 'sings' } });
    expect((await get('/people?q=xylo')).json).toEqual([]);
    expect(names(await get('/people?q=yodel%20sings'))).toEqual(['Yodel Singer']);
    expect((await s.request('DELETE', `/people/${id}`)).status).toBe(204);
    expect((await get('/people?q=yodel')).json).toEqual([]);
  });

  it('indexes records written by an import and by a batch', async () => {
    const rows = [
      { name: 'Imported Umberto', city: 'I' },
      { name: 'Imported Ursula', city: 'I' },
    ];
    const job = await s.request('POST', '/people/imports', {
      raw: rows.map((r) => JSON.stringify(r)).join('\n'),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(job.status, job.text).toBe(202);
    for (let i = 0; i < 200; i++) {
      const state = (await get(job.headers.get('location')!)).json.state;
      if (state !== 'queued' && state !== 'running') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(names(await get('/people?q=imported&sort=name'))).toEqual(['Imported Umberto', 'Imported Ursula']);
    const batch = await s.request('POST', '/batch', {
      body: { operations: [{ method: 'POST', path: '/people', body: { name: 'Batched Bertil' } }] },
    });
    expect(batch.status, batch.text).toBe(200);
    expect(names(await get('/people?q=bertil'))).toEqual(['Batched Bertil']);
  });

  it('treats any text as words: quotes, parentheses, operators, column filters and - never reach the engine', async () => {
    const hostile = [
      '"ana',
      '(ana',
      'ana)',
      'ana OR pedro',
      'NEAR(ana garcia)',
      '-ana',
      'name:ana',
      'bio : ana',
      'ana AND',
      "'ana'",
      'ana & garcia | x',
      'ana:*',
      '^ana',
      '{name bio}: ana',
      'ana + garcia',
      'a"n"a',
      '\\ana',
      'ana\u0000',
    ];
    for (const q of hostile) {
      const res = await get(`/people?q=${encodeURIComponent(q)}&sort=-relevance`);
      expect(res.status, `${q}: ${res.text}`).toBe(200);
    }
    // Operator names are words like any other: Bob's bio holds them.
    expect(names(await get('/people?q=AND%20OR%20NOT%20NEAR'))).toEqual(['Bob']);
    expect(names(await get(`/people?q=${encodeURIComponent('ana OR pedro')}`))).toEqual([]);
    expect(names(await get(`/people?q=${encodeURIComponent('"garcía" (lopez)')}`))).toEqual([
      'ANA GARCIA-LOPEZ',
    ]);
  });

  it('answers 400 INVALID_QUERY_PARAMETER naming the parameter for a bad search', async () => {
    for (const [path, parameter] of [
      ['/people?q=', 'q'],
      ['/people?q=%20%22()*', 'q'],
      ['/plain?q=ana', 'q'],
      ['/people?q=a&q=b', 'q'],
      [`/people?q=${Array.from({ length: 17 }, (_, i) => `w${i}`).join('%20')}`, 'q'],
      ['/people?sort=relevance', 'sort'],
      ['/people?sort=-relevance', 'sort'],
      ['/plain?q=ana&sort=relevance', 'q'],
    ]) {
      const res = await get(path);
      expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
      expect(
        res.json.map((e: { parameter: string }) => e.parameter),
        path,
      ).toContain(parameter);
    }
    const noSearch = await get('/plain?sort=relevance');
    expectEnvelope(noSearch, 400, 'INVALID_QUERY_PARAMETER');
    // A cursor of a ranked search, sent without the search.
    const ranked = await get('/people?q=ranking&sort=-relevance&limit=1');
    const next = /<([^>]+)>; rel="next"/.exec(ranked.headers.get('link') ?? '')![1];
    const cursor = new URL(next, 'http://x').searchParams.get('cursor')!;
    const orphan = await get(`/people?cursor=${encodeURIComponent(cursor)}`);
    expectEnvelope(orphan, 400, 'INVALID_QUERY_PARAMETER');
    expect(orphan.json[0].parameter).toBe('cursor');
  });

  it('a change stream of a search sends the records entering and leaving it', async () => {
    const stream = await openSse(`${s.url}/people?q=zephyr&snapshot=true`);
    await stream.until((es) => es.some((e) => e.event === 'ready'));
    const a = (await s.request('POST', '/people', { body: { name: 'Zephyr One' } })).json;
    await s.request('POST', '/people', { body: { name: 'Calm Two' } });
    await s.request('PATCH', `/people/${a.id}`, {
      body: { name: 'Calm One' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    const events = await stream.until((es) => kinds(es).includes(`deleted ${a.id}`));
    expect(kinds(events.filter((e) => e.event !== 'ready'))).toEqual([`created ${a.id}`, `deleted ${a.id}`]);
    stream.close();
  });

  it('shows q and relevance in the OpenAPI document of searchable collections only', async () => {
    const doc = (await get('/openapi.json')).json;
    const params = (path: string) =>
      doc.paths[path].get.parameters.map((p: { $ref?: string; name?: string }) => {
        const ref = p.$ref?.split('/').pop();
        return ref ? doc.components.parameters[ref] : p;
      });
    const q = params('/people').find((p: { name: string }) => p.name === 'q');
    expect(q).toMatchObject({ in: 'query', schema: { type: 'string', minLength: 1 } });
    expect(q.description).toContain('`name`, `bio`');
    const sort = params('/people').find((p: { name: string }) => p.name === 'sort');
    expect(sort.description).toContain('-relevance');
    expect(new RegExp(sort.schema.pattern).test('-relevance,name')).toBe(true);
    expect(params('/plain').some((p: { name: string }) => p.name === 'q')).toBe(false);
  });

  it('a bulk DELETE takes filters only: q is refused', async () => {
    const res = await s.request('DELETE', '/people?q=ana');
    expectEnvelope(res, 400, 'INVALID_QUERY_PARAMETER');
    expect(res.json[0].parameter).toBe('q');
  });
});

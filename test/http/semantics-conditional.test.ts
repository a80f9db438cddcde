/** docs/http-semantics.md through real HTTP: ETags, Last-Modified, conditional requests, the If-Match race, 428. */
import { expect, it } from 'vitest';
import { customer, expectEnvelope, type TestServer, useServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const STRONG = /^"[^"]+"$/;
const past = (iso: string, seconds: number) => new Date(Date.parse(iso) - seconds * 1000).toUTCString();
const future = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toUTCString();

let n = 0;
async function created(server: TestServer) {
  const res = await server.request('POST', '/customers', { body: customer(`cond${++n}`) });
  expect(res.status).toBe(201);
  return { id: res.json.id as number, etag: res.headers.get('etag')!, record: res.json };
}

describeEachStore('Conditional requests on the CRM example', (_target, getDb) => {
  const server = useServer(getDb);

  it('every item response has a strong ETag and Last-Modified; the ETag changes with every write', async () => {
    const { id, etag, record } = await created(server());
    expect(etag).toMatch(STRONG);
    const got = await server().request('GET', `/customers/${id}`);
    expect(got.headers.get('etag')).toBe(etag);
    expect(got.headers.get('last-modified')).toBe(new Date(record.updatedAt).toUTCString());
    const seen = new Set([etag]);
    const patched = await server().request('PATCH', `/customers/${id}`, { body: { phone: '1' } });
    const put = await server().request('PUT', `/customers/${id}`, { body: { ...patched.json } });
    const same = await server().request('PATCH', `/customers/${id}`, { body: {} });
    for (const res of [patched, put, same]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toMatch(STRONG);
      expect(res.headers.get('last-modified')).toBe(new Date(res.json.updatedAt).toUTCString());
      seen.add(res.headers.get('etag')!);
    }
    expect(seen.size).toBe(4);
    expect((await server().request('GET', `/customers/${id}`)).headers.get('etag')).toBe(
      same.headers.get('etag'),
    );
  });

  it('If-None-Match on GET/HEAD → 304 with the ETag and no body; a stale tag → 200', async () => {
    const { id, etag } = await created(server());
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      for (const method of ['GET', 'HEAD']) {
        const res = await server().request(method, `/customers/${id}`, { headers: { 'if-none-match': inm } });
        expect(res.status, `${method} ${inm}`).toBe(304);
        expect(res.headers.get('etag')).toBe(etag);
        expect(res.headers.get('last-modified')).toBeTruthy();
        expect(res.text).toBe('');
      }
    }
    const stale = await server().request('GET', `/customers/${id}`, {
      headers: { 'if-none-match': '"1-stale"' },
    });
    expect(stale.status).toBe(200);
    expect(stale.json.id).toBe(id);
  });

  it('If-Modified-Since → 304 when not modified since; If-None-Match wins over it', async () => {
    const { id, record } = await created(server());
    const path = `/customers/${id}`;
    expect(
      (await server().request('GET', path, { headers: { 'if-modified-since': future(record.updatedAt, 5) } }))
        .status,
    ).toBe(304);
    expect(
      (
        await server().request('GET', path, {
          headers: { 'if-modified-since': new Date(record.updatedAt).toUTCString() },
        })
      ).status,
    ).toBe(304);
    expect(
      (await server().request('GET', path, { headers: { 'if-modified-since': past(record.updatedAt, 5) } }))
        .status,
    ).toBe(200);
    expect(
      (await server().request('GET', path, { headers: { 'if-modified-since': 'not a date' } })).status,
    ).toBe(200);
    const both = await server().request('GET', path, {
      headers: { 'if-none-match': '"other"', 'if-modified-since': future(record.updatedAt, 5) },
    });
    expect(both.status).toBe(200);
  });

  it('If-None-Match on PUT/PATCH/DELETE → 412 when it matches, and nothing changes', async () => {
    const { id, etag, record } = await created(server());
    const path = `/customers/${id}`;
    for (const inm of [etag, '*']) {
      const h = { 'if-none-match': inm };
      expectEnvelope(
        await server().request('PUT', path, { body: customer('inm'), headers: h }),
        412,
        'PRECONDITION_FAILED',
      );
      expectEnvelope(
        await server().request('PATCH', path, { body: { phone: '9' }, headers: h }),
        412,
        'PRECONDITION_FAILED',
      );
      expectEnvelope(await server().request('DELETE', path, { headers: h }), 412, 'PRECONDITION_FAILED');
    }
    const after = await server().request('GET', path);
    expect(after.json).toEqual(record);
    const other = await server().request('PATCH', path, {
      body: { phone: '9' },
      headers: { 'if-none-match': '"other"' },
    });
    expect(other.status).toBe(200);
  });

  it('If-Match: a stale tag → 412 with the current ETag; the current tag passes', async () => {
    const { id, etag } = await created(server());
    const path = `/customers/${id}`;
    const ok = await server().request('PATCH', path, { body: { phone: '1' }, headers: { 'if-match': etag } });
    expect(ok.status).toBe(200);
    const current = ok.headers.get('etag')!;
    for (const [method, body] of [
      ['PUT', customer('im')],
      ['PATCH', { phone: '2' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await server().request(method, path, { body, headers: { 'if-match': etag } });
      expectEnvelope(res, 412, 'PRECONDITION_FAILED');
      expect(res.headers.get('etag')).toBe(current);
    }
    const weak = await server().request('PATCH', path, {
      body: { phone: '2' },
      headers: { 'if-match': `W/${current}` },
    });
    expectEnvelope(weak, 412, 'PRECONDITION_FAILED');
    expect((await server().request('GET', path)).json.phone).toBe('1');
    const put = await server().request('PUT', path, {
      body: customer('im2'),
      headers: { 'if-match': `"x", ${current}` },
    });
    expect(put.status).toBe(200);
    const del = await server().request('DELETE', path, { headers: { 'if-match': put.headers.get('etag')! } });
    expect(del.status).toBe(204);
  });

  it('If-Match: * passes on a present record and → 412 on an absent one', async () => {
    const { id } = await created(server());
    const star = { 'if-match': '*' };
    expect(
      (await server().request('PATCH', `/customers/${id}`, { body: { phone: '3' }, headers: star })).status,
    ).toBe(200);
    expect(
      (await server().request('PUT', `/customers/${id}`, { body: customer('star'), headers: star })).status,
    ).toBe(200);
    expect((await server().request('DELETE', `/customers/${id}`, { headers: star })).status).toBe(204);
    expectEnvelope(
      await server().request('PUT', `/customers/${id}`, { body: customer('star'), headers: star }),
      412,
      'PRECONDITION_FAILED',
    );
    expectEnvelope(
      await server().request('PATCH', `/customers/${id}`, { body: { phone: '3' }, headers: star }),
      412,
      'PRECONDITION_FAILED',
    );
    expectEnvelope(
      await server().request('DELETE', `/customers/${id}`, { headers: star }),
      412,
      'PRECONDITION_FAILED',
    );
    expectEnvelope(await server().request('DELETE', `/customers/${id}`), 404, 'RECORD_NOT_FOUND');
  });

  it('If-Unmodified-Since older than updatedAt → 412; not older → the write runs', async () => {
    const { id, record } = await created(server());
    const path = `/customers/${id}`;
    const stale = await server().request('PATCH', path, {
      body: { phone: '4' },
      headers: { 'if-unmodified-since': past(record.updatedAt, 60) },
    });
    expectEnvelope(stale, 412, 'PRECONDITION_FAILED');
    expectEnvelope(
      await server().request('DELETE', path, {
        headers: { 'if-unmodified-since': past(record.updatedAt, 60) },
      }),
      412,
    );
    const fresh = await server().request('PATCH', path, {
      body: { phone: '4' },
      headers: { 'if-unmodified-since': future(record.updatedAt, 60) },
    });
    expect(fresh.status).toBe(200);
  });

  it('GET with a failing If-Match → 412 (RFC 9110 §13.2.2 applies to every method)', async () => {
    const { id, etag } = await created(server());
    expectEnvelope(
      await server().request('GET', `/customers/${id}`, { headers: { 'if-match': '"other"' } }),
      412,
      'PRECONDITION_FAILED',
    );
    expect(
      (await server().request('GET', `/customers/${id}`, { headers: { 'if-match': etag } })).status,
    ).toBe(200);
  });

  it('race: clients updating with the same If-Match concurrently — exactly one wins, the others get 412', async () => {
    for (const method of ['PATCH', 'PUT'] as const) {
      const { id, etag } = await created(server());
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          server().request(method, `/customers/${id}`, {
            body:
              method === 'PATCH' ? { phone: `racer-${i}` } : customer(`racer-${id}`, { phone: `racer-${i}` }),
            headers: { 'if-match': etag },
          }),
        ),
      );
      const winners = results.filter((r) => r.status === 200);
      expect(winners.length, `${method}: ${results.map((r) => r.status)}`).toBe(1);
      for (const loser of results.filter((r) => r.status !== 200))
        expectEnvelope(loser, 412, 'PRECONDITION_FAILED');
      const final = await server().request('GET', `/customers/${id}`);
      expect(final.json.phone).toBe(winners[0].json.phone);
      expect(final.headers.get('etag')).toBe(winners[0].headers.get('etag'));
    }
  });

  it('collections carry a weak ETag; If-None-Match → 304 until the collection changes', async () => {
    await created(server());
    const list = await server().request('GET', '/customers?sort=-id&limit=5');
    const tag = list.headers.get('etag')!;
    expect(tag).toMatch(/^W\/"[^"]+"$/);
    const again = await server().request('GET', '/customers?sort=-id&limit=5', {
      headers: { 'if-none-match': tag },
    });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(tag);
    await server().request('PATCH', `/customers/${list.json[0].id}`, { body: { phone: 'changed' } });
    const changed = await server().request('GET', '/customers?sort=-id&limit=5', {
      headers: { 'if-none-match': tag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(tag);
  });
});

const STRICT_YAML = `
name: strict
resources:
  contracts:
    requireIfMatch: true
    fields:
      title: { type: string, required: true }
`;

describeEachStore('requireIfMatch', (_target, getDb) => {
  const server = useServer(getDb, { yaml: STRICT_YAML });

  it('writes without If-Match → 428; with the current ETag they run; POST and GET need none', async () => {
    const post = await server().request('POST', '/contracts', { body: { title: 'a' } });
    expect(post.status).toBe(201);
    const path = post.headers.get('location')!;
    expectEnvelope(
      await server().request('PUT', path, { body: { title: 'b' } }),
      428,
      'PRECONDITION_REQUIRED',
    );
    expectEnvelope(
      await server().request('PATCH', path, { body: { title: 'b' } }),
      428,
      'PRECONDITION_REQUIRED',
    );
    expectEnvelope(await server().request('DELETE', path), 428, 'PRECONDITION_REQUIRED');
    expect((await server().request('GET', path)).json.title).toBe('a');
    expectEnvelope(
      await server().request('PATCH', path, { body: { title: 'b' }, headers: { 'if-match': '"stale"' } }),
      412,
    );
    const patched = await server().request('PATCH', path, {
      body: { title: 'b' },
      headers: { 'if-match': post.headers.get('etag')! },
    });
    expect(patched.status).toBe(200);
    const del = await server().request('DELETE', path, {
      headers: { 'if-match': patched.headers.get('etag')! },
    });
    expect(del.status).toBe(204);
  });
});

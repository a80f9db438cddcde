/**
 * docs/search.md#access: a search is one more filter — an owner sees only their own matches (in the
 * page and the count), and a caller who may not read a searchable field cannot search (403 naming
 * `q`: its words would reveal the field); `search: true` on a type without it is a located config error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, ConfigError, parseConfigText } from '../../src/model/index.js';
import { type AuthServer, annAndSam, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: search-access
resources:
  diaries:
    access: { read: owner, write: owner }
    fields:
      text: { type: text, search: true }
  contacts:
    access: { read: authenticated, write: authenticated }
    fields:
      name: { type: string, search: true }
      secret: { type: string, search: true, access: { read: role:sales, write: role:sales } }
auth: { registration: closed }
`;

describeEachStore('search and access rules', (_target, getDb) => {
  let s: AuthServer;
  let users: Awaited<ReturnType<typeof annAndSam>>;
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: YAML });
    users = await annAndSam(s);
    const { ann, sam } = users;
    for (const [who, text] of [
      [ann, 'Ann walked the dog'],
      [sam, 'Sam walked too'],
      [ann, 'Ann cooked'],
    ] as const) {
      const res = await s.request('POST', '/diaries', { body: { text }, headers: who });
      expect(res.status, res.text).toBe(201);
    }
    const c = await s.request('POST', '/contacts', {
      body: { name: 'Ada', secret: 'pineapple' },
      headers: sam,
    });
    expect(c.status, c.text).toBe(201);
  });
  afterAll(() => s.close());

  it('an owner finds only their own records, and counts only those', async () => {
    const { ann, sam } = users;
    const res = await s.request('GET', '/diaries?q=walked&count=true', { headers: ann });
    expect(res.json.map((d: { text: string }) => d.text)).toEqual(['Ann walked the dog']);
    expect(res.headers.get('x-total-count')).toBe('1');
    const ranked = await s.request('GET', '/diaries?q=walked&sort=-relevance', { headers: sam });
    expect(ranked.json.map((d: { text: string }) => d.text)).toEqual(['Sam walked too']);
  });

  it('a caller who may not read a searchable field cannot search: 403 naming q', async () => {
    const { ann, sam } = users;
    const refused = await s.request('GET', '/contacts?q=pineapple', { headers: ann });
    expectEnvelope(refused, 403, 'FORBIDDEN');
    expect(refused.json[0].parameter).toBe('q');
    const allowed = await s.request('GET', '/contacts?q=pineapple', { headers: sam });
    expect(allowed.status, allowed.text).toBe(200);
    expect(allowed.json.map((c: { name: string }) => c.name)).toEqual(['Ada']);
    // Lists without q stay open to her, the field left out.
    const list = await s.request('GET', '/contacts', { headers: ann });
    expect(list.status).toBe(200);
    expect(list.json[0]).not.toHaveProperty('secret');
  });
});

describe('search: true in a config', () => {
  const problemsOf = (fields: string) => {
    try {
      buildModel(parseConfigText(`resources:\n  things:\n    fields:\n${fields}`, 'verbo.yaml'));
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.message.split('\n');
    }
  };

  it('is refused, located, on a type without it, a non-boolean value and a name the index reserves', () => {
    expect(problemsOf('      count: { type: integer, search: true }\n').join('\n')).toMatch(
      /verbo\.yaml:4 at resources\.things\.fields\.count\.search: search works on text fields only \(types string, text, email, url\), not on integer/,
    );
    expect(problemsOf('      title: { type: string, search: yes }\n').join('\n')).toMatch(
      /fields\.title\.search: must be true or false/,
    );
    expect(problemsOf('      rank: { type: text, search: true }\n').join('\n')).toMatch(
      /fields\.rank\.search: a field named rank cannot be searched/,
    );
    expect(
      problemsOf('      title: { type: string, search: true }\n      body: { type: text, search: false }\n'),
    ).toEqual([]);
  });
});

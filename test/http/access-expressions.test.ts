/**
 * docs/auth.md#expressions: an access rule may be a CEL expression. Lists apply it as a database
 * filter (|| && ! in, comparisons with literals and caller values), items check it on the record
 * (404 when the caller may not read it, 403 when they may read but not write), bulk DELETE is
 * limited to the records it admits, and an expression lists cannot apply is refused at load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, type ConfigError, parseConfigText } from '../../src/model/index.js';
import { type AuthServer, addUser, signIn, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: expr
auth: { registration: closed }
resources:
  customers:
    access:
      read: "record.status != 'churned' || 'sales' in caller.roles"
      create: role:sales
      update: ["record.status in ['lead', 'active'] && caller != null && record.name != 'Locked'", role:sales]
      delete: "record.status == 'lead' && !(record.score > 5) || record.name == caller.email"
    fields:
      name: { type: string, required: true }
      status: { type: enum, values: [lead, active, churned], default: lead }
      score: { type: integer }
`;

describeEachStore('access rules as expressions', (_target, getDb) => {
  let s: AuthServer;
  let ann: { cookie: string };
  let sam: { cookie: string };
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: YAML });
    await addUser(s, 'ann@example.com', 'ann-password-123');
    await addUser(s, 'sam@example.com', 'sam-password-123', ['sales']);
    ann = await signIn(s, 'ann@example.com', 'ann-password-123');
    sam = await signIn(s, 'sam@example.com', 'sam-password-123');
    for (const [name, status, score] of [
      ['Ada', 'lead', 1],
      ['Bo', 'active', 9],
      ['Cy', 'churned', 2],
      ['Locked', 'active', 3],
      ['Dee', 'lead', 8],
      ['ann@example.com', 'active', 7],
    ] as const) {
      const res = await s.request('POST', '/customers', { body: { name, status, score }, headers: sam });
      expect(res.status, res.text).toBe(201);
      ids[name] = res.json.id;
    }
  });
  afterAll(() => s.close());

  const names = (rows: { name: string }[]) => rows.map((x) => x.name).sort();

  it('lists apply the read expression in the query; the caller part is filled in per request', async () => {
    const anon = await s.request('GET', '/customers');
    expect(anon.status, anon.text).toBe(200);
    expect(names(anon.json)).toEqual(['Ada', 'Bo', 'Dee', 'Locked', 'ann@example.com']);
    expect(names((await s.request('GET', '/customers', { headers: ann })).json)).not.toContain('Cy');
    expect(names((await s.request('GET', '/customers', { headers: sam })).json)).toContain('Cy');
    // Combined with the client's own filters and counted alike.
    const leads = await s.request('GET', '/customers?status[in]=lead,churned&limit=1&sort=name');
    expect(leads.json.map((x: { name: string }) => x.name)).toEqual(['Ada']);
  });

  it('items are checked on the record: 404 when it may not be read, 403 when read but not written', async () => {
    expect((await s.request('GET', `/customers/${ids.Cy}`)).status).toBe(404);
    expect((await s.request('GET', `/customers/${ids.Ada}`)).status).toBe(200);
    expect((await s.request('GET', `/customers/${ids.Cy}`, { headers: sam })).status).toBe(200);
    const ok = await s.request('PATCH', `/customers/${ids.Bo}`, { body: { score: 10 }, headers: ann });
    expect(ok.status, ok.text).toBe(200);
    expectEnvelope(
      await s.request('PATCH', `/customers/${ids.Locked}`, { body: { score: 1 }, headers: ann }),
      403,
      'FORBIDDEN',
    );
    expectEnvelope(
      await s.request('PATCH', `/customers/${ids.Cy}`, { body: { score: 1 }, headers: ann }),
      404,
      'RECORD_NOT_FOUND',
    );
    expectEnvelope(
      await s.request('PATCH', `/customers/${ids.Bo}`, { body: { score: 1 } }),
      401,
      'UNAUTHENTICATED',
    );
    expect(
      (await s.request('PATCH', `/customers/${ids.Locked}`, { body: { score: 2 }, headers: sam })).status,
    ).toBe(200);
  });

  it('bulk DELETE removes only the records the expression admits (!, &&, || and a caller value)', async () => {
    const res = await s.request('DELETE', '/customers?status[in]=lead,active', { headers: ann });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ deleted: 2 });
    const left = await s.request('GET', '/customers', { headers: sam });
    // Ada (a lead with score ≤ 5) and the record named like ann's email go; Dee (score 8) stays.
    expect(names(left.json)).toEqual(['Bo', 'Cy', 'Dee', 'Locked']);
  });
});

describe('access expressions at load', () => {
  const problems = (access: string) => {
    try {
      buildModel(
        parseConfigText(
          `auth: { registration: closed }\nresources:\n  customers:\n    access: ${access}\n    fields: { name: string, at: datetime }\n`,
          'verbo.yaml',
        ),
      );
    } catch (e) {
      return (e as ConfigError).problems.map((p) => `${p.path.join('.')}: ${p.message}`);
    }
    return [];
  };
  it('refuses what lists cannot apply as a filter, with the reason', () => {
    expect(problems(`{ read: "record.name.startsWith('A')" }`)[0]).toMatch(
      /^resources\.customers\.access\.read: this expression cannot be applied to lists as a database filter: /,
    );
    expect(problems(`{ read: "record.name == record.at" }`)[0]).toMatch(/access\.read: /);
    expect(problems(`{ read: "record.nme == 'x'" }`)[0]).toMatch(/nme/);
    expect(problems(`{ create: "record.name == 'x'" }`)[0]).toMatch(/create rule cannot use `record`/);
    expect(problems(`{ read: "'sales' in caller.roles || record.name == 'x'" }`)).toEqual([]);
    expect(problems(`{ read: admins }`)[0]).toMatch(/unknown access rule "admins"/);
  });
});

/**
 * docs/rules.md: declarative business rules (CEL) on every write path, 400 BUSINESS_RULE_VIOLATED
 * with one entry per broken rule, the rule's message in the negotiated language, 422 first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { type AuthServer, addUser, signIn, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope, startServer, type TestServer } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
name: rules
resources:
  accounts:
    fields: { name: { type: string, required: true } }
  deals:
    fields:
      stage: { type: enum, values: [open, won, lost], required: true }
      amount: number
      quantity: integer
      accountId: { type: reference, to: accounts }
      closedAt: datetime
    rules:
      - name: won-needs-amount
        check: "record.stage != 'won' || record.amount > 0"
        message: { en: "A won deal needs an amount.", es: "Un trato ganado necesita un importe." }
      - name: small-quantity
        check: "record.quantity == null || record.quantity <= 100"
      - name: no-reopening
        on: [update]
        check: "!(previous.stage == 'won' && record.stage == 'open')"
        message: "A won deal cannot be reopened."
      - name: keep-won
        on: [delete]
        check: "record.stage != 'won'"
      - name: closed-in-the-past
        check: "record.closedAt == null || record.closedAt <= now"
`;

describeEachStore('business rules', (_target, getDb) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ db: getDb(), yaml: YAML });
  });
  afterAll(() => s.close());

  it('a POST that breaks two rules gets one entry per rule, with the rule and its message', async () => {
    const res = await s.request('POST', '/deals', {
      body: { stage: 'won', quantity: 500 },
      headers: { 'accept-language': 'es' },
    });
    expectEnvelope(res, 400, 'BUSINESS_RULE_VIOLATED');
    expect(res.json.map((e: { rule: string }) => e.rule)).toEqual(['won-needs-amount', 'small-quantity']);
    expect(res.json[0].userMessage).toBe('Un trato ganado necesita un importe.');
    expect(res.json[1].userMessage).toBe('El cambio incumple la regla «small-quantity».');
    expect((await s.request('GET', '/deals')).json).toEqual([]);
  });

  it('a body that is also invalid gets its 422 first, missing references included', async () => {
    const invalid = await s.request('POST', '/deals', { body: { stage: 'won', quantity: 'many' } });
    expectEnvelope(invalid, 422, 'VALIDATION_FAILED');
    const missing = await s.request('POST', '/deals', { body: { stage: 'won', accountId: 999 } });
    expectEnvelope(missing, 422, 'REFERENCE_NOT_FOUND');
  });

  it('a valid record is stored; timestamps compare with now', async () => {
    const ok = await s.request('POST', '/deals', {
      body: { stage: 'won', amount: 10, closedAt: '2020-01-01T00:00:00Z' },
    });
    expect(ok.status, ok.text).toBe(201);
    const future = await s.request('POST', '/deals', {
      body: { stage: 'open', closedAt: '2999-01-01T00:00:00Z' },
    });
    expectEnvelope(future, 400, 'BUSINESS_RULE_VIOLATED');
    expect(future.json[0].rule).toBe('closed-in-the-past');
  });

  it('PUT, merge PATCH and JSON Patch are checked, with previous on updates', async () => {
    const id = (await s.request('POST', '/deals', { body: { stage: 'won', amount: 5 } })).json.id;
    const put = await s.request('PUT', `/deals/${id}`, { body: { stage: 'open', amount: 5 } });
    expectEnvelope(put, 400, 'BUSINESS_RULE_VIOLATED');
    expect(put.json[0]).toMatchObject({
      rule: 'no-reopening',
      userMessage: 'A won deal cannot be reopened.',
    });
    const merge = await s.request('PATCH', `/deals/${id}`, {
      raw: JSON.stringify({ amount: null }),
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expectEnvelope(merge, 400, 'BUSINESS_RULE_VIOLATED');
    expect(merge.json[0].rule).toBe('won-needs-amount');
    const jsonPatch = await s.request('PATCH', `/deals/${id}`, {
      raw: JSON.stringify([{ op: 'replace', path: '/stage', value: 'open' }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expectEnvelope(jsonPatch, 400, 'BUSINESS_RULE_VIOLATED');
    expect((await s.request('GET', `/deals/${id}`)).json).toMatchObject({ stage: 'won', amount: 5 });
    const lost = await s.request('PATCH', `/deals/${id}`, { body: { stage: 'lost' } });
    expect(lost.status, lost.text).toBe(200);
  });

  it('delete rules hold on DELETE and on bulk DELETE (nothing deleted)', async () => {
    const won = (await s.request('POST', '/deals', { body: { stage: 'won', amount: 7 } })).json.id;
    const open = (await s.request('POST', '/deals', { body: { stage: 'open' } })).json.id;
    expectEnvelope(await s.request('DELETE', `/deals/${won}`), 400, 'BUSINESS_RULE_VIOLATED');
    const bulk = await s.request('DELETE', `/deals?id[in]=${won},${open}`);
    expectEnvelope(bulk, 400, 'BUSINESS_RULE_VIOLATED');
    expect(bulk.json).toHaveLength(1);
    expect(bulk.json[0].internalMessage).toContain(`deals/${won}`);
    expect((await s.request('GET', `/deals/${open}`)).status).toBe(200);
    const fine = await s.request('DELETE', `/deals?id=${open}`);
    expect(fine.json).toEqual({ deleted: 1 });
  });
});

const SECURE = `
name: rulescaller
auth: { registration: closed }
resources:
  tickets:
    access: { read: authenticated, write: authenticated }
    fields:
      title: { type: string, required: true }
      priority: { type: integer }
    rules:
      - name: urgent-needs-support
        check: "record.priority == null || record.priority < 5 || 'support' in caller.roles"
        message: { en: "Only support can file urgent tickets.", es: "Solo soporte puede abrir tickets urgentes." }
`;

describeEachStore('business rules: caller', (_target, getDb) => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await startAuthServer({ db: getDb(), yaml: SECURE });
    await addUser(s, 'ann@example.com', 'ann-password-123');
    await addUser(s, 'sue@example.com', 'sue-password-123', ['support']);
  });
  afterAll(() => s.close());

  it('rules see the caller of the request', async () => {
    const ann = await signIn(s, 'ann@example.com', 'ann-password-123');
    const sue = await signIn(s, 'sue@example.com', 'sue-password-123');
    const urgent = { title: 'down', priority: 9 };
    const refused = await s.request('POST', '/tickets', { body: urgent, headers: ann });
    expectEnvelope(refused, 400, 'BUSINESS_RULE_VIOLATED');
    expect(refused.json[0].userMessage).toBe('Only support can file urgent tickets.');
    expect((await s.request('POST', '/tickets', { body: urgent, headers: sue })).status).toBe(201);
    expect(
      (await s.request('POST', '/tickets', { body: { title: 'x', priority: 1 }, headers: ann })).status,
    ).toBe(201);
  });
});

describe('business rules: verbo check', () => {
  const problems = (rules: string) => {
    const yaml = `resources:\n  deals:\n    fields: { stage: string, amount: number }\n    rules:\n${rules}`;
    try {
      buildModel(parseConfigText(yaml, 'verbo.yaml'));
      return [];
    } catch (e) {
      return (e as { problems: { line?: number; message: string; path: unknown[] }[] }).problems;
    }
  };

  it('reports an unknown field, a wrong type and a syntax error at the check line', () => {
    const found = problems(
      [
        '      - { name: a, check: "record.stge == \'won\'" }',
        '      - { name: b, check: "record.amount > \'ten\'" }',
        '      - { name: c, check: "record.amount >" }',
        '      - { name: d, check: "record.stage" }',
        '      - { name: e, check: "record.amount > 0", on: [upsert] }',
      ].join('\n'),
    );
    expect(found.map((p) => [p.line, p.path.at(-1)])).toEqual([
      [5, 'check'],
      [6, 'check'],
      [7, 'check'],
      [8, 'check'],
      [9, 'on'],
    ]);
    expect(found[0].message).toMatch(/stge/);
    expect(found[1].message).toMatch(/no such overload/);
    expect(found[3].message).toMatch(/true or false/);
  });

  it('accepts null checks, previous, caller and now', () => {
    expect(
      problems(
        '      - { name: a, on: [update], check: "previous == null || previous.amount == null || record.amount >= previous.amount" }\n' +
          '      - { name: b, check: "caller != null && \'sales\' in caller.roles && record.createdAt < now || true" }',
      ),
    ).toEqual([]);
  });
});

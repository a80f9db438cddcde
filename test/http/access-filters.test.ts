/**
 * An access expression means the same in a list as on one record: for each expression and caller,
 * the records the database filter returns (access-expression.ts#toFilters, compiled by each store)
 * are exactly those whose CEL evaluation passes (recordPasses) — nulls, negations and callers of
 * nobody included.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Caller } from '../../src/http/auth/caller.js';
import { expressionCondition, recordPasses, toFilters } from '../../src/http/plan/access-expression.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import type { Model } from '../../src/model/model-types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Row, Store } from '../../src/store/store.js';
import { describeEachStore } from '../support/store-targets.js';

const EXPRESSIONS = [
  "record.status != 'churned' || 'sales' in caller.roles",
  '!(record.score > 5)',
  "!(record.status == 'lead' || record.score >= 3) && caller != null",
  "record.status in ['lead', 'active'] && record.name != 'Locked'",
  "!(record.status in ['lead'])",
  'record.note == null || record.note == caller.email',
  "!('sales' in caller.roles) || record.score < 2",
  'caller == null && record.score != 1',
  'record.score <= caller.id',
];

const yaml = EXPRESSIONS.map(
  (e, i) =>
    `  r${i}:\n    access: { read: ${JSON.stringify(e)} }\n    fields: { name: string, status: string, score: integer, note: string }\n`,
).join('');

const ROWS = [
  { name: 'a', status: 'lead', score: 1, note: null },
  { name: 'b', status: 'active', score: 9, note: 'ann@example.com' },
  { name: 'c', status: 'churned', score: 3, note: 'x' },
  { name: 'Locked', status: 'active', score: null, note: null },
  { name: 'e', status: null, score: 5, note: null },
  { name: 'f', status: 'lead', score: 6, note: 'ann@example.com' },
];

const CALLERS: (Caller | undefined)[] = [
  undefined,
  { id: 4, email: 'ann@example.com', roles: [], via: 'session' },
  { id: 2, email: 'sam@example.com', roles: ['sales'], via: 'token' },
];

describeEachStore('access expressions: list filter = per-record check', (_target, getDb) => {
  let store: Store;
  let model: Model;
  beforeAll(async () => {
    model = buildModel(parseConfigText(`auth: { registration: closed }\nresources:\n${yaml}`, 'verbo.yaml'));
    store = await openStore(getDb());
    await store.sync(model);
    for (const r of model.resources) for (const row of ROWS) await store.insert(r, { ...row });
  });
  afterAll(() => store.close());

  it('returns the same records both ways for every expression and caller', async () => {
    for (const r of model.resources) {
      const rules = r.access!.read;
      const all = await store.list(r, { where: [], sort: [{ field: 'id', desc: false }] });
      for (const caller of CALLERS) {
        const what = `${rules[0].kind === 'expression' ? rules[0].source : ''} as ${caller?.email ?? 'nobody'}`;
        const expected = all.filter((row: Row) => recordPasses(r, rules, caller, row)).map((x) => x.name);
        const c = expressionCondition(rules, caller)!;
        const listed =
          c.kind === 'bool'
            ? c.value
              ? all.map((x) => x.name)
              : []
            : (await store.list(r, { where: toFilters(c), sort: [{ field: 'id', desc: false }] })).map(
                (x) => x.name,
              );
        expect(listed, what).toEqual(expected);
      }
    }
  });
});

/**
 * write/write-pipeline.ts below http: the rules and hooks hold for writes made inside
 * Store.transaction (the path POST /batch and imports take), an afterCommit hook runs only once
 * the transaction commits, and the caller comes from the write scope.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiError } from '../../src/errors/api-error.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import type { Model } from '../../src/model/model-types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { ResourceHooks } from '../../src/write/code-hooks.js';
import { RecordValidator } from '../../src/write/record-validator.js';
import { withWriteSteps } from '../../src/write/write-pipeline.js';
import { runInWriteScope } from '../../src/write/write-scope.js';
import { describeEachStore } from '../support/store-targets.js';

const YAML = `
resources:
  parcels:
    fields:
      weight: { type: number, required: true }
      sender: string
    rules:
      - { name: light, check: "record.weight <= 30.0" }
      - { name: signed, check: "caller != null || record.sender == 'anonymous'" }
`;

describeEachStore('write pipeline: transactions', (_target, getDb) => {
  let raw: Store;
  let store: Store;
  let model: Model;
  const committed: string[] = [];
  beforeAll(async () => {
    model = buildModel(parseConfigText(YAML, 'verbo.yaml'));
    raw = await openStore(getDb());
    await raw.sync(model);
    const hooks = new Map<string, ResourceHooks>([
      ['parcels', { afterCommit: (ctx) => void committed.push(String(ctx.record.weight)) }],
    ]);
    store = withWriteSteps(raw, { model, validator: new RecordValidator(model.resources), hooks });
  });
  afterAll(() => raw.close());
  const parcels = () => model.byName.get('parcels')!;
  const ann = { caller: () => ({ id: 1, email: 'ann@example.com', roles: [] }) };

  it('a broken rule inside a transaction rolls every write of it back; no afterCommit runs', async () => {
    const failure = await runInWriteScope(ann, () =>
      store.transaction(async (tx) => {
        await tx.insert(parcels(), { weight: 2, sender: 'ann' });
        await tx.insert(parcels(), { weight: 99, sender: 'ann' });
      }),
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).problems.map((p) => p.rule)).toEqual(['light']);
    expect(await raw.count(parcels(), [])).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(committed).toEqual([]);
  });

  it('a committed transaction runs each afterCommit once it has committed', async () => {
    await runInWriteScope(ann, () =>
      store.transaction(async (tx) => {
        await tx.insert(parcels(), { weight: 3, sender: 'ann' });
        await tx.insert(parcels(), { weight: 4, sender: 'ann' });
      }),
    );
    await expect.poll(() => committed).toEqual(['3', '4']);
  });

  it('without a request the caller is null', async () => {
    await expect(store.insert(parcels(), { weight: 1, sender: 'bob' })).rejects.toThrow(/signed/);
    const row = await store.insert(parcels(), { weight: 1, sender: 'anonymous' });
    expect(row.id).toBeDefined();
  });
});

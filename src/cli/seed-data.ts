/** `--seed FILE`: fills an empty database with demo records ({ resource: [records…] }). */
import { readFileSync } from 'node:fs';
import type { Model } from '../model/model-types.js';
import type { Store } from '../store/store.js';
import { planWrite } from '../write/plan-write.js';
import { RecordValidator } from '../write/record-validator.js';

export async function seedIfEmpty(model: Model, store: Store, file: string): Promise<number> {
  for (const r of model.resources) if ((await store.count(r, [])) > 0) return 0;
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown[]>;
  const validator = new RecordValidator(model.resources);
  let n = 0;
  for (const r of model.resources) {
    for (const record of data[r.name] ?? []) {
      await store.insert(r, planWrite(r, validator, record, { kind: 'create' }));
      n++;
    }
  }
  return n;
}

import type { OptionProblem } from '../field-type.js';
import type { FieldDef } from '../model-types.js';
import { defineFieldType } from './define-field-type.js';

const valuesOf = (f: FieldDef): string[] => (f.options.values as string[]) ?? [];

export const enumField = defineFieldType({
  name: 'enum',
  options: ['values'],
  storage: 'text',
  checkOptions(raw) {
    const out: OptionProblem[] = [];
    const v = raw.values;
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && x !== '')) {
      out.push({ option: 'values', message: 'must be a non-empty list of non-empty strings' });
    } else if (new Set(v).size !== v.length) {
      out.push({ option: 'values', message: 'has duplicate values' });
    }
    return out;
  },
  jsonSchema: (f) => ({ type: 'string', enum: valuesOf(f) }),
  parseQuery: (raw, f) =>
    valuesOf(f).includes(raw)
      ? { ok: true, value: raw }
      : { ok: false, expected: `one of ${valuesOf(f).join(', ')}` },
  querySchema: (f) => ({ type: 'string', enum: valuesOf(f) }),
  example: (f) => valuesOf(f)[0],
});

import type { OptionProblem } from '../field-type.js';
import { clampToRange, defineFieldType } from './define-field-type.js';
import { checkFiniteNumber, checkOrdered, pick } from './option-checks.js';

const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

export const numberField = defineFieldType({
  name: 'number',
  options: ['minimum', 'maximum'],
  storage: 'real',
  checkOptions(raw) {
    const out: OptionProblem[] = [];
    checkFiniteNumber(raw, 'minimum', out);
    checkFiniteNumber(raw, 'maximum', out);
    checkOrdered(raw, 'minimum', 'maximum', out);
    return out;
  },
  jsonSchema: (f) => ({ type: 'number', ...pick(f.options, ['minimum', 'maximum']) }),
  parseQuery(raw) {
    const value = Number(raw);
    if (!NUMBER.test(raw) || !Number.isFinite(value)) return { ok: false, expected: 'a number' };
    return { ok: true, value };
  },
  querySchema: () => ({ type: 'number' }),
  normalize: (v) => (Object.is(v, -0) ? 0 : v),
  example: (f) => clampToRange(19.5, f),
});

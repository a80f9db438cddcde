import { integerSchema, parseExactInteger } from '../exact-integer.js';
import type { OptionProblem } from '../field-type.js';
import { clampToRange, defineFieldType } from './define-field-type.js';
import { checkFiniteNumber, checkOrdered } from './option-checks.js';

/** Any signed 64-bit integer: a number within ±2^53, its digits beyond (model/exact-integer.ts). */
const int64 = integerSchema();

export const integerField = defineFieldType({
  name: 'integer',
  options: ['minimum', 'maximum'],
  storage: 'integer',
  checkOptions(raw) {
    const out: OptionProblem[] = [];
    checkFiniteNumber(raw, 'minimum', out);
    checkFiniteNumber(raw, 'maximum', out);
    checkOrdered(raw, 'minimum', 'maximum', out);
    return out;
  },
  // Signed 64 bits (what both stores keep), as numbers within ±2^53 and digit strings beyond.
  jsonSchema: (f) =>
    integerSchema(f.options.minimum as number | undefined, f.options.maximum as number | undefined),
  parseQuery: (raw) => parseExactInteger(raw),
  querySchema: () => structuredClone(int64),
  example: (f) => Math.ceil(clampToRange(7, f)),
  id: {
    assignedBy: 'store',
    options: { minimum: 1 },
    // A number, or beyond 2^53 its digits (model/exact-integer.ts), never a rounded number.
    parse(raw) {
      const p = parseExactInteger(raw);
      if (!p.ok) return undefined;
      return (typeof p.value === 'number' ? p.value > 0 : p.value[0] !== '-') ? p.value : undefined;
    },
    expected: 'a positive integer',
    // 1 to 19 digits: every positive signed 64-bit integer; beyond 2^63 − 1 names no record.
    pathSchema: { type: 'string', pattern: '^[1-9][0-9]{0,18}$', maxLength: 19, examples: ['42'] },
    description: 'Primary key, assigned by the server.',
    example: 42,
  },
});

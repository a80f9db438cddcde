import { integerSchema, parseExactInteger } from '../exact-integer.js';
import type { FieldType, OptionProblem } from '../field-type.js';
import { checkFiniteNumber, checkOrdered } from './option-checks.js';

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/** A safe integer (±2^53) from text; record values use `parseExactInteger` (64 bits). */
export function parseInteger(raw: string): { ok: true; value: number } | { ok: false; expected: string } {
  if (!INTEGER.test(raw)) return { ok: false, expected: 'an integer' };
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) return { ok: false, expected: 'an integer within ±2^53' };
  return { ok: true, value };
}

export const integerField: FieldType = {
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
};

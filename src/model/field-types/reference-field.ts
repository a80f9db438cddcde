import { integerSchema, parseExactInteger } from '../exact-integer.js';
import type { FieldType, OptionProblem } from '../field-type.js';

export const ON_DELETE = ['restrict', 'cascade', 'set-null'] as const;
export type OnDelete = (typeof ON_DELETE)[number];

/**
 * A reference to a record of another resource (`to`). Its JSON shape follows the target's id;
 * the model resolves `field.reference` after every resource is known.
 */
export const referenceField: FieldType = {
  name: 'reference',
  options: ['to', 'onDelete'],
  storage: 'integer',
  checkOptions(raw) {
    const out: OptionProblem[] = [];
    if (typeof raw.to !== 'string' || raw.to === '')
      out.push({ option: 'to', message: 'must name a resource' });
    if (raw.onDelete !== undefined && !ON_DELETE.includes(raw.onDelete as OnDelete)) {
      out.push({ option: 'onDelete', message: `must be one of ${ON_DELETE.join(', ')}` });
    }
    return out;
  },
  // An integer id: 1 to 2^63 − 1, a digit string beyond 2^53 (as the id itself is sent).
  jsonSchema: (f) =>
    f.reference?.idType === 'integer' ? integerSchema(1) : { type: 'string', minLength: 1 },
  parseQuery: (raw, f) =>
    f.reference?.idType === 'integer' ? parseExactInteger(raw) : { ok: true, value: raw },
};

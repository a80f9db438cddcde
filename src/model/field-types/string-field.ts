import type { FieldType, OptionProblem } from '../field-type.js';
import { checkNonNegativeInteger, checkOrdered, pick } from './option-checks.js';

const OPTIONS = ['minLength', 'maxLength', 'pattern'] as const;

export const stringField: FieldType = {
  name: 'string',
  options: OPTIONS,
  storage: 'text',
  checkOptions(raw) {
    const out: OptionProblem[] = [];
    checkNonNegativeInteger(raw, 'minLength', out);
    checkNonNegativeInteger(raw, 'maxLength', out);
    checkOrdered(raw, 'minLength', 'maxLength', out);
    if (raw.pattern !== undefined) {
      try {
        new RegExp(String(raw.pattern), 'u');
        if (typeof raw.pattern !== 'string') throw new Error('not a string');
      } catch (e) {
        out.push({
          option: 'pattern',
          message: `is not a valid regular expression (${(e as Error).message})`,
        });
      }
    }
    return out;
  },
  jsonSchema: (f) => ({ type: 'string', ...pick(f.options, OPTIONS) }),
  parseQuery: (raw) => ({ ok: true, value: raw }),
};

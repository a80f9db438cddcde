import type { FieldType, OptionProblem } from '../field-type.js';
import { checkNonNegativeInteger, pick } from './option-checks.js';

/** Long free text: like string, without pattern, meant for bodies and notes. */
export const textField: FieldType = {
  name: 'text',
  options: ['maxLength'],
  storage: 'text',
  checkOptions(raw) {
    const out: OptionProblem[] = [];
    checkNonNegativeInteger(raw, 'maxLength', out);
    return out;
  },
  jsonSchema: (f) => ({ type: 'string', ...pick(f.options, ['maxLength']) }),
  parseQuery: (raw) => ({ ok: true, value: raw }),
};

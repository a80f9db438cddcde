import type { OptionProblem } from '../field-type.js';
import { defineFieldType } from './define-field-type.js';
import { checkNonNegativeInteger, pick } from './option-checks.js';

export const emailField = defineFieldType({
  name: 'email',
  options: ['maxLength'],
  storage: 'text',
  checkOptions(raw) {
    const out: OptionProblem[] = [];
    checkNonNegativeInteger(raw, 'maxLength', out);
    return out;
  },
  jsonSchema: (f) => ({ type: 'string', format: 'email', maxLength: 320, ...pick(f.options, ['maxLength']) }),
  parseQuery: (raw) => ({ ok: true, value: raw }),
  example: () => 'ada@example.com',
  messageKeys: { format: 'invalid-email' },
});

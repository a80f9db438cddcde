import type { OptionProblem } from '../field-type.js';
import { defineFieldType } from './define-field-type.js';
import { checkNonNegativeInteger, pick } from './option-checks.js';

export const urlField = defineFieldType({
  name: 'url',
  options: ['maxLength'],
  storage: 'text',
  checkOptions(raw) {
    const out: OptionProblem[] = [];
    checkNonNegativeInteger(raw, 'maxLength', out);
    return out;
  },
  jsonSchema: (f) => ({ type: 'string', format: 'uri', maxLength: 2048, ...pick(f.options, ['maxLength']) }),
  parseQuery: (raw) => ({ ok: true, value: raw }),
  example: () => 'https://example.com/',
  messageKeys: { format: 'invalid-url' },
});

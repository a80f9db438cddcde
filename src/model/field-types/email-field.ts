import { defineFieldType } from './define-field-type.js';
import { checkMaxLengthOnly, pick } from './option-checks.js';

export const emailField = defineFieldType({
  name: 'email',
  options: ['maxLength', 'search'],
  storage: 'text',
  checkOptions: checkMaxLengthOnly,
  jsonSchema: (f) => ({ type: 'string', format: 'email', maxLength: 320, ...pick(f.options, ['maxLength']) }),
  parseQuery: (raw) => ({ ok: true, value: raw }),
  example: () => 'ada@example.com',
  messageKeys: { format: 'invalid-email' },
});

import { defineFieldType } from './define-field-type.js';
import { checkMaxLengthOnly, pick } from './option-checks.js';

export const urlField = defineFieldType({
  name: 'url',
  options: ['maxLength', 'search'],
  storage: 'text',
  checkOptions: checkMaxLengthOnly,
  jsonSchema: (f) => ({ type: 'string', format: 'uri', maxLength: 2048, ...pick(f.options, ['maxLength']) }),
  parseQuery: (raw) => ({ ok: true, value: raw }),
  example: () => 'https://example.com/',
  messageKeys: { format: 'invalid-url' },
});

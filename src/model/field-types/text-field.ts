import { defineFieldType, textOfLength } from './define-field-type.js';
import { checkMaxLengthOnly, pick } from './option-checks.js';

/** Long free text: like string, without pattern, meant for bodies and notes. */
export const textField = defineFieldType({
  name: 'text',
  options: ['maxLength', 'search'],
  storage: 'text',
  checkOptions: checkMaxLengthOnly,
  jsonSchema: (f) => ({ type: 'string', ...pick(f.options, ['maxLength']) }),
  parseQuery: (raw) => ({ ok: true, value: raw }),
  example: (f) => textOfLength(`A longer text for ${f.name}.`, f),
});

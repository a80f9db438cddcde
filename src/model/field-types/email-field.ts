import type { FieldType } from '../field-type.js';
import { pick } from './option-checks.js';

export const emailField: FieldType = {
  name: 'email',
  options: ['maxLength'],
  storage: 'text',
  checkOptions: () => [],
  jsonSchema: (f) => ({ type: 'string', format: 'email', maxLength: 320, ...pick(f.options, ['maxLength']) }),
  parseQuery: (raw) => ({ ok: true, value: raw }),
};

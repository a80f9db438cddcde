import type { FieldType } from '../field-type.js';
import { pick } from './option-checks.js';

export const urlField: FieldType = {
  name: 'url',
  options: ['maxLength'],
  storage: 'text',
  checkOptions: () => [],
  jsonSchema: (f) => ({ type: 'string', format: 'uri', maxLength: 2048, ...pick(f.options, ['maxLength']) }),
  parseQuery: (raw) => ({ ok: true, value: raw }),
};

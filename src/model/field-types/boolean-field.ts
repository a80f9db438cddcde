import { defineFieldType } from './define-field-type.js';

export const booleanField = defineFieldType({
  name: 'boolean',
  options: [],
  storage: 'boolean',
  checkOptions: () => [],
  jsonSchema: () => ({ type: 'boolean' }),
  parseQuery(raw) {
    if (raw === 'true') return { ok: true, value: true };
    if (raw === 'false') return { ok: true, value: false };
    return { ok: false, expected: 'true or false' };
  },
  querySchema: () => ({ type: 'boolean' }),
  example: () => true,
});

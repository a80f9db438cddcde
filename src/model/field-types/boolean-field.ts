import type { FieldType } from '../field-type.js';

export const booleanField: FieldType = {
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
};

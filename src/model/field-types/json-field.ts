import type { FieldType } from '../field-type.js';

/** Free-form JSON (objects, arrays, scalars). Filters compare its JSON text. */
export const jsonField: FieldType = {
  name: 'json',
  options: [],
  storage: 'json',
  checkOptions: () => [],
  jsonSchema: () => ({}),
  parseQuery: (raw) => ({ ok: true, value: raw }),
};

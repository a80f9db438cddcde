import { defineFieldType } from './define-field-type.js';

/** Free-form JSON (objects, arrays, scalars): filtered with `null` only, never sorted. */
export const jsonField = defineFieldType({
  name: 'json',
  options: [],
  storage: 'json',
  checkOptions: () => [],
  jsonSchema: () => ({}),
  parseQuery: (raw) => ({ ok: true, value: raw }),
  refuseOperator(op) {
    if (op === 'null') return undefined;
    if (op === 'like' || op === 'ilike') return `${op} works on text fields only`;
    return 'json fields can be filtered with null only';
  },
  sortable: false,
  isStoredValue: () => false,
  example: () => ({ note: 'any JSON value' }),
});

import type { FieldType } from '../field-type.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (raw: string): boolean => UUID.test(raw);

export const uuidField: FieldType = {
  name: 'uuid',
  options: [],
  storage: 'text',
  checkOptions: () => [],
  jsonSchema: () => ({ type: 'string', format: 'uuid' }),
  parseQuery: (raw) =>
    isUuid(raw) ? { ok: true, value: raw.toLowerCase() } : { ok: false, expected: 'a UUID' },
  normalize: (v) => (typeof v === 'string' ? v.toLowerCase() : v),
};

import { randomUUID } from 'node:crypto';
import { defineFieldType } from './define-field-type.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXAMPLE = '3f2b8c1e-6a4d-4c1b-9e7a-5d2f1b0c8a94';

/** A UUID, canonical in lower case (as ids are compared and stored). */
export const uuidField = defineFieldType({
  name: 'uuid',
  options: [],
  storage: 'text',
  checkOptions: () => [],
  jsonSchema: () => ({ type: 'string', format: 'uuid' }),
  parseQuery: (raw) =>
    UUID.test(raw) ? { ok: true, value: raw.toLowerCase() } : { ok: false, expected: 'a UUID' },
  querySchema: () => ({ type: 'string', format: 'uuid', maxLength: 36 }),
  normalize: (v) => (typeof v === 'string' ? v.toLowerCase() : v),
  example: () => EXAMPLE,
  id: {
    assignedBy: 'server',
    options: {},
    parse: (raw) => (UUID.test(raw) ? raw.toLowerCase() : undefined),
    expected: 'a valid UUID',
    pathSchema: { type: 'string', format: 'uuid', maxLength: 36, examples: [EXAMPLE] },
    description: 'Primary key: a UUID, chosen by the client on create or assigned by the server.',
    example: EXAMPLE,
    generate: () => randomUUID(),
  },
});

import { defineFieldType } from './define-field-type.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(raw: string): boolean {
  if (!DATE.test(raw)) return false;
  const d = new Date(`${raw}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === raw;
}

/** A calendar date, `YYYY-MM-DD` (RFC 3339 full-date). */
export const dateField = defineFieldType({
  name: 'date',
  options: [],
  storage: 'date',
  checkOptions: () => [],
  jsonSchema: () => ({ type: 'string', format: 'date' }),
  parseQuery: (raw) =>
    isCalendarDate(raw) ? { ok: true, value: raw } : { ok: false, expected: 'a date YYYY-MM-DD' },
  querySchema: () => ({ type: 'string', format: 'date', maxLength: 10 }),
  isStoredValue: (v) => typeof v === 'string' && isCalendarDate(v),
  example: () => '2025-03-14',
  messageKeys: { format: 'invalid-date' },
});

import { defineFieldType } from './define-field-type.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Canonical UTC form with milliseconds: sorts correctly as text. */
function toUtcIso(raw: string): string | undefined {
  if (!RFC3339.test(raw)) return undefined;
  const t = new Date(raw);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/** An instant, RFC 3339 with offset; stored and sent in UTC. */
export const datetimeField = defineFieldType({
  name: 'datetime',
  options: [],
  storage: 'datetime',
  checkOptions: () => [],
  jsonSchema: () => ({ type: 'string', format: 'date-time' }),
  parseQuery(raw) {
    // A bare date filters from its first instant in UTC: createdAt[gte]=2026-01-01.
    const iso = toUtcIso(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw);
    return iso
      ? { ok: true, value: iso }
      : { ok: false, expected: 'an RFC 3339 date-time or a date YYYY-MM-DD' };
  },
  querySchema: () => ({ type: 'string', format: 'date-time' }),
  isStoredValue: (v) => typeof v === 'string' && toUtcIso(v) !== undefined,
  normalize: (v) => (typeof v === 'string' ? (toUtcIso(v) ?? v) : v),
  example: () => '2025-03-14T09:26:53.589Z',
  messageKeys: { format: 'invalid-datetime' },
});

/**
 * SQLite's aggregate hooks (store/sql/aggregate-dialect.ts). Dates and datetimes are stored as the
 * API writes them (`2024-05-31`, `2024-05-31T10:00:00.000Z`, always UTC), so a bucket's start is
 * a prefix of the text plus the rest of the canonical form.
 */
import type { DateUnit } from '../aggregate-query.js';
import type { AggregateDialect } from '../sql/aggregate-dialect.js';

/** The Monday on or before the value's day (strftime('%w'): 0 is Sunday). */
const monday = (c: string) =>
  `date(${c}, '-' || ((CAST(strftime('%w', ${c}) AS INTEGER) + 6) % 7) || ' days')`;

const DATE: Record<Exclude<DateUnit, 'hour'>, (c: string) => string> = {
  day: (c) => c,
  week: monday,
  month: (c) => `substr(${c}, 1, 7) || '-01'`,
  year: (c) => `substr(${c}, 1, 4) || '-01-01'`,
};

const DATETIME: Record<DateUnit, (c: string) => string> = {
  hour: (c) => `substr(${c}, 1, 13) || ':00:00.000Z'`,
  day: (c) => `substr(${c}, 1, 10) || 'T00:00:00.000Z'`,
  week: (c) => `${monday(c)} || 'T00:00:00.000Z'`,
  month: (c) => `substr(${c}, 1, 7) || '-01T00:00:00.000Z'`,
  year: (c) => `substr(${c}, 1, 4) || '-01-01T00:00:00.000Z'`,
};

export const sqliteAggregates: AggregateDialect = {
  dateBucket(column, storage, unit) {
    if (storage === 'datetime') return DATETIME[unit](column);
    if (unit === 'hour') throw new Error('a date has no hours');
    return DATE[unit](column);
  },
};

/** PostgreSQL's aggregate hooks (store/sql/aggregate-dialect.ts): date_trunc, and calls it spells apart. */
import type { AggregateDialect } from '../sql/aggregate-dialect.js';

export const pgAggregates: AggregateDialect = {
  // The unit comes from a fixed list (store/aggregate-query.ts#DATE_UNITS), never from the request.
  dateBucket(column, storage, unit) {
    // COLLATE "C": buckets sort by their bytes (i.e. in time order), whatever the database's locale.
    if (storage === 'datetime')
      return `(to_char(date_trunc('${unit}', ${column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') COLLATE "C")`;
    return `(to_char(date_trunc('${unit}', ${column}::timestamp), 'YYYY-MM-DD') COLLATE "C")`;
  },
  call(fn, column, storage) {
    // avg(bigint) is numeric: read as a double, as SQLite's AVG is.
    if (fn === 'avg') return `avg(${column})::double precision`;
    // PostgreSQL has no min/max of booleans: false < true, so min is "all true", max "any true".
    if (storage === 'boolean' && fn === 'min') return `bool_and(${column})`;
    if (storage === 'boolean' && fn === 'max') return `bool_or(${column})`;
    return undefined;
  },
};

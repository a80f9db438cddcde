/**
 * What a SQL database tells the aggregate compiler (docs/aggregates.md): its date buckets and the
 * aggregate calls it writes its own way. A dialect without it has no aggregates.
 */
import type { StorageKind } from '../../model/field-type.js';
import type { AggregateFn, DateUnit } from '../aggregate-query.js';

export interface AggregateDialect {
  /**
   * The start of the `unit` bucket that holds `column`'s value, as text in the API's canonical form
   * of the kind (`2024-05-01` for a date, `2024-05-01T00:00:00.000Z` for a datetime, UTC; weeks
   * start on Monday); NULL for NULL.
   */
  dateBucket(column: string, storage: 'date' | 'datetime', unit: DateUnit): string;
  /**
   * The SQL of an aggregate call where this database differs from the standard `FN(column)` (e.g.
   * no `min` of a boolean, or an average to be read as a double); undefined for the standard form.
   */
  call?(fn: AggregateFn, column: string, storage: StorageKind): string | undefined;
}

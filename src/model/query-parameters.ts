/**
 * Query parameters a collection reads itself (docs/query.md; `snapshot`: docs/realtime.md, read by
 * change streams, accepted and ignored by JSON answers; `groupBy`, `aggregate`, `having`:
 * docs/aggregates.md; `q`: docs/search.md); every other parameter filters by a field of that name.
 * A field named like one of these cannot be filtered by `?name=value`.
 */
export const QUERY_PARAMETERS = [
  'sort',
  'limit',
  'offset',
  'cursor',
  'fields',
  'embed',
  'count',
  'snapshot',
  // Aggregates (docs/aggregates.md).
  'groupBy',
  'aggregate',
  'having',
  // Full-text search (docs/search.md).
  'q',
] as const;

/**
 * Relations an `embed` item, a filter or a sort may go through (docs/query.md): the parsers check it,
 * the OpenAPI document states it.
 */
export const MAX_RELATION_DEPTH = 3;

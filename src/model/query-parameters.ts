/**
 * Query parameters a collection reads itself (docs/query.md); every other parameter filters by a
 * field of that name. A field named like one of these cannot be filtered by `?name=value`.
 */
export const QUERY_PARAMETERS = ['sort', 'limit', 'offset', 'cursor', 'fields', 'embed', 'count'] as const;

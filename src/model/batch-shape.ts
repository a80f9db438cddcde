/** What a POST /batch may hold (docs/batch.md): read by http/batch and by the OpenAPI document. */
export const MAX_BATCH_OPERATIONS = 1000;
export const BATCH_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** The request headers an operation may set; the caller's credentials and language come from the batch. */
export const BATCH_OPERATION_HEADERS = ['content-type', 'if-match', 'if-none-match', 'prefer'] as const;

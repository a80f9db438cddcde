/**
 * `verbo-api/client`: a typed client for verbo APIs. No dependencies and no imports outside this
 * folder: it runs on the global fetch in Node 20+ and in browsers.
 */

export type {
  AggregateClient,
  AggregateFunction,
  AggregateKey,
  AggregateQuery,
  AggregateRow,
  AggregateSpec,
  DateUnit,
  GroupKey,
  GroupSpec,
  HavingFilter,
} from './aggregate-client.js';
export type { BatchOperation, BatchReference, BatchResult, BatchResults } from './batch-client.js';
export type { ImportJob, ImportOptions, ImportRows, Job, JobState } from './bulk-client.js';
export type { Change, WatchOptions, WatchQuery } from './change-watch.js';
export type { ApiResponse, ClientOptions, RequestSpec, TokenSource } from './client-options.js';
export type {
  CallOptions,
  CreateOptions,
  EmbedItem,
  EmbedName,
  FieldFilter,
  FileMetadata,
  GetOptions,
  JsonPatchOperation,
  ListQuery,
  LooseResources,
  Relevance,
  ResourceShape,
  SortKey,
  Where,
  WriteOptions,
} from './client-types.js';
export type { CollectionClient } from './collection-client.js';
export { type AuthClient, createClient, type VerboClient } from './create-client.js';
export type { DownloadOptions, FileData, UploadOptions } from './file-transfer.js';
export type { Page, PagePromise } from './page.js';
export type { Entry, NestedClients, ResourceClient, UpdateOptions } from './resource-client.js';
export type { RetryOptions } from './retry-policy.js';
export {
  API_ERROR_CODES,
  type ApiErrorCode,
  type ErrorEntry,
  type TransportErrorCode,
  VerboError,
} from './verbo-error.js';

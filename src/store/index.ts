export type { Filter, FilterOp, Keyset, ListQuery, SortKey } from './query-types.js';
export type { Change, KeyValueStore, ModifyResult, Row, Store, StoreCapabilities } from './store.js';
export * from './store-errors.js';

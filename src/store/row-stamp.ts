/**
 * What a store sets on every row it writes, written once for every dialect: createdAt, updatedAt,
 * _version, and a generated id when a record whose id the server makes (uuid) comes without one.
 */
import type { ResourceDef } from '../model/model-types.js';
import { idKindOf } from '../model/system-fields.js';
import type { Row } from './store.js';

/**
 * A new row: both timestamps now unless given (an import restoring records: write/bulk/import-rows.ts;
 * a request's values never carry them), version 1, `id` kept when given (client-chosen or natural key).
 */
export function stampInsert(r: ResourceDef, values: Row, now = new Date().toISOString()): Row {
  // Object.assign, not a spread followed by more keys: V8 builds that one slowly (µs a row in an import).
  const row: Row = Object.assign({}, values);
  row.createdAt = values.createdAt ?? now;
  row.updatedAt = values.updatedAt ?? now;
  row._version = 1;
  // A server-made id (a uuid) when the client sent none; store-assigned ids come from the table.
  if (row.id === undefined) {
    const made = idKindOf(r).generate?.();
    if (made !== undefined) row.id = made;
  }
  return row;
}

/** An updated row: updatedAt now, the version after the current one. */
export function stampUpdate(current: Row, values: Row): Row {
  return { ...values, updatedAt: new Date().toISOString(), _version: (current._version ?? 0) + 1 };
}

/** The columns an INSERT names: those with a value. */
export const presentColumns = (row: Row): string[] => Object.keys(row).filter((n) => row[n] !== undefined);

/** Whether `row` has a value for exactly the columns `names`, in that order (presentColumns, without an array). */
export function samePresentColumns(row: Row, names: string[]): boolean {
  let n = 0;
  for (const k in row) {
    if (row[k] === undefined) continue;
    if (names[n++] !== k) return false;
  }
  return n === names.length;
}

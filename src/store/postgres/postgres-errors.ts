/** Maps errors of the `postgres` driver (server SQLSTATEs and connection codes) to the store's neutral errors. */
import type { ResourceDef } from '../../model/model-types.js';
import {
  MissingReference,
  StillReferenced,
  StoreFull,
  StoreUnavailable,
  UniqueViolation,
} from '../store-errors.js';

export interface PgError extends Error {
  code?: string;
  constraint_name?: string;
  table_name?: string;
  detail?: string;
}

/** What the failing statement was doing: a 23503 means a missing target on writes, a live referrer on deletes. */
export type Operation = 'read' | 'write' | 'delete';

/** Connection-level failures: the database is down, restarting, unreachable or refusing connections. */
const UNAVAILABLE: Record<string, [string, number]> = {
  ECONNREFUSED: ['the database refuses connections', 5],
  ECONNRESET: ['the connection to the database was reset', 1],
  EPIPE: ['the connection to the database was broken', 1],
  ETIMEDOUT: ['the database cannot be reached', 5],
  ENOTFOUND: ['the database host cannot be resolved', 5],
  EAI_AGAIN: ['the database host cannot be resolved', 5],
  EHOSTUNREACH: ['the database host is unreachable', 5],
  ENETUNREACH: ['the database network is unreachable', 5],
  CONNECTION_CLOSED: ['the connection to the database was closed', 1],
  CONNECTION_ENDED: ['the database connection pool is closed', 5],
  CONNECTION_DESTROYED: ['the connection to the database was destroyed', 1],
  CONNECT_TIMEOUT: ['connecting to the database timed out', 5],
  '57P01': ['the database is shutting down', 5],
  '57P02': ['the database crashed and is restarting', 5],
  '57P03': ['the database is starting up', 2],
  '57014': ['the statement was cancelled', 1],
  '53300': ['the database has too many connections', 1],
  '53200': ['the database is out of memory', 2],
  '40001': ['a concurrent transaction conflicted; try again', 1],
  '40P01': ['a deadlock was detected; try again', 1],
  '55P03': ['a lock could not be taken', 1],
};

/** The fields of a constraint, from its name (`{table}_{field}_key`, `_fkey`, `_pkey`) or else its detail. */
function constraintFields(e: PgError, table: string, suffix: '_key' | '_fkey'): string[] {
  const name = e.constraint_name ?? '';
  if (name === `${table}_pkey`) return ['id'];
  const prefix = `${table}_`;
  if (name.startsWith(prefix) && name.endsWith(suffix) && name.length > prefix.length + suffix.length) {
    return [name.slice(prefix.length, -suffix.length)];
  }
  // Names longer than 63 bytes are truncated; the detail reads `Key ("customerId")=(7) …`.
  const m = /^Key \((.+?)\)=/.exec(e.detail ?? '');
  return m ? m[1].split(', ').map((c) => c.replace(/^"(.*)"$/, '$1').replace(/""/g, '"')) : [];
}

/**
 * The reference fields a 23503 on a write is about: from the constraint, else the model's reference
 * fields to the table the detail names (`… is not present in table "readers"`), else all of them.
 */
function referenceFields(e: PgError, resource: ResourceDef): string[] {
  const named = constraintFields(e, resource.name, '_fkey').filter((f) => resource.allFields.has(f));
  if (named.length) return named;
  const refs = resource.fields.filter((f) => f.reference);
  const table = /in table "((?:[^"]|"")+)"/.exec(e.detail ?? '')?.[1].replace(/""/g, '"');
  const to = refs.filter((f) => f.reference!.resource === table);
  return (to.length ? to : refs).map((f) => f.name);
}

export function isConnectionError(e: unknown): boolean {
  const code = (e as PgError | undefined)?.code;
  return typeof code === 'string' && (code in UNAVAILABLE || code.startsWith('08'));
}

/** Neutral error for a driver error; anything else is returned unchanged. */
export function translatePgError(e: unknown, resource: ResourceDef | undefined, op: Operation): unknown {
  const err = e as PgError;
  const code = err?.code;
  if (typeof code !== 'string') return e;
  if (code === '23505' && resource) return new UniqueViolation(constraintFields(err, resource.name, '_key'));
  if (code === '23503' && resource) {
    if (op !== 'delete') return new MissingReference(referenceFields(err, resource));
    const by = err.table_name
      ? [err.table_name]
      : resource.toMany.filter((t) => t.onDelete === 'restrict').map((t) => t.resource);
    return new StillReferenced(by);
  }
  if (code === '53100') return new StoreFull('the disk holding the database is full');
  if (code === '25006') return new StoreFull('the database is read-only');
  if (code === '2200H') return new StoreFull(`${resource?.name ?? 'a table'} has used up its integer ids`);
  const known = UNAVAILABLE[code];
  if (known) return new StoreUnavailable(known[0], known[1]);
  if (code.startsWith('08')) return new StoreUnavailable('the connection to the database failed', 2);
  return e;
}

/** Which ids a resource takes: integers, UUIDs or client-chosen keys (docs/architecture.md). */
import { parseExactInteger } from '../model/exact-integer.js';
import { isUuid } from '../model/field-types/uuid-field.js';
import type { ResourceDef } from '../model/model-types.js';

const STRING_ID = /^[A-Za-z0-9._~-]{1,200}$/;

/**
 * The id in a URL or a body, typed; undefined when it cannot name any record. An integer id is a
 * number, or beyond 2^53 its digits as a string (model/exact-integer.ts), never a rounded number.
 */
export function parseId(r: ResourceDef, raw: string): unknown {
  if (r.idType === 'integer') {
    const p = parseExactInteger(raw);
    if (!p.ok) return undefined;
    return (typeof p.value === 'number' ? p.value > 0 : p.value[0] !== '-') ? p.value : undefined;
  }
  if (r.idType === 'uuid') return isUuid(raw) ? raw.toLowerCase() : undefined;
  return STRING_ID.test(raw) ? raw : undefined;
}

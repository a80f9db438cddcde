/** The record a URL names: its id typed for the resource, or 404 RECORD_NOT_FOUND. */

import { ApiError } from '../../errors/api-error.js';
import type { ResourceDef } from '../../model/model-types.js';
import { parseId } from '../../write/record-id.js';

export function notFound(r: ResourceDef, id: unknown): ApiError {
  return ApiError.of('RECORD_NOT_FOUND', `${r.name}/${String(id)} does not exist`);
}

/** The typed id of `raw`; an id that cannot name any record is a 404, as an absent one is. */
export function itemId(r: ResourceDef, raw: string): unknown {
  const id = parseId(r, raw);
  if (id === undefined) throw notFound(r, raw);
  return id;
}

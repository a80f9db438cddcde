/** Which ids a resource takes: its id field's type says (`IdKind`, model/field-type.ts; docs/architecture.md). */
import type { ResourceDef } from '../model/model-types.js';
import { idKindOf } from '../model/system-fields.js';

/**
 * The id in a URL or a body, canonical as its field type parses it (an integer id is a number, or
 * beyond 2^53 its digits as a string, model/exact-integer.ts; a uuid is lower-cased); undefined
 * when it cannot name any record.
 */
export const parseId = (r: ResourceDef, raw: string): unknown => idKindOf(r).parse(raw);

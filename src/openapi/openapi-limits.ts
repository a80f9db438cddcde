/**
 * The bounds the document states, each one true of the server: OWASP API4 asks every integer,
 * string and array in an API description to be bounded, and verbo states the real bound (the
 * field's own, the body limit, the request-line limit) rather than an invented one.
 */
import type { JsonSchema } from '../model/field-type.js';
import type { Model } from '../model/model-types.js';

/** Paging of collections; equal to `DEFAULT_LIMIT`/`MAX_LIMIT` of the http query parser (a test checks). */
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 1000;
/** `in`/`nin` take at most this many comma-separated values. */
export const MAX_IN_VALUES = 1000;
/** Node's default `maxHeaderSize`: the request line and every header together fit in 16 KiB. */
export const MAX_HEAD_BYTES = 16384;
/** Idempotency-Key: 1 to 255 visible ASCII characters. */
export const MAX_IDEMPOTENCY_KEY = 255;
/** An array the server does not cap (a parent's embedded to-many relation): no bound but the integer range. */
export const UNCAPPED_ITEMS = Number.MAX_SAFE_INTEGER;

export interface Limits {
  /** Largest request body, bytes: no string sent in a body can be longer. */
  bodyLimit: number;
  /** Longest fixed text in any message (model names listed in errors included). */
  messageMax: number;
}

export function limitsOf(model: Model): Limits {
  let names = 0;
  for (const r of model.resources) for (const f of r.allFields.keys()) names += f.length + 2;
  return { bodyLimit: model.bodyLimit, messageMax: 4096 + names + model.bodyLimit + MAX_HEAD_BYTES };
}

const hasType = (s: JsonSchema, t: string): boolean =>
  s.type === t || (Array.isArray(s.type) && s.type.includes(t));

/**
 * A field's JSON Schema made explicit for OpenAPI: integers get `format: int64` and the safe-integer
 * range when they declare no tighter one; strings without a length get the body limit (or the exact
 * length of their format). Returns a new object; the validator's schema is untouched.
 */
export function bounded(schema: JsonSchema, limits: Limits): JsonSchema {
  const out: JsonSchema = { ...schema };
  // An integer field: a number, or beyond ±2^53 a digit string (model/exact-integer.ts); each branch bounded.
  if (Array.isArray(out.anyOf)) out.anyOf = (out.anyOf as JsonSchema[]).map((s) => bounded(s, limits));
  if (hasType(out, 'integer')) {
    out.format ??= 'int64';
    out.minimum ??= Number.MIN_SAFE_INTEGER;
    out.maximum ??= Number.MAX_SAFE_INTEGER;
  }
  if (
    hasType(out, 'string') &&
    out.maxLength === undefined &&
    out.enum === undefined &&
    out.const === undefined
  ) {
    // ajv's formats: a date is exactly YYYY-MM-DD; a uuid at most `urn:uuid:` + 36.
    out.maxLength = out.format === 'date' ? 10 : out.format === 'uuid' ? 45 : limits.bodyLimit;
  }
  return out;
}

/** Strings that travel in the URL or a header: the request head bounds them. */
export const headString = (extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  maxLength: MAX_HEAD_BYTES,
  ...extra,
});

/** An integer with explicit bounds and format. */
export const int = (minimum: number, maximum: number, extra: JsonSchema = {}): JsonSchema => ({
  type: 'integer',
  format: minimum >= -(2 ** 31) && maximum < 2 ** 31 ? 'int32' : 'int64',
  minimum,
  maximum,
  ...extra,
});

/**
 * Entries an error envelope can hold: one per failing top-level body key (each takes at least 4
 * bytes of the body), per query value (2 bytes of the URL each) and per declared field, plus a few.
 */
export function envelopeMaxItems(model: Model): number {
  const fields = Math.max(0, ...model.resources.map((r) => r.allFields.size));
  return Math.ceil(model.bodyLimit / 4) + MAX_HEAD_BYTES / 2 + fields + 4;
}

/** JSON Patch operations that fit in a body: the shortest, `{"op":"remove","path":""}`, is 25 bytes + a comma. */
export const maxPatchOperations = (model: Model): number => Math.floor(model.bodyLimit / 26);

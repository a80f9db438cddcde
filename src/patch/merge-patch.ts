/** RFC 7396 JSON Merge Patch, non-mutating and prototype-pollution safe. */
import { defineOwn, isJsonObject, type JsonObject } from './json-pointer.js';

/** Merges `patch` into `target` in place; `target` must already be a private copy. */
function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const result: JsonObject = isJsonObject(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      if (Object.hasOwn(result, key)) delete result[key];
    } else {
      const current = Object.hasOwn(result, key) ? result[key] : undefined;
      defineOwn(result, key, mergeInto(current, value));
    }
  }
  return result;
}

/**
 * Applies an RFC 7396 merge patch and returns a NEW value: `null` members remove, nested objects
 * merge, arrays and other non-objects replace, and a non-object patch replaces the whole target.
 * Keys such as `__proto__` become ordinary own data properties; no prototype is ever touched.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return mergeInto(structuredClone(target), patch);
}

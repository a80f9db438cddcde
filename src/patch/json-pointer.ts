/** RFC 6901 JSON Pointer parsing and own-property-only resolution helpers. */
import { PatchError } from './patch-error.js';

export type JsonObject = Record<string, unknown>;
export type JsonContainer = JsonObject | unknown[];

export type Lookup = { readonly found: true; readonly value: unknown } | { readonly found: false };

const NOT_FOUND: Lookup = { found: false };
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;
const BAD_ESCAPE = /~(?![01])/;

/**
 * Parses a JSON Pointer into its unescaped reference tokens.
 * `''` is the whole document; any other pointer must start with `/`. `~1` becomes `/`, then `~0`
 * becomes `~` (so `~01` is `~1`). Throws a `malformed` PatchError on invalid syntax.
 */
export function parsePointer(pointer: string): string[] {
  if (typeof pointer !== 'string') {
    throw new PatchError('malformed', 'JSON Pointer must be a string');
  }
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new PatchError(
      'malformed',
      `JSON Pointer must be empty or start with "/": ${JSON.stringify(pointer)}`,
      {
        pointer,
      },
    );
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (BAD_ESCAPE.test(token)) {
        throw new PatchError('malformed', `Invalid "~" escape in JSON Pointer ${JSON.stringify(pointer)}`, {
          pointer,
        });
      }
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** Escapes one reference token (`~` → `~0`, `/` → `~1`). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a pointer string from unescaped tokens. */
export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((token) => '/' + escapeToken(token)).join('');
}

/** True for arrays and non-null objects (the only values a pointer can descend into). */
export function isContainer(value: unknown): value is JsonContainer {
  return typeof value === 'object' && value !== null;
}

/** True for non-null, non-array objects. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses an array index token: only `0` or digits without a leading zero; otherwise undefined. */
export function parseArrayIndex(token: string): number | undefined {
  return ARRAY_INDEX.test(token) ? Number(token) : undefined;
}

/** Looks up one token in a container, using own properties / in-range indexes only. */
export function getChild(container: unknown, token: string): Lookup {
  if (Array.isArray(container)) {
    const index = parseArrayIndex(token);
    return index !== undefined && index < container.length
      ? { found: true, value: container[index] }
      : NOT_FOUND;
  }
  if (isJsonObject(container) && Object.hasOwn(container, token)) {
    return { found: true, value: container[token] };
  }
  return NOT_FOUND;
}

/** Resolves already-parsed tokens against a document. Inherited members count as not found. */
export function resolveTokens(document: unknown, tokens: readonly string[]): Lookup {
  let current: unknown = document;
  for (const token of tokens) {
    const next = getChild(current, token);
    if (!next.found) return NOT_FOUND;
    current = next.value;
  }
  return { found: true, value: current };
}

/** Parses and resolves a pointer string. Throws `malformed` on bad syntax. */
export function resolvePointer(document: unknown, pointer: string): Lookup {
  return resolveTokens(document, parsePointer(pointer));
}

/** Sets `key` as an ordinary own data property, even for names like `__proto__`. */
export function defineOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** RFC 6902 JSON Patch: validation and atomic, non-mutating application. */
import {
  defineOwn,
  getChild,
  isContainer,
  isJsonObject,
  type JsonContainer,
  parseArrayIndex,
  parsePointer,
  resolveTokens,
} from './json-pointer.js';
import { PatchError, type PatchErrorKind } from './patch-error.js';

export type JsonPatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'move'; readonly from: string; readonly path: string }
  | { readonly op: 'copy'; readonly from: string; readonly path: string }
  | { readonly op: 'test'; readonly path: string; readonly value: unknown };

const OPS: ReadonlySet<string> = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);
const NEEDS_VALUE: ReadonlySet<string> = new Set(['add', 'replace', 'test']);
const NEEDS_FROM: ReadonlySet<string> = new Set(['move', 'copy']);

type Fail = (kind: PatchErrorKind, message: string) => never;

function failer(index: number, op: string, pointer: string | undefined): Fail {
  return (kind, message) => {
    const where = pointer === undefined ? '' : ` ${JSON.stringify(pointer)}`;
    throw new PatchError(kind, `Operation ${index} (${op}${where}): ${message}`, {
      operationIndex: index,
      pointer,
    });
  };
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function checkPointer(pointer: string, member: string, fail: Fail): void {
  try {
    parsePointer(pointer);
  } catch (error) {
    if (error instanceof PatchError) fail('malformed', `invalid "${member}": ${error.message}`);
    throw error;
  }
}

function validateOperation(operation: unknown, index: number): void {
  if (!isJsonObject(operation)) {
    throw new PatchError('malformed', `Operation ${index} must be an object`, { operationIndex: index });
  }
  const name = own(operation, 'op');
  const path = own(operation, 'path');
  const fail: Fail = failer(
    index,
    typeof name === 'string' ? name : '?',
    typeof path === 'string' ? path : undefined,
  );
  if (typeof name !== 'string' || !OPS.has(name))
    fail('malformed', `unknown or missing "op": ${String(name)}`);
  if (typeof path !== 'string') fail('malformed', 'missing or non-string "path"');
  checkPointer(path, 'path', fail);
  if (NEEDS_FROM.has(name)) {
    const from = own(operation, 'from');
    if (typeof from !== 'string') fail('malformed', 'missing or non-string "from"');
    checkPointer(from, 'from', fail);
  }
  if (NEEDS_VALUE.has(name) && own(operation, 'value') === undefined) fail('malformed', 'missing "value"');
}

/** Throws a `malformed` PatchError (with `operationIndex`) unless `doc` is a valid patch document. */
export function validatePatchDocument(doc: unknown): asserts doc is JsonPatchOperation[] {
  if (!Array.isArray(doc)) throw new PatchError('malformed', 'A JSON Patch document must be an array');
  doc.forEach(validateOperation);
}

/** Deep JSON equality: objects by own keys (any order), arrays by order, primitives by value. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]))
  );
}

function get(root: unknown, tokens: readonly string[], fail: Fail, what = 'path'): unknown {
  const found = resolveTokens(root, tokens);
  if (!found.found) fail('path-not-found', `${what} does not exist in the document`);
  return found.value;
}

function parentOf(root: unknown, tokens: readonly string[], fail: Fail): JsonContainer {
  const found = resolveTokens(root, tokens.slice(0, -1));
  if (!found.found) fail('path-not-found', 'parent location does not exist');
  if (!isContainer(found.value)) fail('path-not-found', 'parent location is not an object or array');
  return found.value;
}

/** Index into `array` for an existing element (no `-`, no leading zeros, in range). */
function existingIndex(array: unknown[], token: string, fail: Fail): number {
  const index = parseArrayIndex(token);
  if (index === undefined) fail('path-not-found', `invalid array index ${JSON.stringify(token)}`);
  if (index >= array.length) fail('path-not-found', `array index ${index} is out of bounds`);
  return index;
}

function add(root: unknown, tokens: readonly string[], value: unknown, fail: Fail): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(root, tokens, fail);
  const key = tokens[tokens.length - 1];
  if (!Array.isArray(parent)) {
    defineOwn(parent, key, value);
  } else if (key === '-') {
    parent.push(value);
  } else {
    const index = parseArrayIndex(key);
    if (index === undefined) fail('path-not-found', `invalid array index ${JSON.stringify(key)}`);
    if (index > parent.length) fail('path-not-found', `array index ${index} is out of bounds`);
    parent.splice(index, 0, value);
  }
  return root;
}

function remove(root: unknown, tokens: readonly string[], fail: Fail, what = 'path'): unknown {
  if (tokens.length === 0) fail('path-not-found', 'cannot remove the whole document');
  const parent = parentOf(root, tokens, fail);
  const key = tokens[tokens.length - 1];
  if (Array.isArray(parent)) return parent.splice(existingIndex(parent, key, fail), 1)[0];
  if (!Object.hasOwn(parent, key)) fail('path-not-found', `${what} does not exist in the document`);
  const value = parent[key];
  delete parent[key];
  return value;
}

function replace(root: unknown, tokens: readonly string[], value: unknown, fail: Fail): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(root, tokens, fail);
  const key = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    parent[existingIndex(parent, key, fail)] = value;
  } else {
    if (!getChild(parent, key).found) fail('path-not-found', 'path does not exist in the document');
    defineOwn(parent, key, value);
  }
  return root;
}

function startsWith(tokens: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= tokens.length && prefix.every((token, i) => token === tokens[i]);
}

function applyOperation(root: unknown, operation: JsonPatchOperation, index: number): unknown {
  const fail: Fail = failer(index, operation.op, operation.path);
  const path = parsePointer(operation.path);
  switch (operation.op) {
    case 'add':
      return add(root, path, structuredClone(operation.value), fail);
    case 'remove':
      remove(root, path, fail);
      return root;
    case 'replace':
      return replace(root, path, structuredClone(operation.value), fail);
    case 'copy':
      return add(root, path, structuredClone(get(root, parsePointer(operation.from), fail, 'from')), fail);
    case 'move': {
      const from = parsePointer(operation.from);
      get(root, from, fail, 'from');
      if (startsWith(path, from)) {
        if (path.length === from.length) return root;
        fail('path-not-found', 'cannot move a value into one of its own children');
      }
      return add(root, path, remove(root, from, fail, 'from'), fail);
    }
    case 'test':
      if (!jsonEqual(get(root, path, fail), operation.value))
        fail('test-failed', 'value differs from expected');
      return root;
  }
}

/**
 * Applies a JSON Patch and returns a NEW document; the input is never mutated. The patch is
 * validated first, the document is deep-cloned once, and operations run in place on the clone,
 * so a failing operation throws a PatchError and leaves the caller's document untouched.
 */
export function applyJsonPatch<T>(document: T, patch: readonly JsonPatchOperation[]): unknown {
  validatePatchDocument(patch);
  let root: unknown = structuredClone(document);
  patch.forEach((operation, index) => {
    root = applyOperation(root, operation, index);
  });
  return root;
}

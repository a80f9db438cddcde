/**
 * Chooses the patch format from Content-Type, keeps prototype keys out, and maps patch failures to
 * the docs/patch.md statuses. docs/patch.md documents every choice made here.
 */
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import {
  applyJsonPatch,
  applyMergePatch,
  escapeToken,
  type JsonPatchOperation,
  PatchError,
  parsePointer,
  validatePatchDocument,
} from '../../patch/index.js';

export const JSON_PATCH_TYPE = 'application/json-patch+json';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The function that patches the current record (inside the store transaction).
 * JSON Patch: a malformed document → 400 and a path naming `__proto__` or `constructor/prototype`
 * → 400, both before anything is read; a failed `test` → 409; a path that does not exist → 409
 * (RFC 5789 §2.2 "conflicting state"). Merge patch (application/merge-patch+json or
 * application/json): RFC 7396; a patch that is not an object would replace the record → 422.
 */
export function patchFunction(req: FastifyRequest): (doc: Record<string, unknown>) => unknown {
  const type = req.headers['content-type']?.split(';')[0].trim().toLowerCase();
  const body = req.body;
  if (type !== JSON_PATCH_TYPE) {
    return (doc) => {
      if (!isPlainObject(body)) throw notAnObject(body);
      return refuseForbiddenKeys(applyMergePatch(doc, body));
    };
  }
  try {
    validatePatchDocument(body);
  } catch (e) {
    throw e instanceof PatchError ? fromPatchError(e) : e;
  }
  body.forEach(refuseForbiddenPointers);
  return (doc) => {
    try {
      return refuseForbiddenKeys(applyJsonPatch(doc, body));
    } catch (e) {
      throw e instanceof PatchError ? fromPatchError(e) : e;
    }
  };
}

/** The one mapping of the patch engine's errors (also used by error-handler.ts for any that escape). */
export function fromPatchError(e: PatchError): ApiError {
  const pointer = e.operationIndex === undefined ? '' : `/${e.operationIndex}`;
  switch (e.kind) {
    case 'malformed':
      return ApiError.of('MALFORMED_PATCH', e.message, { pointer });
    case 'test-failed':
      return ApiError.of('PATCH_TEST_FAILED', e.message, { pointer });
    case 'path-not-found':
      return ApiError.of('PATCH_PATH_NOT_FOUND', e.message, { pointer });
  }
}

function notAnObject(body: unknown): ApiError {
  const hint = Array.isArray(body)
    ? '; to send a JSON Patch array use Content-Type application/json-patch+json'
    : '';
  return ApiError.of(
    'VALIDATION_FAILED',
    `a merge patch that is not a JSON object replaces the whole record, which must be an object${hint}`,
    {
      pointer: '',
      message: 'body.notObject',
    },
  );
}

/** The rule the JSON body parser applies to keys (`__proto__`, `constructor.prototype`), applied to pointer tokens. */
const forbiddenAt = (tokens: readonly string[], i: number): boolean =>
  tokens[i] === '__proto__' || (tokens[i] === 'prototype' && i > 0 && tokens[i - 1] === 'constructor');

function refuseForbiddenPointers(op: JsonPatchOperation, index: number): void {
  for (const member of ['path', 'from'] as const) {
    const pointer = (op as { path: string; from?: string })[member];
    if (pointer === undefined) continue;
    const tokens = parsePointer(pointer);
    if (tokens.some((_, i) => forbiddenAt(tokens, i))) {
      throw ApiError.of(
        'FORBIDDEN_JSON_KEY',
        `Operation ${index} (${op.op}): "${member}" ${JSON.stringify(pointer)} names __proto__ or constructor/prototype, which are refused`,
        {
          pointer: `/${index}`,
        },
      );
    }
  }
}

/** Throws 400 FORBIDDEN_JSON_KEY when the patched record holds a key the body parser would refuse. */
function refuseForbiddenKeys(value: unknown): unknown {
  const at = findForbiddenKey(value, '', false);
  if (at !== undefined) {
    throw ApiError.of(
      'FORBIDDEN_JSON_KEY',
      `the patch would store __proto__ or constructor.prototype at ${at}, which are refused`,
      { pointer: at },
    );
  }
  return value;
}

function findForbiddenKey(value: unknown, at: string, underConstructor: boolean): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenKey(value[i], `${at}/${i}`, false);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const here = `${at}/${escapeToken(key)}`;
    if (key === '__proto__' || (underConstructor && key === 'prototype')) return here;
    const found = findForbiddenKey((value as Record<string, unknown>)[key], here, key === 'constructor');
    if (found !== undefined) return found;
  }
  return undefined;
}

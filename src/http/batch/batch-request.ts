/**
 * The body of POST /batch (docs/batch.md): `{ operations: [{ method, path, body?, headers?, ref? }] }`,
 * checked before anything runs. At most MAX_OPERATIONS (413 above); every other problem is a 422
 * whose pointer names the operation's member.
 */
import { ApiError, type Problem } from '../../errors/api-error.js';
import { BATCH_METHODS, BATCH_OPERATION_HEADERS, MAX_BATCH_OPERATIONS } from '../../model/batch-shape.js';

const MAX_OPERATIONS = MAX_BATCH_OPERATIONS;
const METHODS = BATCH_METHODS;
const OPERATION_HEADERS = BATCH_OPERATION_HEADERS;
const REF = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MEMBERS = new Set(['method', 'path', 'body', 'headers', 'ref']);

export interface BatchOperation {
  method: (typeof METHODS)[number];
  path: string;
  body?: unknown;
  headers: Record<string, string>;
  ref?: string;
}

const invalid = (pointer: string, internalMessage: string, field: string): Problem => ({
  code: 'VALIDATION_FAILED',
  internalMessage,
  pointer,
  vars: { field },
});

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function readOperation(raw: unknown, i: number, refs: Set<string>, problems: Problem[]): BatchOperation {
  const at = `/operations/${i}`;
  const op: BatchOperation = { method: 'GET', path: '/', headers: {} };
  if (!isObject(raw)) {
    problems.push(
      invalid(at, `operation ${i} must be an object { method, path, body?, headers?, ref? }`, 'operations'),
    );
    return op;
  }
  for (const key of Object.keys(raw))
    if (!MEMBERS.has(key))
      problems.push(invalid(`${at}/${key}`, `operation ${i} has an unknown member ${key}`, key));
  const method = typeof raw.method === 'string' ? raw.method.toUpperCase() : undefined;
  if (!METHODS.includes(method as BatchOperation['method']))
    problems.push(
      invalid(`${at}/method`, `operation ${i}: method must be one of ${METHODS.join(', ')}`, 'method'),
    );
  else op.method = method as BatchOperation['method'];
  if (typeof raw.path !== 'string' || !raw.path.startsWith('/') || raw.path.startsWith('//'))
    problems.push(
      invalid(`${at}/path`, `operation ${i}: path must be a path of this API, like /customers/1`, 'path'),
    );
  else op.path = raw.path;
  if (raw.body !== undefined) {
    if (op.method === 'GET' || op.method === 'DELETE')
      problems.push(invalid(`${at}/body`, `operation ${i}: a ${op.method} takes no body`, 'body'));
    op.body = raw.body;
  }
  if (raw.headers !== undefined) {
    if (!isObject(raw.headers))
      problems.push(
        invalid(`${at}/headers`, `operation ${i}: headers must be an object of strings`, 'headers'),
      );
    else
      for (const [name, value] of Object.entries(raw.headers)) {
        const lower = name.toLowerCase();
        if (!(OPERATION_HEADERS as readonly string[]).includes(lower) || typeof value !== 'string')
          problems.push(
            invalid(
              `${at}/headers/${name}`,
              `operation ${i}: header ${name} cannot be set per operation (allowed: ${OPERATION_HEADERS.join(', ')}; strings)`,
              name,
            ),
          );
        else op.headers[lower] = value;
      }
  }
  if (raw.ref !== undefined) {
    if (typeof raw.ref !== 'string' || !REF.test(raw.ref))
      problems.push(invalid(`${at}/ref`, `operation ${i}: ref must be a name (letters, digits, _)`, 'ref'));
    else if (refs.has(raw.ref))
      problems.push(invalid(`${at}/ref`, `operation ${i}: ref ${raw.ref} is already used`, 'ref'));
    else {
      refs.add(raw.ref);
      op.ref = raw.ref;
    }
  }
  return op;
}

/** The operations of a batch body, or an ApiError naming every problem. */
export function readBatch(body: unknown): BatchOperation[] {
  if (!isObject(body) || !Array.isArray(body.operations))
    throw new ApiError([invalid('/operations', 'the body must be { "operations": [ … ] }', 'operations')]);
  const raw = body.operations;
  if (raw.length > MAX_OPERATIONS)
    throw ApiError.of(
      'PAYLOAD_TOO_LARGE',
      `a batch holds at most ${MAX_OPERATIONS} operations; this one has ${raw.length}`,
      { pointer: '/operations' },
    );
  const problems: Problem[] = [];
  if (raw.length === 0)
    problems.push(invalid('/operations', 'a batch needs at least one operation', 'operations'));
  for (const key of Object.keys(body))
    if (key !== 'operations') problems.push(invalid(`/${key}`, `unknown member ${key}`, key));
  const refs = new Set<string>();
  const ops = raw.map((op, i) => readOperation(op, i, refs, problems));
  if (problems.length) throw new ApiError(problems);
  return ops;
}

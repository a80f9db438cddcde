/**
 * POST /batch (docs/batch.md): the operations run in order, each as the request it describes
 * (routing, access rules, preconditions, validation and business rules unchanged), all inside one
 * store transaction: every one succeeds → 200 with each status, headers and body; one fails →
 * nothing is written and its error is the batch's, each entry's pointer under `/operations/{i}`.
 */
import type { FastifyReply, FastifyRequest, LightMyRequestResponse } from 'fastify';
import { ApiError, type Problem } from '../../errors/api-error.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../../errors/error-catalogue.js';
import type { EnvelopeEntry } from '../../errors/error-envelope.js';
import type { Store } from '../../store/store.js';
import { inAmbientTransaction } from '../../write/ambient-transaction.js';
import { type Results, resolveBody, resolvePath } from './batch-references.js';
import { type BatchOperation, readBatch } from './batch-request.js';

/** The batch's own request headers every operation carries: who calls, in which language, from where. */
const CALLER_HEADERS = [
  'authorization',
  'cookie',
  'accept-language',
  'origin',
  'sec-fetch-site',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
];
/** The response headers shown for each operation. */
const SHOWN_HEADERS = ['location', 'etag', 'last-modified', 'preference-applied'];

export interface OperationResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** An operation that failed: the batch rolls back and answers with its error. */
class OperationFailed extends Error {
  constructor(
    readonly index: number,
    readonly response: LightMyRequestResponse,
  ) {
    super(`operation ${index} failed with ${response.statusCode}`);
  }
}

function parseBody(res: LightMyRequestResponse): unknown {
  if (!res.body) return null;
  try {
    return JSON.parse(res.body);
  } catch {
    return res.body;
  }
}

/** The failed operation's envelope as the batch's: pointers under `/operations/{i}` (a body pointer under `/body`). */
function failureOf(failed: OperationFailed): ApiError {
  const { index, response } = failed;
  const parsed = parseBody(response);
  const entries = (Array.isArray(parsed) ? parsed : []) as EnvelopeEntry[];
  const at = `/operations/${index}`;
  const problems: Problem[] = entries.map((e) => {
    const known = e.code in ERROR_CATALOGUE;
    return {
      code: (known ? e.code : 'BAD_REQUEST') as ErrorCode,
      ...(known ? {} : { shownCode: e.code }),
      internalMessage: `operation ${index}: ${e.internalMessage}`,
      text: { en: e.userMessage, es: e.userMessage },
      pointer: e.pointer !== undefined ? `${at}/body${e.pointer}` : at,
      ...(e.parameter !== undefined ? { parameter: e.parameter } : {}),
      ...(e.rule !== undefined ? { rule: e.rule } : {}),
    };
  });
  if (!problems.length)
    problems.push({ code: 'BAD_REQUEST', internalMessage: `operation ${index} failed`, pointer: at });
  const headers: Record<string, string> = {};
  for (const name of ['allow', 'retry-after', 'www-authenticate', 'accept-post', 'accept-patch']) {
    const v = response.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  return new ApiError(problems, headers, response.statusCode);
}

async function runOperation(
  req: FastifyRequest,
  op: BatchOperation,
  index: number,
  results: Results,
): Promise<OperationResult> {
  const at = `/operations/${index}`;
  const path = resolvePath(op.path, results, `${at}/path`);
  const body = op.body === undefined ? undefined : resolveBody(op.body, results, `${at}/body`);
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const name of CALLER_HEADERS) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  if (body !== undefined)
    headers['content-type'] = op.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  Object.assign(headers, op.headers);
  const res = await req.server.inject({
    method: op.method,
    url: path,
    headers,
    remoteAddress: req.ip,
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  if (res.statusCode >= 400) throw new OperationFailed(index, res);
  const shown: Record<string, string> = {};
  for (const name of SHOWN_HEADERS) {
    const v = res.headers[name];
    if (typeof v === 'string') shown[name] = v;
  }
  const result = { status: res.statusCode, headers: shown, body: parseBody(res) };
  if (op.ref) results.set(op.ref, result.body);
  return result;
}

export function batchHandler(store: Store, batchPath: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const ops = readBatch(req.body);
    ops.forEach((op, i) => {
      if (op.path.split('?')[0] === batchPath)
        throw ApiError.of('VALIDATION_FAILED', `operation ${i}: a batch cannot contain a batch`, {
          pointer: `/operations/${i}/path`,
          vars: { field: 'path' },
        });
    });
    try {
      const operations = await store.transaction((tx) =>
        inAmbientTransaction(tx, async () => {
          const results: Results = new Map();
          const out: OperationResult[] = [];
          for (const [i, op] of ops.entries()) out.push(await runOperation(req, op, i, results));
          return out;
        }),
      );
      return reply.code(200).send({ operations });
    } catch (e) {
      throw e instanceof OperationFailed ? failureOf(e) : e;
    }
  };
}

/**
 * POST /batch (docs/batch.md): the operations run in order, each as the request it describes
 * (routing, access rules, preconditions, validation and business rules unchanged), all inside one
 * store transaction: every one succeeds → 200 with each status, headers and body; one fails →
 * nothing is written and its error is the batch's, each entry's pointer under `/operations/{i}`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type Problem } from '../../errors/api-error.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../../errors/error-catalogue.js';
import type { EnvelopeEntry } from '../../errors/error-envelope.js';
import type { Model, ResourceDef } from '../../model/model-types.js';
import type { Store } from '../../store/store.js';
import { inAmbientTransaction } from '../../write/ambient-transaction.js';
import { bodyValue, type DirectEnv, dispatchDirect, type OperationAnswer } from './batch-dispatch.js';
import { type Results, resolveBody, resolvePath } from './batch-references.js';
import { type BatchOperation, readBatch } from './batch-request.js';
import { type BatchMatch, matchBatchRoute } from './batch-routes.js';

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
    readonly answer: OperationAnswer,
  ) {
    super(`operation ${index} failed with ${answer.status}`);
  }
}

/** The failed operation's envelope as the batch's: pointers under `/operations/{i}` (a body pointer under `/body`). */
function failureOf(failed: OperationFailed): ApiError {
  const { index, answer } = failed;
  const entries = (Array.isArray(answer.body) ? answer.body : []) as EnvelopeEntry[];
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
    const v = answer.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  return new ApiError(problems, headers, answer.status);
}

export interface BatchOptions extends DirectEnv {
  store: Store;
  batchPath: string;
  model: Model;
  /** Whether writes of `r` run a beforeWrite hook (which may read: its creates are not pipelined). */
  hookedBeforeWrite: (r: ResourceDef) => boolean;
}

/** One batch's run: its operations' results by ref, and whether an operation has needed `inject`. */
interface Run {
  results: Results;
  /** Once an operation went through `inject` (a route of its own, e.g. /auth), the rest do too. */
  injected: boolean;
}

/** An operation made ready to run: its references resolved, the request it is, and its route if called directly. */
interface Prepared {
  path: string;
  headers: Record<string, string>;
  payload: string | undefined;
  match: BatchMatch | undefined;
}

function prepareOperation(
  options: BatchOptions,
  req: FastifyRequest,
  op: BatchOperation,
  index: number,
  run: Run,
): Prepared {
  const at = `/operations/${index}`;
  const path = resolvePath(op.path, run.results, `${at}/path`);
  const body = op.body === undefined ? undefined : resolveBody(op.body, run.results, `${at}/body`);
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const name of CALLER_HEADERS) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  if (body !== undefined)
    headers['content-type'] = op.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  Object.assign(headers, op.headers);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const match = run.injected
    ? undefined
    : matchBatchRoute(req.server, op.method, path, headers, payload, {
        urlBytes: options.model.limits.urlBytes,
        bodyLimit: options.model.bodyLimit,
      });
  if (!match) run.injected = true;
  return { path, headers, payload, match };
}

async function runOperation(
  options: BatchOptions,
  req: FastifyRequest,
  op: BatchOperation,
  index: number,
  run: Run,
  { path, headers, payload, match }: Prepared,
): Promise<OperationResult> {
  let answer: OperationAnswer;
  if (match) {
    // The headers inject would have added.
    headers.host = 'localhost:80';
    headers['user-agent'] = 'lightMyRequest';
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    answer = await dispatchDirect(options, req, match, op.method, path, headers, payload);
  } else {
    const res = await req.server.inject({
      method: op.method,
      url: path,
      headers,
      remoteAddress: req.ip,
      ...(payload !== undefined ? { payload } : {}),
    });
    answer = { status: res.statusCode, headers: res.headers, body: bodyValue(res.body) };
  }
  if (answer.status >= 400) throw new OperationFailed(index, answer);
  const shown: Record<string, string> = {};
  for (const name of SHOWN_HEADERS) {
    const v = answer.headers[name];
    if (typeof v === 'string') shown[name] = v;
  }
  const result = { status: answer.status, headers: shown, body: answer.body };
  if (op.ref) run.results.set(op.ref, result.body);
  return result;
}

/** Whether an operation's path or body may name an earlier result (`$ref.field`): then it waits for them. */
const mayReference = (op: BatchOperation): boolean =>
  op.path.includes('$') || (op.body !== undefined && JSON.stringify(op.body).includes('"$'));

/** A create naming its own id: on PostgreSQL a second statement may follow its insert (the id sequence moved past it). */
const choosesId = (op: BatchOperation): boolean =>
  typeof op.body === 'object' && op.body !== null && Object.hasOwn(op.body, 'id');

/** One turn of the event loop: what a started operation does before it waits on the database is done by then. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the operations in order. In a fail-fast transaction on a store that pipelines (PostgreSQL),
 * consecutive creates that name no earlier result are pipelined: each starts once the one before
 * it has sent its one statement (a turn of the event loop later, as nothing before that statement
 * waits on I/O), so the database receives them in order on the transaction's connection without a
 * round trip between them. Any other operation waits until every earlier one has finished. Should
 * anything fail, the guarded run that follows runs strictly one after the other.
 */
async function runOperations(
  options: BatchOptions,
  req: FastifyRequest,
  ops: BatchOperation[],
  failFast: boolean,
): Promise<OperationResult[]> {
  const run: Run = { results: new Map(), injected: false };
  // Only where the store's statements can share round trips (SQLite's run as they are called).
  const pipelining = failFast && options.store.capabilities.pipelines === true;
  const out: Promise<OperationResult>[] = [];
  let inFlight: Promise<OperationResult>[] = [];
  let failed = false;
  const drain = async () => {
    const settled = await Promise.allSettled(inFlight);
    inFlight = [];
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
  };
  try {
    for (const [i, op] of ops.entries()) {
      // A pipelined operation failed: the batch fails, no need to start more.
      if (failed) break;
      const independent = pipelining && !mayReference(op);
      if (!independent) await drain();
      const prepared = prepareOperation(options, req, op, i, run);
      const creates = prepared.match?.route.creates;
      if (independent && creates && !options.hookedBeforeWrite(creates) && !choosesId(op)) {
        const started = runOperation(options, req, op, i, run, prepared);
        started.catch(() => {
          failed = true;
        });
        inFlight.push(started);
        out.push(started);
        await nextTurn();
      } else {
        await drain();
        out.push(Promise.resolve(await runOperation(options, req, op, i, run, prepared)));
      }
    }
    await drain();
  } catch (e) {
    // Nothing may still use the transaction once this returns.
    await Promise.allSettled(inFlight);
    throw e;
  }
  return Promise.all(out);
}

export function batchHandler(options: BatchOptions) {
  const { store, batchPath } = options;
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const ops = readBatch(req.body);
    ops.forEach((op, i) => {
      if (op.path.split('?')[0] === batchPath)
        throw ApiError.of('VALIDATION_FAILED', `operation ${i}: a batch cannot contain a batch`, {
          pointer: `/operations/${i}/path`,
          vars: { field: 'path' },
        });
    });
    const runAll = (failFast: boolean) =>
      store.transaction((tx) => inAmbientTransaction(tx, () => runOperations(options, req, ops, failFast)), {
        failFast,
      });
    try {
      // Where a fail-fast transaction saves work (no savepoint per write), the batch runs in one,
      // its creates pipelined; if anything fails, it runs again guarded, one operation after the
      // other, and that run's answer is the batch's (store.ts#TransactionOptions): the same as if
      // it had only run guarded.
      const operations = store.capabilities.failFast
        ? await runAll(true).catch(() => runAll(false))
        : await runAll(false);
      return reply.code(200).send({ operations });
    } catch (e) {
      throw e instanceof OperationFailed ? failureOf(e) : e;
    }
  };
}

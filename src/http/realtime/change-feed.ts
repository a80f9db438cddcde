/**
 * `GET /{r}` and `GET /{r}/{id}` with `Accept: text/event-stream` (docs/realtime.md): the same URL,
 * filters, `fields`, `embed` and access rules as the JSON answer, as a stream of changes. Opens
 * with `retry:`, then a `reset` when `Last-Event-ID` is older than the retained log, the `snapshot`
 * events (`?snapshot=true`) and `ready`, or, resuming, every change after `Last-Event-ID`; then
 * `created|updated|deleted` with `id:` the change's seq.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import { envelope } from '../../errors/error-envelope.js';
import type { Model, ResourceDef } from '../../model/model-types.js';
import type { Filter, Keyset } from '../../store/query-types.js';
import { hasRelations } from '../../store/relation-query.js';
import type { Store } from '../../store/store.js';
import type { AuthServices } from '../auth/auth-services.js';
import { currentCaller } from '../auth/authenticate.js';
import { callerOf, setCaller } from '../auth/caller.js';
import { authorize } from '../plan/access-policy.js';
import { bad } from '../query/filter-parser.js';
import { parseItemQuery, parseListQuery, type QueryInput } from '../query/list-query-parser.js';
import { isRelationKey } from '../query/relation-filter-parser.js';
import { negotiate } from '../request/content-negotiation.js';
import { notFound } from '../request/item-id.js';
import { languageFrom } from '../request/request-context.js';
import { readGuarded } from '../respond/representation.js';
import { ChangeHub } from './change-hub.js';
import { ChangeStream, type FeedShape } from './change-stream.js';
import { serialise } from './feed-delivery.js';
import { SseWriter } from './sse-writer.js';

/** Records read per snapshot page. */
const PAGE = 500;
/** How long a snapshot waits for its reader to take anything before it is dropped as too slow (ms). */
const SNAPSHOT_STALL_MS = 10_000;
const STREAM_OFFERS = ['application/json', 'text/event-stream'] as const;

/** A GET that prefers `text/event-stream` to JSON. */
export const wantsEventStream = (req: FastifyRequest): boolean =>
  req.method === 'GET' && prefersEventStream(req.headers.accept);

/** An Accept that prefers `text/event-stream` to JSON. */
export const prefersEventStream = (accept: string | undefined): boolean =>
  negotiate(accept, STREAM_OFFERS) === 'text/event-stream';

type Req = FastifyRequest<{ Querystring: QueryInput }>;

export class ChangeFeed {
  readonly hub: ChangeHub;
  /** The connections that carried a stream and are still open: shutdown closes them. */
  private readonly sockets = new Set<{ destroy(): void; once(e: 'close', fn: () => void): unknown }>();

  constructor(
    private readonly model: Model,
    private readonly store: Store,
    private readonly auth: AuthServices | undefined,
    log: { warn(o: object, msg: string): void },
  ) {
    this.hub = new ChangeHub(model, store, log);
  }

  /** A collection's stream; `fixed`: the filter of a nested URL's parent (already authorised). */
  async openList(
    req: Req,
    reply: FastifyReply,
    r: ResourceDef,
    fixed: () => Promise<Filter[]>,
  ): Promise<void> {
    const { snapshot, rest } = snapshotParameter(req.query);
    const parsed = parseListQuery(this.model, r, rest);
    // A stream hears of changes to its own resource only: a related record's change would go unseen.
    if (hasRelations(parsed.query)) {
      const parameter = Object.keys(rest).find(isRelationKey) ?? 'sort';
      throw new ApiError([
        bad(parameter, 'filters and sorts through relations do not apply to change streams'),
      ]);
    }
    authorize(req, r, 'read');
    const where = [...(await fixed()), ...parsed.query.where];
    await this.open(req, reply, r, where, {
      sort: parsed.query.sort,
      fields: parsed.fields,
      embed: parsed.embed,
      snapshot,
    });
  }

  /** One record's stream: 404 when it does not exist (unless resuming: it may have been deleted). */
  async openItem(req: FastifyRequest, reply: FastifyReply, r: ResourceDef, id: unknown): Promise<void> {
    const { snapshot, rest } = snapshotParameter(req.query as QueryInput);
    const selection = parseItemQuery(this.model, r, rest);
    const where: Filter[] = [{ field: 'id', op: 'eq', value: id }];
    await this.open(req, reply, r, where, {
      sort: [{ field: 'id', desc: false }],
      ...selection,
      snapshot,
      mustExist: req.headers['last-event-id'] === undefined,
    });
  }

  private shapeOf(req: FastifyRequest, r: ResourceDef, where: Filter[], o: ShapeOptions): FeedShape {
    const readable = authorize(req, r, 'read').where;
    const embedWhere = (target: ResourceDef) => authorize(req, target, 'read').where;
    const embedAccessKey = o.embed.length
      ? JSON.stringify(this.model.resources.map((t) => safely(() => embedWhere(t))))
      : '';
    const c = callerOf(req);
    const caller = c ? { id: c.id, email: c.email, roles: c.roles } : null;
    const guarded =
      readGuarded(r).length > 0 ||
      (o.embed.length > 0 && this.model.resources.some((t) => readGuarded(t).length));
    return {
      caller,
      viewerKey: guarded ? JSON.stringify(caller) : '',
      resource: r,
      where: [...where, ...readable],
      restricted: readable.length > 0,
      sort: o.sort,
      fields: o.fields,
      embed: o.embed,
      embedWhere,
      embedAccessKey,
    };
  }

  private async open(
    req: FastifyRequest,
    reply: FastifyReply,
    r: ResourceDef,
    where: Filter[],
    o: OpenOptions,
  ) {
    const shape = this.shapeOf(req, r, where, o);
    if (o.mustExist) {
      const [row] = await this.store.list(r, { where: shape.where, sort: shape.sort, limit: 1 });
      if (!row) throw notFound(r, where[0].value);
    }
    const caller = callerOf(req);
    const owner = caller ? `user:${caller.id}` : `ip:${req.ip}`;
    this.hub.admit(owner);
    const lang = languageFrom(req.headers['accept-language'], this.model.defaultLanguage);
    const errorData = (e: ApiError) => JSON.stringify(envelope(e, lang, req.id));
    const writer = new SseWriter(reply.raw, this.hub.settings.bufferBytes, () => {
      const e = ApiError.of(
        'STREAM_TOO_SLOW',
        `the stream had more than ${this.hub.settings.bufferBytes} bytes unread`,
      );
      writer.end({ name: 'error', data: errorData(e) });
    });
    const lastEventId = parseLastEventId(req.headers['last-event-id']);
    const bounds = await this.store.changes.bounds();
    const resumable =
      lastEventId !== undefined &&
      lastEventId >= 0 &&
      lastEventId <= bounds.last &&
      (bounds.first === 0 || lastEventId >= bounds.first - 1);
    const stream = new ChangeStream(shape, writer, owner, resumable);
    const fail = (e: ApiError) => writer.end({ name: 'error', data: errorData(e) });
    const recheck = caller && this.auth ? this.recheckOf(req, r, where, o) : undefined;
    const socket = req.raw.socket;
    if (socket && !this.sockets.has(socket)) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    }
    reply.hijack();
    writer.open(reply.getHeaders() as Record<string, string>, req.raw.httpVersionMajor >= 2);
    this.hub.add(stream, recheck, fail);
    try {
      if (lastEventId !== undefined && !resumable)
        writer.event('reset', JSON.stringify({ lastEventId, oldest: bounds.first, newest: bounds.last }));
      if (resumable) {
        stream.cursor = lastEventId;
        await this.walk(stream, false);
      } else {
        stream.cursor = bounds.last;
        await this.walk(stream, o.snapshot);
        writer.event('ready', JSON.stringify({ seq: bounds.last }), bounds.last);
      }
      stream.ready = true;
      this.hub.wake();
    } catch (err) {
      req.log.warn({ err }, 'change stream: the snapshot failed');
      fail(ApiError.of('SERVICE_UNAVAILABLE', 'the snapshot could not be read', {}, { 'retry-after': '1' }));
    }
  }

  /**
   * Reads every matching record in the list's order (keyset pages): as `snapshot` events when
   * asked, and always into the stream's `visible` map (at version 0 when not shown).
   */
  private async walk(stream: ChangeStream, show: boolean): Promise<void> {
    const { shape } = stream;
    let keyset: Keyset | undefined;
    for (;;) {
      const rows = await this.store.list(shape.resource, {
        where: shape.where,
        sort: shape.sort,
        limit: PAGE,
        keyset,
      });
      if (rows.length === 0 || stream.writer.closed) return;
      const data = show ? await serialise(this.model, this.store, shape, rows) : undefined;
      for (const row of rows) {
        const key = String(row.id);
        if (stream.visible.has(key)) continue;
        stream.visible.set(key, show ? Number(row._version ?? 0) : 0);
        if (data && !(await stream.writer.paced(SNAPSHOT_STALL_MS))) return;
        if (data) stream.writer.event('snapshot', data.get(key)!);
      }
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1];
      keyset = { values: shape.sort.map((k) => last[k.field] ?? null), direction: 'after' };
    }
  }

  /** Checks the stream's caller again: a revoked token or an ended session closes it (401). */
  private recheckOf(req: FastifyRequest, r: ResourceDef, where: Filter[], o: ShapeOptions) {
    return async (stream: ChangeStream): Promise<ApiError | undefined> => {
      const now = await currentCaller(this.auth!, req);
      if (!now)
        return ApiError.of(
          req.headers.authorization ? 'INVALID_TOKEN' : 'UNAUTHENTICATED',
          req.headers.authorization
            ? 'the Bearer token has expired or was revoked'
            : 'the session has expired or ended; sign in again',
        );
      setCaller(req, now);
      try {
        stream.reshape(this.shapeOf(req, r, where, o));
      } catch (e) {
        if (e instanceof ApiError) return e;
        throw e;
      }
      return undefined;
    };
  }

  /**
   * Shutdown: each stream ends with a 503 `event: error` (its client reconnects elsewhere), and
   * shortly after, every connection that carried a stream is closed, so the server's close never
   * waits on one (a client that stopped reading, a connection kept alive).
   */
  async close(): Promise<void> {
    const e = ApiError.of('SERVICE_UNAVAILABLE', 'the server is shutting down', {}, { 'retry-after': '1' });
    this.hub.close((s) =>
      s.writer.end({ name: 'error', data: JSON.stringify(envelope(e, this.model.defaultLanguage, '')) }),
    );
    if (this.sockets.size === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

interface ShapeOptions {
  sort: FeedShape['sort'];
  fields?: string[];
  embed: FeedShape['embed'];
}

interface OpenOptions extends ShapeOptions {
  snapshot: boolean;
  mustExist?: boolean;
}

function safely<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

/** `snapshot=true|false` (default false), and the query without it. */
function snapshotParameter(q: QueryInput): { snapshot: boolean; rest: QueryInput } {
  const { snapshot, ...rest } = q;
  if (snapshot === undefined) return { snapshot: false, rest };
  if (snapshot !== 'true' && snapshot !== 'false')
    throw new ApiError([bad('snapshot', 'must be true or false')]);
  return { snapshot: snapshot === 'true', rest };
}

/** A `Last-Event-ID` this server wrote: a non-negative integer; anything else is a reset. */
function parseLastEventId(raw: string | string[] | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw[0] : raw;
  return /^(0|[1-9][0-9]{0,15})$/.test(text.trim()) ? Number(text.trim()) : -1;
}

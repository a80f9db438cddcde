/**
 * One subscriber of the change feed: what it watches (its shape), how far it has read (`cursor`,
 * a change-log seq), and which records it was shown at which `_version` (`visible`), so an update
 * that makes a record enter the filter is sent as `created`, one that makes it leave as `deleted`,
 * and a change it already saw in the snapshot is not sent twice.
 */
import type { ExpressionCaller } from '../../model/expressions/cel-environment.js';
import type { ResourceDef } from '../../model/model-types.js';
import type { Filter, SortKey } from '../../store/query-types.js';
import type { EmbedNode } from '../query/embed-parser.js';
import type { SseWriter } from './sse-writer.js';

export interface FeedShape {
  resource: ResourceDef;
  /** The query's filters, the parent of a nested URL, the id of an item stream, the access rule's. */
  where: Filter[];
  /** The access rule filters this caller's rows (owner, an expression): a deletion it cannot check is not told. */
  restricted: boolean;
  sort: SortKey[];
  fields?: string[];
  embed: EmbedNode[];
  /** Each embedded resource's access filters for this caller. */
  embedWhere: (target: ResourceDef) => Filter[];
  /** What `embedWhere` gives for every resource (JSON): streams differing here embed differently. */
  embedAccessKey: string;
  /** Who watches: field-level access (the representation) shows each caller their own fields. */
  caller: ExpressionCaller | null;
  /** The caller, when fields of the records shown have read rules (else '': one serialisation for all). */
  viewerKey: string;
}

/** Streams of one key read the same rows (resource and filters). */
export const rowsKeyOf = (s: FeedShape): string => `${s.resource.name}\u0000${JSON.stringify(s.where)}`;

/** Streams of one key show a record the same way: its event data is serialised once for all of them. */
export const outputKeyOf = (s: FeedShape): string =>
  `${rowsKeyOf(s)}\u0000${s.fields?.join(',') ?? '*'}\u0000${s.embed.length ? `${JSON.stringify(s.embed)}\u0000${s.embedAccessKey}` : ''}\u0000${s.viewerKey}`;

export class ChangeStream {
  /** The last change-log seq this stream has been brought up to. */
  cursor = 0;
  /** Set once its snapshot (or its resume point) is settled: from then on the hub delivers to it. */
  ready = false;
  /** Record id → the `_version` it was last shown at (0: known to match, version unknown). */
  readonly visible = new Map<string, number>();
  rowsKey: string;
  outputKey: string;

  constructor(
    public shape: FeedShape,
    readonly writer: SseWriter,
    /** Whose streams count together against the per-caller limit (`user:1`, `ip:…`). */
    readonly owner: string,
    /**
     * Resumed from a Last-Event-ID without a snapshot: a deletion of a record it has not seen is
     * still sent when its access has no row filter (the record may be in the client's copy).
     */
    readonly resumed: boolean,
  ) {
    this.rowsKey = rowsKeyOf(shape);
    this.outputKey = outputKeyOf(shape);
  }

  reshape(shape: FeedShape): void {
    this.shape = shape;
    this.rowsKey = rowsKeyOf(shape);
    this.outputKey = outputKeyOf(shape);
  }
}

/**
 * The change feed of one process: the open streams, one reader of the change log for all of them
 * (woken by the store: this process's commits, LISTEN/NOTIFY, SQLite's data_version), the
 * heartbeat, the per-caller and per-process limits, the periodic check of each stream's
 * credentials, pruning of the log, and shutdown.
 */
import { ApiError } from '../../errors/api-error.js';
import type { Model } from '../../model/model-types.js';
import { DEFAULT_REALTIME, type RealtimeSettings } from '../../model/realtime-config.js';
import type { Store } from '../../store/store.js';
import type { ChangeStream } from './change-stream.js';
import { deliver } from './feed-delivery.js';

/** Entries read from the log at a time. */
const BATCH = 500;
/** How often each stream's credentials are checked again (ms): a revoked token closes within 5 s. */
const RECHECK_MS = 2000;
/** How often the log is pruned (ms). */
const PRUNE_MS = 60_000;

/** Checks a stream's caller again; an error closes the stream with it. */
export type Recheck = (stream: ChangeStream) => Promise<ApiError | undefined>;

export class ChangeHub {
  readonly settings: RealtimeSettings;
  private readonly streams = new Set<ChangeStream>();
  private readonly perOwner = new Map<string, number>();
  private readonly checks = new Map<ChangeStream, { recheck: Recheck; fail: (e: ApiError) => void }>();
  private pumping: Promise<void> | undefined;
  private dirty = false;
  /** Reading passes started and finished: a pass started after a wake-up reads what woke it. */
  private started = 0;
  private finished = 0;
  private readonly waiters = new Set<{ pass: number; resolve: () => void }>();
  private stopWake: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private closing = false;

  constructor(
    private readonly model: Model,
    private readonly store: Store,
    private readonly log: { warn(o: object, msg: string): void },
  ) {
    this.settings = model.realtime ?? DEFAULT_REALTIME;
  }

  get size(): number {
    return this.streams.size;
  }

  /** Counts a new stream of `owner` against the limits, or refuses it (429). */
  admit(owner: string): void {
    if (this.closing)
      throw ApiError.of('SERVICE_UNAVAILABLE', 'the server is shutting down', {}, { 'retry-after': '1' });
    const mine = this.perOwner.get(owner) ?? 0;
    if (mine >= this.settings.maxStreamsPerCaller)
      throw ApiError.of(
        'TOO_MANY_STREAMS',
        `${owner} already has ${mine} open change streams (realtime.maxStreamsPerCaller: ${this.settings.maxStreamsPerCaller})`,
      );
    if (this.streams.size >= this.settings.maxStreams)
      throw ApiError.of(
        'TOO_MANY_STREAMS',
        `this server already has ${this.streams.size} open change streams (realtime.maxStreams: ${this.settings.maxStreams})`,
      );
  }

  /** Registers an open stream; it receives changes once `ready`. */
  add(stream: ChangeStream, recheck: Recheck | undefined, fail: (e: ApiError) => void): void {
    this.admit(stream.owner);
    this.streams.add(stream);
    this.perOwner.set(stream.owner, (this.perOwner.get(stream.owner) ?? 0) + 1);
    if (recheck) this.checks.set(stream, { recheck, fail });
    stream.writer.onClose(() => this.remove(stream));
    if (this.streams.size === 1) this.start();
  }

  private remove(stream: ChangeStream): void {
    if (!this.streams.delete(stream)) return;
    this.checks.delete(stream);
    const n = (this.perOwner.get(stream.owner) ?? 1) - 1;
    if (n > 0) this.perOwner.set(stream.owner, n);
    else this.perOwner.delete(stream.owner);
    if (this.streams.size === 0) this.stop();
  }

  private start(): void {
    this.stopWake = this.store.changes.onWake(() => this.wake());
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.settings.heartbeatSeconds * 1000, () => {
      for (const s of this.streams) s.writer.comment('heartbeat');
    });
    every(RECHECK_MS, () => void this.recheckAll());
    every(PRUNE_MS, () => void this.prune());
    void this.prune();
  }

  private stop(): void {
    this.stopWake?.();
    this.stopWake = undefined;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** New entries may be in the log: read and deliver them (one reader at a time). */
  wake(): void {
    this.dirty = true;
    if (!this.pumping)
      this.pumping = this.pump().finally(() => {
        this.pumping = undefined;
        if (this.dirty && this.streams.size) this.wake();
        else this.release(Number.POSITIVE_INFINITY);
      });
  }

  /**
   * Resolves once every change this process had committed when it was called has been delivered
   * to the open streams, or after `maxMs` (a slow delivery never holds a write's answer longer).
   * A write answers after it (docs/realtime.md), so a client that waits for each answer sees each
   * of its steps, none folded into a later one.
   */
  delivered(maxMs: number): Promise<void> {
    if (!this.pumping) return Promise.resolve();
    const pass = this.dirty ? this.started + 1 : this.started;
    if (this.finished >= pass) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        pass,
        resolve: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.resolve, maxMs);
      this.waiters.add(waiter);
    });
  }

  private release(upTo: number): void {
    for (const w of this.waiters) if (w.pass <= upTo) w.resolve();
  }

  private async pump(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const pass = ++this.started;
      await this.pass();
      this.finished = pass;
      this.release(pass);
    }
  }

  /** Reads the log from the slowest ready stream's cursor to its end, delivering batch by batch. */
  private async pass(): Promise<void> {
    for (;;) {
      const ready = [...this.streams].filter((s) => s.ready && !s.writer.closed);
      if (ready.length === 0) return;
      const from = Math.min(...ready.map((s) => s.cursor));
      let entries: Awaited<ReturnType<Store['changes']['read']>>;
      try {
        entries = await this.store.changes.read(from, BATCH);
      } catch (err) {
        this.log.warn({ err }, 'change feed: reading the change log failed; retrying on the next wake-up');
        return;
      }
      if (entries.length === 0) return;
      try {
        await deliver(this.model, this.store, entries, ready);
      } catch (err) {
        this.log.warn({ err }, 'change feed: delivering changes failed; retrying on the next wake-up');
        return;
      }
    }
  }

  private async recheckAll(): Promise<void> {
    await Promise.all(
      [...this.checks].map(async ([stream, { recheck, fail }]) => {
        const error = await recheck(stream).catch(() => undefined);
        if (error && !stream.writer.closed) fail(error);
      }),
    );
  }

  private async prune(): Promise<void> {
    const { retentionHours, retentionChanges } = this.settings;
    try {
      await this.store.changes.prune({ maxAgeMs: retentionHours * 3600_000, maxCount: retentionChanges });
    } catch (err) {
      this.log.warn({ err }, 'change feed: pruning the change log failed');
    }
  }

  /** Shutdown: every stream ends with `event: error` (503, reconnect elsewhere), nothing new opens. */
  close(end: (stream: ChangeStream) => void): void {
    this.closing = true;
    for (const s of [...this.streams]) end(s);
    this.stop();
    this.release(Number.POSITIVE_INFINITY);
  }
}

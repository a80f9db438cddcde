/**
 * Runs jobs (imports) in this process and keeps their rows in `_verbo_jobs` (store/jobs/job-table.ts)
 * so every instance can read them. While a job runs, its progress lives here and is written to the
 * table at most once a second, never awaited by the work itself (on SQLite an all-or-nothing import
 * holds the one connection; the writes queue behind it). A job whose process died is marked failed
 * (`JOB_INTERRUPTED`) when any instance looks at it and when an instance starts.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Problem } from '../../errors/api-error.js';
import {
  FINISHED_STATES,
  type JobChange,
  type JobRecord,
  type JobStore,
} from '../../store/jobs/job-table.js';

/** A running job's own runner is silent this long (no progress written) before another host presumes it dead. */
const STALE_MS = 120_000;
const PERSIST_EVERY_MS = 1000;

export interface JobWork<T> {
  /** Reports rows done (cheap: kept in memory, written now and then). */
  progress(done: number): void;
  /** True once cancellation was asked (by this or another instance). */
  cancelled(): boolean;
  run(): Promise<T>;
}

export interface JobSpec {
  kind: string;
  resource: string;
  owner: string;
  options: Record<string, unknown>;
  total: number | null;
}

/** What a finished job says: its state and the body of `result`. */
export interface JobEnd {
  state: 'succeeded' | 'failed' | 'cancelled';
  result: Record<string, unknown> & { problems?: Problem[] };
}

interface Live {
  job: JobRecord;
  cancel: boolean;
  /** The table's copy is written in order, one write at a time. */
  writes: Promise<unknown>;
  lastWrite: number;
  finished: Promise<void>;
}

const interrupted = (why: string): JobEnd['result'] => ({
  problems: [{ code: 'JOB_INTERRUPTED', internalMessage: why }],
});

export class JobRunner {
  /** `host:pid:start`: tells a restarted process (same pid, new start) from the one that ran a job. */
  readonly runnerId = `${hostname()}:${process.pid}:${Date.now().toString(36)}`;
  private readonly live = new Map<string, Live>();
  private closing = false;

  constructor(private readonly jobs: JobStore) {}

  /** Marks failed every unfinished job whose process is gone (at start-up). */
  async recover(): Promise<void> {
    for (const job of await this.jobs.unfinished()) await this.failIfOrphaned(job);
  }

  /**
   * Records a job and starts it; `work` is given the hooks and returns how it ended. Resolves with
   * the job as first stored (state `running`).
   */
  async start(
    spec: JobSpec,
    work: (hooks: Pick<JobWork<unknown>, 'progress' | 'cancelled'>) => Promise<JobEnd>,
  ) {
    const now = new Date().toISOString();
    const job: JobRecord = {
      id: randomUUID(),
      ...spec,
      state: 'running',
      done: 0,
      createdAt: now,
      startedAt: now,
      finishedAt: null,
      result: null,
      runner: this.runnerId,
      heartbeatAt: Date.now(),
      cancelRequested: false,
    };
    await this.jobs.create(job);
    const live: Live = {
      job,
      cancel: false,
      writes: Promise.resolve(),
      lastWrite: Date.now(),
      finished: Promise.resolve(),
    };
    this.live.set(job.id, live);
    const hooks = {
      progress: (done: number) => {
        job.done = done;
        if (Date.now() - live.lastWrite >= PERSIST_EVERY_MS) this.persistProgress(live);
      },
      cancelled: () => live.cancel || this.closing,
    };
    live.finished = (async () => {
      let end: JobEnd;
      try {
        end = await work(hooks);
      } catch (e) {
        end = { state: 'failed', result: interrupted(`the job failed: ${(e as Error).message}`) };
      }
      if (this.closing && end.state === 'cancelled')
        end = {
          state: 'failed',
          result: { ...end.result, ...interrupted('the server stopped during the job') },
        };
      await this.finish(live, end);
    })();
    return { ...job };
  }

  private persistProgress(live: Live): void {
    live.lastWrite = Date.now();
    const change: JobChange = { done: live.job.done, heartbeatAt: Date.now() };
    live.writes = live.writes
      .then(async () => {
        const stored = await this.jobs.get(live.job.id);
        if (stored?.cancelRequested) live.cancel = true;
        await this.jobs.update(live.job.id, change, ['running']);
      })
      .catch(() => {});
  }

  private async finish(live: Live, end: JobEnd): Promise<void> {
    const job = live.job;
    Object.assign(job, {
      state: end.state,
      finishedAt: new Date().toISOString(),
      result: end.result,
      heartbeatAt: Date.now(),
    });
    await live.writes;
    try {
      await this.jobs.update(
        job.id,
        {
          state: job.state,
          done: job.done,
          finishedAt: job.finishedAt,
          result: job.result,
          heartbeatAt: job.heartbeatAt,
        },
        ['running'],
      );
    } finally {
      this.live.delete(job.id);
    }
  }

  /** The job as it stands: this process's live copy, else the table's (an orphan is marked failed first). */
  async get(id: string): Promise<JobRecord | undefined> {
    const live = this.live.get(id);
    if (live) return { ...live.job };
    const job = await this.jobs.get(id);
    if (!job || FINISHED_STATES.includes(job.state)) return job;
    return (await this.failIfOrphaned(job)) ?? job;
  }

  /**
   * Asks a running job to stop (all-or-nothing: rolled back). A job of this process is awaited, so
   * the answer shows it cancelled; another instance's job stops at its next chunk.
   */
  async cancel(id: string): Promise<JobRecord | undefined> {
    const live = this.live.get(id);
    if (live) {
      live.cancel = true;
      await live.finished;
      return this.jobs.get(id);
    }
    await this.jobs.update(id, { cancelRequested: true }, ['queued', 'running']);
    return this.get(id);
  }

  /** Stops every job of this process (each ends failed: the server stopped) and waits for them. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.live.values()].map((l) => l.finished));
  }

  /** Whether the process that runs `job` is gone: same host, its pid not alive (or restarted); else silent too long. */
  private orphaned(job: JobRecord): boolean {
    if (!job.runner) return true;
    if (job.runner === this.runnerId) return !this.live.has(job.id);
    const [host, pid] = job.runner.split(':');
    if (host === hostname()) {
      if (Number(pid) === process.pid) return true;
      try {
        process.kill(Number(pid), 0);
        return false;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'ESRCH';
      }
    }
    return Date.now() - (job.heartbeatAt ?? 0) > STALE_MS;
  }

  private async failIfOrphaned(job: JobRecord): Promise<JobRecord | undefined> {
    if (!this.orphaned(job)) return undefined;
    const change: JobChange = {
      state: 'failed',
      finishedAt: new Date().toISOString(),
      result: interrupted(`the process that ran the job (${job.runner}) stopped before it finished`),
    };
    await this.jobs.update(job.id, change, ['queued', 'running']);
    return this.jobs.get(job.id);
  }
}

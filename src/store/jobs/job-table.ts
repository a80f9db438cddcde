/**
 * `_verbo_jobs`: long-running work (imports) every instance can see. The table is one of verbo's
 * own, created by the schema sync (schema/schema-sql.ts#bootstrapSql); the SQL here is written once
 * for every dialect (placeholders from the dialect), each store runs it on its own connection.
 */
import type { SqlDialect } from '../sql/sql-dialect.js';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const FINISHED_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export interface JobRecord {
  id: string;
  kind: string;
  resource: string;
  state: JobState;
  /** Who started it (`user:7`, `anonymous`): only they, or an admin, may see it. */
  owner: string;
  options: Record<string, unknown>;
  done: number;
  total: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  result: unknown;
  /** The process running it (`host:pid:start`), so a restart can tell a dead runner. */
  runner: string | null;
  /** Epoch ms of the runner's last sign of life. */
  heartbeatAt: number | null;
  cancelRequested: boolean;
}

export type JobChange = Partial<Omit<JobRecord, 'id' | 'kind' | 'resource' | 'owner' | 'createdAt'>>;

/** Jobs kept by every store (`Store.jobs`). */
export interface JobStore {
  create(job: JobRecord): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Applies `change`; with `onlyIn`, only while the job is in one of those states. True when it did. */
  update(id: string, change: JobChange, onlyIn?: readonly JobState[]): Promise<boolean>;
  /** Jobs queued or running (what a restart looks at). */
  unfinished(): Promise<JobRecord[]>;
}

/** Runs one statement: rows for a SELECT, `changes` for a write. */
export type JobQuery = (
  sql: string,
  values: unknown[],
) => Promise<{ rows: Record<string, unknown>[]; changes: number }>;

const COLUMNS: Record<keyof JobRecord, string> = {
  id: 'id',
  kind: 'kind',
  resource: 'resource',
  state: 'state',
  owner: 'owner',
  options: 'options',
  done: 'done',
  total: 'total',
  createdAt: 'created_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  result: 'result',
  runner: 'runner',
  heartbeatAt: 'heartbeat_at',
  cancelRequested: 'cancel_requested',
};
const KEYS = Object.keys(COLUMNS) as (keyof JobRecord)[];

/** The DDL of the jobs table, in verbo's own tables (text and integer columns only). */
export function jobsTableSql(text: string, integer: string, tableOptions: string): string {
  const types: Record<keyof JobRecord, string> = {
    id: `${text} PRIMARY KEY`,
    kind: `${text} NOT NULL`,
    resource: `${text} NOT NULL`,
    state: `${text} NOT NULL`,
    owner: `${text} NOT NULL`,
    options: `${text} NOT NULL`,
    done: `${integer} NOT NULL`,
    total: integer,
    createdAt: `${text} NOT NULL`,
    startedAt: text,
    finishedAt: text,
    result: text,
    runner: text,
    heartbeatAt: integer,
    cancelRequested: `${integer} NOT NULL`,
  };
  const cols = KEYS.map((k) => `${COLUMNS[k]} ${types[k]}`).join(', ');
  return `CREATE TABLE IF NOT EXISTS _verbo_jobs (${cols})${tableOptions}`;
}

const encode = (k: keyof JobRecord, v: unknown): unknown =>
  k === 'options' || k === 'result'
    ? v == null
      ? null
      : JSON.stringify(v)
    : k === 'cancelRequested'
      ? v
        ? 1
        : 0
      : v;

const num = (v: unknown): number | null => (v == null ? null : Number(v));

function decode(row: Record<string, unknown>): JobRecord {
  return {
    id: String(row.id),
    kind: String(row.kind),
    resource: String(row.resource),
    state: row.state as JobState,
    owner: String(row.owner),
    options: JSON.parse(String(row.options)) as Record<string, unknown>,
    done: Number(row.done),
    total: num(row.total),
    createdAt: String(row.created_at),
    startedAt: (row.started_at as string | null) ?? null,
    finishedAt: (row.finished_at as string | null) ?? null,
    result: row.result == null ? null : JSON.parse(String(row.result)),
    runner: (row.runner as string | null) ?? null,
    heartbeatAt: num(row.heartbeat_at),
    cancelRequested: Number(row.cancel_requested) === 1,
  };
}

export class SqlJobTable implements JobStore {
  constructor(
    private readonly d: SqlDialect,
    private readonly query: JobQuery,
  ) {}

  async create(job: JobRecord): Promise<void> {
    const params = KEYS.map((_, i) => this.d.param(i + 1)).join(', ');
    await this.query(
      `INSERT INTO _verbo_jobs (${KEYS.map((k) => COLUMNS[k]).join(', ')}) VALUES (${params})`,
      KEYS.map((k) => encode(k, job[k])),
    );
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const { rows } = await this.query(`SELECT * FROM _verbo_jobs WHERE id = ${this.d.param(1)}`, [id]);
    return rows[0] && decode(rows[0]);
  }

  async update(id: string, change: JobChange, onlyIn?: readonly JobState[]): Promise<boolean> {
    const keys = Object.keys(change) as (keyof JobChange)[];
    const values: unknown[] = keys.map((k) => encode(k, change[k]));
    const sets = keys.map((k, i) => `${COLUMNS[k]} = ${this.d.param(i + 1)}`);
    values.push(id);
    let sql = `UPDATE _verbo_jobs SET ${sets.join(', ')} WHERE id = ${this.d.param(values.length)}`;
    if (onlyIn) {
      const start = values.length;
      values.push(...onlyIn);
      sql += ` AND state IN (${onlyIn.map((_, i) => this.d.param(start + i + 1)).join(', ')})`;
    }
    return (await this.query(sql, values)).changes > 0;
  }

  async unfinished(): Promise<JobRecord[]> {
    const { rows } = await this.query(
      `SELECT * FROM _verbo_jobs WHERE state IN ('queued', 'running') ORDER BY created_at`,
      [],
    );
    return rows.map(decode);
  }
}

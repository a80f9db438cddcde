/**
 * Writes the rows of an import through the write pipeline, a chunk at a time: each row is planned
 * like a POST body (`planWrite`: validation, defaults, server-set fields; the caller's `stamp`),
 * then inserted (or, on a taken key, skipped or updated as `onConflict` says) through the store.
 * `all-or-nothing` runs the whole import in one transaction and rolls it back if any row fails;
 * `valid-rows` commits chunk by chunk and reports the rows it could not write. Problems point at
 * `/rows/{n}/{field}` (docs/bulk.md).
 */
import { ApiError, type Problem } from '../../errors/api-error.js';
import type { Model, ResourceDef } from '../../model/model-types.js';
import type { Row, Store } from '../../store/store.js';
import { planWrite } from '../plan-write.js';
import { parseId } from '../record-id.js';
import type { RecordValidator } from '../record-validator.js';
import { storeRefusalProblems } from '../store-problems.js';
import type { InputRow } from './row-readers.js';

export type ImportMode = 'all-or-nothing' | 'valid-rows';
export type OnConflict = 'fail' | 'skip' | 'update';
export const IMPORT_MODES: readonly ImportMode[] = ['all-or-nothing', 'valid-rows'];
export const ON_CONFLICT: readonly OnConflict[] = ['fail', 'skip', 'update'];

export interface ImportSettings {
  mode: ImportMode;
  onConflict: OnConflict;
}

export interface ImportTarget {
  store: Store;
  model: Model;
  validator: RecordValidator;
  resource: ResourceDef;
  /** Sets the server-decided fields of a created record (ownerId, from the access rules). */
  stamp(values: Row): Row;
  /** Why the caller may not update this stored record (onConflict=update), or undefined when they may. */
  refuseUpdate(row: Row): string | undefined;
}

export interface ImportCounts {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

export interface ImportOutcome extends ImportCounts {
  /** The first problems found (at most MAX_PROBLEMS), in row order. */
  problems: Problem[];
  /** How many more problems there were. */
  moreProblems: number;
}

export interface ImportHooks {
  /** Rows read so far (called after each chunk). */
  progress(done: number): void;
  /** Polled between chunks: true stops the import (all-or-nothing: rolled back). */
  cancelled(): boolean;
}

export class ImportCancelled extends Error {
  constructor(readonly outcome: ImportOutcome) {
    super('the import was cancelled');
  }
}

const CHUNK = 500;
export const MAX_PROBLEMS = 1000;
/** Server-set fields an input may carry (an export's columns): not part of the body a POST would send. */
const IGNORED = new Set(['createdAt', 'updatedAt', 'ownerId']);
/** …and id, kept apart from the body. */
const SET_BY_SERVER = [...IGNORED, 'id'];
/** …of which these are kept when they are instants as the API writes them (a restore keeps its history). */
const TIMESTAMPS = ['createdAt', 'updatedAt'] as const;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const atRow = (n: number, problems: Problem[]): Problem[] =>
  problems.map((p) => ({ ...p, pointer: `/rows/${n}${p.pointer ?? ''}` }));

interface PlannedRow {
  n: number;
  body: Record<string, unknown>;
  values: Row;
}

class Tally {
  readonly counts: ImportCounts = { created: 0, updated: 0, skipped: 0, failed: 0 };
  readonly problems: Problem[] = [];
  moreProblems = 0;

  fail(problems: Problem[]): void {
    this.counts.failed++;
    for (const p of problems) {
      if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
      else this.moreProblems++;
    }
  }

  outcome(): ImportOutcome {
    return { ...this.counts, problems: this.problems, moreProblems: this.moreProblems };
  }
}

function planRow(t: ImportTarget, row: InputRow): PlannedRow | Problem[] {
  if (row.problems) return row.problems;
  const r = t.resource;
  const raw: unknown = row.body;
  const problems: Problem[] = [];
  let body = raw;
  let id: unknown;
  let given: unknown;
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const fields = raw as Record<string, unknown>;
    // A copy without the server-set fields, only for a row that has any (most have none).
    if (SET_BY_SERVER.some((k) => Object.hasOwn(fields, k))) {
      const kept: Record<string, unknown> = {};
      for (const k of Object.keys(fields)) if (!IGNORED.has(k) && k !== 'id') kept[k] = fields[k];
      body = kept;
    }
    given = fields.id ?? undefined;
    if (given !== undefined) {
      id = typeof given === 'string' || typeof given === 'number' ? parseId(r, String(given)) : undefined;
      if (id === undefined)
        problems.push({
          code: 'VALIDATION_FAILED',
          internalMessage: `id ${JSON.stringify(given)} is not a valid id of ${r.name}`,
          message: 'id.invalid',
          pointer: '/id',
        });
    }
  }
  try {
    // An id in the row is kept (a restore, a json-server db.json), as a PUT that creates keeps the URL's.
    const values = planWrite(
      r,
      t.validator,
      body,
      given === undefined ? { kind: 'create' } : { kind: 'create', id: given },
    );
    if (problems.length) return atRow(row.n, problems);
    if (id !== undefined) values.id = id;
    const stamped = t.stamp(values);
    // A restore keeps the record's timestamps (an export's columns): the store stamps only what is absent.
    for (const k of TIMESTAMPS) {
      const v = (raw as Record<string, unknown> | null)?.[k];
      if (typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v))) stamped[k] = v;
    }
    return { n: row.n, body: body as Record<string, unknown>, values: stamped };
  } catch (e) {
    if (e instanceof ApiError) return atRow(row.n, [...problems, ...e.problems]);
    throw e;
  }
}

/** The stored record a row's id or unique fields already name, if any. */
async function existingOf(s: Store, r: ResourceDef, values: Row): Promise<Row | undefined> {
  if (values.id !== undefined) {
    const found = await s.get(r, values.id);
    if (found) return found;
  }
  for (const f of r.fields) {
    if (!f.unique || values[f.name] == null) continue;
    const [found] = await s.list(r, {
      where: [{ field: f.name, op: 'eq', value: values[f.name] }],
      sort: [{ field: 'id', desc: false }],
      limit: 1,
    });
    if (found) return found;
  }
  return undefined;
}

/** Writes one planned row; the problems when the store (or the access rules) refuse it. */
async function writeRow(
  s: Store,
  t: ImportTarget,
  settings: ImportSettings,
  p: PlannedRow,
): Promise<keyof ImportCounts | Problem[]> {
  const r = t.resource;
  try {
    if (settings.onConflict !== 'fail') {
      const existing = await existingOf(s, r, p.values);
      if (existing && settings.onConflict === 'skip') return 'skipped';
      if (existing) {
        const refused = t.refuseUpdate(existing);
        if (refused) return atRow(p.n, [{ code: 'FORBIDDEN', internalMessage: refused }]);
        // The row's fields replace the stored ones; fields it does not name are kept.
        const merged: Record<string, unknown> = {};
        for (const f of r.fields) merged[f.name] = existing[f.name];
        for (const [k, v] of Object.entries(p.body)) if (k !== 'id') merged[k] = v;
        const values = planWrite(r, t.validator, merged, {
          kind: 'replace',
          id: existing.id,
          current: existing,
        });
        await s.modify(r, existing.id, (current) =>
          current ? { kind: 'update', values } : { kind: 'insert', values: t.stamp(values) },
        );
        return 'updated';
      }
    }
    await s.insert(r, p.values);
    return 'created';
  } catch (e) {
    if (e instanceof ApiError) return atRow(p.n, e.problems);
    const refused = storeRefusalProblems(e);
    if (refused) return atRow(p.n, refused);
    throw e;
  }
}

/** The rows, read in batches of any size, in chunks of CHUNK. */
async function* chunksOf(batches: AsyncIterable<InputRow[]>): AsyncGenerator<InputRow[]> {
  let chunk: InputRow[] = [];
  for await (const batch of batches)
    for (const row of batch) {
      chunk.push(row);
      if (chunk.length >= CHUNK) {
        yield chunk;
        chunk = [];
      }
    }
  if (chunk.length) yield chunk;
}

/**
 * Plans and writes one chunk through `s` (a transaction); returns the rows read. With
 * `onConflict=fail` the valid rows go in as one `insertMany` (one savepoint, one change-log
 * statement); if the store or a rule refuses it, nothing of it stays and the rows are written one
 * by one, so each refusal is reported at its own row.
 */
async function runChunk(
  s: Store,
  t: ImportTarget,
  settings: ImportSettings,
  chunk: InputRow[],
  tally: Tally,
) {
  const planned: PlannedRow[] = [];
  for (const row of chunk) {
    const p = planRow(t, row);
    if (Array.isArray(p)) tally.fail(p);
    else planned.push(p);
  }
  if (settings.onConflict === 'fail' && planned.length > 1) {
    try {
      tally.counts.created += (
        await s.insertMany(
          t.resource,
          planned.map((p) => p.values),
        )
      ).length;
      return chunk.length;
    } catch (e) {
      if (!(e instanceof ApiError) && !storeRefusalProblems(e)) throw e;
    }
  }
  for (const p of planned) {
    const written = await writeRow(s, t, settings, p);
    if (Array.isArray(written)) tally.fail(written);
    else tally.counts[written]++;
  }
  return chunk.length;
}

class Rollback extends Error {}

/** Runs an import to its end; throws ImportCancelled when `hooks.cancelled()` stops it. */
export async function importRows(
  t: ImportTarget,
  rows: AsyncIterable<InputRow[]>,
  settings: ImportSettings,
  hooks: ImportHooks,
): Promise<ImportOutcome> {
  const tally = new Tally();
  let done = 0;
  let cancelled = false;
  if (settings.mode === 'valid-rows') {
    for await (const chunk of chunksOf(rows)) {
      if (hooks.cancelled()) {
        cancelled = true;
        break;
      }
      done += await t.store.transaction((tx) => runChunk(tx, t, settings, chunk, tally));
      hooks.progress(done);
    }
    if (cancelled) throw new ImportCancelled(tally.outcome());
    return tally.outcome();
  }
  try {
    await t.store.transaction(async (tx) => {
      for await (const chunk of chunksOf(rows)) {
        if (hooks.cancelled()) {
          cancelled = true;
          throw new Rollback();
        }
        done += await runChunk(tx, t, settings, chunk, tally);
        hooks.progress(done);
      }
      if (tally.counts.failed) throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  const outcome = tally.outcome();
  if (cancelled || outcome.failed) {
    // Rolled back: nothing was written.
    outcome.created = outcome.updated = outcome.skipped = 0;
  }
  if (cancelled) throw new ImportCancelled(outcome);
  return outcome;
}

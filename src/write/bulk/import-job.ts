/** An import as a job: the spooled input read row by row, written by `importRows`, the file removed after. */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import {
  ImportCancelled,
  type ImportOutcome,
  type ImportSettings,
  type ImportTarget,
  importRows,
} from './import-rows.js';
import type { JobEnd, JobRunner } from './job-runner.js';
import { type ImportFormat, readRows } from './row-readers.js';

export interface ImportInput {
  /** A file holding the whole input (spooled from the request). */
  file: string;
  /** The spool's own directory (holding `file`), removed when the job ends. */
  spoolDir: string;
  format: ImportFormat;
  total: number;
}

const resultOf = ({ problems, moreProblems, ...counts }: ImportOutcome) => ({
  ...counts,
  problems,
  moreProblems,
});

/** Starts the import job; resolves once it is recorded (the work goes on). */
export function startImport(
  runner: JobRunner,
  target: ImportTarget,
  settings: ImportSettings,
  input: ImportInput,
  meta: { owner: string; traceId: string },
) {
  return runner.start(
    {
      kind: 'import',
      resource: target.resource.name,
      owner: meta.owner,
      options: { ...settings, format: input.format, traceId: meta.traceId },
      total: input.total,
    },
    async (hooks): Promise<JobEnd> => {
      try {
        const rows = readRows(createReadStream(input.file), input.format, target.resource);
        const outcome = await importRows(target, rows, settings, hooks);
        const failed = settings.mode === 'all-or-nothing' && outcome.failed > 0;
        return { state: failed ? 'failed' : 'succeeded', result: resultOf(outcome) };
      } catch (e) {
        if (e instanceof ImportCancelled) return { state: 'cancelled', result: resultOf(e.outcome) };
        throw e;
      } finally {
        await rm(input.spoolDir, { recursive: true, force: true });
      }
    },
  );
}

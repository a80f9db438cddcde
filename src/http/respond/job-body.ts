/** The representation of a job (`GET /jobs/{id}`, the 202 of an import): its rows' problems as envelope entries. */
import { ApiError, type Language, type Problem } from '../../errors/api-error.js';
import { envelope } from '../../errors/error-envelope.js';
import type { JobRecord } from '../../store/jobs/job-table.js';

export interface JobBody {
  id: string;
  kind: string;
  resource: string;
  state: JobRecord['state'];
  progress: { done: number; total: number | null };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  result: Record<string, unknown> | null;
}

/** Each problem with its own status, in the reader's language, under the trace id of the request that started the job. */
export function jobBody(job: JobRecord, lang: Language): JobBody {
  let result: JobBody['result'] = null;
  if (job.result && typeof job.result === 'object') {
    const {
      problems = [],
      moreProblems = 0,
      ...rest
    } = job.result as {
      problems?: Problem[];
      moreProblems?: number;
    };
    const traceId = String(job.options.traceId ?? '');
    result = {
      ...rest,
      errors: problems.map((p) => envelope(new ApiError([p]), lang, traceId)[0]),
      moreErrors: moreProblems,
    };
  }
  return {
    id: job.id,
    kind: job.kind,
    resource: job.resource,
    state: job.state,
    progress: { done: job.done, total: job.total },
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    result,
  };
}

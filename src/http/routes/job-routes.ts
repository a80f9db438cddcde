/**
 * `GET /jobs/{id}` and `DELETE /jobs/{id}` (docs/bulk.md): a job as it stands, from any instance
 * (`Retry-After` while it runs); DELETE cancels a running job. Only the caller who started it, or
 * an admin, sees it: anyone else gets 404, as for a job that does not exist.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import { FINISHED_STATES, type JobRecord } from '../../store/jobs/job-table.js';
import { callerOf, callerScope } from '../auth/caller.js';
import { ADMIN_ROLE } from '../plan/access-policy.js';
import { languageFrom } from '../request/request-context.js';
import { jobBody } from '../respond/job-body.js';
import type { AppContext } from './app-context.js';
import { registerPath } from './resource-routes.js';

type Req = FastifyRequest<{ Params: { id: string } }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How long a client polling a running job should wait (seconds). */
const POLL_SECONDS = 1;

const noSuchJob = (id: string) =>
  ApiError.of('RECORD_NOT_FOUND', `no job ${id}`, { vars: { resource: 'jobs', id } });

export function registerJobRoutes(app: FastifyInstance, ctx: AppContext): void {
  const lang = (req: FastifyRequest) =>
    languageFrom(req.headers['accept-language'], ctx.model.defaultLanguage);

  /** The job, when this caller may see it. */
  async function visible(req: Req): Promise<JobRecord> {
    const id = req.params.id.toLowerCase();
    const job = UUID.test(id) ? await ctx.jobs.get(id) : undefined;
    const caller = callerOf(req);
    if (!job || (job.owner !== callerScope(req) && !caller?.roles.includes(ADMIN_ROLE)))
      throw noSuchJob(req.params.id);
    return job;
  }

  function send(reply: FastifyReply, req: FastifyRequest, job: JobRecord, status = 200) {
    reply.header('cache-control', 'no-store');
    if (!FINISHED_STATES.includes(job.state)) reply.header('retry-after', String(POLL_SECONDS));
    return reply.code(status).send(jobBody(job, lang(req)));
  }

  const get = async (req: Req, reply: FastifyReply) => send(reply, req, await visible(req));

  const cancel = async (req: Req, reply: FastifyReply) => {
    const job = await visible(req);
    if (FINISHED_STATES.includes(job.state))
      throw ApiError.of(
        'JOB_FINISHED',
        `job ${job.id} has already ${job.state === 'succeeded' ? 'succeeded' : job.state}`,
        {
          vars: { state: job.state },
        },
      );
    const after = (await ctx.jobs.cancel(job.id)) ?? job;
    // Another instance runs it: cancellation is asked, and takes effect at its next chunk.
    return send(reply, req, after, FINISHED_STATES.includes(after.state) ? 200 : 202);
  };

  registerPath(app, {
    url: `${ctx.model.basePath}/jobs/:id`,
    handlers: { GET: get as RouteHandlerMethod, DELETE: cancel as RouteHandlerMethod },
    accept: {},
  });
}

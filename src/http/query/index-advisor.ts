/**
 * Index advice while serving (docs/migrations.md): the first time a list query of a new shape
 * (resource, filtered fields and operators, sort) is served, the database is asked — off the
 * request path — how it runs it; a plan that sorts, or scans while filtering, a table past
 * `minRows` logs one warning naming the `indexes:` line that would serve it. A shape is checked
 * again after `recheckMs` (a table grows).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ResourceDef } from '../../model/model-types.js';
import { adviceFor } from '../../store/index-advice.js';
import type { ListQuery } from '../../store/query-types.js';
import type { Store } from '../../store/store.js';

/** Shapes remembered at most (a client inventing filters cannot grow the map without bound). */
const MAX_SHAPES = 5000;

export class IndexAdvisor {
  private readonly checked = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly minRows: number,
    private readonly recheckMs = 600_000,
  ) {}

  /** Notes a served list query; returns the check it started (tests wait for it), or undefined. */
  observe(r: ResourceDef, query: ListQuery, log: Pick<FastifyBaseLogger, 'warn'>): Promise<void> | undefined {
    const shape = [
      r.name,
      query.where.map((f) => `${f.field}:${f.op}`).join(','),
      query.sort.map((s) => `${s.desc ? '-' : ''}${s.field}`).join(','),
    ].join('|');
    const last = this.checked.get(shape);
    const now = Date.now();
    if (last !== undefined && now - last < this.recheckMs) return undefined;
    if (last === undefined && this.checked.size >= MAX_SHAPES) return undefined;
    this.checked.set(shape, now);
    return new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        const rows = await this.store.count(r, []);
        if (rows <= this.minRows) return;
        const plan = await this.store.explain(r, query);
        const advice = adviceFor(r, query, plan, rows, this.minRows);
        if (advice)
          log.warn({ resource: r.name, queryPlan: plan.detail }, `index advice: ${shape}: ${advice}`);
      })
      .catch(() => undefined); // advice is best effort: a store outage is reported by the requests
  }
}

/**
 * Response schemas for record bodies, so Fastify serialises them with fast-json-stringify (compiled
 * once per route at start-up) instead of a generic JSON.stringify walk on every response.
 * The schemas describe what `toOutput` produces and never narrow it: integer columns may hold digit
 * strings (ids beyond 2^53, docs/http-semantics.md), every field may be null, JSON fields are free-form, and embedded
 * relations pass through `additionalProperties`. Which bodies are valid is the model's business
 * (src/openapi/ documents them); these schemas only choose the fast path.
 */
import type { FastifySchema } from 'fastify';
import type { ResourceDef } from '../../model/model-types.js';

/** One record as the API sends it. */
export function recordOutputSchema(r: ResourceDef): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const f of r.allFields.values()) properties[f.name] = f.type.outputSchema(f);
  return { type: 'object', additionalProperties: true, properties };
}

/** Route schemas: `status` codes whose body is one record, or (`list`) an array of them. */
export function recordResponse(r: ResourceDef, statuses: number[], list = false): FastifySchema {
  const record = recordOutputSchema(r);
  const body = list ? { type: 'array', items: record } : record;
  return { response: Object.fromEntries(statuses.map((s) => [s, body])) };
}

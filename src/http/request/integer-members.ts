/**
 * Per route, the top-level body members whose inexact integers (`9007199254740993` as a JSON
 * number) the record validator refuses itself, with a message naming the field (integer fields,
 * references and integer ids: docs/http-semantics.md "Integers beyond 2^53"). The JSON body
 * parser (request-limits.ts) leaves those to it and refuses every other inexact integer.
 */
import type { FastifyRequest } from 'fastify';
import type { Model, ResourceDef } from '../../model/model-types.js';

export function integerMembersOf(model: Model): (req: FastifyRequest) => ReadonlySet<string> | undefined {
  const byUrl = new Map<string, ReadonlySet<string>>();
  const integers = (r: ResourceDef) =>
    new Set([...r.allFields.values()].filter((f) => f.storage === 'integer').map((f) => f.name));
  for (const r of model.resources) {
    // The URLs resource-routes.ts registers: collection, item, nested collections.
    const base = `${model.basePath}/${r.name}`;
    byUrl.set(base, integers(r));
    byUrl.set(`${base}/:id`, integers(r));
    for (const relation of r.toMany)
      byUrl.set(`${base}/:id/${relation.name}`, integers(model.byName.get(relation.resource)!));
  }
  return (req) => byUrl.get(req.routeOptions.url ?? '');
}

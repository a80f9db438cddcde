/** Embeds: one extra query per relation per page (chunked by the store's bind limit), never one per row. */
import type { Model, ResourceDef } from '../../model/model-types.js';
import type { Filter, JsonEmbed } from '../../store/query-types.js';
import type { Row, Store } from '../../store/store.js';
import { outputFieldNames, readGuarded, toOutput } from '../respond/representation.js';
import type { EmbedNode } from './embed-parser.js';

/**
 * `embed` as relations the store can write inside each record's JSON text (store/sql/json-select.ts),
 * or undefined when one of them needs the rows: a to-many relation, a nested embed, or a related
 * resource whose records the caller may not all read or that hides a field from some callers.
 * `readsEveryRecord` refuses (401/403) a related resource the caller may not read at all, as
 * embedRelations does.
 */
export function jsonEmbeds(
  model: Model,
  r: ResourceDef,
  embed: readonly EmbedNode[],
  readsEveryRecord: (target: ResourceDef) => boolean,
): JsonEmbed[] | undefined {
  const out: JsonEmbed[] = [];
  for (const node of embed) {
    const toOne = r.toOne.find((t) => t.name === node.relation);
    if (!toOne || node.embed.length) return undefined;
    const target = model.byName.get(toOne.resource)!;
    if (!readsEveryRecord(target) || readGuarded(target).length) return undefined;
    out.push({
      name: node.relation,
      field: toOne.field,
      target,
      fields: node.fields ?? outputFieldNames(target),
    });
  }
  return out;
}

async function rowsWhereIn(
  store: Store,
  r: ResourceDef,
  field: string,
  values: unknown[],
  extra: Filter[] = [],
): Promise<Row[]> {
  const unique = [...new Set(values.filter((v) => v !== null && v !== undefined))];
  const out: Row[] = [];
  const chunk = Math.min(1000, store.capabilities.maxBindParams - 10);
  for (let i = 0; i < unique.length; i += chunk) {
    const part = unique.slice(i, i + chunk);
    out.push(
      ...(await store.list(r, {
        where: [{ field, op: 'in', value: part }, ...extra],
        sort: [{ field: 'id', desc: false }],
      })),
    );
  }
  return out;
}

/**
 * Adds each requested relation to the output records (which are in the same order as `rows`),
 * then, level by level, the relations embedded in those (docs/query.md): one query per relation
 * per level, however many records. `scopeOf` gives the access filters of an embedded resource and
 * refuses (401/403) a resource the caller may not read, exactly as a direct read would (docs/auth.md: owners
 * see only their records, at every depth).
 */
export async function embedRelations(
  model: Model,
  store: Store,
  r: ResourceDef,
  rows: Row[],
  outputs: Record<string, unknown>[],
  embed: EmbedNode[],
  scopeOf: (target: ResourceDef) => Filter[] = () => [],
): Promise<void> {
  for (const node of embed) {
    const name = node.relation;
    const toOne = r.toOne.find((t) => t.name === name);
    if (toOne) {
      const target = model.byName.get(toOne.resource)!;
      const found = await rowsWhereIn(
        store,
        target,
        'id',
        rows.map((row) => row[toOne.field]),
        scopeOf(target),
      );
      const shown = found.map((t) => toOutput(target, t, node.fields));
      if (node.embed.length) await embedRelations(model, store, target, found, shown, node.embed, scopeOf);
      const byId = new Map(found.map((t, i) => [String(t.id), shown[i]]));
      rows.forEach((row, i) => {
        outputs[i][name] = row[toOne.field] == null ? null : (byId.get(String(row[toOne.field])) ?? null);
      });
      continue;
    }
    const toMany = r.toMany.find((t) => t.name === name)!;
    const child = model.byName.get(toMany.resource)!;
    const found = await rowsWhereIn(
      store,
      child,
      toMany.field,
      rows.map((row) => row.id),
      scopeOf(child),
    );
    const shown = found.map((c) => toOutput(child, c, node.fields));
    if (node.embed.length) await embedRelations(model, store, child, found, shown, node.embed, scopeOf);
    const groups = new Map<string, Record<string, unknown>[]>();
    found.forEach((c, i) => {
      const key = String(c[toMany.field]);
      const g = groups.get(key);
      if (g) g.push(shown[i]);
      else groups.set(key, [shown[i]]);
    });
    rows.forEach((row, i) => {
      outputs[i][name] = groups.get(String(row.id)) ?? [];
    });
  }
}

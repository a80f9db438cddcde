/**
 * What `verbo import db.json --from json-server` does with a json-server database: each top-level
 * array goes to the resource of the same name (ids kept), resources in the order of their references
 * (a record's target first), fields the config does not declare reported and left out.
 */
import { readFileSync } from 'node:fs';
import type { Model, ResourceDef } from '../model/model-types.js';

export interface JsonServerPlan {
  steps: { resource: string; rows: Record<string, unknown>[] }[];
  /** What was left out, and why. */
  notes: string[];
}

/** Resources ordered so that each comes after those its references name (cycles keep file order). */
function dependencyOrder(resources: ResourceDef[]): ResourceDef[] {
  const out: ResourceDef[] = [];
  const visiting = new Set<string>();
  const names = new Set(resources.map((r) => r.name));
  const visit = (r: ResourceDef) => {
    if (out.includes(r) || visiting.has(r.name)) return;
    visiting.add(r.name);
    for (const f of r.fields) {
      const target = f.reference?.resource;
      const t = target && names.has(target) ? resources.find((x) => x.name === target) : undefined;
      if (t && t !== r) visit(t);
    }
    out.push(r);
  };
  for (const r of resources) visit(r);
  return out;
}

/** Reads db.json (json-server keeps it whole in memory too) and plans the imports. */
export function jsonServerPlan(model: Model, file: string): JsonServerPlan {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const notes: string[] = [];
  const found: ResourceDef[] = [];
  for (const [key, value] of Object.entries(data)) {
    const r = model.byName.get(key);
    if (!Array.isArray(value))
      notes.push(`${key}: not an array (a json-server singular resource), not imported`);
    else if (!r)
      notes.push(`${key}: the config declares no resource ${key}, not imported (${value.length} rows)`);
    else found.push(r);
  }
  const steps = dependencyOrder(found).map((r) => {
    const rows = data[r.name] as Record<string, unknown>[];
    const unknown = new Set<string>();
    const kept = rows.map((row) => {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) return row;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) {
        const f = r.allFields.get(k);
        if (!f) {
          unknown.add(k);
          continue;
        }
        // json-server keeps ids (and the references to them) as text: "1" becomes 1 for an integer field.
        const parsed = typeof v === 'string' && f.storage !== 'json' ? f.type.fromText(v, f) : undefined;
        out[k] = parsed?.ok ? parsed.value : v;
      }
      return out;
    });
    if (unknown.size)
      notes.push(`${r.name}: fields the config does not declare, left out: ${[...unknown].join(', ')}`);
    return { resource: r.name, rows: kept };
  });
  return { steps, notes };
}

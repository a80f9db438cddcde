/**
 * Example values, each from its field's type (`example`, model/field-type.ts) and valid against
 * the field's schema (linters check every example). A field whose constraints cannot be met by a
 * generic value (a custom `pattern`) gets none, and neither does a record that needs it.
 */
import type { FieldDef, ResourceDef } from '../model/model-types.js';
import { idKindOf } from '../model/system-fields.js';

/** An example of one field's value, or undefined when no generic value fits. */
export function fieldExample(f: FieldDef): unknown {
  return f.default !== undefined ? f.default : f.type.example(f);
}

/**
 * A body to create the record (`write`), or the record as the server sends it (`read`). Undefined
 * when a required field has no generic example.
 */
export function recordExample(r: ResourceDef, kind: 'write' | 'read'): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const id = idKindOf(r);
  if (kind === 'read' || id.assignedBy === 'client') out.id = id.example;
  for (const f of r.fields) {
    const v = fieldExample(f);
    if (v === undefined) {
      if (f.required && f.default === undefined) return undefined;
      if (kind === 'read') out[f.name] = null;
      continue;
    }
    out[f.name] = v;
  }
  if (kind === 'read') {
    for (const f of r.allFields.values()) if (!(f.name in out)) out[f.name] = fieldExample(f) ?? null;
  }
  return out;
}

/**
 * The API representation of one record (GET, lists, embeds, the bodies of writes, and whatever else
 * shows a record). Field-level access (docs/rules.md#field-access) is applied here, once: a field
 * the caller may not read is absent. The caller is the request's (write/write-scope.ts); with no
 * request around, nobody is signed in, so a restricted field never leaks from a background task.
 */
import { grants } from '../../model/access-rules.js';
import type { FieldDef, ResourceDef } from '../../model/model-types.js';
import type { Row } from '../../store/store.js';
import { currentWriteScope } from '../../write/write-scope.js';

const guardedFields = new WeakMap<ResourceDef, FieldDef[]>();

/** The fields of `r` with a read rule of their own (most resources: none). */
export function readGuarded(r: ResourceDef): FieldDef[] {
  let fields = guardedFields.get(r);
  if (!fields) {
    fields = r.fields.filter((f) => f.access?.read);
    guardedFields.set(r, fields);
  }
  return fields;
}

const outputFields = new WeakMap<ResourceDef, string[]>();

/** The names of every field a record shows, in model order (one array per resource). */
export function outputFieldNames(r: ResourceDef): string[] {
  let names = outputFields.get(r);
  if (!names) {
    names = [...r.allFields.keys()];
    outputFields.set(r, names);
  }
  return names;
}

const fileFieldsOf = new WeakMap<ResourceDef, FieldDef[]>();

/** The fields of `r` that hold files: shown as metadata with their download URL. */
export function fileFields(r: ResourceDef): FieldDef[] {
  let fields = fileFieldsOf.get(r);
  if (!fields) {
    fields = r.fields.filter((f) => f.type.file);
    fileFieldsOf.set(r, fields);
  }
  return fields;
}

/**
 * The fields of `names` the current caller may see on some record: a field whose read rule can
 * never admit them (no role, not signed in) is left out — the columns of a CSV export.
 */
export function visibleFields(r: ResourceDef, names: readonly string[]): string[] {
  const guarded = readGuarded(r);
  if (!guarded.length) return [...names];
  const caller = currentWriteScope().caller();
  const hidden = new Set(
    guarded
      .filter((f) => {
        const rules = f.access?.read;
        const owned = rules?.some((rule) => rule.kind === 'owner') && caller !== null;
        return !owned && !grants(rules, caller);
      })
      .map((f) => f.name),
  );
  return names.filter((n) => !hidden.has(n));
}

/** Every field in model order, optionally narrowed to `fields` (in the order asked). */
export function toOutput(r: ResourceDef, row: Row, fields?: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (fields) {
    for (const name of fields) out[name] = row[name] ?? null;
  } else {
    for (const name of r.allFields.keys()) out[name] = row[name] ?? null;
  }
  for (const f of fileFields(r))
    if (Object.hasOwn(out, f.name))
      out[f.name] = f.type.file!.present(row[f.name], `${r.path ?? `/${r.name}`}/${row.id}/${f.name}`);
  const guarded = readGuarded(r);
  if (guarded.length) {
    const caller = currentWriteScope().caller();
    for (const f of guarded) if (!grants(f.access?.read, caller, row)) delete out[f.name];
  }
  return out;
}

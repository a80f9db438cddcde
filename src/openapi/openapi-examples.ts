/**
 * Example values derived from each field's type and options, valid against the field's schema
 * (linters check every example). A field whose constraints cannot be met by a generic value (a
 * custom `pattern`) gets none, and neither does a record that needs it.
 */
import type { FieldDef, IdType, ResourceDef } from '../model/model-types.js';

export const EXAMPLE_UUID = '3f2b8c1e-6a4d-4c1b-9e7a-5d2f1b0c8a94';
export const EXAMPLE_TIME = '2025-03-14T09:26:53.589Z';
const NONE = Symbol('none');

export const exampleId = (idType: IdType): unknown =>
  idType === 'integer' ? 42 : idType === 'uuid' ? EXAMPLE_UUID : 'ada-lovelace';

function clamp(value: number, f: FieldDef): number {
  const min = typeof f.options.minimum === 'number' ? f.options.minimum : -Infinity;
  const max = typeof f.options.maximum === 'number' ? f.options.maximum : Infinity;
  return Math.min(Math.max(value, min), max);
}

function textOfLength(base: string, f: FieldDef): string {
  const min = typeof f.options.minLength === 'number' ? f.options.minLength : 0;
  const max = typeof f.options.maxLength === 'number' ? f.options.maxLength : Infinity;
  const text = base.length < min ? base.padEnd(min, 'x') : base;
  return text.slice(0, max);
}

function exampleOf(f: FieldDef): unknown {
  if (f.default !== undefined) return f.default;
  switch (f.type.name) {
    case 'string':
      return f.options.pattern !== undefined ? NONE : textOfLength(`Example ${f.name}`, f);
    case 'text':
      return textOfLength(`A longer text for ${f.name}.`, f);
    case 'email':
      return 'ada@example.com';
    case 'url':
      return 'https://example.com/';
    case 'uuid':
      return EXAMPLE_UUID;
    case 'date':
      return '2025-03-14';
    case 'datetime':
      return EXAMPLE_TIME;
    case 'integer':
      return Math.ceil(clamp(7, f));
    case 'number':
      return clamp(19.5, f);
    case 'boolean':
      return true;
    case 'enum':
      return (f.options.values as unknown[])[0];
    case 'json':
      return { note: 'any JSON value' };
    case 'reference':
      return exampleId(f.reference?.idType ?? 'integer');
    default:
      return NONE;
  }
}

/** An example of one field's value, or undefined when no generic value fits. */
export function fieldExample(f: FieldDef): unknown {
  const v = exampleOf(f);
  return v === NONE ? undefined : v;
}

/**
 * A body to create the record (`write`), or the record as the server sends it (`read`). Undefined
 * when a required field has no generic example.
 */
export function recordExample(r: ResourceDef, kind: 'write' | 'read'): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (kind === 'read' || r.idType === 'string') out.id = exampleId(r.idType);
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
    for (const f of r.allFields.values()) {
      if (!(f.name in out))
        out[f.name] = f.type.name === 'datetime' ? EXAMPLE_TIME : (fieldExample(f) ?? null);
    }
  }
  return out;
}

/**
 * `indexes:` on a resource (docs/config.md): each entry a list of field names in order, `-` before a
 * name for descending (`[status, -createdAt]`), or `{ fields: [...], unique: true }`.
 */
import type { IndexDef, ResourceDef } from './model-types.js';

type Report = (path: (string | number)[], message: string) => void;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const FORM =
  'each index is a list of field names (`[status, -createdAt]`) or `{ fields: [...], unique: true }`';

/** Reads `raw.indexes` of resource `r` (after its fields, and ownerId, are known); reports located problems. */
export function readIndexes(r: ResourceDef, raw: unknown, report: Report): IndexDef[] {
  const at = ['resources', r.name, 'indexes'];
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    report(at, `must be a list of indexes: ${FORM}`);
    return [];
  }
  const out: IndexDef[] = [];
  const seen = new Map<string, number>();
  raw.forEach((entry, i) => {
    const here = [...at, i];
    let fields: unknown = entry;
    let unique = false;
    if (isObject(entry)) {
      for (const key of Object.keys(entry))
        if (key !== 'fields' && key !== 'unique')
          report([...here, key], 'unknown key (expected fields, unique)');
      if (entry.unique !== undefined && typeof entry.unique !== 'boolean')
        report([...here, 'unique'], 'must be true or false');
      fields = entry.fields;
      unique = entry.unique === true;
    }
    if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => typeof f === 'string')) {
      report(here, FORM);
      return;
    }
    const parsed = (fields as string[]).map((f) => ({
      name: f.startsWith('-') ? f.slice(1) : f,
      descending: f.startsWith('-'),
    }));
    let ok = true;
    parsed.forEach((f, j) => {
      if (!r.allFields.has(f.name)) {
        ok = false;
        report(
          [...here, ...(isObject(entry) ? ['fields'] : []), j],
          `unknown field ${JSON.stringify(f.name)} (expected one of ${[...r.allFields.keys()].join(', ')})`,
        );
      } else if (parsed.findIndex((g) => g.name === f.name) !== j) {
        ok = false;
        report(here, `${f.name} appears twice in one index`);
      }
    });
    if (!ok) return;
    const key = `${unique}:${(fields as string[]).join(',')}`;
    if (seen.has(key)) report(here, `the same index as entry ${seen.get(key)}`);
    seen.set(key, i);
    out.push({ fields: parsed, unique });
  });
  return out;
}

/** PostgreSQL refuses U+0000 in text and jsonb, so every store refuses it alike (422, one problem per field). */

import type { Problem } from '../errors/api-error.js';
import type { ResourceDef } from '../model/model-types.js';

const escapeKey = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Where `value` holds U+0000 in a string or an object key (a JSON Pointer below `at`), or undefined. */
function findNul(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? at : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  // The path is built only for what holds one: most values hold none.
  for (const key of Object.keys(value)) {
    if (key.includes('\0')) return `${at}/${escapeKey(key)}`;
    const item = (value as Record<string, unknown>)[key];
    if (typeof item !== 'string' && (typeof item !== 'object' || item === null)) continue;
    if (typeof item === 'string' && !item.includes('\0')) continue;
    const found = findNul(item, `${at}/${escapeKey(key)}`);
    if (found) return found;
  }
  return undefined;
}

/** One problem per declared field that holds U+0000 anywhere. */
export function nulProblems(r: ResourceDef, declared: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const f of r.fields) {
    const pointer = Object.hasOwn(declared, f.name) ? findNul(declared[f.name], `/${f.name}`) : undefined;
    if (!pointer) continue;
    problems.push({
      code: 'VALIDATION_FAILED',
      internalMessage: `${pointer} contains the NUL character (U+0000), which cannot be stored`,
      message: 'field.nul',
      vars: { field: f.name },
      pointer,
    });
  }
  return problems;
}

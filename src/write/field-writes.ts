/**
 * Field-level write access (docs/rules.md#field-access), a step of planWrite so every write path
 * has it: a value sent for a field the caller may not write is refused (403) unless it equals the
 * stored one (a GET → PUT round trip); a field the caller may not write or read, left out of a
 * replacement, keeps its stored value instead of being cleared.
 */
import { ApiError } from '../errors/api-error.js';
import { formatRule, grants } from '../model/access-rules.js';
import type { ResourceDef } from '../model/model-types.js';
import type { Row } from '../store/store.js';
import { currentWriteScope } from './write-scope.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Checks and completes `declared` (the body's fields) for the caller; `current` on replacements. */
export function guardFieldWrites(
  r: ResourceDef,
  declared: Record<string, unknown>,
  current: Row | undefined,
): void {
  const scope = currentWriteScope();
  if (scope.trusted) return;
  let caller: ReturnType<typeof scope.caller> | undefined;
  for (const f of r.fields) {
    if (!f.access) continue;
    caller ??= scope.caller();
    // On create the caller will own the record.
    const row = current ?? (caller ? { ownerId: caller.id } : undefined);
    const canWrite = grants(f.access.write, caller, row);
    const canRead = grants(f.access.read, caller, row);
    if (Object.hasOwn(declared, f.name)) {
      if (canWrite || (current && canRead && same(declared[f.name], current[f.name]))) continue;
      throw ApiError.of(
        'FORBIDDEN',
        `${f.name} of ${r.name} may be written by ${(f.access.write ?? []).map(formatRule).join(' or ')} only`,
        { pointer: `/${f.name}` },
      );
    }
    if (current && (!canWrite || !canRead)) declared[f.name] = current[f.name];
  }
}

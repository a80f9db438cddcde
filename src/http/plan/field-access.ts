/**
 * Field-level read access in queries (docs/rules.md#field-access): filtering or sorting on a field
 * the caller may not read would reveal it one comparison at a time, so it is refused (403).
 */
import { ApiError } from '../../errors/api-error.js';
import { formatRule, grants } from '../../model/access-rules.js';
import type { ResourceDef } from '../../model/model-types.js';
import type { Filter, SortKey } from '../../store/query-types.js';
import { currentWriteScope } from '../../write/write-scope.js';
import { readGuarded } from '../respond/representation.js';

export function refuseHiddenQuery(
  r: ResourceDef,
  where: readonly Filter[],
  sort: readonly SortKey[] = [],
): void {
  const guarded = readGuarded(r);
  if (!guarded.length) return;
  const caller = currentWriteScope().caller();
  for (const f of guarded) {
    if (grants(f.access?.read, caller)) continue;
    // A search (`q`) over a field the caller may not read would reveal its words (docs/search.md).
    const parameter = where.some((w) => w.field === f.name)
      ? f.name
      : sort.some((s) => s.field === f.name)
        ? 'sort'
        : f.options.search === true && where.some((w) => w.op === 'search')
          ? 'q'
          : undefined;
    if (parameter)
      throw ApiError.of(
        'FORBIDDEN',
        `${f.name} of ${r.name} may be read by ${(f.access?.read ?? []).map(formatRule).join(' or ')} only: it cannot be filtered or sorted on`,
        { parameter },
      );
  }
}

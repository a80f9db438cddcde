/**
 * `renamedFrom:` on a field and on a resource (docs/migrations.md): the stored column or table under
 * a former name is renamed, its data kept. A former name may not be a name in use, nor be claimed
 * twice; whether it names something stored is for the planner to say (it sees the database).
 */
import type { FieldDef, ResourceDef } from './model-types.js';

type Report = (path: (string | number)[], message: string) => void;

const NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;

/** Reads a `renamedFrom` value: a list of former names (a single string is accepted). */
export function readRenamedFrom(raw: unknown, at: (string | number)[], report: Report): string[] {
  if (raw === undefined) return [];
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string' && NAME.test(n))) {
    report(at, 'must be a list of former names, e.g. `renamedFrom: [oldName]`');
    return [];
  }
  return list as string[];
}

function checkClaims(
  names: { owner: string; former: string[]; at: (string | number)[] }[],
  inUse: Set<string>,
  what: string,
  report: Report,
): void {
  const claimed = new Map<string, string>();
  for (const { owner, former, at } of names)
    former.forEach((old, i) => {
      if (old === owner) report([...at, i], `${old} is this ${what}'s own name`);
      else if (inUse.has(old))
        report([...at, i], `${old} is still a ${what}: two ${what}s cannot take its data`);
      else if (claimed.has(old))
        report(
          [...at, i],
          `${old} is already renamed to ${claimed.get(old)}: two ${what}s cannot be renamed from one`,
        );
      claimed.set(old, owner);
    });
}

/** Two renames onto one, or a rename from a name still in use, are located problems. */
export function checkRenames(resources: ResourceDef[], report: Report): void {
  checkClaims(
    resources.map((r) => ({
      owner: r.name,
      former: r.renamedFrom,
      at: ['resources', r.name, 'renamedFrom'],
    })),
    new Set(resources.map((r) => r.name)),
    'resource',
    report,
  );
  for (const r of resources)
    checkClaims(
      r.fields.map((f: FieldDef) => ({
        owner: f.name,
        former: f.renamedFrom ?? [],
        at: ['resources', r.name, 'fields', f.name, 'renamedFrom'],
      })),
      new Set(r.allFields.keys()),
      'field',
      report,
    );
}

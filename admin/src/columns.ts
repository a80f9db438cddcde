/** The columns a person chose for a resource, remembered in this browser (localStorage). */
import type { ResourceInfo } from './model.js';

const key = (r: ResourceInfo) => `verbo-admin:columns:${r.name}`;

export function defaultColumns(r: ResourceInfo): string[] {
  return r.fields.filter((f) => f.kind !== 'json' && f.name !== 'updatedAt').map((f) => f.name);
}

export function loadColumns(r: ResourceInfo): string[] {
  try {
    const saved = JSON.parse(localStorage.getItem(key(r)) ?? 'null');
    if (Array.isArray(saved)) {
      const known = saved.filter((c) => r.fields.some((f) => f.name === c));
      if (known.length) return known;
    }
  } catch {
    // A broken entry is ignored: the defaults apply.
  }
  return defaultColumns(r);
}

export function saveColumns(r: ResourceInfo, columns: string[]): void {
  try {
    localStorage.setItem(key(r), JSON.stringify(columns));
  } catch {
    // Storage full or disabled: the choice lasts for this page only.
  }
}

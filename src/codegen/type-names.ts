/** TypeScript names for generated record types: `customers` → `Customer`, `order_items` → `OrderItem`. */
import type { ResourceDef } from '../model/model-types.js';

/** Names the generated file declares or uses (and globals it must not shadow); a record type never takes one. */
export const RESERVED_TYPE_NAMES = new Set([
  'JsonValue',
  'Resources',
  'Record',
  'Partial',
  'Pick',
  'Omit',
  'Readonly',
  'Array',
  'Object',
  'String',
  'Number',
  'Boolean',
  'Date',
  'Error',
  'Map',
  'Set',
  'Promise',
  'Function',
  'Symbol',
  'Response',
  'Request',
]);

function singular(word: string): string {
  if (/[^aeiou]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|x|ch|sh|zz)es$/.test(word)) return word.slice(0, -2);
  if (/[^s]s$/.test(word)) return word.slice(0, -1);
  return word;
}

const pascal = (name: string): string =>
  name
    .split('_')
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');

/**
 * The read type's name of each resource. Collisions (two resources with one singular, or a
 * reserved name) get a `Record` suffix so every name in the file is unique.
 */
export function recordTypeNames(resources: readonly ResourceDef[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>(RESERVED_TYPE_NAMES);
  for (const r of resources) {
    const words = r.name.split('_');
    words[words.length - 1] = singular(words[words.length - 1]);
    let name = pascal(words.join('_')) || 'Record';
    // Create and Update shapes derive from it, so reserve all three.
    while ([name, `${name}Create`, `${name}Update`].some((n) => taken.has(n))) name = `${name}Record`;
    for (const n of [name, `${name}Create`, `${name}Update`]) taken.add(n);
    names.set(r.name, name);
  }
  return names;
}

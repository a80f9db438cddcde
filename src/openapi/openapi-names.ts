/** Component and operation names: `customers` → schema `Customer`, operations `listCustomers`, `getCustomer`. */
import type { ResourceDef } from '../model/model-types.js';

/** Component names the document defines itself; a record schema never takes one. */
const RESERVED = new Set([
  'Error',
  'ErrorEnvelope',
  'ProblemDetails',
  'JsonPatch',
  'JsonPatchOperation',
  'DeleteResult',
  'ApiIndex',
  'ChangeStream',
]);

function singular(word: string): string {
  if (/[^aeiou]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|x|ch|sh|zz)es$/.test(word)) return word.slice(0, -2);
  if (/[^s]s$/.test(word)) return word.slice(0, -1);
  return word;
}

export const pascal = (name: string): string =>
  name
    .split('_')
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');

export interface ResourceNames {
  /** Read schema and the stem of the others: `Customer`, `CustomerFields`, `CustomerCreate`, `CustomerReplace`, `CustomerMergePatch`. */
  record: string;
  /** `Customers`, for operations on the collection. */
  plural: string;
}

const SUFFIXES = ['', 'Fields', 'Create', 'Replace', 'MergePatch'];

/** Unique names for every resource (a collision gets a `Record` suffix, as the generated types do). */
export function resourceNames(resources: readonly ResourceDef[]): Map<string, ResourceNames> {
  const out = new Map<string, ResourceNames>();
  const taken = new Set(RESERVED);
  for (const r of resources) {
    const words = r.name.split('_');
    words[words.length - 1] = singular(words[words.length - 1]);
    let record = pascal(words.join('_')) || 'Record';
    while (SUFFIXES.some((s) => taken.has(record + s))) record = `${record}Record`;
    for (const s of SUFFIXES) taken.add(record + s);
    out.set(r.name, { record, plural: pascal(r.name) });
  }
  return out;
}

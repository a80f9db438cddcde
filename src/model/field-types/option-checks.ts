/** Small reusable checks for field options, shared by the field type modules. */
import type { OptionProblem } from '../field-type.js';

export function checkNonNegativeInteger(
  raw: Record<string, unknown>,
  name: string,
  out: OptionProblem[],
): void {
  const v = raw[name];
  if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) {
    out.push({ option: name, message: `must be a non-negative integer, got ${JSON.stringify(v)}` });
  }
}

export function checkFiniteNumber(raw: Record<string, unknown>, name: string, out: OptionProblem[]): void {
  const v = raw[name];
  if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v))) {
    out.push({ option: name, message: `must be a number, got ${JSON.stringify(v)}` });
  }
}

export function checkOrdered(
  raw: Record<string, unknown>,
  lo: string,
  hi: string,
  out: OptionProblem[],
): void {
  const a = raw[lo];
  const b = raw[hi];
  if (typeof a === 'number' && typeof b === 'number' && a > b) {
    out.push({ option: lo, message: `${lo} (${a}) is greater than ${hi} (${b})` });
  }
}

export function pick(raw: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) if (raw[n] !== undefined) out[n] = raw[n];
  return out;
}

/** `search: true|false`: the field is part of its resource's full-text index (docs/search.md). */
export function checkSearch(raw: Record<string, unknown>, out: OptionProblem[]): void {
  if (raw.search !== undefined && typeof raw.search !== 'boolean')
    out.push({ option: 'search', message: `must be true or false, got ${JSON.stringify(raw.search)}` });
}

/** The option check of the text-like types whose options are `maxLength` and `search` (text, email, url). */
export function checkMaxLengthOnly(raw: Record<string, unknown>): OptionProblem[] {
  const out: OptionProblem[] = [];
  checkNonNegativeInteger(raw, 'maxLength', out);
  checkSearch(raw, out);
  return out;
}

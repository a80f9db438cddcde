/**
 * The one rule for integers beyond JavaScript's exact range (docs/http-semantics.md: JSON numbers never lose
 * precision silently). Stores keep signed 64-bit integers; the API value of one is a JSON number
 * when it lies within ±(2^53 − 1), else the string of its decimal digits. Stores read with it,
 * query values and URL ids are parsed with it, and bodies are validated with its schema, so the
 * form a client reads is the form it sends back.
 */
import type { JsonSchema } from './field-type.js';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);

/** An integer as the API carries it: a number when exact, else its canonical decimal digits. */
export type ExactInteger = number | string;

/** A 64-bit integer read as a BigInt → its API value (the stores' read path: two compares when safe). */
export function fromBigInt(v: bigint): ExactInteger {
  return v <= MAX_SAFE_BIG && v >= -MAX_SAFE_BIG ? Number(v) : v.toString();
}

/** The canonical decimal text of a 64-bit integer (as a database sends it) → its API value. */
export function fromIntegerText(text: string): ExactInteger {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** At most 19 digits: no signed 64-bit integer has more. No leading zeros, no `+`. */
const INTEGER_TEXT = /^-?(0|[1-9][0-9]{0,18})$/;

/** A query-string or URL integer → its API value, or what it should have been. */
export function parseExactInteger(
  raw: string,
): { ok: true; value: ExactInteger } | { ok: false; expected: string } {
  if (!/^-?(0|[1-9][0-9]*)$/.test(raw)) return { ok: false, expected: 'an integer' };
  const n = Number(raw);
  if (Number.isSafeInteger(n)) return { ok: true, value: n === 0 ? 0 : n };
  if (INTEGER_TEXT.test(raw)) {
    const big = BigInt(raw);
    if (big >= INT64_MIN && big <= INT64_MAX) return { ok: true, value: raw };
  }
  return { ok: false, expected: 'an integer within the signed 64-bit range' };
}

/** A JSON number that is an integer but not an exact one: its digits may already be lost. */
export const isInexactInteger = (v: unknown): boolean =>
  typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v);

/**
 * JSON Schema of an integer in [minimum, maximum] (the signed 64-bit range when not given): a JSON
 * number within ±(2^53 − 1), and beyond that the string of its digits (a pattern that matches
 * exactly the integers of the range there). Plain `type: integer` when the range stays exact.
 */
export function integerSchema(minimum?: number, maximum?: number): JsonSchema {
  const lo = minimum === undefined ? INT64_MIN : clamp(BigInt(Math.ceil(minimum)));
  const hi = maximum === undefined ? INT64_MAX : clamp(BigInt(Math.floor(maximum)));
  const number: JsonSchema = {
    type: 'integer',
    minimum: minimum === undefined || minimum < -MAX_SAFE ? -MAX_SAFE : minimum,
    maximum: maximum === undefined || maximum > MAX_SAFE ? MAX_SAFE : maximum,
  };
  const beyond: string[] = [];
  // Positive: (2^53 − 1, hi]; negative: [lo, −(2^53 − 1)), written as `-` and the digits of |v|.
  const posLo = lo > MAX_SAFE_BIG ? lo : MAX_SAFE_BIG + 1n;
  if (posLo <= hi) beyond.push(digitsPattern(posLo, hi));
  const negHi = hi < -MAX_SAFE_BIG ? -hi : MAX_SAFE_BIG + 1n;
  if (negHi <= -lo) beyond.push(`-(?:${digitsPattern(negHi, -lo)})`);
  if (!beyond.length) return number;
  const text: JsonSchema = {
    type: 'string',
    description: 'An integer beyond ±(2^53 − 1), as its decimal digits (a JSON number would lose them).',
    pattern: `^(?:${beyond.join('|')})$`,
    minLength: 16,
    maxLength: 20,
  };
  return { anyOf: [number, text] };
}

const clamp = (v: bigint): bigint => (v < INT64_MIN ? INT64_MIN : v > INT64_MAX ? INT64_MAX : v);

/** A regular expression (no anchors) matching exactly the decimal digits of the integers in [lo, hi], 0 < lo ≤ hi. */
export function digitsPattern(lo: bigint, hi: bigint): string {
  const parts: string[] = [];
  let from = lo.toString();
  const to = hi.toString();
  // One alternative per digit count: [from, 99…9], full lengths, [10…0, to].
  while (from.length < to.length) {
    parts.push(sameLength(from, '9'.repeat(from.length)));
    from = `1${'0'.repeat(from.length)}`;
  }
  parts.push(sameLength(from, to));
  return parts.join('|');
}

/** Digit strings of one length in [a, b]: fixed leading digits, then a range per position. */
function sameLength(a: string, b: string): string {
  if (a.length === 0) return '';
  const n = a.length - 1;
  const rest = (d: number) => (d ? `[0-9]{${d}}` : '');
  if (a === b) return a;
  if (/^0*$/.test(a.slice(1)) && /^9*$/.test(b.slice(1))) return `${digitClass(a[0], b[0])}${rest(n)}`;
  if (a[0] === b[0]) return `${a[0]}(?:${sameLength(a.slice(1), b.slice(1))})`;
  const out = [`${a[0]}(?:${sameLength(a.slice(1), '9'.repeat(n))})`];
  const mid0 = Number(a[0]) + 1;
  const mid1 = Number(b[0]) - 1;
  if (mid0 <= mid1) out.push(`${digitClass(String(mid0), String(mid1))}${rest(n)}`);
  out.push(`${b[0]}(?:${sameLength('0'.repeat(n), b.slice(1))})`);
  return out.join('|');
}

const digitClass = (a: string, b: string): string => (a === b ? a : `[${a}-${b}]`);

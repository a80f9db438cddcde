/** The integer rule of docs/http-semantics.md: numbers when exact, digit strings beyond ±(2^53 − 1), within 64 bits. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  digitsPattern,
  fromBigInt,
  fromIntegerText,
  INT64_MAX,
  INT64_MIN,
  integerSchema,
  parseExactInteger,
} from '../../src/model/exact-integer.js';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const EDGES = [
  0n,
  1n,
  -1n,
  SAFE - 1n,
  SAFE,
  SAFE + 1n,
  SAFE + 2n,
  -SAFE,
  -SAFE - 1n,
  -SAFE - 2n,
  10n ** 15n,
  10n ** 16n,
  10n ** 18n,
  10n ** 19n,
  INT64_MAX - 1n,
  INT64_MAX,
  INT64_MAX + 1n,
  INT64_MIN,
  INT64_MIN + 1n,
  INT64_MIN - 1n,
];
const int64 = fc.bigInt({ min: INT64_MIN - 10n ** 6n, max: INT64_MAX + 10n ** 6n });
const interesting = fc.oneof(
  int64,
  fc.constantFrom(...EDGES),
  fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }),
);

describe('reading: fromBigInt and fromIntegerText', () => {
  it('keeps safe values as numbers and every other 64-bit value as its exact digits', () => {
    expect(fromBigInt(SAFE)).toBe(Number.MAX_SAFE_INTEGER);
    expect(fromBigInt(-SAFE)).toBe(-Number.MAX_SAFE_INTEGER);
    expect(fromBigInt(SAFE + 1n)).toBe('9007199254740992');
    expect(fromBigInt(INT64_MIN)).toBe('-9223372036854775808');
    fc.assert(
      fc.property(interesting, (v) => {
        const out = fromBigInt(v);
        expect(fromIntegerText(v.toString())).toBe(out);
        if (v >= -SAFE && v <= SAFE) expect(out).toBe(Number(v));
        else expect(out).toBe(v.toString());
      }),
    );
  });
});

describe('parsing query values and URL ids', () => {
  it('parses every signed 64-bit integer exactly and refuses the rest', () => {
    fc.assert(
      fc.property(interesting, (v) => {
        const p = parseExactInteger(v.toString());
        if (v < INT64_MIN || v > INT64_MAX)
          expect(p).toEqual({ ok: false, expected: 'an integer within the signed 64-bit range' });
        else expect(p).toEqual({ ok: true, value: fromBigInt(v) });
      }),
    );
    for (const raw of ['', '-', '+1', '01', '1.0', '1e3', ' 1', '0x10', '٣'])
      expect(parseExactInteger(raw)).toEqual({ ok: false, expected: 'an integer' });
    expect(parseExactInteger('-0')).toEqual({ ok: true, value: 0 });
    expect(parseExactInteger('123456789012345678901234567890').ok).toBe(false);
  });
});

const bound = fc.oneof(
  fc.bigInt({ min: 1n, max: 10n ** 6n }),
  fc.bigInt({ min: 1n, max: 10n ** 12n }),
  fc.bigInt({ min: 1n, max: INT64_MAX }),
);

describe('the body schema', () => {
  const ajv = new Ajv2020({ strict: false });

  it('accepts exactly one form per value: a number within ±(2^53 − 1), the digit string beyond, within 64 bits', () => {
    const validate = ajv.compile(integerSchema());
    fc.assert(
      fc.property(interesting, (v) => {
        const inRange = v >= INT64_MIN && v <= INT64_MAX;
        const safe = v >= -SAFE && v <= SAFE;
        expect(validate(v.toString())).toBe(inRange && !safe);
        if (safe) expect(validate(Number(v))).toBe(true);
      }),
    );
    for (const bad of [
      9007199254740992,
      2 ** 63,
      1.5,
      '1',
      '09007199254740993',
      '+9007199254740993',
      ' 9007199254740993',
      '9007199254740993 ',
    ])
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
  });

  it('applies declared bounds to both forms, and stays a plain integer when the range is exact', () => {
    expect(integerSchema(0, 100)).toEqual({ type: 'integer', minimum: 0, maximum: 100 });
    const positive = ajv.compile(integerSchema(1));
    expect(positive('9223372036854775807')).toBe(true);
    expect(positive('-9007199254740993')).toBe(false);
    expect(positive(0)).toBe(false);
    const capped = ajv.compile(integerSchema(undefined, 1e17));
    expect(capped('100000000000000000')).toBe(true);
    expect(capped('100000000000000001')).toBe(false);
    expect(capped(-5)).toBe(true);
    expect(capped('-9223372036854775808')).toBe(true);
  });

  it('digitsPattern matches exactly the integers of any positive range', () => {
    fc.assert(
      fc.property(bound, bound, fc.array(fc.bigInt({ min: 1n, max: INT64_MAX + 1n })), (a, b, probes) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const re = new RegExp(`^(?:${digitsPattern(lo, hi)})$`);
        for (const v of [...probes, lo - 1n, lo, lo + 1n, hi - 1n, hi, hi + 1n].filter((x) => x > 0n))
          expect(re.test(v.toString()), `${v} in [${lo}, ${hi}]`).toBe(v >= lo && v <= hi);
      }),
      { numRuns: 500 },
    );
  });
});

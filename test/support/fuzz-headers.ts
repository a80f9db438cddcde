/**
 * Request headers for the fuzzer: each header present in about one request of five, with a
 * plausible, odd or absurd value (latin1 bytes, 8 KB values; several together pass Node's 16 KiB
 * head limit now and then), and the target's real credentials in most requests.
 */
import fc from 'fast-check';
import {
  ABSURD_HEADER_VALUES,
  ACCEPTS,
  GOOD_ACCEPTS,
  HEADER_VALUES,
  PLAIN_HEADER_VALUES,
} from './fuzz-words.js';

const visible = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c === 0x7f ? 0x20 : c)),
  maxLength: 60,
});
const absurd = fc.oneof(
  { weight: 3, arbitrary: visible },
  { weight: 1, arbitrary: fc.constantFrom(...ABSURD_HEADER_VALUES) },
);

// Each header is there in about one request of five: most requests are plausible enough to reach a handler.
const optional = (arb: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

export function headersArb(credentials: Record<string, string>[]): fc.Arbitrary<Record<string, string>> {
  const fields: Record<string, fc.Arbitrary<string | undefined>> = {
    accept: optional(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...GOOD_ACCEPTS) },
        { weight: 2, arbitrary: fc.constantFrom(...ACCEPTS) },
        { weight: 1, arbitrary: absurd },
      ),
    ),
  };
  for (const [name, values] of Object.entries(HEADER_VALUES))
    fields[name] = optional(fc.oneof(fc.constantFrom(...values), absurd));
  for (const [name, values] of Object.entries(PLAIN_HEADER_VALUES))
    fields[name] = optional(fc.constantFrom(...values));
  const cred = fc.option(fc.constantFrom(...(credentials.length ? credentials : [{}])), {
    freq: 4,
    nil: undefined,
  });
  return fc.tuple(fc.record(fields), cred).map(([h, c]) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...h, ...c })) if (v !== undefined) out[k] = v;
    return out;
  });
}

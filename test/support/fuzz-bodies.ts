/**
 * Hostile request bodies for the fuzzer: malformed and truncated JSON, deep nesting, huge arrays
 * and strings, invalid UTF-8, overflowing numbers, prototype keys, NUL bytes, SQL fragments,
 * duplicate keys, JSON Patch documents — and plausible records, so success paths run too.
 */
import fc from 'fast-check';
import {
  DUPLICATE_KEY_BODIES,
  FIELDS,
  LONE_SURROGATE_BODIES,
  MALFORMED_JSON,
  NASTY_NUMBER_TEXTS,
  NASTY_STRINGS,
  NUL_BODIES,
  PROTO_BODIES,
} from './fuzz-words.js';

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

/** A JSON-ish value, as JS, with hostile leaves. */
const leaf = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 2 ** 63, 1e308),
);
const value = fc.oneof(
  { weight: 4, arbitrary: leaf },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const plausibleRecord = fc
  .record(
    {
      name: fc.oneof(fc.constant('Fuzz'), nastyString),
      email: fc.oneof(
        fc.nat().map((n) => `f${n}@example.com`),
        nastyString,
      ),
      status: fc.oneof(fc.constantFrom('lead', 'active', 'churned'), nastyString),
      tags: value,
      customerId: fc.oneof(fc.integer({ min: -1, max: 30 }), nastyString),
      title: nastyString,
      amount: fc.oneof(fc.double(), fc.integer(), nastyString),
      counter: fc.oneof(fc.integer(), nastyString),
      password: fc.constantFrom('correct horse battery', 'x', ''),
    },
    { requiredKeys: [] },
  )
  .chain((r) =>
    fc
      .dictionary(fc.constantFrom(...FIELDS, 'unknownField', '__proto__', 'constructor'), value, {
        maxKeys: 3,
      })
      .map((extra) => ({ ...extra, ...r })),
  );

/** A record that passes validation (a customer, an order or a counter), now and then with one hostile value. */
const validRecord = fc
  .tuple(
    fc.oneof(
      fc.record({
        name: fc.string({ minLength: 1, maxLength: 30 }),
        email: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `v${a}.${b}@example.com`),
        status: fc.constantFrom('lead', 'active', 'churned'),
        tags: fc.jsonValue({ maxDepth: 2 }),
      }),
      fc.record({
        customerId: fc.integer({ min: 1, max: 12 }),
        title: fc.string({ minLength: 1, maxLength: 30 }),
        amount: fc.double({ min: 0, max: 1e9, noNaN: true }),
        stage: fc.constantFrom('open', 'won', 'lost'),
      }),
    ),
    fc.option(fc.tuple(fc.constantFrom(...FIELDS), value), { freq: 4 }),
  )
  .map(([r, bad]) => (bad ? { ...r, [bad[0]]: bad[1] } : r));

const pointer = fc.oneof(
  fc.constantFrom(...FIELDS).map((f) => `/${f}`),
  fc.constantFrom(
    '',
    '/',
    '/tags/-',
    '/tags/0',
    '/tags/99999999',
    '/__proto__/polluted',
    '/constructor/prototype/x',
    '/~2',
    '/~',
    'name',
    '/tags/01',
    '/tags/-1',
  ),
  fc.string({ maxLength: 12 }),
);
const patchOp = fc.record(
  {
    op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), nastyString),
    path: pointer,
    from: pointer,
    value,
  },
  { requiredKeys: ['op'] },
);

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v) ?? 'null');
const text = (s: string): Buffer => Buffer.from(s, 'utf8');

function deepNesting(depth: number, kind: number): Buffer {
  if (kind === 0) return text('['.repeat(depth) + ']'.repeat(depth));
  if (kind === 1) return text('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
  return text(`{"name":"deep","email":"d@example.com","tags":${'['.repeat(depth)}${']'.repeat(depth)}}`);
}

function bigArray(items: number, kind: number): Buffer {
  const elems = kind === 0 ? '0' : kind === 1 ? '{}' : '"x"';
  const arr = `[${Array(items).fill(elems).join(',')}]`;
  return text(kind === 2 ? `{"name":"big","email":"b@example.com","tags":${arr}}` : arr);
}

/** A string body field of `n` characters (n near and over the 1 MiB body limit). */
const hugeString = (n: number, ch: string): Buffer =>
  text(`{"name":"huge","email":"h@example.com","company":"${ch.repeat(n)}"}`);

const invalidUtf8 = fc
  .uint8Array({ minLength: 1, maxLength: 8 })
  .map((junk) =>
    Buffer.concat([
      text('{"name":"'),
      Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
      Buffer.from(junk),
      text('","email":"u@example.com"}'),
    ]),
  );

export interface FuzzBody {
  label: string;
  bytes: Buffer | undefined;
}

const labelled = (label: string, arb: fc.Arbitrary<Buffer | undefined>) =>
  arb.map((bytes): FuzzBody => ({ label, bytes }));

const truncated = fc.tuple(plausibleRecord, fc.nat()).map(([r, n]) => {
  const t = JSON.stringify(r);
  return text(t.slice(0, n % Math.max(1, t.length)));
});
const numbers = fc
  .tuple(
    fc.constantFrom(...NASTY_NUMBER_TEXTS),
    fc.constantFrom('amount', 'counter', 'tags', 'customerId', 'name'),
  )
  .map(([n, f]) => text(`{"name":"n","email":"n@example.com","title":"t","customerId":1,"${f}":${n}}`));
const deep = fc.tuple(fc.constantFrom(65, 1000, 10_000), fc.nat(2)).map(([d, k]) => deepNesting(d, k));
const big = fc.tuple(fc.constantFrom(10_001, 100_000), fc.nat(2)).map(([n, k]) => bigArray(n, k));
const huge = fc
  .tuple(fc.constantFrom(1000, 300_000, 1_048_600), fc.constantFrom('a', 'é', '\\u0000', '\\"'))
  .map(([n, c]) => hugeString(n, c));
const fixed = (list: string[]) => fc.constantFrom(...list).map(text);

export const bodyArb: fc.Arbitrary<FuzzBody> = fc.oneof(
  { weight: 6, arbitrary: labelled('none', fc.constant(undefined)) },
  { weight: 8, arbitrary: labelled('valid-record', validRecord.map(json)) },
  { weight: 5, arbitrary: labelled('record', plausibleRecord.map(json)) },
  { weight: 4, arbitrary: labelled('json-patch', fc.array(patchOp, { maxLength: 4 }).map(json)) },
  { weight: 3, arbitrary: labelled('any-json', fc.jsonValue({ maxDepth: 4 }).map(json)) },
  { weight: 3, arbitrary: labelled('truncated', truncated) },
  {
    weight: 2,
    arbitrary: labelled(
      'garbage-bytes',
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    ),
  },
  { weight: 2, arbitrary: labelled('malformed', fixed(MALFORMED_JSON)) },
  { weight: 1, arbitrary: labelled('empty', fc.constant(Buffer.alloc(0))) },
  { weight: 1, arbitrary: labelled('deep', deep) },
  { weight: 1, arbitrary: labelled('big-array', big) },
  { weight: 1, arbitrary: labelled('huge-string', huge) },
  { weight: 2, arbitrary: labelled('invalid-utf8', invalidUtf8) },
  { weight: 2, arbitrary: labelled('numbers', numbers) },
  { weight: 2, arbitrary: labelled('proto-keys', fixed(PROTO_BODIES)) },
  { weight: 2, arbitrary: labelled('nul', fixed(NUL_BODIES)) },
  { weight: 1, arbitrary: labelled('duplicate-keys', fixed(DUPLICATE_KEY_BODIES)) },
  { weight: 1, arbitrary: labelled('lone-surrogate', fixed(LONE_SURROGATE_BODIES)) },
);

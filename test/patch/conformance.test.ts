import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyMergePatch, PatchError, validatePatchDocument } from '../../src/patch/index.js';

interface PatchRecord {
  doc: unknown;
  patch: unknown;
  expected?: unknown;
  error?: string;
  comment?: string;
  disabled?: boolean;
}

interface MergeRecord {
  target: unknown;
  patch: unknown;
  result: unknown;
}

// Vendored copies (origin and licence in test/patch/vectors/README.md).
const conformanceDir = new URL('./vectors/', import.meta.url);
// The planning folder's originals, next to a checkout when it is there (not in a user's clone).
const sharedDir = new URL('../../../shared/conformance/', import.meta.url);

function load<T>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(name, conformanceDir)), 'utf8')) as T;
}

function run(record: PatchRecord): unknown {
  validatePatchDocument(record.patch);
  return applyJsonPatch(record.doc, record.patch);
}

function label(record: PatchRecord, index: number): string {
  return `#${index}: ${record.comment ?? JSON.stringify(record.patch).slice(0, 80)}`;
}

function defineSuite(file: string, expectedRunnable: number): void {
  const records = load<PatchRecord[]>(file);
  const runnable = records
    .map((record, index) => ({ record, index }))
    .filter(({ record }) => !record.disabled);

  describe(file, () => {
    it(`has ${expectedRunnable} runnable records`, () => {
      expect(runnable).toHaveLength(expectedRunnable);
    });

    for (const { record, index } of runnable) {
      it(label(record, index), () => {
        const before = structuredClone(record.doc);
        if (Object.hasOwn(record, 'expected')) {
          expect(run(record)).toStrictEqual(record.expected);
        } else if (Object.hasOwn(record, 'error')) {
          expect(() => run(record)).toThrow(PatchError);
        } else {
          expect(() => run(record)).not.toThrow();
        }
        expect(record.doc).toStrictEqual(before);
      });
    }
  });
}

describe('conformance data location', () => {
  const files = ['tests.json', 'spec_tests.json', 'merge-patch-tests.json'];
  it('vendors every vector file in test/patch/vectors', () => {
    for (const f of files) expect(existsSync(fileURLToPath(new URL(f, conformanceDir)))).toBe(true);
  });
  const shared = existsSync(fileURLToPath(sharedDir));
  const skipped = ' (skipped: ../shared/conformance is not next to this checkout)';
  if (!shared) console.warn(`[conformance] drift check${skipped}`);
  it.skipIf(!shared)(
    `the vendored copies equal ../shared/conformance byte for byte${shared ? '' : skipped}`,
    () => {
      for (const f of files) {
        const vendored = readFileSync(fileURLToPath(new URL(f, conformanceDir)));
        const original = readFileSync(fileURLToPath(new URL(f, sharedDir)));
        expect(vendored.equals(original), f).toBe(true);
      }
    },
  );
});

defineSuite('tests.json', 92);
defineSuite('spec_tests.json', 16);

describe('leading-zero array indexes', () => {
  const leadingZero = load<PatchRecord[]>('tests.json').filter(
    (record) => !record.disabled && /leading zeros/.test(record.comment ?? ''),
  );

  it('finds both records', () => {
    expect(leadingZero).toHaveLength(2);
  });

  for (const record of leadingZero) {
    it(`refuses ${JSON.stringify(record.patch)} as path-not-found`, () => {
      expect(() => run(record)).toThrow(PatchError);
      try {
        run(record);
      } catch (error) {
        expect((error as PatchError).kind).toBe('path-not-found');
        expect((error as PatchError).operationIndex).toBe(0);
      }
    });
  }
});

describe('merge-patch-tests.json (RFC 7396 Appendix A)', () => {
  const cases = load<MergeRecord[]>('merge-patch-tests.json');

  it('has 15 cases', () => {
    expect(cases).toHaveLength(15);
  });

  cases.forEach((entry, index) => {
    it(`#${index}: ${JSON.stringify(entry.target)} + ${JSON.stringify(entry.patch)}`, () => {
      const target = structuredClone(entry.target);
      const patch = structuredClone(entry.patch);
      expect(applyMergePatch(entry.target, entry.patch)).toStrictEqual(entry.result);
      expect(entry.target).toStrictEqual(target);
      expect(entry.patch).toStrictEqual(patch);
    });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import {
  applyJsonPatch,
  applyMergePatch,
  type JsonPatchOperation,
  PatchError,
  parsePointer,
  validatePatchDocument,
} from '../../src/patch/index.js';

type Kind = PatchError['kind'];

function capture(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PatchError);
    return error as PatchError;
  }
  throw new Error('expected a PatchError to be thrown');
}

/** Applies an arbitrary (possibly invalid) patch document. */
function apply(doc: unknown, patch: unknown): unknown {
  return applyJsonPatch(doc, patch as JsonPatchOperation[]);
}

const protoSnapshot = Object.getOwnPropertyNames(Object.prototype).sort();

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoSnapshot);
  expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  expect(Object.hasOwn(Array.prototype, 'polluted')).toBe(false);
  expect(Object.hasOwn(Object, 'polluted')).toBe(false);
});

describe('prototype pollution', () => {
  const attempts: [unknown, JsonPatchOperation][] = [
    [{}, { op: 'add', path: '/__proto__/polluted', value: 1 }],
    [{}, { op: 'replace', path: '/__proto__/polluted', value: 1 }],
    [{}, { op: 'add', path: '/constructor/prototype/polluted', value: 1 }],
    [{}, { op: 'replace', path: '/constructor/prototype', value: {} }],
    [{ a: 1 }, { op: 'copy', from: '/a', path: '/__proto__/polluted' }],
    [{}, { op: 'copy', from: '/__proto__', path: '/x' }],
    [{ a: 1 }, { op: 'move', from: '/a', path: '/constructor/prototype/polluted' }],
    [{}, { op: 'move', from: '/__proto__/toString', path: '/x' }],
    [{}, { op: 'remove', path: '/__proto__/toString' }],
    [{}, { op: 'test', path: '/constructor', value: {} }],
    [[], { op: 'add', path: '/__proto__/polluted', value: 1 }],
    [[1, 2], { op: 'replace', path: '/length', value: 0 }],
  ];

  for (const [doc, operation] of attempts) {
    it(`${JSON.stringify(operation)} on ${JSON.stringify(doc)} is path-not-found`, () => {
      const error = capture(() => applyJsonPatch(doc, [operation]));
      expect(error.kind).toBe('path-not-found');
      expect(error.operationIndex).toBe(0);
    });
  }

  it('add /__proto__ creates an ordinary own data property', () => {
    const result = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: 1 } }]) as object;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect((result as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an own "__proto__" member (from JSON.parse) is patched as plain data', () => {
    const doc = JSON.parse('{"__proto__":{"a":1}}');
    const result = applyJsonPatch(doc, [
      { op: 'add', path: '/__proto__/polluted', value: 1 },
      { op: 'test', path: '/__proto__', value: { a: 1, polluted: 1 } },
    ]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ a: 1, polluted: 1 });
    expect(Object.getOwnPropertyDescriptor(doc, '__proto__')?.value).toEqual({ a: 1 });
  });

  const mergeAttempts = [
    '{"__proto__":{"polluted":1}}',
    '{"a":{"__proto__":{"polluted":1}}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"__proto__":null}',
  ];
  for (const json of mergeAttempts) {
    it(`merge patch ${json} touches no prototype`, () => {
      const result = applyMergePatch({ a: {} }, JSON.parse(json)) as Record<string, unknown>;
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
      expect(result.polluted).toBeUndefined();
    });
  }

  it('merge patch stores "__proto__" as an own member', () => {
    const result = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":1}}')) as object;
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ polluted: 1 });
    const removed = applyMergePatch(result, JSON.parse('{"__proto__":null}')) as object;
    expect(Object.hasOwn(removed, '__proto__')).toBe(false);
    expect(Object.getPrototypeOf(removed)).toBe(Object.prototype);
  });
});

describe('immutability and atomicity', () => {
  it('applyJsonPatch never mutates the document or the patch', () => {
    const doc = { a: { b: [1, 2] }, c: 'x' };
    const patch: JsonPatchOperation[] = [
      { op: 'add', path: '/n', value: { deep: [] } },
      { op: 'add', path: '/n/deep/-', value: 1 },
      { op: 'remove', path: '/a/b/0' },
      { op: 'move', from: '/c', path: '/d' },
      { op: 'copy', from: '/a', path: '/e' },
    ];
    const docBefore = structuredClone(doc);
    const patchBefore = structuredClone(patch);
    const result = applyJsonPatch(doc, patch) as Record<string, unknown>;
    expect(result).toEqual({ a: { b: [2] }, d: 'x', n: { deep: [1] }, e: { b: [2] } });
    expect(doc).toStrictEqual(docBefore);
    expect(patch).toStrictEqual(patchBefore);
    expect(result.e).not.toBe(result.a);
  });

  it('an error in the 3rd operation leaves the input untouched', () => {
    const doc = { a: 1, list: [1, 2, 3] };
    const before = structuredClone(doc);
    const error = capture(() =>
      applyJsonPatch(doc, [
        { op: 'add', path: '/b', value: 2 },
        { op: 'remove', path: '/list/0' },
        { op: 'remove', path: '/missing' },
      ]),
    );
    expect(error).toMatchObject({ kind: 'path-not-found', operationIndex: 2, pointer: '/missing' });
    expect(doc).toStrictEqual(before);
  });

  it('applyMergePatch never mutates its inputs nor aliases the patch', () => {
    const target = { a: { b: 1, c: 2 }, list: [1] };
    const patch = { a: { c: null, d: { e: 1 } }, list: [2, 3] };
    const [t0, p0] = [structuredClone(target), structuredClone(patch)];
    const result = applyMergePatch(target, patch) as { a: { d: object }; list: number[] };
    expect(result).toEqual({ a: { b: 1, d: { e: 1 } }, list: [2, 3] });
    expect(target).toStrictEqual(t0);
    expect(patch).toStrictEqual(p0);
    expect(result.list).not.toBe(patch.list);
    expect(result.a.d).not.toBe(patch.a.d);
  });
});

describe('error kinds', () => {
  const cases: [string, unknown, unknown, Kind, number | undefined, string | undefined][] = [
    ['patch not an array', {}, { op: 'add' }, 'malformed', undefined, undefined],
    ['operation is null', {}, [null], 'malformed', 0, undefined],
    ['operation is an array', {}, [[]], 'malformed', 0, undefined],
    ['unknown op', {}, [{ op: 'spam', path: '/a' }], 'malformed', 0, '/a'],
    ['missing op', {}, [{ path: '/a', value: 1 }], 'malformed', 0, '/a'],
    ['missing path', {}, [{ op: 'remove' }], 'malformed', 0, undefined],
    ['non-string path', {}, [{ op: 'add', path: 3, value: 1 }], 'malformed', 0, undefined],
    ['missing from', {}, [{ op: 'copy', path: '/a' }], 'malformed', 0, '/a'],
    ['non-string from', {}, [{ op: 'move', from: null, path: '/a' }], 'malformed', 0, '/a'],
    ['missing value', {}, [{ op: 'test', path: '/a' }], 'malformed', 0, '/a'],
    ['path without slash', {}, [{ op: 'add', path: 'a', value: 1 }], 'malformed', 0, 'a'],
    ['from without slash', { a: 1 }, [{ op: 'move', from: 'a', path: '/b' }], 'malformed', 0, '/b'],
    ['bad ~ escape', {}, [{ op: 'add', path: '/a~2', value: 1 }], 'malformed', 0, '/a~2'],
    ['second op malformed', {}, [{ op: 'add', path: '/a', value: 1 }, {}], 'malformed', 1, undefined],
    ['test mismatch', { a: 1 }, [{ op: 'test', path: '/a', value: 2 }], 'test-failed', 0, '/a'],
    ['test array order', { a: [1, 2] }, [{ op: 'test', path: '/a', value: [2, 1] }], 'test-failed', 0, '/a'],
    ['array vs object', { a: [1] }, [{ op: 'test', path: '/a', value: { 0: 1 } }], 'test-failed', 0, '/a'],
    ['null vs absent', { a: {} }, [{ op: 'test', path: '/a', value: { b: null } }], 'test-failed', 0, '/a'],
    ['missing member', { a: 1 }, [{ op: 'remove', path: '/b' }], 'path-not-found', 0, '/b'],
    ['index past end', [1], [{ op: 'replace', path: '/1', value: 0 }], 'path-not-found', 0, '/1'],
    ['add index past end', [1], [{ op: 'add', path: '/2', value: 0 }], 'path-not-found', 0, '/2'],
    ['leading zero', [1, 2], [{ op: 'remove', path: '/01' }], 'path-not-found', 0, '/01'],
    ['non-numeric index', [1], [{ op: 'test', path: '/a', value: 1 }], 'path-not-found', 0, '/a'],
    ['negative index', [1], [{ op: 'add', path: '/-1', value: 1 }], 'path-not-found', 0, '/-1'],
    ['- in replace', [1], [{ op: 'replace', path: '/-', value: 1 }], 'path-not-found', 0, '/-'],
    ['- in remove', [1], [{ op: 'remove', path: '/-' }], 'path-not-found', 0, '/-'],
    ['- in from', [1], [{ op: 'copy', from: '/-', path: '/0' }], 'path-not-found', 0, '/0'],
    ['move into child', { a: {} }, [{ op: 'move', from: '/a', path: '/a/b' }], 'path-not-found', 0, '/a/b'],
    ['missing parent', {}, [{ op: 'add', path: '/a/b', value: 1 }], 'path-not-found', 0, '/a/b'],
    ['non-container parent', { a: 1 }, [{ op: 'add', path: '/a/b', value: 1 }], 'path-not-found', 0, '/a/b'],
    ['remove the root', { a: 1 }, [{ op: 'remove', path: '' }], 'path-not-found', 0, ''],
  ];

  for (const [name, doc, patch, kind, operationIndex, pointer] of cases) {
    it(`${name} -> ${kind}`, () => {
      const before = structuredClone(doc);
      const error = capture(() => apply(doc, patch));
      expect({ kind: error.kind, operationIndex: error.operationIndex, pointer: error.pointer }).toEqual({
        kind,
        operationIndex,
        pointer,
      });
      expect(error.name).toBe('PatchError');
      expect(doc).toStrictEqual(before);
      if (kind === 'malformed') expect(() => validatePatchDocument(patch)).toThrow(PatchError);
      else expect(() => validatePatchDocument(patch)).not.toThrow();
    });
  }

  it('a malformed later op is reported before any op is applied', () => {
    const error = capture(() =>
      apply({}, [
        { op: 'test', path: '/x', value: 1 },
        { op: 'nope', path: '/a' },
      ]),
    );
    expect(error).toMatchObject({ kind: 'malformed', operationIndex: 1 });
  });
});

describe('semantics', () => {
  it('parses RFC 6901 escapes in order (~1 then ~0)', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/')).toEqual(['']);
    expect(parsePointer('/a~1b/m~0n/~01')).toEqual(['a/b', 'm~n', '~1']);
    expect(() => parsePointer('a')).toThrow(PatchError);
  });

  it('test compares objects regardless of key order and numbers by value', () => {
    const doc = { o: { a: 1, b: [1.0, { c: null }] } };
    expect(() =>
      applyJsonPatch(doc, [{ op: 'test', path: '/o', value: JSON.parse('{"b":[1.0,{"c":null}],"a":1.0}') }]),
    ).not.toThrow();
  });

  it('handles array add/move edge cases', () => {
    expect(applyJsonPatch([1, 2], [{ op: 'add', path: '/2', value: 3 }])).toEqual([1, 2, 3]);
    expect(applyJsonPatch([1, 2], [{ op: 'add', path: '/-', value: 3 }])).toEqual([1, 2, 3]);
    expect(applyJsonPatch({ '-': 0 }, [{ op: 'replace', path: '/-', value: 1 }])).toEqual({ '-': 1 });
    expect(applyJsonPatch([1, 2, 3], [{ op: 'move', from: '/0', path: '/-' }])).toEqual([2, 3, 1]);
    expect(applyJsonPatch({ a: 1 }, [{ op: 'move', from: '/a', path: '/a' }])).toEqual({ a: 1 });
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }])).toEqual([1]);
  });
});

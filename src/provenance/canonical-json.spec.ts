import { expect } from '@jest/globals';
import fc from 'fast-check';

import { canonicalJson } from './canonical-json.js';
import { ProvenanceErrorCode } from './provenance-error.js';

/** Rebuilds every object of a JSON value with its keys inserted in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

const jsonArb = fc.jsonValue({ maxDepth: 4 });

describe('canonicalJson', () => {
  it('writes sorted keys at every depth without whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x y' } })).toBe('{"a":{"c":"x y","d":[3,{"y":true,"z":null}]},"b":1}');
    expect(canonicalJson({ é: 1, e: 2, Z: 3, '10': 4, '9': 5 })).toBe('{"10":4,"9":5,"Z":3,"e":2,"é":1}');
    expect(canonicalJson([1.5, -0, 1e21, 'a"\n'])).toBe('[1.5,0,1e+21,"a\\"\\n"]');
  });

  it('does not depend on key insertion order, and parses back to an equal value', () => {
    fc.assert(
      fc.property(jsonArb, (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(reverseKeys(value))).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 500, seed: 31 },
    );
  });

  it('rejects values JSON cannot say exactly once', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    // [1, <hole>, 3]
    const sparse = new Array<number>(3);
    sparse[0] = 1;
    sparse[2] = 3;
    const bad: unknown[] = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      { a: Number.NEGATIVE_INFINITY },
      undefined,
      { a: undefined },
      [undefined],
      1n,
      () => 1,
      Symbol('s'),
      new Date(0),
      new Map(),
      sparse,
      cyclic,
    ];
    for (const value of bad) {
      expect(() => canonicalJson(value)).toThrow(expect.objectContaining({ code: ProvenanceErrorCode.NOT_CANONICAL_JSON }));
    }
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { k: 1 }))).toBe('{"k":1}');
  });
});

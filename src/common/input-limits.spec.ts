import { MAX_JSON_DEPTH, nestsDeeperThan, unsafeTextPath } from './input-limits.js';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
}

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, and handles any depth without recursion', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan({ title: nested(20_000) }, MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(undefined, 0)).toBe(false);
  });
});

describe('unsafeTextPath', () => {
  it('names the field holding a NUL or a lone surrogate', () => {
    expect(unsafeTextPath({ title: 'ok', description: 'a\u0000b' })).toBe('description');
    expect(unsafeTextPath({ items: [{ deviceId: 'x' }, { deviceId: 'cam\uD800' }] })).toBe('items[1].deviceId');
    expect(unsafeTextPath({ tags: ['a', '\uDC00b'] })).toBe('tags[1]');
    expect(unsafeTextPath('winter\u0000roads', 'q')).toBe('q');
    expect(unsafeTextPath({ 'k\u0000': 1 })).toBe('body (a property name)');
  });

  it('lets well-formed text through, surrogate pairs included', () => {
    expect(unsafeTextPath({ title: 'Straßen 🚗 データ', n: 3, ok: true, none: null })).toBeNull();
    expect(unsafeTextPath('plain', 'id')).toBeNull();
    expect(unsafeTextPath(undefined)).toBeNull();
  });
});

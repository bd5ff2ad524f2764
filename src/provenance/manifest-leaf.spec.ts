import { createHash } from 'node:crypto';
import { expect } from '@jest/globals';
import fc from 'fast-check';

import { decodeManifestLeaf, encodeManifestLeaf, manifestLeafString, manifestLeaves, type ManifestEntry } from './manifest-leaf.js';
import { buildMerkleTree, hashLeaf, merkleProof, toHex, verifyMerkleProof } from './merkle-tree.js';
import { ProvenanceErrorCode } from './provenance-error.js';

const entry: ManifestEntry = {
  datasetId: '6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c',
  version: 2,
  captureId: '0e8d7c6b-5a49-4382-a716-b5c4d3e2f1a0',
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  sizeBytes: 0,
  path: 'drive-01/cam front/frame_000001.jpg',
};

const rejects = (patch: Partial<Record<keyof ManifestEntry, unknown>>): void => {
  expect(() => encodeManifestLeaf({ ...entry, ...patch } as ManifestEntry)).toThrow(
    expect.objectContaining({ code: ProvenanceErrorCode.INVALID_MANIFEST_ENTRY }),
  );
};

const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const pathArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .map((path) => path.normalize('NFC'))
  .filter((path) => !/[\p{Cc}\u2028\u2029|]/u.test(path) && path.length > 0);
const entryArb = fc.record({
  datasetId: idArb,
  version: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  captureId: idArb,
  sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex')),
  sizeBytes: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  path: pathArb,
});

describe('manifest leaf encoding (dsv1)', () => {
  it('is exactly the documented pipe-separated UTF-8 string', () => {
    const expected =
      'dsv1|6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c|2|0e8d7c6b-5a49-4382-a716-b5c4d3e2f1a0|' +
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855|0|drive-01/cam front/frame_000001.jpg';
    expect(manifestLeafString(entry)).toBe(expected);
    expect(encodeManifestLeaf(entry).equals(Buffer.from(expected, 'utf8'))).toBe(true);
    expect(
      encodeManifestLeaf({ ...entry, path: 'straße/ü.bin' })
        .subarray(-14)
        .toString('hex'),
    ).toBe('73747261c39f652fc3bc2e62696e');
  });

  it('hashes to the leaf hash printed in README.md', () => {
    const inner = createHash('sha256').update(encodeManifestLeaf(entry)).digest();
    const leafHash = createHash('sha256')
      .update(Buffer.from([0x00]))
      .update(inner)
      .digest('hex');
    expect(leafHash).toBe('ffaa1943fb8875d5aacd4cccc46945ed9346c980ba2dc787caf42973bebf7701');
    expect(toHex(hashLeaf(encodeManifestLeaf(entry)))).toBe(leafHash);
  });

  it('decodes back to the same entry for any valid input (so two entries never share leaf bytes)', () => {
    fc.assert(
      fc.property(entryArb, (input) => {
        expect(decodeManifestLeaf(encodeManifestLeaf(input))).toEqual(input);
      }),
      { numRuns: 1000, seed: 11 },
    );
  });

  it('rejects ambiguous or malformed paths', () => {
    for (const path of [
      '',
      'a|b',
      'a\nb',
      'a\rb',
      'a\u0000b',
      'tab\there',
      'a\u007fb',
      'a\u0085b',
      'a\u2028b',
      'a\ud800b',
      'e\u0301.jpg',
      'x'.repeat(1025),
      42,
    ]) {
      rejects({ path });
    }
    expect(() => encodeManifestLeaf({ ...entry, path: 'x'.repeat(1024) })).not.toThrow();
    expect(() => encodeManifestLeaf({ ...entry, path: 'é/😀.png' })).not.toThrow();
  });

  it('rejects a sha256 that is not 64 lowercase hex digits', () => {
    for (const sha256 of [entry.sha256.toUpperCase(), entry.sha256.slice(1), `${entry.sha256}0`, `g${entry.sha256.slice(1)}`, '', undefined]) {
      rejects({ sha256 });
    }
  });

  it('rejects sizes and versions that are not safe integers in range', () => {
    for (const sizeBytes of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '10', 10n]) rejects({ sizeBytes });
    for (const version of [0, -1, 1.5, 2 ** 53, '1']) rejects({ version });
  });

  it('rejects ids outside [A-Za-z0-9_-]{1,64}', () => {
    for (const id of ['', 'a|b', 'a:b', 'a b', 'é', 'a'.repeat(65)]) {
      rejects({ datasetId: id });
      rejects({ captureId: id });
    }
  });

  it('decodes only bytes the encoder could have produced', () => {
    const good = manifestLeafString(entry);
    const bad = [
      good.replace('dsv1', 'dsv2'),
      good.replace('dsv1', 'spl1'),
      good.replace('|0|', '|00|'),
      good.replace('|2|', '|02|'),
      `${good}|extra`,
      `${good}\n`,
      good.split('|').slice(0, 6).join('|'),
    ].map((text) => Buffer.from(text, 'utf8'));
    bad.push(Buffer.concat([Buffer.from(good, 'utf8'), Buffer.from([0xff])]));
    for (const bytes of bad) expect(() => decodeManifestLeaf(bytes)).toThrow();
    expect(decodeManifestLeaf(Buffer.from(good, 'utf8'))).toEqual(entry);
  });
});

describe('manifestLeaves', () => {
  const files = ['b.bin', 'a/1.bin', '\u{1F600}.bin', '\uFF5E.bin', 'a.bin'].map((path, i) => ({ ...entry, path, sizeBytes: i }));

  it('orders by UTF-8 bytes of the path, so any row order gives the same root', () => {
    const { entries } = manifestLeaves(files);
    expect(entries.map((e) => e.path)).toEqual(['a.bin', 'a/1.bin', 'b.bin', '\uFF5E.bin', '\u{1F600}.bin']);
    fc.assert(
      fc.property(fc.shuffledSubarray(files, { minLength: files.length }), (shuffled) => {
        expect(buildMerkleTree(manifestLeaves(shuffled).leaves).root.equals(buildMerkleTree(manifestLeaves(files).leaves).root)).toBe(true);
      }),
      { numRuns: 50, seed: 12 },
    );
  });

  it('gives every file a proof at its sorted index', () => {
    const { entries, leaves } = manifestLeaves(files);
    const tree = buildMerkleTree(leaves);
    entries.forEach((e, i) => {
      expect(verifyMerkleProof(encodeManifestLeaf(e), merkleProof(tree, i), tree.root)).toBe(true);
    });
  });

  it('rejects duplicate paths and entries of another dataset version', () => {
    expect(() => manifestLeaves([...files, { ...files[0], sizeBytes: 99 }])).toThrow(/duplicate path/);
    expect(() => manifestLeaves([...files, { ...entry, path: 'z.bin', version: 3 }])).toThrow(/same dataset version/);
    expect(() => manifestLeaves([...files, { ...entry, path: 'z.bin', datasetId: 'other' }])).toThrow(/same dataset version/);
  });
});

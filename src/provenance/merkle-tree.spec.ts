import { createHash } from 'node:crypto';
import { expect } from '@jest/globals';
import fc from 'fast-check';

import {
  buildMerkleTree,
  hashFromHex,
  hashNode,
  merkleProof,
  proofFromHex,
  proofToHex,
  toHex,
  verifyMerkleProof,
  type MerkleTree,
} from './merkle-tree.js';
import { ProvenanceError, ProvenanceErrorCode } from './provenance-error.js';

// Independent of the module under test: the formulas written out again with node:crypto.
const H = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const L = (data: string | Uint8Array): Buffer => H(Buffer.from([0x00]), H(typeof data === 'string' ? Buffer.from(data) : data));
const N = (a: Buffer, b: Buffer): Buffer => (Buffer.compare(a, b) <= 0 ? H(Buffer.from([0x01]), a, b) : H(Buffer.from([0x01]), b, a));
// Root of the leaves 'a', 'b', 'c' (ASCII bytes), as printed in README.md for implementers in other languages.
const README_VECTOR_ROOT = 'c4a4805e4d4b30d79f415154dd9ac637d9c60e9d9abe0582b34b8d37398af28c';
const leaves = (...texts: string[]): Buffer[] => texts.map((text) => Buffer.from(text));

const leafArb = fc.uint8Array({ minLength: 0, maxLength: 48 });
const treeLeavesArb = fc.array(leafArb, { minLength: 1, maxLength: 200 });
const distinctLeavesArb = fc.uniqueArray(leafArb, { minLength: 2, maxLength: 200, selector: (leaf) => Buffer.from(leaf).toString('hex') });

/** Sibling path of the node at (level, index) up to the root: the tail of a leaf proof. */
function proofFromLevel(tree: MerkleTree, level: number, index: number): Buffer[] {
  const proof: Buffer[] = [];
  for (let depth = level, i = index; depth < tree.levels.length - 1; depth++, i >>= 1) {
    if ((i ^ 1) < tree.levels[depth].length) proof.push(tree.levels[depth][i ^ 1]);
  }
  return proof;
}

describe('buildMerkleTree known answers', () => {
  it('one leaf: the root is its leaf hash', () => {
    expect(buildMerkleTree(leaves('a')).root.equals(L('a'))).toBe(true);
  });

  it('two leaves: H(0x01 || sorted pair)', () => {
    expect(buildMerkleTree(leaves('a', 'b')).root.equals(N(L('a'), L('b')))).toBe(true);
    // The pair is sorted, so the order of two leaves does not change the root.
    expect(buildMerkleTree(leaves('b', 'a')).root.equals(N(L('a'), L('b')))).toBe(true);
  });

  it('three leaves: the odd third leaf is promoted unchanged, not duplicated', () => {
    const tree = buildMerkleTree(leaves('a', 'b', 'c'));
    expect(tree.root.equals(N(N(L('a'), L('b')), L('c')))).toBe(true);
    expect(tree.levels.map((level) => level.length)).toEqual([3, 2, 1]);
    expect(tree.root.equals(buildMerkleTree(leaves('a', 'b', 'c', 'c')).root)).toBe(false);
    expect(merkleProof(tree, 2).map(toHex)).toEqual([toHex(N(L('a'), L('b')))]);
  });

  it('four leaves: a balanced tree', () => {
    const tree = buildMerkleTree(leaves('a', 'b', 'c', 'd'));
    expect(tree.root.equals(N(N(L('a'), L('b')), N(L('c'), L('d'))))).toBe(true);
    expect(merkleProof(tree, 2).map(toHex)).toEqual([toHex(L('d')), toHex(N(L('a'), L('b')))]);
  });

  it('matches the fixed cross-language vector published in README.md', () => {
    expect(toHex(buildMerkleTree(leaves('a', 'b', 'c')).root)).toBe(README_VECTOR_ROOT);
  });

  it('refuses an empty tree and out-of-range proof indexes with typed errors', () => {
    expect(() => buildMerkleTree([])).toThrow(ProvenanceError);
    expect(() => buildMerkleTree([])).toThrow(/at least one leaf/);
    const tree = buildMerkleTree(leaves('a', 'b'));
    for (const index of [-1, 2, 0.5, Number.NaN]) {
      expect(() => merkleProof(tree, index)).toThrow(expect.objectContaining({ code: ProvenanceErrorCode.LEAF_INDEX_OUT_OF_RANGE }));
    }
  });
});

describe('Merkle proofs (property-based)', () => {
  it('every proof of every random tree verifies, and is no longer than ceil(log2 n)', () => {
    fc.assert(
      fc.property(treeLeavesArb, (input) => {
        const tree = buildMerkleTree(input);
        input.forEach((leaf, index) => {
          const proof = merkleProof(tree, index);
          expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(input.length)));
          expect(verifyMerkleProof(leaf, proof, tree.root)).toBe(true);
        });
      }),
      { numRuns: 300, seed: 4 },
    );
  });

  it('a changed leaf does not verify', () => {
    fc.assert(
      fc.property(treeLeavesArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 }), (input, pick, extra) => {
        const index = pick % input.length;
        const tree = buildMerkleTree(input);
        const changed = Buffer.concat([input[index], extra]);
        expect(verifyMerkleProof(changed, merkleProof(tree, index), tree.root)).toBe(false);
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it("a leaf with another index's proof does not verify", () => {
    fc.assert(
      fc.property(distinctLeavesArb, fc.nat(), fc.nat(), (input, a, b) => {
        const i = a % input.length;
        const j = (i + 1 + (b % (input.length - 1))) % input.length;
        const tree = buildMerkleTree(input);
        expect(verifyMerkleProof(input[j], merkleProof(tree, i), tree.root)).toBe(false);
      }),
      { numRuns: 300, seed: 6 },
    );
  });

  it('a truncated proof does not verify', () => {
    fc.assert(
      fc.property(distinctLeavesArb, fc.nat(), (input, pick) => {
        const index = pick % input.length;
        const tree = buildMerkleTree(input);
        const proof = merkleProof(tree, index);
        expect(verifyMerkleProof(input[index], proof.slice(0, -1), tree.root)).toBe(false);
        expect(verifyMerkleProof(input[index], proof.slice(1), tree.root)).toBe(false);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it("a proof does not verify against another tree's root", () => {
    fc.assert(
      fc.property(distinctLeavesArb, fc.nat(), fc.nat(), (input, a, b) => {
        const index = a % input.length;
        const replaced = b % input.length;
        const other = input.map((leaf, k) => (k === replaced ? Buffer.concat([Buffer.from('other:'), leaf]) : leaf));
        const tree = buildMerkleTree(input);
        const otherTree = buildMerkleTree(other);
        expect(otherTree.root.equals(tree.root)).toBe(false);
        expect(verifyMerkleProof(input[index], merkleProof(tree, index), otherTree.root)).toBe(false);
      }),
      { numRuns: 300, seed: 8 },
    );
  });

  it('second preimage: an internal node presented as a leaf never verifies', () => {
    fc.assert(
      fc.property(distinctLeavesArb, (input) => {
        const tree = buildMerkleTree(input);
        for (let level = 1; level < tree.levels.length; level++) {
          const below = tree.levels[level - 1];
          for (let index = 0; 2 * index + 1 < below.length; index++) {
            const node = tree.levels[level][index];
            const [lo, hi] = [below[2 * index], below[2 * index + 1]].sort((a, b) => Buffer.compare(a, b));
            const tail = proofFromLevel(tree, level, index);
            // Without leaf/node separation, the node hash plus the tail of the path would reach the root:
            expect(tail.reduce<Buffer>((acc, sibling) => hashNode(acc, sibling), node).equals(tree.root)).toBe(true);
            for (const forged of [node, Buffer.concat([lo, hi]), Buffer.concat([Buffer.from([0x01]), lo, hi])]) {
              expect(verifyMerkleProof(forged, tail, tree.root)).toBe(false);
            }
          }
        }
      }),
      { numRuns: 100, seed: 9 },
    );
  });
});

describe('verifyMerkleProof input checks and hex helpers', () => {
  const tree = buildMerkleTree(leaves('a', 'b', 'c', 'd'));
  const proof = merkleProof(tree, 0);

  it('returns false for a root or sibling that is not 32 bytes', () => {
    expect(verifyMerkleProof(Buffer.from('a'), proof, tree.root)).toBe(true);
    expect(verifyMerkleProof(Buffer.from('a'), proof, tree.root.subarray(0, 31))).toBe(false);
    expect(verifyMerkleProof(Buffer.from('a'), [proof[0].subarray(0, 31), proof[1]], tree.root)).toBe(false);
  });

  it('round-trips proofs through lowercase hex and rejects other spellings', () => {
    expect(proofFromHex(proofToHex(proof)).every((sibling, i) => sibling.equals(proof[i]))).toBe(true);
    expect(hashFromHex(toHex(tree.root)).equals(tree.root)).toBe(true);
    for (const bad of [toHex(tree.root).toUpperCase(), toHex(tree.root).slice(2), `${toHex(tree.root)}00`, 'z'.repeat(64), '']) {
      expect(() => hashFromHex(bad)).toThrow(expect.objectContaining({ code: ProvenanceErrorCode.INVALID_HEX }));
    }
  });
});

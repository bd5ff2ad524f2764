import { hash } from 'node:crypto';
import { ProvenanceError, ProvenanceErrorCode } from './provenance-error.js';

/**
 * SHA-256 Merkle tree with domain separation (as jito-foundation/distributor does):
 *
 *   leafHash = H(0x00 || H(leafBytes))
 *   node     = H(0x01 || min(a, b) || max(a, b))      min/max compare the 32-byte hashes bytewise
 *
 * The prefixes keep a leaf from ever being read as an internal node (second preimage: nobody can present the
 * 64 bytes of two child hashes, or a node hash, as a "leaf" of the same tree). Sorting each pair means a proof is
 * just the list of sibling hashes, bottom-up, with no left/right flags, so a verifier is a five-line fold.
 * Sorting also means the proof does not bind the leaf's position: leaf encodings must name what they are about
 * (path, payee) themselves, which ours do.
 *
 * An odd node at the end of a level is promoted unchanged to the next level (not duplicated: duplicating would
 * let [a, b, c] and [a, b, c, c] share a root). Its proof simply has no sibling for that level.
 */
export const LEAF_PREFIX = 0x00;
export const NODE_PREFIX = 0x01;
export const HASH_BYTES = 32;

export interface MerkleTree {
  readonly root: Buffer;
  /** Level 0, in input order. */
  readonly leafHashes: readonly Buffer[];
  /** levels[0] = leafHashes, levels[levels.length - 1] = [root]. */
  readonly levels: readonly (readonly Buffer[])[];
}

export function sha256(...parts: Uint8Array[]): Buffer {
  // One-shot hashing skips the Hash object's set-up: about 40% faster for the short inputs of a tree.
  return hash('sha256', parts.length === 1 ? parts[0] : Buffer.concat(parts), 'buffer');
}

export function hashLeaf(leafBytes: Uint8Array): Buffer {
  return sha256(Uint8Array.of(LEAF_PREFIX), sha256(leafBytes));
}

export function hashNode(a: Uint8Array, b: Uint8Array): Buffer {
  const [lo, hi] = Buffer.compare(a, b) <= 0 ? [a, b] : [b, a];
  return sha256(Uint8Array.of(NODE_PREFIX), lo, hi);
}

export function buildMerkleTree(leaves: readonly Uint8Array[]): MerkleTree {
  if (leaves.length === 0) {
    throw new ProvenanceError(ProvenanceErrorCode.EMPTY_TREE, 'A Merkle tree needs at least one leaf; an empty manifest or split has no root');
  }
  const leafHashes = leaves.map(hashLeaf);
  const levels: Buffer[][] = [leafHashes];
  let level = leafHashes;
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(hashNode(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    levels.push(next);
    level = next;
  }
  return { root: level[0], leafHashes, levels };
}

/** Sibling hashes from the leaf up to (not including) the root; levels where the node was promoted add nothing. */
export function merkleProof(tree: MerkleTree, index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= tree.leafHashes.length) {
    throw new ProvenanceError(ProvenanceErrorCode.LEAF_INDEX_OUT_OF_RANGE, `Leaf index ${index} is outside 0..${tree.leafHashes.length - 1}`);
  }
  const proof: Buffer[] = [];
  let i = index;
  for (let depth = 0; depth < tree.levels.length - 1; depth++) {
    const level = tree.levels[depth];
    const sibling = i ^ 1;
    if (sibling < level.length) proof.push(level[sibling]);
    i >>= 1;
  }
  return proof;
}

/** Folds the proof over hashLeaf(leafBytes) and compares the result with the root. */
export function verifyMerkleProof(leafBytes: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (root.length !== HASH_BYTES || proof.some((sibling) => sibling.length !== HASH_BYTES)) return false;
  const computed = proof.reduce<Buffer>((node, sibling) => hashNode(node, sibling), hashLeaf(leafBytes));
  return computed.equals(root);
}

const HEX_32 = /^[0-9a-f]{64}$/;

/** Lowercase hex, the one spelling used in memos, APIs and leaf encodings. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Parses exactly 64 lowercase hex characters (a SHA-256 hash); anything else throws. */
export function hashFromHex(hex: string): Buffer {
  if (!HEX_32.test(hex)) {
    throw new ProvenanceError(ProvenanceErrorCode.INVALID_HEX, 'Expected a SHA-256 hash as 64 lowercase hex characters');
  }
  return Buffer.from(hex, 'hex');
}

export function isHash32Hex(value: string): boolean {
  return HEX_32.test(value);
}

export function proofToHex(proof: readonly Uint8Array[]): string[] {
  return proof.map(toHex);
}

export function proofFromHex(proof: readonly string[]): Buffer[] {
  return proof.map(hashFromHex);
}

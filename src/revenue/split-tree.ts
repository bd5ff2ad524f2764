import { hash } from 'node:crypto';
import { HASH_BYTES, LEAF_PREFIX, NODE_PREFIX, buildMerkleTree, merkleProof, proofToHex, toHex } from '../provenance/merkle-tree.js';
import { ProvenanceError, ProvenanceErrorCode } from '../provenance/provenance-error.js';
import {
  SPLIT_LEAF_TAG,
  type SplitCurrency,
  type SplitRole,
  type SplitRow,
  assertSplitRow,
  encodeSplitLeaf,
  splitLeafString,
} from '../provenance/split-leaf.js';

/** One row of a recorded split, in leaf order; userId is null for the platform row. */
export interface SplitRowRecord {
  leafIndex: number;
  payee: string;
  role: SplitRole;
  userId: string | null;
  amount: bigint;
}

export interface SplitParty {
  role: SplitRole;
  /** What the leaf names: a base58 wallet, else the user id (the platform: the treasury wallet). */
  payee: string;
  userId: string | null;
  amount: bigint;
}

function leafRow(splitId: string, currency: SplitCurrency, party: Pick<SplitParty, 'payee' | 'role' | 'amount'>): SplitRow {
  return { splitId, payee: party.payee, role: party.role, currency, amount: party.amount.toString() };
}

/**
 * The root of src/provenance/merkle-tree.ts's tree over these leaves (in this order), computed cheaply: a sale can
 * have 10,001 leaves, i.e. about 30,000 hashes. Each is one one-shot `hash` call over a reused scratch buffer, and
 * hashes travel as latin1 ('binary') strings (one character per byte) rather than Buffers: a Buffer per hash costs more than
 * the hash, and latin1 strings compare in byte order, as the tree's sorted pairs need. split-tree.spec.ts checks it
 * against buildMerkleTree.
 */
export function splitMerkleRoot(leaves: readonly string[]): Buffer {
  if (leaves.length === 0) return buildMerkleTree([]).root; // throws the tree's own "empty" error
  const scratch = Buffer.allocUnsafe(1 + 2 * HASH_BYTES);
  const leafInput = scratch.subarray(0, 1 + HASH_BYTES);
  let level = new Array<string>(leaves.length);
  scratch[0] = LEAF_PREFIX;
  for (let i = 0; i < leaves.length; i += 1) {
    scratch.write(hash('sha256', leaves[i], 'binary'), 1, 'latin1'); // the leaf string is hashed as UTF-8 (ASCII)
    level[i] = hash('sha256', leafInput, 'binary');
  }
  scratch[0] = NODE_PREFIX;
  while (level.length > 1) {
    const next = new Array<string>(Math.ceil(level.length / 2));
    for (let i = 0; i + 1 < level.length; i += 2) {
      const [lo, hi] = level[i] <= level[i + 1] ? [level[i], level[i + 1]] : [level[i + 1], level[i]];
      scratch.write(lo, 1, 'latin1');
      scratch.write(hi, 1 + HASH_BYTES, 'latin1');
      next[i >> 1] = hash('sha256', scratch, 'binary');
    }
    if (level.length % 2 === 1) next[next.length - 1] = level[level.length - 1];
    level = next;
  }
  return Buffer.from(level[0], 'latin1');
}

/**
 * Orders a split's parties by their `spl1` leaf bytes (src/provenance/split-leaf.ts, same order as its splitLeaves):
 * the rows in leaf order and the leaf strings, every field validated. Throws on a bad field or a payee twice in a role.
 */
export function orderSplitLeaves(
  splitId: string,
  currency: SplitCurrency,
  parties: readonly SplitParty[],
): { rows: SplitRowRecord[]; leaves: string[] } {
  const seen = new Set<string>();
  for (const party of parties) {
    const key = `${party.role}|${party.payee}`;
    if (seen.has(key)) throw new ProvenanceError(ProvenanceErrorCode.INVALID_SPLIT_ROW, `payee ${party.payee} appears twice as ${party.role}`);
    seen.add(key);
  }
  // Every leaf is `spl1|<splitId>|` then `<payee>|<role>|<currency>|<amount>` (splitLeafString; the spec checks the
  // two spellings agree), so the leaves sort as their tails do. assertSplitRow validates every field; all are ASCII,
  // so the default string sort (UTF-16 code units) is their byte order.
  const prefix = `${SPLIT_LEAF_TAG}|${splitId}|`;
  const row: SplitRow = { splitId, payee: '', role: 'contributor', currency, amount: '' };
  const partyOfTail = new Map<string, SplitParty>();
  const tails = parties.map((party) => {
    row.payee = party.payee;
    row.role = party.role;
    row.amount = party.amount.toString();
    assertSplitRow(row);
    const tail = `${row.payee}|${row.role}|${currency}|${row.amount}`;
    partyOfTail.set(tail, party);
    return tail;
  });
  tails.sort();
  const rows = tails.map((tail, leafIndex) => {
    const party = partyOfTail.get(tail) as SplitParty;
    return { leafIndex, payee: party.payee, role: party.role, userId: party.userId, amount: party.amount };
  });
  return { rows, leaves: tails.map((tail) => prefix + tail) };
}

/** orderSplitLeaves, then the Merkle root (src/provenance/merkle-tree.ts) the on-chain memo records, as hex. */
export function buildSplitRecord(
  splitId: string,
  currency: SplitCurrency,
  parties: readonly SplitParty[],
): { rows: SplitRowRecord[]; merkleRoot: string } {
  const { rows, leaves } = orderSplitLeaves(splitId, currency, parties);
  return { rows, merkleRoot: toHex(splitMerkleRoot(leaves)) };
}

/** The leaf string and proof (sibling hashes, bottom-up, hex) of each wanted row; `rows` must be the whole split in leaf order. */
export function splitProofs(
  splitId: string,
  currency: SplitCurrency,
  rows: readonly SplitRowRecord[],
  wanted: readonly number[],
): { merkleRoot: string; proofs: Map<number, { leaf: string; proof: string[] }> } {
  const tree = buildMerkleTree(rows.map((row) => encodeSplitLeaf(leafRow(splitId, currency, row))));
  const proofs = new Map(
    wanted.map((index) => [index, { leaf: splitLeafString(leafRow(splitId, currency, rows[index])), proof: proofToHex(merkleProof(tree, index)) }]),
  );
  return { merkleRoot: toHex(tree.root), proofs };
}

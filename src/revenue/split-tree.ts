import { buildMerkleTree, merkleProof, proofToHex, toHex } from '../provenance/merkle-tree.js';
import { type SplitCurrency, type SplitRole, type SplitRow, encodeSplitLeaf, splitLeafString, splitLeaves } from '../provenance/split-leaf.js';

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
 * Orders a split's parties by their `spl1` leaf bytes (src/provenance/split-leaf.ts) and computes the Merkle root
 * (src/provenance/merkle-tree.ts) the on-chain memo records.
 */
export function buildSplitRecord(splitId: string, currency: SplitCurrency, parties: readonly SplitParty[]): { rows: SplitRowRecord[]; merkleRoot: string } {
  const byKey = new Map(parties.map((party) => [`${party.role}|${party.payee}`, party]));
  const { rows, leaves } = splitLeaves(parties.map((party) => leafRow(splitId, currency, party)));
  const records = rows.map((row, leafIndex) => {
    const party = byKey.get(`${row.role}|${row.payee}`) as SplitParty;
    return { leafIndex, payee: party.payee, role: party.role, userId: party.userId, amount: party.amount };
  });
  return { rows: records, merkleRoot: toHex(buildMerkleTree(leaves).root) };
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

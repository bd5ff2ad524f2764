import { hashFromHex, proofFromHex, verifyMerkleProof } from '../provenance/merkle-tree.js';
import { buildSplitRecord, type SplitParty, splitProofs } from './split-tree.js';

const SPLIT = '7d0c3a52-3f0e-4c1b-9d6b-1f2e3d4c5b6a';
const parties: SplitParty[] = [
  { role: 'platform', payee: 'TreasuryWa11et1111111111111111111111111111', userId: null, amount: 150n },
  { role: 'contributor', payee: 'b0000000-0000-4000-8000-000000000002', userId: 'b0000000-0000-4000-8000-000000000002', amount: 425n },
  { role: 'contributor', payee: 'Wa11etOfA1ice111111111111111111111111111111', userId: 'a0000000-0000-4000-8000-000000000001', amount: 425n },
];

describe('split records (spl1 leaves, Merkle root and proofs)', () => {
  it('orders rows by leaf bytes, keeps who each row belongs to, and gives every row a proof of the root', () => {
    const { rows, merkleRoot } = buildSplitRecord(SPLIT, 'USD', parties);
    expect(rows.map((row) => row.payee)).toEqual([
      'TreasuryWa11et1111111111111111111111111111',
      'Wa11etOfA1ice111111111111111111111111111111',
      'b0000000-0000-4000-8000-000000000002',
    ].sort((a, b) => (`spl1|${SPLIT}|${a}` < `spl1|${SPLIT}|${b}` ? -1 : 1)));
    expect(rows.map((row) => row.leafIndex)).toEqual([0, 1, 2]);
    expect(rows.find((row) => row.payee.startsWith('Wa11etOfA1ice'))?.userId).toBe('a0000000-0000-4000-8000-000000000001');
    const { proofs, merkleRoot: rebuilt } = splitProofs(SPLIT, 'USD', rows, [0, 1, 2]);
    expect(rebuilt).toBe(merkleRoot);
    for (const row of rows) {
      const { leaf, proof } = proofs.get(row.leafIndex)!;
      expect(leaf).toBe(`spl1|${SPLIT}|${row.payee}|${row.role}|USD|${row.amount}`);
      expect(verifyMerkleProof(Buffer.from(leaf), proofFromHex(proof), hashFromHex(merkleRoot))).toBe(true);
      expect(verifyMerkleProof(Buffer.from(leaf.replace('|USD|', '|USDC|')), proofFromHex(proof), hashFromHex(merkleRoot))).toBe(false);
    }
  });

  it('gives the same root whatever order the parties come in, and another root for another amount or currency', () => {
    const { merkleRoot } = buildSplitRecord(SPLIT, 'USD', parties);
    expect(buildSplitRecord(SPLIT, 'USD', [...parties].reverse()).merkleRoot).toBe(merkleRoot);
    expect(buildSplitRecord(SPLIT, 'USDC', parties).merkleRoot).not.toBe(merkleRoot);
    expect(buildSplitRecord(SPLIT, 'USD', parties.map((p, i) => (i === 1 ? { ...p, amount: 426n } : p))).merkleRoot).not.toBe(merkleRoot);
  });

  it('refuses a payee twice in one role (the leaf encoding rule)', () => {
    expect(() => buildSplitRecord(SPLIT, 'USD', [...parties, parties[1]])).toThrow(/appears twice/);
  });
});

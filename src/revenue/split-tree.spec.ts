import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { buildMerkleTree, hashFromHex, proofFromHex, toHex, verifyMerkleProof } from '../provenance/merkle-tree.js';
import { splitLeaves } from '../provenance/split-leaf.js';
import { buildSplitRecord, type SplitParty, splitMerkleRoot, splitProofs } from './split-tree.js';

const SPLIT = '7d0c3a52-3f0e-4c1b-9d6b-1f2e3d4c5b6a';
const parties: SplitParty[] = [
  { role: 'platform', payee: 'TreasuryWa11et1111111111111111111111111111', userId: null, amount: 150n },
  { role: 'contributor', payee: 'b0000000-0000-4000-8000-000000000002', userId: 'b0000000-0000-4000-8000-000000000002', amount: 425n },
  { role: 'contributor', payee: 'Wa11etOfA1ice111111111111111111111111111111', userId: 'a0000000-0000-4000-8000-000000000001', amount: 425n },
];

describe('split records (spl1 leaves, Merkle root and proofs)', () => {
  it('orders rows by leaf bytes, keeps who each row belongs to, and gives every row a proof of the root', () => {
    const { rows, merkleRoot } = buildSplitRecord(SPLIT, 'USD', parties);
    expect(rows.map((row) => row.payee)).toEqual(
      ['TreasuryWa11et1111111111111111111111111111', 'Wa11etOfA1ice111111111111111111111111111111', 'b0000000-0000-4000-8000-000000000002'].sort(
        (a, b) => (`spl1|${SPLIT}|${a}` < `spl1|${SPLIT}|${b}` ? -1 : 1),
      ),
    );
    expect(rows.map((row) => row.leafIndex)).toEqual([0, 1, 2]);
    expect(rows.find((row) => row.payee.startsWith('Wa11etOfA1ice'))?.userId).toBe('a0000000-0000-4000-8000-000000000001');
    const { proofs, merkleRoot: rebuilt } = splitProofs(SPLIT, 'USD', rows, [0, 1, 2]);
    expect(rebuilt).toBe(merkleRoot);
    for (const row of rows) {
      const found = proofs.get(row.leafIndex);
      if (!found) throw new Error(`no proof for leaf ${row.leafIndex}`);
      const { leaf, proof } = found;
      expect(leaf).toBe(`spl1|${SPLIT}|${row.payee}|${row.role}|USD|${row.amount}`);
      expect(verifyMerkleProof(Buffer.from(leaf), proofFromHex(proof), hashFromHex(merkleRoot))).toBe(true);
      expect(verifyMerkleProof(Buffer.from(leaf.replace('|USD|', '|USDC|')), proofFromHex(proof), hashFromHex(merkleRoot))).toBe(false);
    }
  });

  it('gives the same root whatever order the parties come in, and another root for another amount or currency', () => {
    const { merkleRoot } = buildSplitRecord(SPLIT, 'USD', parties);
    expect(buildSplitRecord(SPLIT, 'USD', [...parties].reverse()).merkleRoot).toBe(merkleRoot);
    expect(buildSplitRecord(SPLIT, 'USDC', parties).merkleRoot).not.toBe(merkleRoot);
    expect(
      buildSplitRecord(
        SPLIT,
        'USD',
        parties.map((p, i) => (i === 1 ? { ...p, amount: 426n } : p)),
      ).merkleRoot,
    ).not.toBe(merkleRoot);
  });

  it('refuses a payee twice in one role (the leaf encoding rule)', () => {
    expect(() => buildSplitRecord(SPLIT, 'USD', [...parties, parties[1]])).toThrow(/appears twice/);
    // And every field the leaf encoding refuses: a payee that could forge a field, a negative amount.
    expect(() => buildSplitRecord(SPLIT, 'USD', [{ ...parties[1], payee: 'x|contributor|USD|1' }])).toThrow(/payee must be/);
    expect(() => buildSplitRecord(SPLIT, 'USD', [{ ...parties[1], amount: -1n }])).toThrow(/amount must be/);
  });

  it('orders rows and computes the root exactly as the provenance leaf encoding and Merkle tree do, for any size', () => {
    const payee = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
    const party = fc.record({
      role: fc.constantFrom('platform' as const, 'curator' as const, 'contributor' as const),
      payee,
      userId: fc.constant(null),
      amount: fc.bigInt({ min: 0n, max: 10n ** 20n }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(party, { minLength: 1, maxLength: 70, selector: (p) => `${p.role}|${p.payee}` }),
        fc.constantFrom('USD' as const, 'USDC' as const),
        (list, currency) => {
          const splitId = randomUUID();
          const { rows, merkleRoot } = buildSplitRecord(splitId, currency, list);
          const reference = splitLeaves(list.map((p) => ({ splitId, payee: p.payee, role: p.role, currency, amount: p.amount.toString() })));
          expect(rows.map((r) => [r.payee, r.role, r.amount.toString()])).toEqual(reference.rows.map((r) => [r.payee, r.role, r.amount]));
          expect(merkleRoot).toBe(toHex(buildMerkleTree(reference.leaves).root));
        },
      ),
      { numRuns: 500 },
    );
    // A full-size sale, 10,001 leaves (odd levels on the way up), against the reference tree.
    const leaves = Array.from({ length: 10_001 }, (_, i) => `spl1|${SPLIT}|payee${i}|contributor|USDC|${i}`);
    expect(toHex(splitMerkleRoot(leaves))).toBe(toHex(buildMerkleTree(leaves.map((leaf) => Buffer.from(leaf))).root));
    expect(() => splitMerkleRoot([])).toThrow(/at least one leaf/);
  });
});

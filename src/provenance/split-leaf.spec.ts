import { expect } from '@jest/globals';
import fc from 'fast-check';

import { buildMerkleTree, merkleProof, verifyMerkleProof } from './merkle-tree.js';
import { ProvenanceErrorCode } from './provenance-error.js';
import { decodeSplitLeaf, encodeSplitLeaf, SPLIT_CURRENCIES, SPLIT_ROLES, splitLeafString, splitLeaves, type SplitRow } from './split-leaf.js';

const row: SplitRow = {
  splitId: '9b2f0c1e-7a3d-4e5f-8a6b-1c2d3e4f5a6b',
  payee: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU',
  role: 'contributor',
  currency: 'USDC',
  amount: '1250000',
};

const rejects = (patch: Partial<Record<keyof SplitRow, unknown>>): void => {
  expect(() => encodeSplitLeaf({ ...row, ...patch } as SplitRow)).toThrow(expect.objectContaining({ code: ProvenanceErrorCode.INVALID_SPLIT_ROW }));
};

const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const rowArb = fc.record({
  splitId: idArb,
  payee: idArb,
  role: fc.constantFrom(...SPLIT_ROLES),
  currency: fc.constantFrom(...SPLIT_CURRENCIES),
  amount: fc.bigInt({ min: 0n, max: 10n ** 30n - 1n }).map(String),
});

describe('split leaf encoding (spl1)', () => {
  it('is exactly the documented pipe-separated ASCII string', () => {
    const expected = 'spl1|9b2f0c1e-7a3d-4e5f-8a6b-1c2d3e4f5a6b|7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU|contributor|USDC|1250000';
    expect(splitLeafString(row)).toBe(expected);
    expect(encodeSplitLeaf(row).equals(Buffer.from(expected, 'ascii'))).toBe(true);
  });

  it('decodes back to the same row for any valid input', () => {
    fc.assert(
      fc.property(rowArb, (input) => {
        expect(decodeSplitLeaf(encodeSplitLeaf(input))).toEqual(input);
      }),
      { numRuns: 1000, seed: 21 },
    );
  });

  it('rejects amounts that are not canonical non-negative integers in a decimal string', () => {
    for (const amount of ['-1', '+1', '01', '1.0', '1e3', ' 1', '', '1'.repeat(31), 100, 100n, undefined]) rejects({ amount });
    expect(() => encodeSplitLeaf({ ...row, amount: '0' })).not.toThrow();
    expect(() => encodeSplitLeaf({ ...row, amount: '9'.repeat(30) })).not.toThrow();
  });

  it('rejects unknown roles and currencies and ids with separators', () => {
    for (const role of ['Contributor', 'buyer', '', undefined]) rejects({ role });
    for (const currency of ['usd', 'EUR', 'USDT', '']) rejects({ currency });
    for (const id of ['', 'a|b', 'a:b', 'a b', 'a'.repeat(65)]) {
      rejects({ splitId: id });
      rejects({ payee: id });
    }
  });

  it('never collides with a manifest leaf and decodes only its own shape', () => {
    expect(() => decodeSplitLeaf(Buffer.from(splitLeafString(row).replace('spl1', 'dsv1')))).toThrow();
    expect(() => decodeSplitLeaf(Buffer.from(`${splitLeafString(row)}|x`))).toThrow();
    expect(() => decodeSplitLeaf(Buffer.from(splitLeafString(row).replace('USDC', 'usdc')))).toThrow();
  });
});

describe('splitLeaves', () => {
  const rows: SplitRow[] = [
    { ...row, payee: 'platform', role: 'platform', amount: '150' },
    { ...row, payee: 'curator-1', role: 'curator', amount: '50' },
    { ...row, payee: 'alice', amount: '400' },
    { ...row, payee: 'bob', amount: '400' },
  ];

  it('gives the same root for any row order and a proof for every row', () => {
    const reference = buildMerkleTree(splitLeaves(rows).leaves).root;
    fc.assert(
      fc.property(fc.shuffledSubarray(rows, { minLength: rows.length }), (shuffled) => {
        const { rows: sorted, leaves } = splitLeaves(shuffled);
        const tree = buildMerkleTree(leaves);
        expect(tree.root.equals(reference)).toBe(true);
        sorted.forEach((r, i) => {
          expect(verifyMerkleProof(encodeSplitLeaf(r), merkleProof(tree, i), tree.root)).toBe(true);
        });
      }),
      { numRuns: 30, seed: 22 },
    );
  });

  it('rejects a payee listed twice in one role and rows of another split or currency', () => {
    expect(() => splitLeaves([...rows, { ...rows[2], amount: '1' }])).toThrow(/appears twice/);
    expect(() => splitLeaves([...rows, { ...rows[2], role: 'curator' }])).not.toThrow();
    expect(() => splitLeaves([...rows, { ...row, payee: 'carol', splitId: 'other' }])).toThrow(/share its splitId/);
    expect(() => splitLeaves([...rows, { ...row, payee: 'carol', currency: 'USD' }])).toThrow(/share its splitId and currency/);
  });
});

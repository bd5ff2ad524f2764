import fc from 'fast-check';
import { computeSplit, type SplitInput } from './split-calculator.js';

const BPS = 10_000n;

/** The exact entitlements as numerators over the common denominator 10^8 * W (W = 1 per contributor when all weights are 0). */
function exactNumerators(input: SplitInput): { denominator: bigint; platform: bigint; curator: bigint; contributors: bigint[] } {
  const f = BigInt(input.platformFeeBps);
  const c = input.contributors.length === 0 ? BPS : BigInt(input.curatorBps);
  const total = input.contributors.reduce((sum, x) => sum + x.weight, 0n);
  const weights = total === 0n ? input.contributors.map(() => 1n) : input.contributors.map((x) => x.weight);
  const W = total === 0n ? BigInt(input.contributors.length || 1) : total;
  return {
    denominator: BPS * BPS * W,
    platform: input.gross * f * BPS * W,
    curator: input.gross * (BPS - f) * c * W,
    contributors: weights.map((w) => input.gross * (BPS - f) * (BPS - c) * w),
  };
}

/** Mostly small splits, sometimes large ones, now and then the full 10,000 contributors. */
const contributorCount = fc.oneof(
  { weight: 90, arbitrary: fc.integer({ min: 1, max: 30 }) },
  { weight: 9, arbitrary: fc.integer({ min: 31, max: 1_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_001, max: 10_000 }) },
);

const weight = fc.oneof(fc.constantFrom(0n, 1n, 7n), fc.bigInt({ min: 0n, max: 10n ** 12n }));

const splitInput: fc.Arbitrary<SplitInput> = fc
  .record({
    gross: fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 10n ** 15n })),
    platformFeeBps: fc.oneof(fc.constantFrom(0, 1500, 10_000), fc.integer({ min: 0, max: 10_000 })),
    curatorBps: fc.oneof(fc.constantFrom(0, 10_000), fc.integer({ min: 0, max: 10_000 })),
    count: contributorCount,
    seed: fc.integer(),
    weights: fc.array(weight, { minLength: 1, maxLength: 40 }),
  })
  .map(({ gross, platformFeeBps, curatorBps, count, weights }) => ({
    gross,
    platformFeeBps,
    curatorBps,
    // Ids in shuffled order, so the tie-break cannot lean on the input order: i -> i * 10007 mod count is a permutation
    // because 10007 is a prime above every count (7919 was not: at count 7919 every id was c00000).
    contributors: Array.from({ length: count }, (_, i) => ({
      id: `c${((i * 10007) % count).toString().padStart(5, '0')}`,
      weight: weights[i % weights.length],
    })),
  }));

describe('computeSplit', () => {
  it('adds up exactly, never goes negative and keeps every share within one unit of its entitlement (10,000 cases)', () => {
    fc.assert(
      fc.property(splitInput, (input) => {
        const shares = computeSplit(input);
        const exact = exactNumerators(input);
        const all = [shares.platform, shares.curator, ...shares.contributors.map((s) => s.amount)];
        const numerators = [exact.platform, exact.curator, ...exact.contributors];
        // Plain comparisons, not expect(): a case can have 10,000 shares.
        const sumExact = all.reduce((sum, s) => sum + s, 0n) === input.gross;
        const withinOneUnit = all.every((share, i) => {
          const difference = share * exact.denominator - numerators[i];
          // |share - exact| < 1, in units of the denominator.
          return share >= 0n && difference > -exact.denominator && difference < exact.denominator;
        });
        const sameOrder = shares.contributors.every((s, i) => s.id === input.contributors[i].id);
        return sumExact && withinOneUnit && sameOrder;
      }),
      { numRuns: 10_000 },
    );
  });

  it('is deterministic and independent of the order contributors come in', () => {
    fc.assert(
      fc.property(splitInput, (input) => {
        const forward = computeSplit(input);
        const reversed = computeSplit({ ...input, contributors: [...input.contributors].reverse() });
        const byId = (list: { id: string; amount: bigint }[]) => new Map(list.map((s) => [s.id, s.amount]));
        expect(byId(reversed.contributors)).toEqual(byId(forward.contributors));
        expect([reversed.platform, reversed.curator]).toEqual([forward.platform, forward.curator]);
      }),
      { numRuns: 300 },
    );
  });

  it('applies the published rule to a worked example: 15% fee, 10% curator, three equal contributors', () => {
    // 1000 cents: platform 150, curator 85, contributors 765 / 3 = 255 each.
    expect(
      computeSplit({
        gross: 1000n,
        platformFeeBps: 1500,
        curatorBps: 1000,
        contributors: [
          { id: 'a', weight: 1n },
          { id: 'b', weight: 1n },
          { id: 'c', weight: 1n },
        ],
      }),
    ).toEqual({
      platform: 150n,
      curator: 85n,
      contributors: [
        { id: 'a', amount: 255n },
        { id: 'b', amount: 255n },
        { id: 'c', amount: 255n },
      ],
    });
  });

  it('breaks equal remainders by contributor id, then curator, then platform', () => {
    // 100 units, no fee, three equal weights: 33.33 each, one unit left over, equal remainders: the lowest id gets it.
    const shares = computeSplit({
      gross: 100n,
      platformFeeBps: 0,
      curatorBps: 0,
      contributors: [
        { id: 'z', weight: 1n },
        { id: 'b', weight: 1n },
        { id: 'm', weight: 1n },
      ],
    });
    expect(shares.contributors).toEqual([
      { id: 'z', amount: 33n },
      { id: 'b', amount: 34n },
      { id: 'm', amount: 33n },
    ]);
    // 1 unit, 50% fee, one contributor: platform and contributor both 0.5; the contributor wins the tie.
    expect(computeSplit({ gross: 1n, platformFeeBps: 5000, curatorBps: 0, contributors: [{ id: 'a', weight: 3n }] })).toEqual({
      platform: 0n,
      curator: 0n,
      contributors: [{ id: 'a', amount: 1n }],
    });
  });

  it('shares equally when every weight is zero, and pays the net to the curator when there are no contributors', () => {
    expect(
      computeSplit({
        gross: 10n,
        platformFeeBps: 0,
        curatorBps: 0,
        contributors: [
          { id: 'a', weight: 0n },
          { id: 'b', weight: 0n },
        ],
      }).contributors,
    ).toEqual([
      { id: 'a', amount: 5n },
      { id: 'b', amount: 5n },
    ]);
    expect(computeSplit({ gross: 1000n, platformFeeBps: 1500, curatorBps: 0, contributors: [] })).toEqual({
      platform: 150n,
      curator: 850n,
      contributors: [],
    });
  });

  it('refuses negative amounts, out-of-range basis points and duplicate contributors', () => {
    const one = [{ id: 'a', weight: 1n }];
    expect(() => computeSplit({ gross: -1n, platformFeeBps: 0, curatorBps: 0, contributors: one })).toThrow(RangeError);
    expect(() => computeSplit({ gross: 1n, platformFeeBps: 10_001, curatorBps: 0, contributors: one })).toThrow(RangeError);
    expect(() => computeSplit({ gross: 1n, platformFeeBps: 0, curatorBps: 1.5, contributors: one })).toThrow(RangeError);
    expect(() => computeSplit({ gross: 1n, platformFeeBps: 0, curatorBps: 0, contributors: [{ id: 'a', weight: -1n }] })).toThrow(RangeError);
    expect(() => computeSplit({ gross: 1n, platformFeeBps: 0, curatorBps: 0, contributors: [...one, ...one] })).toThrow(RangeError);
  });

  it('gives exactly the shares of the plain statement of the rule (every numerator, one sort by remainder, id, curator, platform)', () => {
    // The rule written as directly as possible, kept here as the reference for the faster computeSplit.
    const reference = (input: SplitInput) => {
      const exact = exactNumerators(input);
      const numerators = [...exact.contributors, exact.curator, exact.platform];
      const shares = numerators.map((x) => x / exact.denominator);
      let leftover = input.gross - shares.reduce((sum, x) => sum + x, 0n);
      const rank = (i: number) => (i < input.contributors.length ? 0 : i - input.contributors.length + 1);
      const order = numerators.map((x, index) => ({ index, remainder: x % exact.denominator }));
      order.sort((a, b) =>
        a.remainder !== b.remainder
          ? a.remainder > b.remainder
            ? -1
            : 1
          : rank(a.index) !== rank(b.index)
            ? rank(a.index) - rank(b.index)
            : input.contributors[a.index].id < input.contributors[b.index].id
              ? -1
              : input.contributors[a.index].id > input.contributors[b.index].id
                ? 1
                : 0,
      );
      for (const { index } of order)
        if (leftover > 0n) {
          shares[index] += 1n;
          leftover -= 1n;
        }
      const n = input.contributors.length;
      return { platform: shares[n + 1], curator: shares[n], contributors: input.contributors.map(({ id }, i) => ({ id, amount: shares[i] })) };
    };
    fc.assert(
      fc.property(splitInput, (input) => {
        const actual = computeSplit(input);
        const expected = reference(input);
        return (
          actual.platform === expected.platform &&
          actual.curator === expected.curator &&
          actual.contributors.every((s, i) => s.id === expected.contributors[i].id && s.amount === expected.contributors[i].amount)
        );
      }),
      { numRuns: 2_000 },
    );
  });
});

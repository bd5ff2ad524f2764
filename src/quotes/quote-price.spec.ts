import type { SliceQuantities } from '../catalog/unit-prices.js';
import { divideRoundingHalfUp, slicePrice } from './quote-price.js';

const quantities = (q: Partial<Record<keyof SliceQuantities, bigint>>): SliceQuantities => ({ lengthM: 0n, durationMs: 0n, bytes: 0n, ...q });

describe('slice price arithmetic', () => {
  it('rounds half up, exactly, on integers', () => {
    expect(divideRoundingHalfUp(5n, 10n)).toBe(1n);
    expect(divideRoundingHalfUp(4n, 10n)).toBe(0n);
    expect(divideRoundingHalfUp(15n, 10n)).toBe(2n);
    expect(divideRoundingHalfUp(14_999n, 10_000n)).toBe(1n);
    expect(divideRoundingHalfUp(0n, 7n)).toBe(0n);
    expect(() => divideRoundingHalfUp(1n, 0n)).toThrow(RangeError);
  });

  it('prices per km on whole metres: 150 cents/km x 4,577 m = 686.55 -> 687 cents', () => {
    const price = slicePrice({
      unit: 'km',
      rateUsdCents: 150,
      quantities: quantities({ lengthM: 4_577n }),
      minimumUsdCents: undefined,
      wholePriceUsdCents: 100_000,
    });
    expect(price).toEqual({ priceUsdCents: 687, ratedUsdCents: 687, minimumApplied: false, cappedAtWholePrice: false });
  });

  it('rounds once on the total, not per capture', () => {
    // Three captures of 1,003 m at 1 cent/km: 1.003 cents each would round to 1 + 1 + 1 = 3; the total 3.009 rounds to 3,
    // and three of 1,500 m: 1.5 each would round to 2 + 2 + 2 = 6, the total 4.5 rounds to 5.
    const km = (lengthM: bigint) =>
      slicePrice({ unit: 'km', rateUsdCents: 1, quantities: quantities({ lengthM }), minimumUsdCents: undefined, wholePriceUsdCents: 1_000 })
        .priceUsdCents;
    expect(km(3n * 1_003n)).toBe(3);
    expect(km(3n * 1_500n)).toBe(5);
  });

  it('prices per hour on milliseconds and per GB on bytes (10^9)', () => {
    // 2,000 cents/hour x 30 min 00.9 s = 1000.5 cents -> 1001 (half up)
    expect(
      slicePrice({
        unit: 'hour',
        rateUsdCents: 2_000,
        quantities: quantities({ durationMs: 1_800_900n }),
        minimumUsdCents: undefined,
        wholePriceUsdCents: 1e6,
      }).priceUsdCents,
    ).toBe(1_001);
    // 500 cents/GB x 1 byte = 5e-7 cents -> 0; x 1 MB = 0.5 -> 1 (half up)
    expect(
      slicePrice({ unit: 'gb', rateUsdCents: 500, quantities: quantities({ bytes: 1n }), minimumUsdCents: undefined, wholePriceUsdCents: 1e6 })
        .priceUsdCents,
    ).toBe(0);
    expect(
      slicePrice({
        unit: 'gb',
        rateUsdCents: 500,
        quantities: quantities({ bytes: 1_000_000n }),
        minimumUsdCents: undefined,
        wholePriceUsdCents: 1e6,
      }).priceUsdCents,
    ).toBe(1);
  });

  it('charges at least the minimum', () => {
    const price = slicePrice({
      unit: 'km',
      rateUsdCents: 150,
      quantities: quantities({ lengthM: 1_000n }),
      minimumUsdCents: 1_000,
      wholePriceUsdCents: 10_000,
    });
    expect(price).toEqual({ priceUsdCents: 1_000, ratedUsdCents: 150, minimumApplied: true, cappedAtWholePrice: false });
  });

  it('never charges more than the whole price, even when the minimum is above it', () => {
    expect(
      slicePrice({ unit: 'km', rateUsdCents: 150, quantities: quantities({ lengthM: 1_000_000n }), minimumUsdCents: 0, wholePriceUsdCents: 10_000 }),
    ).toEqual({ priceUsdCents: 10_000, ratedUsdCents: 150_000, minimumApplied: false, cappedAtWholePrice: true });
    expect(
      slicePrice({ unit: 'km', rateUsdCents: 1, quantities: quantities({ lengthM: 1n }), minimumUsdCents: 50_000, wholePriceUsdCents: 10_000 }),
    ).toEqual({ priceUsdCents: 10_000, ratedUsdCents: 0, minimumApplied: false, cappedAtWholePrice: true });
  });

  it('stays exact on numbers far past 2^53', () => {
    // 10,000,000 cents/GB x 2^62 bytes: 4.6e25 before the division, which a double cannot hold exactly.
    const bytes = 2n ** 62n;
    const price = slicePrice({
      unit: 'gb',
      rateUsdCents: 10_000_000,
      quantities: quantities({ bytes }),
      minimumUsdCents: undefined,
      wholePriceUsdCents: 1_000_000_000,
    });
    expect(price.priceUsdCents).toBe(1_000_000_000);
    expect(price.cappedAtWholePrice).toBe(true);
    // 3 cents/GB x (10^9 x 2^60 + 5 x 10^8) bytes = 3 x 2^60 + 1.5 -> ... + 2 exactly.
    const exact = slicePrice({
      unit: 'gb',
      rateUsdCents: 3,
      quantities: quantities({ bytes: 1_000_000_000n * 2n ** 40n + 500_000_000n }),
      minimumUsdCents: undefined,
      wholePriceUsdCents: Number.MAX_SAFE_INTEGER,
    });
    expect(BigInt(exact.priceUsdCents)).toBe(3n * 2n ** 40n + 2n);
  });
});

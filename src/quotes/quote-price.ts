import { type PriceUnit, quantityIn, type SliceQuantities } from '../catalog/unit-prices.js';

/** The rounding rule, as the quote response and the README state it. */
export const ROUNDING_RULE = 'half-up, once, on the total' as const;

/** How many of the integer quantity make one priced unit: 1 km = 1,000 m, 1 hour = 3,600,000 ms, 1 GB = 10^9 bytes. */
const PER_UNIT: Record<PriceUnit, bigint> = { km: 1_000n, hour: 3_600_000n, gb: 1_000_000_000n };

/** n / d rounded half up (n, d >= 0, d > 0): exact on integers of any size. */
export function divideRoundingHalfUp(n: bigint, d: bigint): bigint {
  if (n < 0n || d <= 0n) throw new RangeError('divideRoundingHalfUp takes n >= 0 and d > 0');
  return (2n * n + d) / (2n * d);
}

export interface SlicePriceInput {
  unit: PriceUnit;
  rateUsdCents: number;
  quantities: SliceQuantities;
  minimumUsdCents: number | undefined;
  wholePriceUsdCents: number;
}

export interface SlicePrice {
  priceUsdCents: number;
  /** rate x quantity, rounded half up once to whole cents, before the minimum and the cap. */
  ratedUsdCents: number;
  /** The minimum raised the price. */
  minimumApplied: boolean;
  /** The whole price capped it: a slice never costs more than buying everything. */
  cappedAtWholePrice: boolean;
}

/**
 * rate (cents per unit) x quantity (integer sub-units), divided by the sub-units per unit and rounded half up once,
 * at the end, to whole cents; then at least the minimum, and at most the whole price.
 */
export function slicePrice(input: SlicePriceInput): SlicePrice {
  const exact = BigInt(input.rateUsdCents) * quantityIn(input.unit, input.quantities);
  const rated = divideRoundingHalfUp(exact, PER_UNIT[input.unit]);
  const minimum = BigInt(input.minimumUsdCents ?? 0);
  const whole = BigInt(input.wholePriceUsdCents);
  const floored = rated < minimum ? minimum : rated;
  const price = floored > whole ? whole : floored;
  return {
    priceUsdCents: Number(price),
    // The rated amount may exceed a safe integer only far beyond any whole price; it is shown as a number for reading.
    ratedUsdCents: Number(rated),
    minimumApplied: rated < minimum && price === minimum,
    cappedAtWholePrice: floored > whole,
  };
}

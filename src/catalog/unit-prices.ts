/**
 * Per-unit prices of a listing (issue 13), in USD cents: what a slice of the dataset costs per km of track, per hour
 * of recording or per GB (10^9 bytes), with a minimum per quote. They sit beside the whole price, which stays
 * required: a quote on the whole dataset is the whole price, and an exclusive licence is only sold whole.
 */
export interface UnitPrices {
  perKmUsdCents?: number;
  perHourUsdCents?: number;
  perGbUsdCents?: number;
  minimumUsdCents?: number;
}

/** The units a slice can be priced by, in the order the default unit is chosen. */
export const PRICE_UNITS = ['km', 'hour', 'gb'] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

const RATE_FIELD: Record<PriceUnit, 'perKmUsdCents' | 'perHourUsdCents' | 'perGbUsdCents'> = {
  km: 'perKmUsdCents',
  hour: 'perHourUsdCents',
  gb: 'perGbUsdCents',
};

/** The rate for a unit, or undefined when the listing does not price by it. */
export function rateOf(prices: UnitPrices, unit: PriceUnit): number | undefined {
  return prices[RATE_FIELD[unit]];
}

/** The units the listing prices, in PRICE_UNITS order. */
export function pricedUnits(prices: UnitPrices): PriceUnit[] {
  return PRICE_UNITS.filter((unit) => rateOf(prices, unit) !== undefined);
}

/** Why a draft's unit prices cannot be sold (empty when they can). */
export function unitPricesProblems(prices: UnitPrices): string[] {
  return pricedUnits(prices).length === 0
    ? ['unitPrices needs at least one of perKmUsdCents, perHourUsdCents, perGbUsdCents (minimumUsdCents only goes with a rate)']
    : [];
}

/** The prices as stored: only the fields that are set, in a fixed order (so two equal price lists compare equal as JSON). */
export function normalisedUnitPrices(prices: { [K in keyof UnitPrices]?: number | null } | null | undefined): UnitPrices | null {
  if (!prices) return null;
  const out: UnitPrices = {};
  for (const field of ['perKmUsdCents', 'perHourUsdCents', 'perGbUsdCents', 'minimumUsdCents'] as const) {
    // A JSON null passes @IsOptional(): it means the same as absent.
    const value = prices[field];
    if (typeof value === 'number') out[field] = value;
  }
  return out;
}

/** Whether two price lists are the same (a quote's prices against the listing's now). */
export function sameUnitPrices(a: UnitPrices | null, b: UnitPrices | null): boolean {
  return JSON.stringify(normalisedUnitPrices(a)) === JSON.stringify(normalisedUnitPrices(b));
}

/** What files measure in exact integer units: metres of track, milliseconds of recording, bytes. */
export interface SliceQuantities {
  lengthM: bigint;
  durationMs: bigint;
  bytes: bigint;
}

/**
 * A version file's measures as a quote and a sale count them: its recording time (0 without both times) and its
 * track's length rounded to whole metres (0 without a footprint), from the stored footprint length.
 */
export function fileMeasures(file: { time_start: Date | null; time_end: Date | null; length_km: number | null }): {
  durationMs: number;
  lengthM: number;
} {
  return {
    durationMs: file.time_start && file.time_end ? Math.max(0, file.time_end.getTime() - file.time_start.getTime()) : 0,
    lengthM: file.length_km === null ? 0 : Math.round(file.length_km * 1000),
  };
}

/** The files' quantities summed exactly (a quote's totals; a contributor's delivered share of a slice). */
export function quantitiesOf(files: readonly { lengthM: number; durationMs: number; sizeBytes: number }[]): SliceQuantities {
  const sum = (pick: (file: (typeof files)[number]) => number) => files.reduce((total, file) => total + BigInt(pick(file)), 0n);
  return { lengthM: sum((f) => f.lengthM), durationMs: sum((f) => f.durationMs), bytes: sum((f) => f.sizeBytes) };
}

/** The quantity a unit prices: metres for km, milliseconds for hours, bytes for GB. */
export function quantityIn(unit: PriceUnit, quantities: SliceQuantities): bigint {
  return unit === 'km' ? quantities.lengthM : unit === 'hour' ? quantities.durationMs : quantities.bytes;
}

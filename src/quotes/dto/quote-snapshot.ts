import type { SliceAreaInput } from '../../catalog/dto/saleable-version.js';
import type { PriceUnit, UnitPrices } from '../../catalog/unit-prices.js';

/** A redeemed quote as checkout will take it: the version, the exact files and what they cost. */
export interface QuoteSnapshot {
  id: string;
  buyerId: string;
  datasetId: string;
  version: number;
  kind: 'whole' | 'slice';
  unit: PriceUnit | null;
  unitPrices: UnitPrices | null;
  /** The area as the buyer gave it; null when the quote has none. */
  area: SliceAreaInput | null;
  windowFrom: Date | null;
  windowTo: Date | null;
  modalities: string[] | null;
  leafIndexes: number[];
  captureIds: string[];
  captureCount: number;
  lengthM: number;
  durationMs: number;
  sizeBytes: number;
  priceUsdCents: number;
  wholePriceUsdCents: number;
  expiresAt: Date;
}

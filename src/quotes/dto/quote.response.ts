import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UnitPricesDto } from '../../catalog/dto/create-dataset.dto.js';
import { PRICE_UNITS, type PriceUnit, type UnitPrices } from '../../catalog/unit-prices.js';
import type { SliceAreaInput } from '../../catalog/dto/saleable-version.js';
import type { QuoteOutline } from '../entities/quote.entity.js';
import { QuoteAreaDto } from './create-quote.dto.js';
import { ROUNDING_RULE } from '../quote-price.js';

export class QuoteWindowView {
  @ApiPropertyOptional({ type: Date, nullable: true }) from: Date | null;
  @ApiPropertyOptional({ type: Date, nullable: true }) to: Date | null;
}

export class QuoteTotalsView {
  @ApiProperty() captures: number;
  @ApiProperty({ description: 'Track length, km (sum of whole metres per capture / 1000)' }) km: number;
  @ApiProperty({ description: 'Recording time, hours (sum of whole milliseconds per capture / 3,600,000)' }) hours: number;
  @ApiProperty() bytes: number;
  @ApiProperty({ description: 'Exact: whole metres' }) lengthM: number;
  @ApiProperty({ description: 'Exact: whole milliseconds' }) durationMs: number;
}

export class QuotePricingView {
  @ApiProperty({ enum: PRICE_UNITS }) unit: PriceUnit;
  @ApiProperty({ description: 'USD cents per km, hour or GB' }) rateUsdCents: number;
  @ApiProperty({ description: 'rate x quantity, rounded half up once to whole cents, before the minimum and the cap' }) ratedUsdCents: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) minimumUsdCents: number | null;
  @ApiProperty() minimumApplied: boolean;
  @ApiProperty({ description: 'The whole price capped the slice: it never costs more than everything' }) cappedAtWholePrice: boolean;
}

export class QuoteFileView {
  @ApiProperty({ description: "The file's leaf in the version's Merkle tree" }) leafIndex: number;
  @ApiProperty({ format: 'uuid' }) captureId: string;
}

export class QuoteResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) datasetId: string;
  @ApiProperty({ description: 'The listed version quoted' }) version: number;
  @ApiProperty({ enum: ['whole', 'slice'] }) kind: 'whole' | 'slice';
  @ApiPropertyOptional({ type: QuoteAreaDto, nullable: true, description: 'The area as given' }) area: SliceAreaInput | null;
  @ApiPropertyOptional({ type: QuoteWindowView, nullable: true }) window: QuoteWindowView | null;
  @ApiPropertyOptional({ type: [String], nullable: true }) modalities: string[] | null;
  @ApiProperty({ type: QuoteTotalsView }) totals: QuoteTotalsView;
  @ApiProperty({ description: 'What the quote costs, USD cents' }) priceUsdCents: number;
  @ApiProperty({ description: "The listed version's whole price, USD cents" }) wholePriceUsdCents: number;
  @ApiPropertyOptional({ type: UnitPricesDto, nullable: true }) unitPrices: UnitPrices | null;
  @ApiPropertyOptional({ type: QuotePricingView, nullable: true, description: 'How a slice was priced; null for a whole-dataset quote' })
  pricing: QuotePricingView | null;
  @ApiProperty({ enum: [ROUNDING_RULE] }) rounding: typeof ROUNDING_RULE;
  @ApiProperty({ type: [QuoteFileView], description: 'Exactly the files quoted, in leaf order' }) files: QuoteFileView[];
  @ApiProperty({ type: Object, description: "GeoJSON FeatureCollection of the quoted captures' footprints (captures without one are not drawn)" })
  outline: QuoteOutline;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ description: 'Valid until then (10 minutes)' }) expiresAt: Date;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UnitPricesDto } from '../../catalog/dto/create-dataset.dto.js';
import { PRICE_UNITS, type PriceUnit, type UnitPrices } from '../../catalog/unit-prices.js';
import type { SliceAreaInput } from '../../catalog/dto/saleable-version.js';
import { EXAMPLE_TRACK } from '../../common/openapi-examples.js';
import type { QuoteOutline } from '../entities/quote.entity.js';
import { QuoteAreaDto } from './create-quote.dto.js';
import { ROUNDING_RULE } from '../quote-price.js';

export class QuoteWindowView {
  @ApiPropertyOptional({ example: '2026-11-27T08:15:00.000Z', type: Date, nullable: true }) from: Date | null;
  @ApiPropertyOptional({ example: '2026-11-27T08:45:00.000Z', type: Date, nullable: true }) to: Date | null;
}

export class QuoteTotalsView {
  @ApiProperty({ example: 6 }) captures: number;
  @ApiProperty({ example: 48.21, description: 'Track length, km (sum of whole metres per capture / 1000)' }) km: number;
  @ApiProperty({ example: 3, description: 'Recording time, hours (sum of whole milliseconds per capture / 3,600,000)' }) hours: number;
  @ApiProperty({ example: 4402341888 }) bytes: number;
  @ApiProperty({ example: 48210, description: 'Exact: whole metres' }) lengthM: number;
  @ApiProperty({ example: 10800000, description: 'Exact: whole milliseconds' }) durationMs: number;
}

export class QuotePricingView {
  @ApiProperty({ enum: PRICE_UNITS }) unit: PriceUnit;
  @ApiProperty({ example: 150, description: 'USD cents per km, hour or GB' }) rateUsdCents: number;
  @ApiProperty({ example: 7232, description: 'rate x quantity, rounded half up once to whole cents, before the minimum and the cap' })
  ratedUsdCents: number;
  @ApiPropertyOptional({ example: 2500, type: Number, nullable: true }) minimumUsdCents: number | null;
  @ApiProperty() minimumApplied: boolean;
  @ApiProperty({ description: 'The whole price capped the slice: it never costs more than everything' }) cappedAtWholePrice: boolean;
}

export class QuoteFileView {
  @ApiProperty({ example: 3, description: "The file's leaf in the version's Merkle tree" }) leafIndex: number;
  @ApiProperty({ example: '52209f96-02f8-4c32-811b-d4fab64fcceb', format: 'uuid' }) captureId: string;
}

export class QuoteResponse {
  @ApiProperty({ example: 'e97843fd-b2c6-4928-af8c-cb10f97868ff', format: 'uuid' }) id: string;
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ example: 2, description: 'The listed version quoted' }) version: number;
  @ApiProperty({ enum: ['whole', 'slice'] }) kind: 'whole' | 'slice';
  @ApiPropertyOptional({ type: QuoteAreaDto, nullable: true, description: 'The area as given' }) area: SliceAreaInput | null;
  @ApiPropertyOptional({ type: QuoteWindowView, nullable: true }) window: QuoteWindowView | null;
  @ApiPropertyOptional({ example: ['video', 'gnss'], type: [String], nullable: true }) modalities: string[] | null;
  @ApiProperty({ type: QuoteTotalsView }) totals: QuoteTotalsView;
  @ApiProperty({ example: 7232, description: 'What the quote costs, USD cents' }) priceUsdCents: number;
  @ApiProperty({ example: 49900, description: "The listed version's whole price, USD cents" }) wholePriceUsdCents: number;
  @ApiPropertyOptional({ type: UnitPricesDto, nullable: true }) unitPrices: UnitPrices | null;
  @ApiPropertyOptional({ type: QuotePricingView, nullable: true, description: 'How a slice was priced; null for a whole-dataset quote' })
  pricing: QuotePricingView | null;
  @ApiProperty({ enum: [ROUNDING_RULE] }) rounding: typeof ROUNDING_RULE;
  @ApiProperty({ type: [QuoteFileView], description: 'Exactly the files quoted, in leaf order' }) files: QuoteFileView[];
  @ApiProperty({
    example: {
      type: 'FeatureCollection',
      drawnAs: 'geometries',
      features: [
        {
          type: 'Feature',
          geometry: EXAMPLE_TRACK,
          properties: { captureId: '52209f96-02f8-4c32-811b-d4fab64fcceb', leafIndex: 3 },
        },
      ],
    },
    type: Object,
    description: "GeoJSON FeatureCollection of the quoted captures' footprints (captures without one are not drawn)",
  })
  outline: QuoteOutline;
  @ApiProperty({ example: '2026-12-02T14:30:05.201Z' }) createdAt: Date;
  @ApiProperty({ example: '2026-12-02T14:40:05.201Z', description: 'Valid until then (10 minutes)' }) expiresAt: Date;
}

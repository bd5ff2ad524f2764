import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { PAYMENT_METHODS, type PaymentMethod } from '../../checkout/payment-methods/payment-method.js';
import { MODALITIES } from '../../ingestion/dto/create-capture.dto.js';
import { QuoteAreaDto } from '../../quotes/dto/create-quote.dto.js';

/** The largest monthly cap taken: one million dollars, in cents. */
export const MAX_MONTHLY_CAP_USD_CENTS = 100_000_000;

export class CreateSubscriptionDto {
  @ApiProperty({ type: QuoteAreaDto, description: 'The area, as a quote takes it: exactly one of bbox, polygon (GeoJSON) or H3 cells' })
  @ValidateNested()
  @Type(() => QuoteAreaDto)
  area: QuoteAreaDto;

  @ApiPropertyOptional({ enum: MODALITIES, isArray: true, description: 'Only new captures of these modalities (default: any)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MODALITIES.length)
  @ArrayUnique()
  @IsIn(MODALITIES, { each: true })
  modalities?: string[];

  @ApiPropertyOptional({
    example: '5f2c9a1b-8d3e-4f60-9b7a-2c1d0e4f8a93',
    format: 'uuid',
    description: 'Only new captures of this dataset (default: of any listed dataset)',
  })
  @IsOptional()
  @IsUUID()
  datasetId?: string;

  @ApiProperty({ enum: PAYMENT_METHODS, description: 'How each monthly invoice is paid: card (Stripe Checkout) or solana (USDC by Solana Pay)' })
  @IsIn(PAYMENT_METHODS)
  paymentMethod: PaymentMethod;

  @ApiProperty({
    example: 20_000,
    description: 'The most one month may cost, USD cents; a month whose new captures cost more is not billed (the buyer is told)',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_MONTHLY_CAP_USD_CENTS)
  monthlyCapUsdCents: number;
}

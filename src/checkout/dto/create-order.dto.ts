import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PAYMENT_METHODS, type PaymentMethod } from '../payment-methods/payment-method.js';

export class CreateOrderDto {
  @ApiProperty({ example: '5f2c9a1b-8d3e-4f60-9b7a-2c1d0e4f8a93', format: 'uuid' })
  @IsUUID()
  datasetId: string;

  @ApiPropertyOptional({ example: 1, description: 'A published version; the latest when omitted. Only the listed version is for sale.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version?: number;

  @ApiPropertyOptional({
    example: '0b7a8f52-3c1e-4d6f-9a21-5e8c7d4b2f10',
    format: 'uuid',
    description:
      'Buy what this quote (POST /v1/quotes) priced: a slice buys exactly its files at the quoted price. The quote must be yours, unexpired, of this dataset, and its version still the listed one at the same prices',
  })
  @IsOptional()
  @IsUUID()
  quoteId?: string;

  @ApiProperty({ enum: PAYMENT_METHODS, description: 'card: Stripe Checkout; solana: USDC by Solana Pay' })
  @IsIn(PAYMENT_METHODS)
  paymentMethod: PaymentMethod;

  @ApiPropertyOptional({
    example: '0b7a8f52-3c1e-4d6f-9a21-5e8c7d4b2f10',
    format: 'uuid',
    description: 'Buy for this organisation (you must be its owner or admin): the order and licence are held by it, and every member can use them',
  })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Place the order even though you (or the organisation) already hold a pending or paid order of the same version; without it such an order is refused (409 CHECKOUT_ALREADY_ORDERED, naming the order)',
  })
  @IsOptional()
  @IsBoolean()
  allowRepeat?: boolean;
}

export class RefundOrderDto {
  @ApiProperty({ example: 'Buyer reported unreadable files' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { PRICE_UNITS, type PriceUnit } from '../../catalog/unit-prices.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../payment-methods/payment-method.js';
import { SolanaPayResponse } from '../payment-methods/solana-pay/solana-pay.response.js';
import { StripeCheckoutResponse } from '../payment-methods/stripe/stripe-checkout.response.js';
import { MoneyResponse, OrderLicenceResponse, OrderResponse } from './order.response.js';

export class AddCartLineDto {
  @ApiProperty({ example: '5f2c9a1b-8d3e-4f60-9b7a-2c1d0e4f8a93', format: 'uuid' })
  @IsUUID()
  datasetId: string;

  @ApiPropertyOptional({ example: 1, description: 'The listed version (the default); another version is not for sale' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version?: number;

  @ApiPropertyOptional({
    example: '0b7a8f52-3c1e-4d6f-9a21-5e8c7d4b2f10',
    format: 'uuid',
    description: 'Add the slice this quote (POST /v1/quotes) priced instead of the whole version; checkout refuses it once the quote has expired',
  })
  @IsOptional()
  @IsUUID()
  quoteId?: string;
}

export class CartCheckoutDto {
  @ApiProperty({
    enum: PAYMENT_METHODS,
    description: 'card: one Stripe Checkout Session with a line item per order; solana: one Solana Pay request for the sum',
  })
  @IsIn(PAYMENT_METHODS)
  paymentMethod: PaymentMethod;

  @ApiPropertyOptional({
    example: '0b7a8f52-3c1e-4d6f-9a21-5e8c7d4b2f10',
    format: 'uuid',
    description: 'Buy every line for this organisation (you must be its owner or admin)',
  })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
}

export class CartQuoteView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Checkout refuses the line after this (ask for a new quote)' }) expiresAt: Date;
  @ApiProperty() expired: boolean;
  @ApiProperty() captures: number;
  @ApiProperty({ description: 'Whole metres of track' }) lengthM: number;
  @ApiProperty({ description: 'Whole milliseconds of recording' }) durationMs: number;
  @ApiProperty() sizeBytes: number;
  @ApiPropertyOptional({ enum: PRICE_UNITS, nullable: true, description: 'The unit the slice was priced by' }) unit: PriceUnit | null;
}

export class CartLineView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) datasetId: string;
  @ApiProperty({ description: 'Empty when the dataset is no longer found' }) datasetTitle: string;
  @ApiProperty() version: number;
  @ApiPropertyOptional({ type: OrderLicenceResponse, nullable: true }) licence: OrderLicenceResponse | null;
  @ApiProperty() exclusive: boolean;
  @ApiProperty({ description: 'USD cents: the quote for a slice, the whole price otherwise' }) priceUsdCents: number;
  @ApiPropertyOptional({ type: CartQuoteView, nullable: true, description: 'The slice a quote priced; null for the whole version' })
  quote: CartQuoteView | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Why checkout would refuse this line now (remove it, or re-quote); null when it can be bought',
  })
  problem: string | null;
  @ApiProperty() addedAt: Date;
}

export class CartResponse {
  @ApiProperty({ type: [CartLineView], description: 'In the order they were added' }) lines: CartLineView[];
  @ApiProperty({ description: 'The sum of the lines, USD cents' }) totalUsdCents: number;
  @ApiProperty({ description: 'Whether checkout would take every line now' }) payable: boolean;
}

export class CartCountResponse {
  @ApiProperty() count: number;
}

export class CheckoutResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PAYMENT_METHODS }) paymentMethod: PaymentMethod;
  @ApiProperty({ type: MoneyResponse, description: 'The sum of the orders: what the one payment brings' }) amount: MoneyResponse;
  @ApiProperty() priceUsdCents: number;
  @ApiProperty() expiresAt: Date;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: [OrderResponse], description: 'One order per line, each with its own licence, version, slice, status and refunds' })
  orders: OrderResponse[];
  @ApiPropertyOptional({ type: StripeCheckoutResponse }) stripe?: StripeCheckoutResponse;
  @ApiPropertyOptional({ type: SolanaPayResponse, description: 'How to pay the sum by USDC, while the lines are unpaid' })
  solanaPay?: SolanaPayResponse;
}

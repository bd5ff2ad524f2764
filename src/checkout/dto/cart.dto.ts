import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
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

  @ApiPropertyOptional({
    example: false,
    default: false,
    description:
      'Add the version even though you already hold a pending or paid order of it (checkout then places the order again); without it such a line is refused (409 CHECKOUT_ALREADY_ORDERED, naming the order), as POST /v1/orders does',
  })
  @IsOptional()
  @IsBoolean()
  allowRepeat?: boolean;
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
  @ApiProperty({ example: 'a3c5e7f9-2b4d-4e6f-8a1c-3e5f7a9b1d2c', format: 'uuid' }) id: string;
  @ApiProperty({ example: '2026-12-05T11:35:00.000Z', description: 'Checkout refuses the line after this (ask for a new quote)' }) expiresAt: Date;
  @ApiProperty({ example: false }) expired: boolean;
  @ApiProperty({ example: 12 }) captures: number;
  @ApiProperty({ example: 48210, description: 'Whole metres of track' }) lengthM: number;
  @ApiProperty({ example: 5412000, description: 'Whole milliseconds of recording' }) durationMs: number;
  @ApiProperty({ example: 1873412096 }) sizeBytes: number;
  @ApiPropertyOptional({ enum: PRICE_UNITS, nullable: true, description: 'The unit the slice was priced by' }) unit: PriceUnit | null;
}

export class CartLineView {
  @ApiProperty({ example: '6f1d3b5a-7c9e-4b2d-8f0a-1c3e5a7b9d2f', format: 'uuid' }) id: string;
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ example: 'Munich dashcam drives, winter 2026', description: 'Empty when the dataset is no longer found' }) datasetTitle: string;
  @ApiProperty({ example: 2 }) version: number;
  @ApiPropertyOptional({ type: OrderLicenceResponse, nullable: true }) licence: OrderLicenceResponse | null;
  @ApiProperty({ example: false }) exclusive: boolean;
  @ApiProperty({ example: 49900, description: 'USD cents: the quote for a slice, the whole price otherwise' }) priceUsdCents: number;
  @ApiPropertyOptional({ type: CartQuoteView, nullable: true, description: 'The slice a quote priced; null for the whole version' })
  quote: CartQuoteView | null;
  @ApiPropertyOptional({
    example: null,
    type: String,
    nullable: true,
    description: 'Why checkout would refuse this line now (remove it, or re-quote); null when it can be bought',
  })
  problem: string | null;
  @ApiProperty({ example: false, description: 'Added to buy again a version you already held an order of (checkout does not refuse it for that)' })
  allowRepeat: boolean;
  @ApiProperty({ example: '2026-12-05T11:02:13.000Z' }) addedAt: Date;
}

export class CartResponse {
  @ApiProperty({ type: [CartLineView], description: 'In the order they were added' }) lines: CartLineView[];
  @ApiProperty({ example: 56770, description: 'The sum of the lines, USD cents' }) totalUsdCents: number;
  @ApiProperty({ example: true, description: 'Whether checkout would take every line now' }) payable: boolean;
}

export class CartCountResponse {
  @ApiProperty({ example: 2 }) count: number;
}

export class CheckoutResponse {
  @ApiProperty({ example: '2e4f6a8c-1b3d-4f5a-9c7e-0d2b4f6a8c1e', format: 'uuid' }) id: string;
  @ApiProperty({ enum: PAYMENT_METHODS }) paymentMethod: PaymentMethod;
  @ApiProperty({ type: MoneyResponse, description: 'The sum of the orders: what the one payment brings' }) amount: MoneyResponse;
  @ApiProperty({ example: 56770 }) priceUsdCents: number;
  @ApiProperty({ example: '2026-12-05T11:35:00.000Z' }) expiresAt: Date;
  @ApiProperty({ example: '2026-12-05T11:05:00.000Z' }) createdAt: Date;
  @ApiProperty({ type: [OrderResponse], description: 'One order per line, each with its own licence, version, slice, status and refunds' })
  orders: OrderResponse[];
  @ApiPropertyOptional({ type: StripeCheckoutResponse }) stripe?: StripeCheckoutResponse;
  @ApiPropertyOptional({ type: SolanaPayResponse, description: 'How to pay the sum by USDC, while the lines are unpaid' })
  solanaPay?: SolanaPayResponse;
}

/**
 * A checkout as placed, known inside its own transaction (what CartService.placeQuoted's `within` is given), so that
 * a caller can record what it says (an invoice's notice) in that same transaction.
 */
export interface PlacedCheckout {
  id: string;
  amount: { minor: number; currency: string };
  priceUsdCents: number;
  expiresAt: Date;
  /** Where to pay: the Stripe Checkout page, or the Solana Pay transfer request; null when the method gives none. */
  paymentUrl: string | null;
  /** One per order, in the checkout's order (by order id). */
  lines: { orderId: string; datasetId: string; captures: number; priceUsdCents: number }[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SliceAreaInput } from '../../catalog/dto/saleable-version.js';
import { ORDER_STATUSES, type OrderStatus } from '../../checkout/order-state-machine.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../../checkout/payment-methods/payment-method.js';
import { QuoteAreaDto } from '../../quotes/dto/create-quote.dto.js';
import type { SubscriptionStatus } from '../entities/subscription.entity.js';
import type { PeriodOutcome } from '../entities/subscription-period.entity.js';

export class SkippedDatasetView {
  @ApiProperty({ example: '5f2c9a1b-8d3e-4f60-9b7a-2c1d0e4f8a93', format: 'uuid' }) datasetId: string;
  @ApiProperty({ example: 'QUOTE_EXCLUSIVE_WHOLE_ONLY', description: "The quote's refusal" }) code: string;
  @ApiProperty({ example: 'Dataset 5f2c9a1b-8d3e-4f60-9b7a-2c1d0e4f8a93 has an exclusive licence: it is only sold whole' }) reason: string;
}

export class InvoiceLineView {
  @ApiProperty({ example: '5f2c9a1b-8d3e-4f60-9b7a-2c1d0e4f8a93', format: 'uuid' }) datasetId: string;
  @ApiPropertyOptional({ example: 'Munich dashcam drives, winter 2026', type: String, nullable: true, description: 'As the order names it' })
  datasetTitle: string | null;
  @ApiProperty({ example: 3 }) version: number;
  @ApiPropertyOptional({ example: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f', format: 'uuid', nullable: true, description: "The line's order" })
  orderId: string | null;
  @ApiPropertyOptional({ enum: ORDER_STATUSES, nullable: true, description: "The order's state: paid or fulfilled lines are delivered" })
  status: OrderStatus | null;
  @ApiProperty({ example: 2, description: 'New captures billed on this line' }) captures: number;
  @ApiProperty({ example: 1250 }) priceUsdCents: number;
}

export class SubscriptionInvoiceResponse {
  @ApiProperty({ example: '2026-11', description: 'The calendar month (UTC) billed' }) period: string;
  @ApiProperty({
    enum: ['invoiced', 'empty', 'over_cap', 'failed'],
    description: 'invoiced: a checkout to pay; empty: nothing new; over_cap: new captures above the cap, not billed; failed: not placed (see reason)',
  })
  outcome: PeriodOutcome;
  @ApiPropertyOptional({
    example: '0b7a8f52-3c1e-4d6f-9a21-5e8c7d4b2f10',
    format: 'uuid',
    nullable: true,
    description: 'The invoice: a cart checkout (GET /v1/checkouts/:id pays it)',
  })
  checkoutId: string | null;
  @ApiPropertyOptional({
    enum: ['pending', 'paid', 'expired'],
    nullable: true,
    description: 'pending: payable until expiresAt; paid: delivered as orders; expired: not paid, its captures come back next month',
  })
  paymentStatus: 'pending' | 'paid' | 'expired' | null;
  @ApiPropertyOptional({ example: '2026-12-01T00:30:00.000Z', type: Date, nullable: true }) expiresAt: Date | null;
  @ApiProperty({ example: 2500, description: 'The invoice total, USD cents; over the cap, what it would have cost' }) priceUsdCents: number;
  @ApiProperty({ example: 3, description: 'New captures billed (or, over the cap, found)' }) captures: number;
  @ApiProperty({ type: [InvoiceLineView] }) lines: InvoiceLineView[];
  @ApiProperty({ type: [SkippedDatasetView], description: 'Datasets with new captures in the area that cannot be sold as slices' })
  skipped: SkippedDatasetView[];
  @ApiPropertyOptional({ example: 'The new captures cost $30.00, above your monthly cap of $20.00', type: String, nullable: true })
  reason: string | null;
  @ApiProperty({ example: '2026-12-01T00:00:04.000Z' }) createdAt: Date;
}

export class SubscriptionResponse {
  @ApiProperty({ example: '7d9e1f3a-5b7c-4d9e-8f1a-3b5c7d9e1f3a', format: 'uuid' }) id: string;
  @ApiProperty({ type: QuoteAreaDto }) area: SliceAreaInput;
  @ApiPropertyOptional({ example: ['video', 'gnss'], type: [String], nullable: true }) modalities: string[] | null;
  @ApiPropertyOptional({ example: '5f2c9a1b-8d3e-4f60-9b7a-2c1d0e4f8a93', format: 'uuid', nullable: true, description: 'null: any listed dataset' })
  datasetId: string | null;
  @ApiProperty({ enum: PAYMENT_METHODS }) paymentMethod: PaymentMethod;
  @ApiProperty({ example: 20_000 }) monthlyCapUsdCents: number;
  @ApiProperty({ enum: ['active', 'cancelled'] }) status: SubscriptionStatus;
  @ApiProperty({ example: 14, description: 'Captures already for sale in the area when you subscribed: never billed' }) baselineCaptures: number;
  @ApiProperty({ example: '2026-11-03T09:12:00.000Z' }) createdAt: Date;
  @ApiPropertyOptional({ example: null, type: Date, nullable: true }) cancelledAt: Date | null;
  @ApiProperty({ type: [SubscriptionInvoiceResponse], description: 'Each billed month, newest first' }) invoices: SubscriptionInvoiceResponse[];
}

import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { LicenceTemplateResponse } from '../../licensing/dto/licence.dto.js';
import { ORDER_STATUSES, type OrderStatus } from '../order-state-machine.js';
import { PAYMENT_METHODS, type PaymentCurrency, type PaymentMethod } from '../payment-methods/payment-method.js';
import { SolanaPayResponse } from '../payment-methods/solana-pay/solana-pay.response.js';
import { StripeCheckoutResponse } from '../payment-methods/stripe/stripe-checkout.response.js';

export class MoneyResponse {
  @ApiProperty({ description: 'Integer minor units: USD cents, or USDC base units (10^-6 USDC)', example: 1999 })
  minor: number;

  @ApiProperty({ enum: ['USD', 'USDC'] })
  currency: PaymentCurrency;
}

/** The licence as sold: the template's slug and name with the (possibly narrowed) terms. */
export class OrderLicenceResponse extends PickType(LicenceTemplateResponse, ['slug', 'name', 'terms'] as const) {}

export class PaymentResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['charge', 'refund'] })
  kind: 'charge' | 'refund';

  @ApiProperty({ type: MoneyResponse })
  amount: MoneyResponse;

  @ApiProperty({
    description:
      "Stripe payment intent / refund id, or Solana transaction signature (for an order of a cart checkout, the one payment its charge is this order's share of)",
  })
  reference: string;

  @ApiProperty({ description: 'A charge: true when it is the one that paid the order (every other charge is refunded)' })
  paidOrder: boolean;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'A refund: the charge it returns money of' })
  refundOf: string | null;

  @ApiProperty()
  createdAt: Date;
}

export class RefundResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The charge (a payment of this order) the money comes from' })
  chargeId: string;

  @ApiProperty({ enum: ['excess', 'rest'], description: 'excess: what an overpayment paid above the price; rest: the rest of the charge' })
  portion: 'excess' | 'rest';

  @ApiProperty({ type: MoneyResponse })
  amount: MoneyResponse;

  @ApiProperty({ enum: ['pending', 'sent', 'held'], description: 'pending: being sent; sent: done (see paymentId); held: waiting for an admin' })
  status: 'pending' | 'sent' | 'held';

  @ApiProperty({ description: 'Why the money goes back' })
  reason: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why it cannot be sent automatically (held)' })
  heldReason: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The refund payment, once sent' })
  paymentId: string | null;

  @ApiProperty()
  createdAt: Date;
}

/** What a slice order buys (issue 13): the quote's area, window and sensors, and what its files measure. */
export class OrderSliceResponse {
  @ApiProperty({ format: 'uuid' })
  quoteId: string;

  @ApiPropertyOptional({ type: Object, nullable: true, description: 'The area as given: { bbox } | { polygon } | { cells }' })
  area: object | null;

  @ApiPropertyOptional({ type: Date, nullable: true })
  windowFrom: Date | null;

  @ApiPropertyOptional({ type: Date, nullable: true })
  windowTo: Date | null;

  @ApiPropertyOptional({ type: [String], nullable: true })
  modalities: string[] | null;

  @ApiProperty({ enum: ['km', 'hour', 'gb'], description: 'The unit the slice was priced by, and its contributors are paid by' })
  unit: 'km' | 'hour' | 'gb';

  @ApiProperty({ description: 'Files (captures) in the slice' })
  captures: number;

  @ApiProperty({ description: 'Leaf indexes of the files in the version Merkle tree, ascending' })
  leaves: number[];

  @ApiProperty({ description: 'Geodesic track length in metres' })
  lengthM: number;

  @ApiProperty({ description: 'Recording time in milliseconds' })
  durationMs: number;

  @ApiProperty()
  sizeBytes: number;
}

/** A capture in what the order bought was withdrawn from the dataset (issue 16). */
export class OrderNoticeResponse {
  @ApiProperty({ enum: ['withdrawal', 'takedown'], description: "A contributor's withdrawal, or an admin's takedown" })
  kind: 'withdrawal' | 'takedown';

  @ApiProperty({ type: [String], description: 'The withdrawn captures among the files the order bought' })
  captureIds: string[];

  @ApiProperty({ type: [String], description: "Their files' paths in the version the order bought" })
  paths: string[];

  @ApiProperty({ description: 'Why, in words without personal data' })
  reason: string;

  @ApiProperty()
  at: Date;

  @ApiProperty({
    enum: ['stop-using', 'may-keep'],
    description:
      "What the order's licence snapshot says: revocable on withdrawal (stop using the files; downloads stop, the certificate is reissued without them), or keep using them",
  })
  effect: 'stop-using' | 'may-keep';

  @ApiProperty({ description: 'That effect in plain words' })
  effectWords: string;
}

export class OrderResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ORDER_STATUSES })
  status: OrderStatus;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the order expired, was cancelled or refunded' })
  statusReason: string | null;

  @ApiProperty({ format: 'uuid', description: 'The user who placed the order' })
  buyerId: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The organisation that holds the order and its licence' })
  organisationId: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: "The organisation's name when the order was placed" })
  organisationName: string | null;

  @ApiProperty({ format: 'uuid' })
  datasetId: string;

  @ApiProperty()
  version: number;

  @ApiProperty()
  datasetTitle: string;

  @ApiProperty({ enum: PAYMENT_METHODS })
  paymentMethod: PaymentMethod;

  @ApiProperty()
  priceUsdCents: number;

  @ApiProperty({ type: MoneyResponse, description: 'What the buyer pays' })
  amount: MoneyResponse;

  @ApiProperty({ type: OrderLicenceResponse })
  licence: OrderLicenceResponse;

  @ApiProperty()
  exclusive: boolean;

  @ApiProperty({ description: 'An unpaid order expires then' })
  expiresAt: Date;

  @ApiProperty()
  createdAt: Date;

  @ApiPropertyOptional({ type: Date, nullable: true })
  paidAt: Date | null;

  @ApiPropertyOptional({ type: Date, nullable: true })
  fulfilledAt: Date | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the last payment found did not pay the order' })
  lastPaymentError: string | null;

  @ApiProperty({ type: [PaymentResponse], description: 'Every charge received for this order and every refund sent, oldest first' })
  payments: PaymentResponse[];

  @ApiProperty({ type: [RefundResponse], description: 'Refunds decided for this order (being sent, sent, or held for an admin), oldest first' })
  refunds: RefundResponse[];

  @ApiPropertyOptional({ type: OrderSliceResponse, nullable: true, description: 'Present for a slice order: exactly what it buys' })
  slice: OrderSliceResponse | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'The cart checkout this order was paid with, together with its other lines (GET /v1/checkouts/:id); null for an order paid on its own',
  })
  checkoutId: string | null;

  @ApiProperty({
    type: [OrderNoticeResponse],
    description: 'For a paid order: withdrawals of captures in the files it bought, oldest first (empty otherwise)',
  })
  notices: OrderNoticeResponse[];

  @ApiPropertyOptional({ type: StripeCheckoutResponse })
  stripe?: StripeCheckoutResponse;

  @ApiPropertyOptional({
    type: SolanaPayResponse,
    description: 'How to pay a USDC order, while it is pending (or expired: a late payment is honoured)',
  })
  solanaPay?: SolanaPayResponse;
}

export class OrderPageResponse {
  @ApiProperty({ type: [OrderResponse], description: 'Newest first' })
  items: OrderResponse[];

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}

import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { EXAMPLE_AREA } from '../../common/openapi-examples.js';
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
  @ApiProperty({ example: '28c097b0-1e04-4cc9-b63a-e9d294f0ead7', format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['charge', 'refund'] })
  kind: 'charge' | 'refund';

  @ApiProperty({ type: MoneyResponse })
  amount: MoneyResponse;

  @ApiProperty({
    example: 'pi_3QHf8K2eZvKYlo2C1a7b9XyZ',
    description:
      "Stripe payment intent / refund id, or Solana transaction signature (for an order of a cart checkout, the one payment its charge is this order's share of)",
  })
  reference: string;

  @ApiProperty({ description: 'A charge: true when it is the one that paid the order (every other charge is refunded)' })
  paidOrder: boolean;

  @ApiPropertyOptional({ example: null, type: String, format: 'uuid', nullable: true, description: 'A refund: the charge it returns money of' })
  refundOf: string | null;

  @ApiProperty({ example: '2026-12-02T14:31:38.112Z' })
  createdAt: Date;
}

export class RefundResponse {
  @ApiProperty({ example: 'cf528884-b6c9-4a74-ade5-6456d910d86d', format: 'uuid' })
  id: string;

  @ApiProperty({
    example: '28c097b0-1e04-4cc9-b63a-e9d294f0ead7',
    format: 'uuid',
    description: 'The charge (a payment of this order) the money comes from',
  })
  chargeId: string;

  @ApiProperty({ enum: ['excess', 'rest'], description: 'excess: what an overpayment paid above the price; rest: the rest of the charge' })
  portion: 'excess' | 'rest';

  @ApiProperty({ type: MoneyResponse })
  amount: MoneyResponse;

  @ApiProperty({ enum: ['pending', 'sent', 'held'], description: 'pending: being sent; sent: done (see paymentId); held: waiting for an admin' })
  status: 'pending' | 'sent' | 'held';

  @ApiProperty({ example: 'Paid twice for the same order', description: 'Why the money goes back' })
  reason: string;

  @ApiPropertyOptional({ example: null, type: String, nullable: true, description: 'Why it cannot be sent automatically (held)' })
  heldReason: string | null;

  @ApiPropertyOptional({ example: null, type: String, format: 'uuid', nullable: true, description: 'The refund payment, once sent' })
  paymentId: string | null;

  @ApiProperty({ example: '2026-12-02T14:40:00.000Z' })
  createdAt: Date;
}

/** What a slice order buys (issue 13): the quote's area, window and sensors, and what its files measure. */
export class OrderSliceResponse {
  @ApiProperty({ example: 'e97843fd-b2c6-4928-af8c-cb10f97868ff', format: 'uuid' })
  quoteId: string;

  @ApiPropertyOptional({
    example: {
      polygon: EXAMPLE_AREA,
    },
    type: Object,
    nullable: true,
    description: 'The area as given: { bbox } | { polygon } | { cells }',
  })
  area: object | null;

  @ApiPropertyOptional({ example: '2026-11-27T08:15:00.000Z', type: Date, nullable: true })
  windowFrom: Date | null;

  @ApiPropertyOptional({ example: '2026-11-27T08:45:00.000Z', type: Date, nullable: true })
  windowTo: Date | null;

  @ApiPropertyOptional({ example: ['video', 'gnss'], type: [String], nullable: true })
  modalities: string[] | null;

  @ApiProperty({ enum: ['km', 'hour', 'gb'], description: 'The unit the slice was priced by, and its contributors are paid by' })
  unit: 'km' | 'hour' | 'gb';

  @ApiProperty({ example: 6, description: 'Files (captures) in the slice' })
  captures: number;

  @ApiProperty({ example: [0, 3, 4, 9, 12, 17], description: 'Leaf indexes of the files in the version Merkle tree, ascending' })
  leaves: number[];

  @ApiProperty({ example: 48210, description: 'Geodesic track length in metres' })
  lengthM: number;

  @ApiProperty({ example: 10800000, description: 'Recording time in milliseconds' })
  durationMs: number;

  @ApiProperty({ example: 4402341888 })
  sizeBytes: number;
}

/** A capture in what the order bought was withdrawn from the dataset (issue 16). */
export class OrderNoticeResponse {
  @ApiProperty({ enum: ['withdrawal', 'takedown'], description: "A contributor's withdrawal, or an admin's takedown" })
  kind: 'withdrawal' | 'takedown';

  @ApiProperty({
    example: ['3b1f7c52-9e0d-4a8b-b6f3-2d7e5a9c1f04'],
    type: [String],
    description: 'The withdrawn captures among the files the order bought',
  })
  captureIds: string[];

  @ApiProperty({ example: ['drives/2026-11-28/rear-dashcam.mp4'], type: [String], description: "Their files' paths in the version the order bought" })
  paths: string[];

  @ApiProperty({ example: 'The contributor withdrew consent for this capture.', description: 'Why, in words without personal data' })
  reason: string;

  @ApiProperty({ example: '2026-12-05T11:20:00.000Z' })
  at: Date;

  @ApiProperty({
    enum: ['stop-using', 'may-keep'],
    description:
      "What the order's licence snapshot says: revocable on withdrawal (stop using the files; downloads stop, the certificate is reissued without them), or keep using them",
  })
  effect: 'stop-using' | 'may-keep';

  @ApiProperty({
    example:
      'Your licence ends the right to use withdrawn files: stop using them. Downloads of them stop and the certificate is reissued without them.',
    description: 'That effect in plain words',
  })
  effectWords: string;
}

export class OrderResponse {
  @ApiProperty({ example: '847b3022-058b-4ffa-8af2-845aacb2f649', format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ORDER_STATUSES })
  status: OrderStatus;

  @ApiPropertyOptional({ example: null, type: String, nullable: true, description: 'Why the order expired, was cancelled or refunded' })
  statusReason: string | null;

  @ApiProperty({ example: 'ddf8cd96-491c-43df-b3f5-999d0230acf8', format: 'uuid', description: 'The user who placed the order' })
  buyerId: string;

  @ApiPropertyOptional({
    example: '5c9e9f1f-061b-4dd1-b044-98b316cbfa00',
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The organisation that holds the order and its licence',
  })
  organisationId: string | null;

  @ApiPropertyOptional({ example: 'Acme Robotics', type: String, nullable: true, description: "The organisation's name when the order was placed" })
  organisationName: string | null;

  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' })
  datasetId: string;

  @ApiProperty({ example: 2 })
  version: number;

  @ApiProperty({ example: 'Munich dashcam drives, winter 2026' })
  datasetTitle: string;

  @ApiProperty({ enum: PAYMENT_METHODS })
  paymentMethod: PaymentMethod;

  @ApiProperty({ example: 49900 })
  priceUsdCents: number;

  @ApiProperty({ type: MoneyResponse, description: 'What the buyer pays' })
  amount: MoneyResponse;

  @ApiProperty({ type: OrderLicenceResponse })
  licence: OrderLicenceResponse;

  @ApiProperty()
  exclusive: boolean;

  @ApiProperty({ example: '2026-12-02T14:45:05.201Z', description: 'An unpaid order expires then' })
  expiresAt: Date;

  @ApiProperty({ example: '2026-12-02T14:30:05.201Z' })
  createdAt: Date;

  @ApiPropertyOptional({ example: '2026-12-02T14:31:38.112Z', type: Date, nullable: true })
  paidAt: Date | null;

  @ApiPropertyOptional({ example: '2026-12-02T14:31:40.877Z', type: Date, nullable: true })
  fulfilledAt: Date | null;

  @ApiPropertyOptional({ example: null, type: String, nullable: true, description: 'Why the last payment found did not pay the order' })
  lastPaymentError: string | null;

  @ApiProperty({ type: [PaymentResponse], description: 'Every charge received for this order and every refund sent, oldest first' })
  payments: PaymentResponse[];

  @ApiProperty({ type: [RefundResponse], description: 'Refunds decided for this order (being sent, sent, or held for an admin), oldest first' })
  refunds: RefundResponse[];

  @ApiPropertyOptional({ type: OrderSliceResponse, nullable: true, description: 'Present for a slice order: exactly what it buys' })
  slice: OrderSliceResponse | null;

  @ApiPropertyOptional({
    example: '2e4f6a8c-1b3d-4f5a-9c7e-0d2b4f6a8c1e',
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

  @ApiPropertyOptional({
    example: 'MjAyNi0xMi0wMlQwOToxNDoyNy41MTIzODRafDA2N2UxODhhLTQyNjQtNDFiMC05N2E4LWVjYzM2MjNmMzQ0Zg',
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
  })
  nextCursor: string | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORDER_STATUSES, type OrderStatus } from '../order-state-machine.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../payment-methods/payment-method.js';
import { MoneyResponse, OrderSliceResponse } from './order.response.js';

export class ReceiptPartyResponse {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'buyer@example.com', description: "The buyer's email when the order was placed" })
  email: string | null;

  @ApiPropertyOptional({
    example: 'HekJRGYWjSm3Y5N7aAncLcY8na7R8pF7ni3DegrRsdbs',
    type: String,
    nullable: true,
    description: "The buyer's sign-in wallet when the order was placed",
  })
  wallet: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Acme Robotics', description: 'The organisation that holds the licence' })
  organisationName: string | null;
}

export class ReceiptLineResponse {
  @ApiProperty({ example: 'Munich dashcam telemetry, version 1' })
  description: string;

  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' })
  datasetId: string;

  @ApiProperty({ example: 1 })
  version: number;

  @ApiProperty({ example: 'Commercial AI training', description: 'The licence sold' })
  licenceName: string;

  @ApiProperty({ description: 'An exclusive licence' })
  exclusive: boolean;

  @ApiPropertyOptional({ type: OrderSliceResponse, nullable: true, description: 'A slice order: what part of the version it buys' })
  slice: OrderSliceResponse | null;

  @ApiProperty({ type: MoneyResponse })
  amount: MoneyResponse;
}

export class ReceiptPaymentResponse {
  @ApiProperty({ enum: ['charge', 'refund'] })
  kind: 'charge' | 'refund';

  @ApiProperty({ type: MoneyResponse })
  amount: MoneyResponse;

  @ApiProperty({ example: 'pi_3Q0abc', description: 'Stripe payment intent / refund id, or Solana transaction signature' })
  reference: string;

  @ApiProperty({ description: 'A charge: the one that paid the order' })
  paidOrder: boolean;

  @ApiProperty({ example: '2026-12-02T14:31:38.112Z' })
  at: Date;
}

export class ReceiptRefundResponse {
  @ApiProperty({ type: MoneyResponse })
  amount: MoneyResponse;

  @ApiProperty({ enum: ['pending', 'sent', 'held'] })
  status: 'pending' | 'sent' | 'held';

  @ApiProperty({ example: 'Refunded by an admin: duplicate purchase' })
  reason: string;

  @ApiPropertyOptional({
    example: 're_3QHf8K2eZvKYlo2C0bQ4n1Tx',
    type: String,
    nullable: true,
    description: 'The refund transaction (Stripe refund id or Solana signature), once sent',
  })
  reference: string | null;

  @ApiProperty({ example: '2026-12-02T14:40:00.000Z', description: 'When it was sent, or decided while not sent yet' })
  at: Date;
}

/** What the buyer paid for one order, how, and what came back: the printable receipt's content. */
export class ReceiptResponse {
  @ApiProperty({ example: 'R-5F2C9A1B', description: 'The receipt number: R- and the first 8 hex digits of the order id' })
  number: string;

  @ApiProperty({ example: '847b3022-058b-4ffa-8af2-845aacb2f649', format: 'uuid' })
  orderId: string;

  @ApiProperty({ enum: ORDER_STATUSES })
  status: OrderStatus;

  @ApiProperty({ example: '2026-12-02T14:31:38.112Z', description: 'When the order was paid' })
  paidAt: Date;

  @ApiProperty({ example: '2026-12-02T14:30:05.201Z' })
  orderedAt: Date;

  @ApiProperty({ type: ReceiptPartyResponse })
  buyer: ReceiptPartyResponse;

  @ApiProperty({ type: [ReceiptLineResponse] })
  lines: ReceiptLineResponse[];

  @ApiProperty({ type: MoneyResponse, description: 'Tax charged: always zero' })
  tax: MoneyResponse;

  @ApiProperty({ example: 'No VAT or sales tax was charged on this sale.' })
  taxNote: string;

  @ApiProperty({ type: MoneyResponse, description: 'The order total, what the buyer was charged' })
  total: MoneyResponse;

  @ApiProperty({ example: 12500, description: 'The list price in US cents (a USDC order is charged its equivalent)' })
  priceUsdCents: number;

  @ApiProperty({ enum: PAYMENT_METHODS })
  paymentMethod: PaymentMethod;

  @ApiProperty({ example: 'Card (Stripe Checkout)' })
  paymentMethodLabel: string;

  @ApiProperty({ example: 'pi_3Q0abc', description: 'The charge that paid the order' })
  paymentReference: string;

  @ApiProperty({ type: [ReceiptPaymentResponse], description: 'Every charge and refund payment of the order, oldest first' })
  payments: ReceiptPaymentResponse[];

  @ApiProperty({ type: [ReceiptRefundResponse], description: 'Refunds, oldest first' })
  refunds: ReceiptRefundResponse[];

  @ApiProperty({ type: MoneyResponse, description: 'Sum of the refunds sent' })
  refunded: MoneyResponse;

  @ApiProperty({ type: MoneyResponse, description: 'Every charge received less every refund sent' })
  netPaid: MoneyResponse;
}

import type { Plain } from '../../common/plain.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LicenceTerms } from '../../licensing/licence-terms.js';
import type { OrderStatus } from '../order-state-machine.js';
import { bigintAsNumber } from '../../database/bigint-column.js';
import type { PaymentCurrency, PaymentMethod } from '../payment-methods/payment-method.js';

/** The licence as it was when the order was placed. */
export interface LicenceSnapshot {
  templateId: string;
  slug: string;
  name: string;
  terms: LicenceTerms;
  text: string;
}

/** An order of one dataset version; how it is paid lives in order_payment_requests, the money in payments. */
@Entity({ name: 'orders' })
export class OrderEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'buyer_id', type: 'uuid' })
  buyerId: string;

  @Column({ name: 'buyer_email', type: 'text', nullable: true })
  buyerEmail: string | null;

  @Column({ name: 'buyer_wallet', type: 'text', nullable: true })
  buyerWallet: string | null;

  /** The organisation that holds the order and its licence; null when the buyer holds it alone. */
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true })
  organisationId: string | null;

  /** The organisation's name when the order was placed (the licensee named on the certificate). */
  @Column({ name: 'organisation_name', type: 'text', nullable: true })
  organisationName: string | null;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'dataset_title', type: 'text' })
  datasetTitle: string;

  @Column({ name: 'seller_id', type: 'uuid' })
  sellerId: string;

  @Column({ name: 'merkle_root', type: 'text' })
  merkleRoot: string;

  @Column({ type: 'jsonb' })
  licence: LicenceSnapshot;

  @Column({ type: 'boolean' })
  exclusive: boolean;

  @Column({ name: 'price_usd_cents', type: 'bigint', transformer: bigintAsNumber })
  priceUsdCents: number;

  @Column({ name: 'payment_method', type: 'text' })
  paymentMethod: PaymentMethod;

  /** What the buyer pays, in minor units of `currency`: USD cents, or USDC base units (10^-6). */
  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber })
  amountMinor: number;

  @Column({ type: 'text' })
  currency: PaymentCurrency;

  @Column({ type: 'text' })
  status: OrderStatus;

  /** Why the order is cancelled, expired or refunded. */
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /**
   * The reference of the charge that paid the order (Stripe payment intent, Solana signature), as its certificate
   * names it; null while unpaid. Any other charge of the order is refunded.
   */
  @Column({ name: 'payment_reference', type: 'text', nullable: true })
  paymentReference: string | null;

  /** Why the last payment found for this order did not pay it. */
  @Column({ name: 'last_payment_error', type: 'text', nullable: true })
  lastPaymentError: string | null;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt: Date | null;

  @Column({ name: 'fulfilled_at', type: 'timestamptz', nullable: true })
  fulfilledAt: Date | null;

  /** When the order expired, was cancelled or refunded. */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  /** The cart checkout whose one payment pays this order with its other lines; null for an order paid on its own. */
  @Column({ name: 'checkout_id', type: 'uuid', nullable: true })
  checkoutId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** The row as plain data, what services pass around. */
export type Order = Plain<OrderEntity>;

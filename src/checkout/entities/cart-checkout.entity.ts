import type { Plain } from '../../common/plain.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../../database/bigint-column.js';
import type { PaymentCurrency, PaymentMethod } from '../payment-methods/payment-method.js';

/**
 * One payment for the orders a cart placed together (orders.checkout_id): the sum of their amounts and the provider's
 * request for it (a Checkout Session with a line item per order, or one Solana Pay transfer request), kept as
 * order_payment_requests keeps an order's.
 */
@Entity({ name: 'cart_checkouts' })
export class CartCheckoutEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'buyer_id', type: 'uuid' })
  buyerId: string;

  @Column({ name: 'organisation_id', type: 'uuid', nullable: true })
  organisationId: string | null;

  @Column({ name: 'payment_method', type: 'text' })
  paymentMethod: PaymentMethod;

  @Column({ type: 'text' })
  currency: PaymentCurrency;

  /** The sum of the orders' amounts, in the method's minor units: what the one payment must bring. */
  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber })
  amountMinor: number;

  @Column({ name: 'price_usd_cents', type: 'bigint', transformer: bigintAsNumber })
  priceUsdCents: number;

  /** Stripe Checkout Session id, Solana Pay reference address. */
  @Column({ name: 'provider_reference', type: 'text' })
  providerReference: string;

  @Column({ type: 'jsonb' })
  details: Record<string, string>;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The row as plain data, what services pass around. */
export type CartCheckout = Plain<CartCheckoutEntity>;

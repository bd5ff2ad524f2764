import type { Plain } from '../../common/plain.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../../database/bigint-column.js';
import type { PaymentCurrency, PaymentMethod } from '../payment-methods/payment-method.js';

/**
 * Which part of a charge a refund returns: `excess`, what an overpayment paid above the price (refunded when the
 * charge is recorded); `rest`, everything of the charge not returned otherwise (a charge that paid nothing, or the
 * paying charge when the order is refunded). One of each per charge at most.
 */
export type RefundPortion = 'excess' | 'rest';

/** pending: to be sent; sent: sent, and its refund payment recorded; held: cannot be sent automatically, an admin decides. */
export type RefundStatus = 'pending' | 'sent' | 'held';

/**
 * The refund outbox: a decision to send money back, committed with the change that made it (a second payment, an
 * overpayment, a lost exclusive race, an admin refund). The checkout.refund job sends it exactly once through its
 * method's handler and records the refund payment in a second, short transaction.
 */
@Entity({ name: 'order_refunds' })
export class OrderRefundEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  /** The charge (a payments row) this refund returns money of. */
  @Column({ name: 'charge_id', type: 'uuid' })
  chargeId: string;

  @Column({ type: 'text' })
  portion: RefundPortion;

  @Column({ type: 'text' })
  method: PaymentMethod;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber })
  amountMinor: number;

  @Column({ type: 'text' })
  currency: PaymentCurrency;

  /** Why the money goes back, as the buyer reads it. */
  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'text' })
  status: RefundStatus;

  /** Why the refund cannot be sent automatically (status held). */
  @Column({ name: 'held_reason', type: 'text', nullable: true })
  heldReason: string | null;

  /** The provider's idempotency key (Stripe) or the reference address the transfer carries (Solana): fixed before any send. */
  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey: string;

  /** The refund payment recorded once sent. */
  @Column({ name: 'refund_payment_id', type: 'uuid', nullable: true })
  refundPaymentId: string | null;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** When the last send started (committed before sending), so a resend waits out a send that may still land. */
  @Column({ name: 'last_sent_at', type: 'timestamptz', nullable: true })
  lastSentAt: Date | null;

  /** One sender at a time, on any instance: renewed while the sender lives; a dead sender's lease runs out. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  /** Whose lease it is: only that sender marks the row as sending, renews or releases it. */
  @Column({ name: 'lease_token', type: 'uuid', nullable: true })
  leaseToken: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** The row as plain data, what services pass around. */
export type OrderRefund = Plain<OrderRefundEntity>;

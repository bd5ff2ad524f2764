import type { Plain } from '../../common/plain.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PaymentMethod } from '../payment-methods/payment-method.js';

/**
 * The provider's side of an order's payment (one per order): its key, unique per method, and the rest of what the
 * method keeps, as a JSON object of strings only that method's handler reads (and validates when it does).
 */
@Entity({ name: 'order_payment_requests' })
export class OrderPaymentRequestEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'text' })
  method: PaymentMethod;

  /** Stripe Checkout Session id, Solana Pay reference address. */
  @Column({ name: 'provider_reference', type: 'text' })
  providerReference: string;

  @Column({ type: 'jsonb' })
  details: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The row as plain data, what services pass around. */
export type OrderPaymentRequest = Plain<OrderPaymentRequestEntity>;

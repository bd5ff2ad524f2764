import type { Plain } from '../../common/plain.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../../database/bigint-column.js';
import type { PaymentCurrency, PaymentMethod } from '../payment-methods/payment-method.js';

export type PaymentKind = 'charge' | 'refund';

/**
 * One money movement: a charge received (every one that reached the treasury for an order, also a second payment
 * or a short one) or a refund sent. The revenue module builds its ledger on the charges that paid orders.
 */
@Entity({ name: 'payments' })
export class PaymentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ type: 'text' })
  kind: PaymentKind;

  @Column({ type: 'text' })
  method: PaymentMethod;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber })
  amountMinor: number;

  @Column({ type: 'text' })
  currency: PaymentCurrency;

  /** Stripe payment intent or refund id, or Solana transaction signature: each recorded once. */
  @Column({ name: 'external_reference', type: 'text' })
  externalReference: string;

  /**
   * A charge that is one order's share of a cart checkout's one payment: the provider's reference of that payment,
   * which refunds of the share go against (external_reference is then `<provider reference>#<line>`). Null otherwise.
   */
  @Column({ name: 'provider_reference', type: 'text', nullable: true })
  providerReference: string | null;

  /** A charge: who paid, as the method names them (the wallet a USDC payment came from), where its refunds go. */
  @Column({ type: 'text', nullable: true })
  payer: string | null;

  /** A refund: the charge it returns money of. */
  @Column({ name: 'refund_of', type: 'uuid', nullable: true })
  refundOf: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The row as plain data, what services pass around. */
export type Payment = Plain<PaymentEntity>;

/** The provider's reference of the money a charge is: what its refunds go against (a checkout share's whole payment). */
export const chargeReference = (charge: Pick<Payment, 'externalReference' | 'providerReference'>): string =>
  charge.providerReference ?? charge.externalReference;

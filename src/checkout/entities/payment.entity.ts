import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../../database/bigint-column.js';
import type { PaymentCurrency, PaymentMethod } from './order.entity.js';

export type PaymentKind = 'charge' | 'refund';

/** One money movement: a charge received or a refund sent. The revenue module builds its ledger on these rows. */
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

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

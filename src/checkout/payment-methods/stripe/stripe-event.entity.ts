import type { Plain } from '../../../common/plain.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A Stripe event already processed; its id is the key, so a redelivery finds it and changes nothing. */
@Entity({ name: 'stripe_events' })
export class StripeEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId: string | null;

  /** What processing did, e.g. `paid`, `duplicate payment`, `amount mismatch`. */
  @Column({ type: 'text' })
  outcome: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}

/** The row as plain data, what services pass around. */
export type StripeEvent = Plain<StripeEventEntity>;

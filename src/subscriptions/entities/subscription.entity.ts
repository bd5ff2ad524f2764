import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SliceAreaInput } from '../../catalog/dto/saleable-version.js';
import type { PaymentMethod } from '../../checkout/payment-methods/payment-method.js';
import type { Plain } from '../../common/plain.js';
import { bigintAsNumber } from '../../database/bigint-column.js';

export type SubscriptionStatus = 'active' | 'cancelled';

/** A buyer's subscription to the new captures of an area (issue 13, part 7), billed monthly up to its cap. */
@Entity({ name: 'subscriptions' })
export class SubscriptionEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'buyer_id', type: 'uuid' })
  buyerId: string;

  /** The area as the buyer gave it: one of bbox, GeoJSON polygon or H3 cells, as a quote takes it. */
  @Column({ type: 'jsonb' })
  area: SliceAreaInput;

  /** Only captures of these modalities; null: any. */
  @Column({ type: 'text', array: true, nullable: true })
  modalities: string[] | null;

  /** Only this dataset; null: any listed dataset. */
  @Column({ name: 'dataset_id', type: 'uuid', nullable: true })
  datasetId: string | null;

  @Column({ name: 'payment_method', type: 'text' })
  paymentMethod: PaymentMethod;

  @Column({ name: 'monthly_cap_usd_cents', type: 'bigint', transformer: bigintAsNumber })
  monthlyCapUsdCents: number;

  @Column({ type: 'text' })
  status: SubscriptionStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;
}

export type Subscription = Plain<SubscriptionEntity>;

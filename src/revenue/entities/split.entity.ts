import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SplitCurrency } from '../../provenance/split-leaf.js';
import { bigintColumn } from './bigint.transformer.js';

/**
 * A slice sale (issue 13): only the contributors of its files share, by what each delivered in the unit it was priced
 * by (metres of track, milliseconds of recording, bytes), as decimal strings.
 */
export interface SaleBasis {
  kind: 'slice';
  unit: 'km' | 'hour' | 'gb';
  delivered: Record<string, string>;
}

/**
 * One sale's split, and the outbox row of its on-chain memo (`mkt:v1:split:<id>:<root>`); the outbox columns are
 * ChainOutboxRepository's.
 */
@Entity({ name: 'revenue_splits' })
export class SplitEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'buyer_id', type: 'uuid' })
  buyerId: string;

  @Column({ type: 'text' })
  currency: SplitCurrency;

  @Column({ type: 'bigint', transformer: bigintColumn })
  gross: bigint;

  @Column({ name: 'payment_reference', type: 'text' })
  paymentReference: string;

  @Column({ name: 'platform_fee_bps', type: 'integer' })
  platformFeeBps: number;

  @Column({ name: 'curator_bps', type: 'integer' })
  curatorBps: number;

  @Column({ name: 'merkle_root', type: 'text' })
  merkleRoot: string;

  /** The exact memo text; its transaction is found again by the row's `reference` (ChainOutboxRepository). */
  @Column({ type: 'text' })
  memo: string;

  @Column({ type: 'text', nullable: true })
  signature: string | null;

  /** What the contributors' part was weighted by when not the version's frozen weights: a slice's delivered units. */
  @Column({ type: 'jsonb', nullable: true })
  basis: SaleBasis | null;

  @Column({ name: 'refunded_at', type: 'timestamptz', nullable: true })
  refundedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

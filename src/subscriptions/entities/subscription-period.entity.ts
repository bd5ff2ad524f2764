import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Plain } from '../../common/plain.js';
import { bigintAsNumber } from '../../database/bigint-column.js';

/**
 * What a billing run found for a subscription in a month: `invoiced` (a checkout to pay), `empty` (nothing new),
 * `over_cap` (new captures, but their price is above the monthly cap: nothing billed, the buyer told), `failed` (the
 * invoice could not be placed, e.g. the payment method is not taken now: nothing billed, the reason kept).
 */
export type PeriodOutcome = 'invoiced' | 'empty' | 'over_cap' | 'failed';

/** A dataset the run left out, and why (an exclusive licence, no unit prices, not for sale). */
export interface SkippedDataset {
  datasetId: string;
  code: string;
  reason: string;
}

@Entity({ name: 'subscription_periods' })
export class SubscriptionPeriodEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId: string;

  /** The month's first day, 'YYYY-MM-DD' (UTC). */
  @Column({ type: 'date' })
  period: string;

  @Column({ type: 'text' })
  outcome: PeriodOutcome;

  @Column({ name: 'checkout_id', type: 'uuid', nullable: true })
  checkoutId: string | null;

  /** The invoice's total; over the cap, what it would have been; 0 when nothing was new. */
  @Column({ name: 'price_usd_cents', type: 'bigint', transformer: bigintAsNumber })
  priceUsdCents: number;

  @Column({ type: 'integer' })
  captures: number;

  @Column({ type: 'jsonb' })
  skipped: SkippedDataset[];

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

export type SubscriptionPeriod = Plain<SubscriptionPeriodEntity>;

/** One dataset's line of an invoice: the captures its quote billed. */
@Entity({ name: 'subscription_invoice_lines' })
export class SubscriptionInvoiceLineEntity {
  @PrimaryColumn({ name: 'period_id', type: 'uuid' })
  periodId: string;

  @PrimaryColumn({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'quote_id', type: 'uuid' })
  quoteId: string;

  @Column({ name: 'capture_ids', type: 'uuid', array: true })
  captureIds: string[];

  @Column({ name: 'price_usd_cents', type: 'bigint', transformer: bigintAsNumber })
  priceUsdCents: number;
}

export type SubscriptionInvoiceLine = Plain<SubscriptionInvoiceLineEntity>;

/** The captures already for sale in the area when the buyer subscribed. */
@Entity({ name: 'subscription_baseline_captures' })
export class SubscriptionBaselineCaptureEntity {
  @PrimaryColumn({ name: 'subscription_id', type: 'uuid' })
  subscriptionId: string;

  @PrimaryColumn({ name: 'capture_id', type: 'uuid' })
  captureId: string;
}

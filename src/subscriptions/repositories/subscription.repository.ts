import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { SubscriptionEntity, type Subscription } from '../entities/subscription.entity.js';
import {
  SubscriptionBaselineCaptureEntity,
  SubscriptionInvoiceLineEntity,
  type SubscriptionInvoiceLine,
  SubscriptionPeriodEntity,
  type SubscriptionPeriod,
} from '../entities/subscription-period.entity.js';

@Injectable()
export class SubscriptionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The subscription and the captures already for sale in its area, in one transaction. */
  async insert(subscription: Subscription, baselineCaptureIds: readonly string[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(SubscriptionEntity).insert(subscription);
      if (baselineCaptureIds.length === 0) return;
      await manager.query(
        `INSERT INTO subscription_baseline_captures (subscription_id, capture_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
        [subscription.id, [...new Set(baselineCaptureIds)]],
      );
    });
  }

  findOwn(buyerId: string, id: string): Promise<Subscription | null> {
    return this.dataSource.getRepository(SubscriptionEntity).findOne({ where: { id, buyerId } });
  }

  listOf(buyerId: string): Promise<Subscription[]> {
    return this.dataSource.getRepository(SubscriptionEntity).find({ where: { buyerId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** Cancels it if it is still active; answers whether this call did. */
  async cancel(buyerId: string, id: string, at: Date): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(SubscriptionEntity)
      .update({ id, buyerId, status: 'active' }, { status: 'cancelled', cancelledAt: at });
    return (result.affected ?? 0) > 0;
  }

  /** Active subscriptions made before `createdBefore`, by id after `afterId`, at most `limit` (a billing run's page). */
  pageActive(createdBefore: Date, afterId: string | null, limit: number): Promise<Subscription[]> {
    const builder = this.dataSource
      .getRepository(SubscriptionEntity)
      .createQueryBuilder('s')
      .where(`s.status = 'active' AND s.created_at < :createdBefore`, { createdBefore })
      .orderBy('s.id', 'ASC')
      .limit(limit);
    if (afterId) builder.andWhere('s.id > :afterId', { afterId });
    return builder.getMany();
  }

  async baselineOf(subscriptionId: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(SubscriptionBaselineCaptureEntity).find({ where: { subscriptionId } });
    return rows.map((row) => row.captureId);
  }

  async baselineCounts(subscriptionIds: readonly string[]): Promise<Map<string, number>> {
    if (subscriptionIds.length === 0) return new Map();
    const rows: { subscription_id: string; n: string }[] = await this.dataSource.query(
      `SELECT subscription_id, count(*) AS n FROM subscription_baseline_captures WHERE subscription_id = ANY($1) GROUP BY subscription_id`,
      [[...subscriptionIds]],
    );
    return new Map(rows.map((row) => [row.subscription_id, Number(row.n)]));
  }

  /** The subscriptions' periods, newest first. */
  periodsOf(subscriptionIds: readonly string[]): Promise<SubscriptionPeriod[]> {
    if (subscriptionIds.length === 0) return Promise.resolve([]);
    return this.dataSource
      .getRepository(SubscriptionPeriodEntity)
      .find({ where: { subscriptionId: In([...subscriptionIds]) }, order: { period: 'DESC' } });
  }

  async hasPeriod(subscriptionId: string, period: string): Promise<boolean> {
    return (await this.dataSource.getRepository(SubscriptionPeriodEntity).count({ where: { subscriptionId, period } })) > 0;
  }

  linesOf(periodIds: readonly string[]): Promise<SubscriptionInvoiceLine[]> {
    if (periodIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(SubscriptionInvoiceLineEntity).find({ where: { periodId: In([...periodIds]) } });
  }

  /**
   * Records a period without an invoice, unless one is recorded already, and then runs `within` in the same
   * transaction (the notice of it: stored with the period or not at all); answers whether this call recorded it.
   */
  async recordOnce(period: SubscriptionPeriod, within?: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows: unknown[] = await manager.query(
        `INSERT INTO subscription_periods (id, subscription_id, period, outcome, checkout_id, price_usd_cents, captures, skipped, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (subscription_id, period) DO NOTHING RETURNING id`,
        [
          period.id,
          period.subscriptionId,
          period.period,
          period.outcome,
          period.checkoutId,
          period.priceUsdCents,
          period.captures,
          JSON.stringify(period.skipped),
          period.reason,
          period.createdAt,
        ],
      );
      if (rows.length === 0) return false;
      if (within) await within(manager);
      return true;
    });
  }

  /** Records an invoiced period and its lines in the checkout's transaction; a period recorded already is a unique violation. */
  async insertInvoiced(manager: EntityManager, period: SubscriptionPeriod, lines: readonly SubscriptionInvoiceLine[]): Promise<void> {
    await manager.getRepository(SubscriptionPeriodEntity).insert(period);
    await manager.getRepository(SubscriptionInvoiceLineEntity).insert([...lines]);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { OrderRefundEntity, type OrderRefund } from '../entities/order-refund.entity.js';

/**
 * The refund outbox (`order_refunds`) and the bookkeeping of sending each row exactly once: a lease so that one
 * sender on any instance handles a row at a time, the time of the last send (committed before it), the last error,
 * and the switch to `sent` in the transaction that records the refund payment.
 */
@Injectable()
export class RefundRepository {
  constructor(@InjectRepository(OrderRefundEntity) private readonly refunds: Repository<OrderRefundEntity>) {}

  /** With the decision that makes it; a second refund of the same portion of a charge fails with a unique violation. */
  async insert(manager: EntityManager, refund: OrderRefund): Promise<void> {
    await manager.getRepository(OrderRefundEntity).insert(refund);
  }

  findById(id: string): Promise<OrderRefund | null> {
    return this.refunds.findOne({ where: { id } });
  }

  /** Whether any refund of the charge has been decided (pending, sent or held). */
  async existsForCharge(manager: EntityManager, chargeId: string): Promise<boolean> {
    return (await manager.getRepository(OrderRefundEntity).count({ where: { chargeId } })) > 0;
  }

  /** How much of the charge refunds already decided (pending, sent or held) return, in its minor units. */
  async decidedOf(manager: EntityManager, chargeId: string): Promise<number> {
    const [row] = await manager.query<{ total: string }[]>(
      `SELECT coalesce(sum(amount_minor), 0)::text AS total FROM order_refunds WHERE charge_id = $1`,
      [chargeId],
    );
    return Number(row.total);
  }

  /** Ids of the order's refunds still to be sent, oldest first. */
  async pendingOf(orderId: string): Promise<string[]> {
    const rows = await this.refunds.find({ select: { id: true }, where: { orderId, status: 'pending' }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((row) => row.id);
  }

  listForOrders(manager: EntityManager, orderIds: readonly string[]): Promise<OrderRefund[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return manager.getRepository(OrderRefundEntity).find({ where: { orderId: In([...orderIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Takes a pending row for `seconds` under `token` unless another sender's lease still runs; counts an attempt. */
  async lease(id: string, token: string, seconds: number): Promise<OrderRefund | null> {
    const rows = await this.refunds.query<{ id: string }[]>(
      `WITH leased AS (
         UPDATE order_refunds SET lease_until = now() + make_interval(secs => $3), lease_token = $2, attempts = attempts + 1, updated_at = now()
         WHERE id = $1 AND status = 'pending' AND (lease_until IS NULL OR lease_until < now())
         RETURNING id)
       SELECT id FROM leased`,
      [id, token, seconds],
    );
    return rows.length === 1 ? this.findById(id) : null;
  }

  /** Extends the lease `token` holds to `seconds` from now; false when it is no longer held (it ran out and was taken). */
  async renewLease(id: string, token: string, seconds: number): Promise<boolean> {
    const rows = await this.refunds.query<{ id: string }[]>(
      `WITH renewed AS (
         UPDATE order_refunds SET lease_until = now() + make_interval(secs => $3) WHERE id = $1 AND lease_token = $2 RETURNING id)
       SELECT id FROM renewed`,
      [id, token, seconds],
    );
    return rows.length === 1;
  }

  /** Gives the lease up, if `token` still holds it. */
  async release(id: string, token: string): Promise<void> {
    await this.refunds.query(`UPDATE order_refunds SET lease_until = NULL, lease_token = NULL WHERE id = $1 AND lease_token = $2`, [id, token]);
  }

  /**
   * Committed before the refund is sent, so that a crash right after sending still leaves the time behind; only while
   * `token`'s lease runs (false otherwise: another sender may have the row now, and this one must not send).
   */
  async markSending(id: string, token: string): Promise<boolean> {
    const rows = await this.refunds.query<{ id: string }[]>(
      `WITH marked AS (
         UPDATE order_refunds SET last_sent_at = now(), updated_at = now() WHERE id = $1 AND lease_token = $2 AND lease_until > now() RETURNING id)
       SELECT id FROM marked`,
      [id, token],
    );
    return rows.length === 1;
  }

  /** Whether a send started less than `seconds` ago, by the database's clock. */
  async sentWithin(id: string, seconds: number): Promise<boolean> {
    const rows = await this.refunds.query<{ recent: boolean | null }[]>(
      `SELECT last_sent_at > now() - make_interval(secs => $2) AS recent FROM order_refunds WHERE id = $1`,
      [id, seconds],
    );
    return rows[0]?.recent === true;
  }

  async recordFailure(id: string, error: string): Promise<void> {
    await this.refunds.update({ id }, { lastError: error.slice(0, 2000), updatedAt: () => 'now()' });
  }

  /** The row, locked, while it is still pending; null once another transaction recorded it. */
  lockPending(manager: EntityManager, id: string): Promise<OrderRefund | null> {
    return manager
      .getRepository(OrderRefundEntity)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.id = :id AND r.status = :status', { id, status: 'pending' })
      .getOne();
  }

  /** pending -> sent, in the transaction that records the refund payment. */
  async markSent(manager: EntityManager, id: string, refundPaymentId: string): Promise<void> {
    await manager
      .getRepository(OrderRefundEntity)
      .update({ id }, { status: 'sent', refundPaymentId, lastError: null, leaseUntil: null, leaseToken: null, updatedAt: () => 'now()' });
  }
}

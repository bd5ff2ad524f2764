import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { type KeysetPage, type KeysetPosition, keysetPage } from '../../common/keyset-cursor.js';
import { OrderEntity, type Order } from '../entities/order.entity.js';
import type { RefundStatus } from '../entities/order-refund.entity.js';
import type { OrderStatus } from '../order-state-machine.js';
import type { PaymentMethod } from '../payment-methods/payment-method.js';

export type OrderPatch = QueryDeepPartialEntity<Order>;

export interface OrderListFilters {
  status?: OrderStatus;
  paymentMethod?: PaymentMethod;
  /** Only orders with at least one refund in this state (e.g. held for an admin). */
  refundStatus?: Exclude<RefundStatus, 'sent'>;
  datasetId?: string;
}

@Injectable()
export class OrderRepository {
  constructor(@InjectRepository(OrderEntity) private readonly orders: Repository<OrderEntity>) {}

  async insert(manager: EntityManager, order: Order): Promise<void> {
    await manager.getRepository(OrderEntity).insert(order);
  }

  findById(id: string): Promise<Order | null> {
    return this.orders.findOne({ where: { id } });
  }

  /** A cart checkout's orders, its lines in a fixed order (by id): a share's reference names its position. */
  listOfCheckout(manager: EntityManager, checkoutId: string): Promise<Order[]> {
    return manager.getRepository(OrderEntity).find({ where: { checkoutId }, order: { id: 'ASC' } });
  }

  /** The order, row-locked until the transaction ends: every state change goes through here. */
  lockForUpdate(manager: EntityManager, id: string): Promise<Order | null> {
    return manager.getRepository(OrderEntity).createQueryBuilder('o').setLock('pessimistic_write').where('o.id = :id', { id }).getOne();
  }

  /** The dataset's orders that hold a live licence (paid or fulfilled, not refunded), oldest first. */
  findLicensedOfDataset(datasetId: string): Promise<Order[]> {
    return this.orders
      .createQueryBuilder('o')
      .where("o.dataset_id = :datasetId AND o.status IN ('paid', 'fulfilled')", { datasetId })
      .orderBy('o.created_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .getMany();
  }

  /** Pending orders past their expiry, oldest first, after the keyset position `after` (for the expiry sweep). */
  findDueForExpiry(limit: number, after?: { expiresAt: Date; id: string }): Promise<Order[]> {
    const builder = this.orders
      .createQueryBuilder('o')
      .where("o.status = 'pending' AND o.expires_at <= now()")
      .orderBy('o.expires_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(limit);
    if (after) builder.andWhere('(o.expires_at, o.id) > (:expiresAt, :id)', after);
    return builder.getMany();
  }

  /**
   * Locks those of `ids` still pending and past their expiry, skipping rows another transaction holds (a payment
   * being settled, another instance's sweep): answers the ids (with their deadlines) this transaction may expire.
   */
  async lockDueForExpiry(manager: EntityManager, ids: readonly string[]): Promise<{ id: string; expiresAt: Date }[]> {
    if (ids.length === 0) return [];
    const rows: { id: string; expires_at: Date }[] = await manager.query(
      `SELECT id, expires_at FROM orders WHERE id = ANY($1) AND status = 'pending' AND expires_at <= now() ORDER BY expires_at, id FOR UPDATE SKIP LOCKED`,
      [ids],
    );
    return rows.map((row) => ({ id: row.id, expiresAt: new Date(row.expires_at) }));
  }

  /** Every order (optionally filtered), newest first, after the keyset position `before`. */
  listAll(filters: OrderListFilters, limit: number, before?: KeysetPosition): Promise<KeysetPage<Order>> {
    const builder = this.orders.createQueryBuilder('o');
    if (filters.datasetId) builder.andWhere('o.dataset_id = :datasetId', { datasetId: filters.datasetId });
    if (filters.status) builder.andWhere('o.status = :status', { status: filters.status });
    if (filters.paymentMethod) builder.andWhere('o.payment_method = :paymentMethod', { paymentMethod: filters.paymentMethod });
    if (filters.refundStatus) {
      builder.andWhere('EXISTS (SELECT 1 FROM order_refunds r WHERE r.order_id = o.id AND r.status = :refundStatus)', {
        refundStatus: filters.refundStatus,
      });
    }
    return keysetPage(builder, 'DESC', limit, before);
  }

  /**
   * The newest order of this dataset version the holder (the organisation, or the user buying alone) still has going:
   * paid, fulfilled, or pending and not yet past its expiry. What a repeat order is checked against.
   */
  findLiveOfVersion(holder: { buyerId: string; organisationId: string | null }, datasetId: string, version: number): Promise<Order | null> {
    const builder = this.orders
      .createQueryBuilder('o')
      .where('o.dataset_id = :datasetId AND o.version = :version', { datasetId, version })
      .andWhere("(o.status IN ('paid', 'fulfilled') OR (o.status = 'pending' AND o.expires_at > now()))")
      // Whole-version orders only: holding a slice of the version is not holding the version.
      .andWhere('NOT EXISTS (SELECT 1 FROM order_slices s WHERE s.order_id = o.id)');
    if (holder.organisationId) builder.andWhere('o.organisation_id = :organisationId', { organisationId: holder.organisationId });
    else builder.andWhere('o.buyer_id = :buyerId AND o.organisation_id IS NULL', { buyerId: holder.buyerId });
    return builder.orderBy('o.created_at', 'DESC').addOrderBy('o.id', 'DESC').getOne();
  }

  /** Orders the user placed alone or that one of their organisations holds, newest first. */
  listHeldBy(userId: string, organisationIds: readonly string[], limit: number): Promise<Order[]> {
    const query = this.orders.createQueryBuilder('o').where('(o.buyer_id = :userId AND o.organisation_id IS NULL)', { userId });
    if (organisationIds.length > 0) query.orWhere('o.organisation_id IN (:...organisationIds)', { organisationIds });
    return query.orderBy('o.created_at', 'DESC').addOrderBy('o.id', 'DESC').take(limit).getMany();
  }

  /**
   * One page of the orders the user placed alone or that one of `organisationIds` holds (only those organisations'
   * when `organisationsOnly`), of one dataset when `datasetId` is given, newest first, after the keyset position `before`.
   */
  pageHeldBy(
    holder: { userId: string; organisationIds: readonly string[]; organisationsOnly: boolean },
    datasetId: string | undefined,
    limit: number,
    before?: KeysetPosition,
  ): Promise<KeysetPage<Order>> {
    const { userId, organisationIds, organisationsOnly } = holder;
    const alone = organisationsOnly ? 'false' : '(o.buyer_id = :userId AND o.organisation_id IS NULL)';
    const held = organisationIds.length > 0 ? 'o.organisation_id = ANY(:organisationIds)' : 'false';
    // One bracketed condition: keysetPage adds its position with AND.
    const builder = this.orders.createQueryBuilder('o').where(`(${alone} OR ${held})`, { userId, organisationIds: [...organisationIds] });
    if (datasetId !== undefined) builder.andWhere('o.dataset_id = :datasetId', { datasetId });
    return keysetPage(builder, 'DESC', limit, before);
  }

  async update(manager: EntityManager, id: string, patch: OrderPatch): Promise<void> {
    await manager.getRepository(OrderEntity).update({ id }, { ...patch, updatedAt: () => 'now()' });
  }
}

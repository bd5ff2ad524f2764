import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { KeysetPosition } from '../../common/keyset-cursor.js';
import { OrderEntity } from '../entities/order.entity.js';
import type { OrderStatus } from '../order-state-machine.js';

export type OrderPatch = QueryDeepPartialEntity<OrderEntity>;

@Injectable()
export class OrderRepository {
  constructor(@InjectRepository(OrderEntity) private readonly orders: Repository<OrderEntity>) {}

  private repo(manager?: EntityManager): Repository<OrderEntity> {
    return manager?.getRepository(OrderEntity) ?? this.orders;
  }

  // TypeORM's deep-partial type does not see through the JSON licence column; the row is complete.
  async insert(order: OrderEntity, manager?: EntityManager): Promise<void> {
    await this.repo(manager).insert(order);
  }

  findById(id: string, manager?: EntityManager): Promise<OrderEntity | null> {
    return this.repo(manager).findOne({ where: { id } });
  }

  /** The order, row-locked until the transaction ends: every state change goes through here. */
  lockForUpdate(id: string, manager: EntityManager): Promise<OrderEntity | null> {
    return manager.getRepository(OrderEntity).createQueryBuilder('o').setLock('pessimistic_write').where('o.id = :id', { id }).getOne();
  }

  /** Pending orders past their expiry, oldest first, after the keyset position `after` (for the expiry sweep). */
  findDueForExpiry(limit: number, after?: { expiresAt: Date; id: string }): Promise<OrderEntity[]> {
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
   * being settled, another instance's sweep): answers the ids this transaction may expire.
   */
  async lockDueForExpiry(manager: EntityManager, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM orders WHERE id = ANY($1) AND status = 'pending' AND expires_at <= now() ORDER BY expires_at, id FOR UPDATE SKIP LOCKED`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  findByPaymentIntent(paymentIntent: string, manager?: EntityManager): Promise<OrderEntity | null> {
    return this.repo(manager).findOne({ where: { stripePaymentIntent: paymentIntent } });
  }

  /** The paid or fulfilled order holding an exclusive version, other than `exceptOrderId`; null while unsold. */
  async findExclusiveSale(datasetId: string, version: number, exceptOrderId: string | null, manager?: EntityManager): Promise<OrderEntity | null> {
    const query = this.repo(manager)
      .createQueryBuilder('o')
      .where("o.dataset_id = :datasetId AND o.version = :version AND o.exclusive AND o.status IN ('paid', 'fulfilled')", { datasetId, version });
    if (exceptOrderId) query.andWhere('o.id <> :exceptOrderId', { exceptOrderId });
    return query.getOne();
  }

  /** Every order (optionally of one status and payment method), newest first, after the keyset position `before`. */
  listAll(filters: { status?: OrderStatus; paymentMethod?: 'card' | 'solana' }, limit: number, before?: KeysetPosition): Promise<OrderEntity[]> {
    const builder = this.orders.createQueryBuilder('o').orderBy('o.created_at', 'DESC').addOrderBy('o.id', 'DESC').limit(limit);
    if (filters.status) builder.andWhere('o.status = :status', { status: filters.status });
    if (filters.paymentMethod) builder.andWhere('o.payment_method = :paymentMethod', { paymentMethod: filters.paymentMethod });
    if (before) builder.andWhere('(o.created_at, o.id) < (:createdAt, :id)', before);
    return builder.getMany();
  }

  /** Orders the user placed alone or that one of their organisations holds, newest first. */
  listHeldBy(userId: string, organisationIds: readonly string[], limit: number): Promise<OrderEntity[]> {
    const query = this.orders.createQueryBuilder('o').where('(o.buyer_id = :userId AND o.organisation_id IS NULL)', { userId });
    if (organisationIds.length > 0) query.orWhere('o.organisation_id IN (:...organisationIds)', { organisationIds });
    return query.orderBy('o.created_at', 'DESC').addOrderBy('o.id', 'DESC').take(limit).getMany();
  }

  async update(id: string, patch: OrderPatch, manager: EntityManager): Promise<void> {
    await manager.getRepository(OrderEntity).update({ id }, { ...patch, updatedAt: () => 'now()' });
  }
}

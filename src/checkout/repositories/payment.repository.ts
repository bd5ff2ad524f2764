import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { PaymentEntity, type Payment } from '../entities/payment.entity.js';

@Injectable()
export class PaymentRepository {
  constructor(@InjectRepository(PaymentEntity) private readonly payments: Repository<PaymentEntity>) {}

  /** Inserts the row; a reference already recorded fails with a unique violation, which the caller's retry resolves. */
  async insert(manager: EntityManager, payment: Payment): Promise<void> {
    await manager.getRepository(PaymentEntity).insert(payment);
  }

  /** Pass the data source's manager to read outside a transaction. */
  findByReference(manager: EntityManager, externalReference: string): Promise<Payment | null> {
    return manager.getRepository(PaymentEntity).findOne({ where: { externalReference } });
  }

  /** The shares a cart checkout's orders recorded of one provider payment (payments.provider_reference). */
  findShares(manager: EntityManager, providerReference: string): Promise<Payment[]> {
    return manager.getRepository(PaymentEntity).find({ where: { providerReference } });
  }

  findById(id: string): Promise<Payment | null> {
    return this.payments.findOne({ where: { id } });
  }

  /** How much of the charge refund payments have returned so far, in its minor units. */
  async refundedOf(manager: EntityManager, chargeId: string): Promise<number> {
    const [row] = await manager.query<{ total: string }[]>(
      `SELECT coalesce(sum(amount_minor), 0)::text AS total FROM payments WHERE refund_of = $1`,
      [chargeId],
    );
    return Number(row.total);
  }

  /** The payments of these orders, oldest first. */
  listForOrders(manager: EntityManager, orderIds: readonly string[]): Promise<Payment[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return manager.getRepository(PaymentEntity).find({ where: { orderId: In([...orderIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PaymentEntity, type PaymentKind } from '../entities/payment.entity.js';

@Injectable()
export class PaymentRepository {
  constructor(@InjectRepository(PaymentEntity) private readonly payments: Repository<PaymentEntity>) {}

  private repo(manager?: EntityManager): Repository<PaymentEntity> {
    return manager?.getRepository(PaymentEntity) ?? this.payments;
  }

  /** Inserts the row; a reference already recorded fails with a unique violation, which the caller's retry resolves. */
  async insert(payment: PaymentEntity, manager: EntityManager): Promise<void> {
    await manager.getRepository(PaymentEntity).insert(payment);
  }

  findByReference(externalReference: string, manager?: EntityManager): Promise<PaymentEntity | null> {
    return this.repo(manager).findOne({ where: { externalReference } });
  }

  findForOrder(orderId: string, kind: PaymentKind, manager?: EntityManager): Promise<PaymentEntity | null> {
    return this.repo(manager).findOne({ where: { orderId, kind }, order: { createdAt: 'ASC' } });
  }

  listForOrder(orderId: string): Promise<PaymentEntity[]> {
    return this.payments.find({ where: { orderId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}

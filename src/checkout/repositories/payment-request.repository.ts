import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { OrderPaymentRequestEntity, type OrderPaymentRequest } from '../entities/order-payment-request.entity.js';

@Injectable()
export class PaymentRequestRepository {
  constructor(@InjectRepository(OrderPaymentRequestEntity) private readonly requests: Repository<OrderPaymentRequestEntity>) {}

  /** With the order, in its transaction; a provider reference another order already holds fails with a unique violation. */
  async insert(manager: EntityManager, request: OrderPaymentRequest): Promise<void> {
    await manager.getRepository(OrderPaymentRequestEntity).insert(request);
  }

  findForOrder(orderId: string): Promise<OrderPaymentRequest | null> {
    return this.requests.findOne({ where: { orderId } });
  }

  listForOrders(manager: EntityManager, orderIds: readonly string[]): Promise<OrderPaymentRequest[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return manager.getRepository(OrderPaymentRequestEntity).find({ where: { orderId: In([...orderIds]) } });
  }
}

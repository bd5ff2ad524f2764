import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { OrderSliceEntity, type OrderSlice } from '../entities/order-slice.entity.js';

@Injectable()
export class OrderSliceRepository {
  constructor(@InjectRepository(OrderSliceEntity) private readonly slices: Repository<OrderSliceEntity>) {}

  /** With the order, in its transaction; a quote that already placed an order fails with a unique violation. */
  async insert(manager: EntityManager, slice: OrderSlice): Promise<void> {
    await manager.getRepository(OrderSliceEntity).insert(slice);
  }

  async quoteUsed(quoteId: string): Promise<boolean> {
    return (await this.slices.count({ where: { quoteId } })) > 0;
  }

  findForOrder(orderId: string): Promise<OrderSlice | null> {
    return this.slices.findOne({ where: { orderId } });
  }

  async byOrder(orderIds: readonly string[]): Promise<Map<string, OrderSlice>> {
    if (orderIds.length === 0) return new Map();
    const rows = await this.slices.find({ where: { orderId: In([...orderIds]) } });
    return new Map(rows.map((row) => [row.orderId, row]));
  }
}

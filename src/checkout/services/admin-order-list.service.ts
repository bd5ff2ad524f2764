import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { decodeCursor, type KeysetPosition, pageOf } from '../../common/keyset-cursor.js';
import type { AdminOrderListQuery, AdminOrderPage } from '../dto/admin-order-list.dto.js';
import { OrderEntity } from '../entities/order.entity.js';
import { OrderPresenterService } from './order-presenter.service.js';

/** Every order for the admin console (refunds, support), newest first, by keyset paging so pages stay stable as orders arrive. */
@Injectable()
export class AdminOrderListService {
  constructor(
    @InjectRepository(OrderEntity) private readonly orders: Repository<OrderEntity>,
    private readonly presenter: OrderPresenterService,
  ) {}

  async list(query: AdminOrderListQuery): Promise<AdminOrderPage> {
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { items, nextCursor } = pageOf(await this.find(query, query.limit + 1, before), query.limit);
    const presented = await Promise.all(
      items.map(async (order) => ({ ...(await this.presenter.present(order)), buyerEmail: order.buyerEmail, buyerWallet: order.buyerWallet })),
    );
    return { items: presented, nextCursor };
  }

  private find(query: AdminOrderListQuery, limit: number, before?: KeysetPosition): Promise<OrderEntity[]> {
    const builder = this.orders.createQueryBuilder('o').orderBy('o.created_at', 'DESC').addOrderBy('o.id', 'DESC').limit(limit);
    if (query.status) builder.andWhere('o.status = :status', { status: query.status });
    if (query.paymentMethod) builder.andWhere('o.payment_method = :paymentMethod', { paymentMethod: query.paymentMethod });
    if (before) builder.andWhere('(o.created_at, o.id) < (:createdAt, :id)', before);
    return builder.getMany();
  }
}

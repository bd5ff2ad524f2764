import { Injectable } from '@nestjs/common';
import { decodeCursor, pageOf } from '../../common/keyset-cursor.js';
import type { AdminOrderListQuery, AdminOrderPage } from '../dto/admin-order-list.dto.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { OrderPresenterService } from './order-presenter.service.js';

/** Every order for the admin console (refunds, support), newest first, by keyset paging so pages stay stable as orders arrive. */
@Injectable()
export class AdminOrderListService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly presenter: OrderPresenterService,
  ) {}

  async list(query: AdminOrderListQuery): Promise<AdminOrderPage> {
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { items, nextCursor } = pageOf(await this.orders.listAll(query, query.limit + 1, before), query.limit);
    const presented = await Promise.all(
      items.map(async (order) => ({ ...(await this.presenter.present(order)), buyerEmail: order.buyerEmail, buyerWallet: order.buyerWallet })),
    );
    return { items: presented, nextCursor };
  }
}

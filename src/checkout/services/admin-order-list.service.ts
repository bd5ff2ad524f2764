import { Injectable } from '@nestjs/common';
import { decodeCursor } from '../../common/keyset-cursor.js';
import type { AdminOrderListQuery, AdminOrderPage } from '../dto/admin-order-list.dto.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { OrderPresenterService } from './order-presenter.service.js';
import type { Plain } from '../../common/plain.js';

/**
 * Every order for the admin console (refunds, support, refunds held for a decision), newest first, by keyset paging
 * so pages stay stable as orders arrive.
 */
@Injectable()
export class AdminOrderListService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly presenter: OrderPresenterService,
  ) {}

  async list(query: AdminOrderListQuery): Promise<Plain<AdminOrderPage>> {
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { items, nextCursor } = await this.orders.listAll(query, query.limit, before);
    const presented = await this.presenter.presentAll(items);
    return {
      items: presented.map((order, index) => ({ ...order, buyerEmail: items[index].buyerEmail, buyerWallet: items[index].buyerWallet })),
      nextCursor,
    };
  }
}

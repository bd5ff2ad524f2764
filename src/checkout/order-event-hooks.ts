import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Order } from './entities/order.entity.js';
import { type OrderSubject, orderSubject } from './order-subject.js';

export type OrderEventType = 'order.paid' | 'order.fulfilled';

/** An order as other modules hear of it when its state changes: what it is, whose, for what, and its state now. */
export interface OrderEventSubject extends OrderSubject {
  status: string;
  amount: { minor: number; currency: string };
  at: string;
}

/** Runs inside the transaction that changed the order: what it writes commits with the change or not at all. */
export type OrderEventListener = (manager: EntityManager, type: OrderEventType, order: OrderEventSubject) => Promise<void>;

/**
 * Where other modules hear that an order was paid or fulfilled (buyer webhooks) without the checkout importing them:
 * they import the checkout (it tells them which orders a withdrawal touches), so the checkout cannot import them back.
 */
@Injectable()
export class OrderEventHooks {
  private readonly listeners: OrderEventListener[] = [];

  listen(listener: OrderEventListener): void {
    this.listeners.push(listener);
  }

  async emit(manager: EntityManager, type: OrderEventType, order: Order, at: Date): Promise<void> {
    const subject: OrderEventSubject = {
      ...orderSubject(order),
      status: order.status,
      amount: { minor: order.amountMinor, currency: order.currency },
      at: at.toISOString(),
    };
    for (const listener of this.listeners) await listener(manager, type, subject);
  }
}

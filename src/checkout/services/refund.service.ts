import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import type { OrderResponse } from '../dto/order.response.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { OrderPresenterService } from './order-presenter.service.js';
import { OrderSettlementService } from './order-settlement.service.js';
import { RefundSenderService, RefundsBusyError } from './refund-sender.service.js';
import type { Plain } from '../../common/plain.js';

/**
 * How long the admin's request waits for a refund another sender holds (the checkout.refund job, woken by the decision's
 * commit, often gets there first) before answering with the refund still pending.
 */
const BUSY_WAIT_MS = 10_000;
const BUSY_LOOK_MS = 100;

/** Admin refunds: the decision (licence revoked at once, refund in the outbox), then a first attempt at sending it. */
@Injectable()
export class RefundService {
  private readonly logger = new Logger(RefundService.name);

  constructor(
    private readonly settlement: OrderSettlementService,
    private readonly sender: RefundSenderService,
    private readonly orders: OrderRepository,
    private readonly presenter: OrderPresenterService,
  ) {}

  /** Idempotent: a second call finds the order refunded and decides nothing new. */
  async refund(orderId: string, reason: string): Promise<Plain<OrderResponse>> {
    await this.settlement.requestRefund(orderId, reason);
    const deadline = Date.now() + BUSY_WAIT_MS;
    for (;;) {
      try {
        await this.sender.sendPendingOf(orderId);
        break;
      } catch (error) {
        if (error instanceof RefundsBusyError && Date.now() < deadline) {
          await sleep(BUSY_LOOK_MS);
          continue;
        }
        // The checkout.refund job queued with the decision retries it.
        this.logger.warn(`refund of order ${orderId} not sent yet: ${error instanceof Error ? error.message : String(error)}`);
        break;
      }
    }
    const order = await this.orders.findById(orderId);
    if (!order) throw new CheckoutException(CheckoutErrorCode.ORDER_NOT_FOUND, `No order ${orderId}`);
    return this.presenter.present(order);
  }
}

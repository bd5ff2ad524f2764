import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JobsService } from '../../queue/jobs.service.js';
import { everyMinutes } from '../../queue/recurrence.js';
import { ORDER_EXPIRY_SWEEP_MINUTES, orderExpirySweepQueue, refundQueue, type WatchSolanaJob, watchSolanaQueue } from '../checkout.jobs.js';
import type { Order } from '../entities/order.entity.js';
import { PaymentMethodRegistry } from '../payment-methods/payment-method.registry.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { OrderSettlementService } from './order-settlement.service.js';
import { PaymentConfirmationService } from './payment-confirmation.service.js';
import { RefundSenderService } from './refund-sender.service.js';

/** The longest pause between two looks for a payment. */
const MAX_WATCH_DELAY_SECONDS = 30;
/** Orders one sweep transaction expires at most. */
const EXPIRY_BATCH = 100;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Checkout's background work: watching for the payments of orders whose method the marketplace polls (until the
 * order's expiry, also once it is paid, so a second payment is recorded and refunded too), expiring unpaid orders
 * (a scheduled sweep), sending refunds from the outbox.
 */
@Injectable()
export class CheckoutJobsService implements OnModuleInit {
  private readonly logger = new Logger(CheckoutJobsService.name);

  constructor(
    private readonly jobs: JobsService,
    private readonly orders: OrderRepository,
    private readonly methods: PaymentMethodRegistry,
    private readonly confirmations: PaymentConfirmationService,
    private readonly settlement: OrderSettlementService,
    private readonly refunds: RefundSenderService,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(watchSolanaQueue, {
      run: (job) => this.watch(job.payload),
      onFailed: (failure) => {
        this.logger.error(`watching order ${failure.payload.orderId} for its payment failed: ${failure.error}`);
        return Promise.resolve();
      },
    });
    this.jobs.handle(orderExpirySweepQueue, {
      run: () => this.expireDueOrders(),
      onFailed: (failure) => {
        this.logger.error(`an order expiry sweep failed ${failure.attempts} times: ${failure.error}; the next one retries`);
        return Promise.resolve();
      },
    });
    this.jobs.schedule(orderExpirySweepQueue, everyMinutes(ORDER_EXPIRY_SWEEP_MINUTES));
    this.jobs.handle(refundQueue, {
      run: (job) => this.refunds.sendPendingOf(job.payload.orderId),
      onFailed: (failure) => {
        this.logger.error(`refunds of order ${failure.payload.orderId} could not be sent; they stay pending in order_refunds: ${failure.error}`);
        return Promise.resolve();
      },
    });
  }

  /** One look for payments; until the order expires, the next look is queued, further apart each time. */
  private async watch({ orderId, check }: WatchSolanaJob): Promise<void> {
    const order = await this.orders.findById(orderId);
    if (!order || !this.methods.for(order.paymentMethod).polling) return;
    await this.confirmations.lookFor(order);
    if (Date.now() >= order.expiresAt.getTime()) return;
    // Keyed by the look: a retry of this job after a crash queues the same next look, not a second one.
    await this.jobs.sendOutsideTransaction(
      watchSolanaQueue,
      { orderId, check: check + 1 },
      { key: `checkout.watch-solana:${orderId}:${check + 1}`, delaySeconds: Math.min(MAX_WATCH_DELAY_SECONDS, 2 ** Math.min(check, 5)) },
    );
  }

  /**
   * The expiry sweep: every pending order past its expiry expires. An order whose payments the marketplace finds itself
   * is looked up once more first (a payment made just in time may not have been confirmed yet), outside any
   * transaction: a network call never holds a row lock. Then the orders still pending are locked with SKIP LOCKED and
   * expired in one transaction, so an order another instance's sweep (or a payment) holds is left to it, and no order
   * is expired twice.
   */
  async expireDueOrders(): Promise<void> {
    let after: Order | undefined;
    for (;;) {
      const due = await this.orders.findDueForExpiry(EXPIRY_BATCH, after);
      const expirable: string[] = [];
      for (const order of due) {
        try {
          if (this.methods.for(order.paymentMethod).polling) await this.confirmations.lookFor(order);
          expirable.push(order.id);
        } catch (error) {
          // The ledger is unreachable: the order stays pending until a sweep can look.
          this.logger.warn(`order ${order.id} not expired yet, its payment could not be looked up: ${messageOf(error)}`);
        }
      }
      await this.settlement.transaction(async (manager) => {
        // The reason names the order's own deadline: a cart order's lasts ORDER_TTL_MINUTES, an invoice's a day.
        for (const { id, expiresAt } of await this.orders.lockDueForExpiry(manager, expirable))
          await this.settlement.expire(manager, id, `not paid by ${expiresAt.toISOString()}`);
      });
      if (due.length < EXPIRY_BATCH) return;
      after = due[due.length - 1];
    }
  }
}

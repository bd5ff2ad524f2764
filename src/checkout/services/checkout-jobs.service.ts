import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { everyMinutes } from '../../jobs/recurrence.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import { ORDER_EXPIRY_SWEEP_MINUTES, orderExpirySweepQueue, refundQueue, type WatchSolanaJob, watchSolanaQueue } from '../checkout.jobs.js';
import type { OrderEntity } from '../entities/order.entity.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { OrderSettlementService } from './order-settlement.service.js';
import { RefundService } from './refund.service.js';
import { SolanaPayService } from './solana-pay.service.js';

/** The longest pause between two looks for a Solana payment. */
const MAX_WATCH_DELAY_SECONDS = 30;
/** Orders one sweep transaction expires at most. */
const EXPIRY_BATCH = 100;

const NOT_PAID_YET = new Set<string>([
  CheckoutErrorCode.PAYMENT_NOT_FOUND,
  CheckoutErrorCode.PAYMENT_INVALID,
  CheckoutErrorCode.PAYMENT_ALREADY_USED,
]);

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Checkout's background work: watching for Solana payments, expiring unpaid orders (a sweep), sending refunds. */
@Injectable()
export class CheckoutJobsService implements OnModuleInit {
  private readonly logger = new Logger(CheckoutJobsService.name);

  constructor(
    private readonly jobs: JobsService,
    private readonly orders: OrderRepository,
    private readonly solanaPay: SolanaPayService,
    private readonly settlement: OrderSettlementService,
    private readonly refunds: RefundService,
    private readonly config: AppConfig,
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
      run: async (job) => {
        await this.refunds.send(job.payload.orderId);
      },
      onFailed: (failure) => {
        this.logger.error(`refund of order ${failure.payload.orderId} could not be sent; send it by hand: ${failure.error}`);
        return Promise.resolve();
      },
    });
  }

  /** One look for the payment; while the order is pending and not expired, the next look is queued, further apart each time. */
  private async watch({ orderId, check }: WatchSolanaJob): Promise<void> {
    const order = await this.orders.findById(orderId);
    if (!order || order.paymentMethod !== 'solana' || order.status !== 'pending') return;
    if (await this.lookForPayment(order)) return;
    if (Date.now() >= order.expiresAt.getTime()) return;
    // Keyed by the look: a retry of this job after a crash queues the same next look, not a second one.
    await this.jobs.sendOutsideTransaction(
      watchSolanaQueue,
      { orderId, check: check + 1 },
      { key: `checkout.watch-solana:${orderId}:${check + 1}`, delaySeconds: Math.min(MAX_WATCH_DELAY_SECONDS, 2 ** Math.min(check, 5)) },
    );
  }

  /**
   * The expiry sweep: every pending order past its expiry expires. A Solana order is looked up once more first (a
   * payment made just in time may not have been confirmed yet), outside any transaction: a network call never holds a
   * row lock. Then the orders are locked with SKIP LOCKED and expired in one transaction, so an order another
   * instance's sweep (or a payment) holds is left to it, and no order is expired twice.
   */
  async expireDueOrders(): Promise<void> {
    const reason = `not paid within ${this.config.ORDER_TTL_MINUTES} minutes`;
    let after: OrderEntity | undefined;
    for (;;) {
      const due = await this.orders.findDueForExpiry(EXPIRY_BATCH, after);
      const expirable: string[] = [];
      for (const order of due) {
        try {
          if (order.paymentMethod === 'solana' && (await this.lookForPayment(order))) continue;
          expirable.push(order.id);
        } catch (error) {
          // The ledger is unreachable: the order stays pending until a sweep can look.
          this.logger.warn(`order ${order.id} not expired yet, its payment could not be looked up: ${messageOf(error)}`);
        }
      }
      await this.settlement.transaction(async (manager) => {
        for (const id of await this.orders.lockDueForExpiry(manager, expirable)) await this.settlement.expire(manager, id, reason);
      });
      if (due.length < EXPIRY_BATCH) return;
      after = due[due.length - 1];
    }
  }

  /** True when the order is settled (paid, or its payment is being refunded). */
  private async lookForPayment(order: OrderEntity): Promise<boolean> {
    try {
      await this.solanaPay.confirm(order);
      return true;
    } catch (error) {
      if (error instanceof CheckoutException && NOT_PAID_YET.has(error.code)) return false;
      throw error;
    }
  }
}

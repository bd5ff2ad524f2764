import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { JobQueueService } from '../../jobs/job-queue.service.js';
import { JobWorkerService } from '../../jobs/job-worker.service.js';
import type { ClaimedJob } from '../../jobs/job.types.js';
import { PaymentMethodRegistry } from '../payment-methods/payment-method.registry.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { OrderSettlementService } from './order-settlement.service.js';
import { PaymentConfirmationService } from './payment-confirmation.service.js';
import { RefundSenderService } from './refund-sender.service.js';

/** The longest pause between two looks for a payment. */
const MAX_WATCH_DELAY_SECONDS = 30;

/**
 * Checkout's background work: watching for the payments of orders whose method the marketplace polls (until the
 * order's expiry, also once it is paid, so a second payment is recorded and refunded too), expiring unpaid orders,
 * sending refunds from the outbox.
 */
@Injectable()
export class CheckoutJobsService implements OnModuleInit {
  private readonly logger = new Logger(CheckoutJobsService.name);

  constructor(
    private readonly worker: JobWorkerService,
    private readonly jobs: JobQueueService,
    private readonly orders: OrderRepository,
    private readonly methods: PaymentMethodRegistry,
    private readonly confirmations: PaymentConfirmationService,
    private readonly settlement: OrderSettlementService,
    private readonly refunds: RefundSenderService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.worker.register('checkout.watch-solana', {
      run: (job) => this.watch(job),
      onFailed: (job, error) => {
        this.logger.error(`watching order ${job.payload.orderId} for its payment failed: ${error}`);
        return Promise.resolve();
      },
    });
    this.worker.register('checkout.expire-order', {
      run: (job) => this.expire(job),
      onFailed: (job, error) => {
        this.logger.error(`expiring order ${job.payload.orderId} failed: ${error}`);
        return Promise.resolve();
      },
    });
    this.worker.register('checkout.refund', {
      run: (job) => this.refunds.sendPendingOf(job.payload.orderId),
      onFailed: (job, error) => {
        this.logger.error(`refunds of order ${job.payload.orderId} could not be sent; they stay pending in order_refunds: ${error}`);
        return Promise.resolve();
      },
    });
  }

  /** One look for payments; until the order expires, the next look is queued, further apart each time. */
  private async watch(job: ClaimedJob<'checkout.watch-solana'>): Promise<void> {
    const { orderId, check } = job.payload;
    const order = await this.orders.findById(orderId);
    if (!order || !this.methods.for(order.paymentMethod).polling) return;
    await this.confirmations.lookFor(order);
    if (Date.now() >= order.expiresAt.getTime()) return;
    await this.jobs.enqueue(
      'checkout.watch-solana',
      { orderId, check: check + 1 },
      { dedupeKey: `checkout.watch-solana:${orderId}:${check + 1}`, delaySeconds: Math.min(MAX_WATCH_DELAY_SECONDS, 2 ** Math.min(check, 5)) },
    );
  }

  private async expire(job: ClaimedJob<'checkout.expire-order'>): Promise<void> {
    const order = await this.orders.findById(job.payload.orderId);
    if (!order) return;
    // A last look: a payment made just in time may not have been confirmed yet, and a second one is recorded too.
    if (this.methods.for(order.paymentMethod).polling) await this.confirmations.lookFor(order);
    const now = await this.orders.findById(order.id);
    if (now?.status !== 'pending') return;
    await this.settlement.expire(order.id, `not paid within ${this.config.ORDER_TTL_MINUTES} minutes`);
  }
}

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { JobQueueService } from '../../jobs/job-queue.service.js';
import { JobWorkerService } from '../../jobs/job-worker.service.js';
import type { ClaimedJob } from '../../jobs/job.types.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import type { OrderEntity } from '../entities/order.entity.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { OrderSettlementService } from './order-settlement.service.js';
import { RefundService } from './refund.service.js';
import { SolanaPayService } from './solana-pay.service.js';

/** The longest pause between two looks for a Solana payment. */
const MAX_WATCH_DELAY_SECONDS = 30;

const NOT_PAID_YET = new Set<string>([
  CheckoutErrorCode.PAYMENT_NOT_FOUND,
  CheckoutErrorCode.PAYMENT_INVALID,
  CheckoutErrorCode.PAYMENT_ALREADY_USED,
]);

/** Checkout's background work: watching for Solana payments, expiring unpaid orders, sending refunds. */
@Injectable()
export class CheckoutJobsService implements OnModuleInit {
  private readonly logger = new Logger(CheckoutJobsService.name);

  constructor(
    private readonly worker: JobWorkerService,
    private readonly jobs: JobQueueService,
    private readonly orders: OrderRepository,
    private readonly solanaPay: SolanaPayService,
    private readonly settlement: OrderSettlementService,
    private readonly refunds: RefundService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.worker.register('checkout.watch-solana', {
      run: (job) => this.watch(job),
      onFailed: async (job, error) => {
        this.logger.error(`watching order ${job.payload.orderId} for its payment failed: ${error}`);
      },
    });
    this.worker.register('checkout.expire-order', {
      run: (job) => this.expire(job),
      onFailed: async (job, error) => {
        this.logger.error(`expiring order ${job.payload.orderId} failed: ${error}`);
      },
    });
    this.worker.register('checkout.refund', {
      run: async (job) => void (await this.refunds.send(job.payload.orderId)),
      onFailed: async (job, error) => {
        this.logger.error(`refund of order ${job.payload.orderId} could not be sent; send it by hand: ${error}`);
      },
    });
  }

  /** One look for the payment; while the order is pending and not expired, the next look is queued, further apart each time. */
  private async watch(job: ClaimedJob<'checkout.watch-solana'>): Promise<void> {
    const { orderId, check } = job.payload;
    const order = await this.orders.findById(orderId);
    if (!order || order.paymentMethod !== 'solana' || order.status !== 'pending') return;
    if (await this.lookForPayment(order)) return;
    if (Date.now() >= order.expiresAt.getTime()) return;
    await this.jobs.enqueue(
      'checkout.watch-solana',
      { orderId, check: check + 1 },
      { dedupeKey: `checkout.watch-solana:${orderId}:${check + 1}`, delaySeconds: Math.min(MAX_WATCH_DELAY_SECONDS, 2 ** Math.min(check, 5)) },
    );
  }

  private async expire(job: ClaimedJob<'checkout.expire-order'>): Promise<void> {
    const order = await this.orders.findById(job.payload.orderId);
    if (!order || order.status !== 'pending') return;
    // A payment made just in time may not have been confirmed yet.
    if (order.paymentMethod === 'solana' && (await this.lookForPayment(order))) return;
    await this.settlement.expire(order.id, `not paid within ${this.config.ORDER_TTL_MINUTES} minutes`);
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

import { defineQueue } from '../queue/job-queue.js';

/** Looks for a Solana Pay order's payment on-chain; queues the next look until the order is paid or expired. */
export interface WatchSolanaJob {
  orderId: string;
  check: number;
}

/** Sends a refunded order's money back (Stripe refund or USDC transfer) and records it; idempotent. */
export interface RefundJob {
  orderId: string;
}

export const watchSolanaQueue = defineQueue<WatchSolanaJob>('checkout.watch-solana', {
  dedupe: true,
  attempts: 5,
  retryDelaySeconds: 2,
  maxRetryDelaySeconds: 600,
  expireInSeconds: 15 * 60,
});

export const refundQueue = defineQueue<RefundJob>('checkout.refund', {
  dedupe: true,
  attempts: 10,
  retryDelaySeconds: 2,
  maxRetryDelaySeconds: 600,
  expireInSeconds: 15 * 60,
});

/** Expires the pending orders past their expiry (ORDER_TTL_MINUTES after they were placed); scheduled. */
export const orderExpirySweepQueue = defineQueue<Record<string, never>>('checkout.expire-orders', {
  dedupe: false,
  attempts: 3,
  retryDelaySeconds: 10,
  maxRetryDelaySeconds: 120,
  expireInSeconds: 15 * 60,
  concurrency: 1,
});

/** Minutes between order expiry sweeps: an unpaid order expires at most this long after its time is up. */
export const ORDER_EXPIRY_SWEEP_MINUTES = 1;

export const CHECKOUT_QUEUES = [watchSolanaQueue, refundQueue, orderExpirySweepQueue];

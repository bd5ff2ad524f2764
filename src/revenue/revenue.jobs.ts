import { defineQueue } from '../queue/job-queue.js';

/** Records a sale's split root on-chain, once (revenue_splits is the outbox). */
export interface RecordSplitJob {
  splitId: string;
}

/** Sends one payout transaction (a batch of USDC transfers), once, and books it when confirmed. */
export interface SendPayoutBatchJob {
  batchId: string;
}

/** On-chain records are retried until done: enough attempts to ride out weeks of a cluster outage at the cap. */
const CHAIN_MAX_ATTEMPTS = 10_000;
/** On-chain sends are retried at most this far apart. */
const MAX_CHAIN_RETRY_DELAY_SECONDS = 15 * 60;

export const recordSplitQueue = defineQueue<RecordSplitJob>('revenue.record-split', {
  dedupe: true,
  attempts: CHAIN_MAX_ATTEMPTS,
  // At least the ledger's landing window in fact: each send passes it (RevenueService.recordSale).
  retryDelaySeconds: 2,
  maxRetryDelaySeconds: MAX_CHAIN_RETRY_DELAY_SECONDS,
  expireInSeconds: 15 * 60,
});

export const sendPayoutBatchQueue = defineQueue<SendPayoutBatchJob>('revenue.send-payout-batch', {
  dedupe: true,
  attempts: CHAIN_MAX_ATTEMPTS,
  // At least the ledger's landing window in fact: each send passes it (PayoutService.run).
  retryDelaySeconds: 2,
  maxRetryDelaySeconds: MAX_CHAIN_RETRY_DELAY_SECONDS,
  expireInSeconds: 15 * 60,
});

/** A scheduled payout run: one per PAYOUT_INTERVAL_MINUTES slot of the epoch, across all instances. */
export const payoutRunQueue = defineQueue<Record<string, never>>('revenue.payout-run', {
  dedupe: false,
  attempts: 3,
  retryDelaySeconds: 60,
  maxRetryDelaySeconds: 600,
  expireInSeconds: 60 * 60,
  concurrency: 1,
});

export const REVENUE_QUEUES = [recordSplitQueue, sendPayoutBatchQueue, payoutRunQueue];

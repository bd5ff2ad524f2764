/** Queue names and their payloads; a job's payload is JSON. */
export interface JobPayloads {
  'capture.process': { captureId: string };
  /** Runs when an upload's time is up: an upload never completed is aborted and its parts freed. */
  'capture.expire-upload': { captureId: string };
  /** Records a dataset version's manifest root on-chain, once (provenance_anchors is the outbox). */
  'provenance.anchor': { datasetId: string; version: number };
  /** Looks for a Solana Pay order's payment on-chain; queues the next look until the order is paid or expired. */
  'checkout.watch-solana': { orderId: string; check: number };
  /** Runs when an order's time is up: an order still unpaid expires (a Solana order is looked up once more first). */
  'checkout.expire-order': { orderId: string };
  /** Sends a refunded order's money back (Stripe refund or USDC transfer) and records it; idempotent. */
  'checkout.refund': { orderId: string };
  /** Records a sale's split root on-chain, once (revenue_splits is the outbox). */
  'revenue.record-split': { splitId: string };
  /** Sends one payout transaction (a batch of USDC transfers), once, and books it when confirmed. */
  'revenue.send-payout-batch': { batchId: string };
  /** The scheduled payout run of one interval slot (PAYOUT_INTERVAL_MINUTES); each run queues the next slot. */
  'revenue.payout-run': { slot: number };
}
export type JobQueue = keyof JobPayloads;

export interface ClaimedJob<Q extends JobQueue = JobQueue> {
  id: string;
  queue: Q;
  payload: JobPayloads[Q];
  attempts: number;
  maxAttempts: number;
}

export interface JobHandler<Q extends JobQueue = JobQueue> {
  /** Does the work; throwing retries the job later, up to its max attempts. Must be idempotent. */
  run(job: ClaimedJob<Q>): Promise<void>;
  /** Cleanup once the job has failed for good (e.g. mark the capture rejected). */
  onFailed(job: ClaimedJob<Q>, error: string): Promise<void>;
  /** Seconds to wait before the next attempt after `attempts` failed ones; default 2^attempts, at most 600. */
  retryDelaySeconds?(attempts: number): number;
}

export interface EnqueueOptions {
  /** A second enqueue with the same key is a no-op while the first row exists. */
  dedupeKey?: string;
  maxAttempts?: number;
  delaySeconds?: number;
}

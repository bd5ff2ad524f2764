import type { Logger } from '@nestjs/common';

/** How long an outbox sender's lease on its row lasts: renewed every LEASE_RENEW_MS while it lives, so a dead sender's runs out within this. */
export const LEASE_SECONDS = 30;
const LEASE_RENEW_MS = 10_000;

/** A lease the caller has just taken on one outbox row: how to renew it for LEASE_SECONDS more, and how to give it up. */
export interface HeldLease {
  /** Names the row in the warning a failed renewal logs. */
  what: string;
  renew: () => Promise<unknown>;
  release: () => Promise<void>;
}

/**
 * Runs `work` while renewing `lease` every LEASE_RENEW_MS, then releases it however `work` ends. The outbox senders
 * (refunds, split memos, payout batches) hold their rows this way, so no sender outlives its lease unnoticed.
 */
export async function whileLeased<T>(lease: HeldLease, logger: Logger, work: () => Promise<T>): Promise<T> {
  const renewal = setInterval(() => {
    lease.renew().catch((error: unknown) => {
      logger.warn(`renewing the lease on ${lease.what} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }, LEASE_RENEW_MS);
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await lease.release();
  }
}

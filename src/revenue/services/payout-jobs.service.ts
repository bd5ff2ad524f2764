import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { SolanaLedger } from '../../chain/solana-ledger.port.js';
import { AppConfig } from '../../config/app-config.js';
import { JobQueueService } from '../../jobs/job-queue.service.js';
import { JobWorkerService } from '../../jobs/job-worker.service.js';
import type { ClaimedJob } from '../../jobs/job.types.js';
import { PayoutService } from './payout.service.js';

const MAX_RETRY_DELAY_SECONDS = 15 * 60;

/**
 * The payout jobs. `revenue.send-payout-batch` sends a batch a run left unsent (crash, cluster down), retried until
 * confirmed. `revenue.payout-run` is the schedule: one job per PAYOUT_INTERVAL_MINUTES slot of the epoch, keyed by
 * the slot, so any number of instances queue it once; each run queues the next slot.
 */
@Injectable()
export class PayoutJobsService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(PayoutJobsService.name);

  constructor(
    private readonly payouts: PayoutService,
    private readonly ledger: SolanaLedger,
    private readonly worker: JobWorkerService,
    private readonly jobs: JobQueueService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const retryDelaySeconds = (attempts: number) => Math.max(this.ledger.landingWindowSeconds, Math.min(MAX_RETRY_DELAY_SECONDS, 2 ** attempts));
    this.worker.register('revenue.send-payout-batch', {
      run: async (job: ClaimedJob<'revenue.send-payout-batch'>) => {
        if ((await this.payouts.sendBatch(job.payload.batchId)) === 'busy') throw new Error('another worker is sending this batch');
      },
      onFailed: async (job, error) => {
        this.logger.error(`gave up sending payout batch ${job.payload.batchId}: ${error}`);
      },
      retryDelaySeconds,
    });
    this.worker.register('revenue.payout-run', {
      run: async (job: ClaimedJob<'revenue.payout-run'>) => {
        const result = await this.payouts.run();
        this.logger.log(`scheduled payout run ${job.payload.slot}: ${result.payouts.length} payouts, ${result.transactions} transactions`);
        await this.scheduleAfter(job.payload.slot);
      },
      onFailed: async (job, error) => {
        this.logger.error(`scheduled payout run ${job.payload.slot} failed: ${error}`);
        await this.scheduleAfter(job.payload.slot);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduleAfter(Math.floor(Date.now() / this.intervalMs()));
  }

  private intervalMs(): number {
    return this.config.PAYOUT_INTERVAL_MINUTES * 60_000;
  }

  private async scheduleAfter(slot: number): Promise<void> {
    if (this.config.PAYOUT_INTERVAL_MINUTES === 0) return;
    const next = Math.max(slot + 1, Math.floor(Date.now() / this.intervalMs()) + 1);
    const delaySeconds = Math.max(0, Math.ceil((next * this.intervalMs() - Date.now()) / 1000));
    await this.jobs.enqueue(
      'revenue.payout-run',
      { slot: next },
      { dedupeKey: `revenue.payout-run:${this.config.PAYOUT_INTERVAL_MINUTES}:${next}`, maxAttempts: 3, delaySeconds },
    );
  }
}

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { JobsService } from '../../queue/jobs.service.js';
import { everyMinutes } from '../../queue/recurrence.js';
import { payoutRunQueue, sendPayoutBatchQueue } from '../revenue.jobs.js';
import { PayoutService } from './payout.service.js';

/**
 * The payout jobs. `revenue.send-payout-batch` sends a batch a run left unsent (crash, cluster down), retried until
 * confirmed. `revenue.payout-run` is the schedule: one run per PAYOUT_INTERVAL_MINUTES slot of the epoch across all
 * instances (a pg-boss schedule); PAYOUT_INTERVAL_MINUTES=0 removes it.
 */
@Injectable()
export class PayoutJobsService implements OnModuleInit {
  private readonly logger = new Logger(PayoutJobsService.name);

  constructor(
    private readonly payouts: PayoutService,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(sendPayoutBatchQueue, {
      run: async (job) => {
        if ((await this.payouts.sendBatch(job.payload.batchId)) === 'busy') throw new Error('another worker is sending this batch');
      },
      onFailed: (failure) => {
        this.logger.error(`gave up sending payout batch ${failure.payload.batchId}: ${failure.error}`);
        return Promise.resolve();
      },
    });
    this.jobs.handle(payoutRunQueue, {
      run: async () => {
        const result = await this.payouts.run();
        this.logger.log(`scheduled payout run: ${result.payouts.length} payouts, ${result.transactions} transactions`);
      },
      onFailed: (failure) => {
        this.logger.error(`a scheduled payout run failed ${failure.attempts} times: ${failure.error}; the next slot runs again`);
        return Promise.resolve();
      },
    });
    const interval = this.config.PAYOUT_INTERVAL_MINUTES;
    this.jobs.schedule(payoutRunQueue, interval === 0 ? null : everyMinutes(interval));
  }
}

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SolanaLedger } from '../../chain/solana-ledger.port.js';
import { JobWorkerService } from '../../jobs/job-worker.service.js';
import type { ClaimedJob, JobHandler } from '../../jobs/job.types.js';
import { ExactlyOnceSenderService } from './exactly-once-sender.service.js';

const MAX_RETRY_DELAY_SECONDS = 15 * 60;

/**
 * The `revenue.record-split` job: records a sale's split root on-chain in one memo transaction
 * (`mkt:v1:split:<splitId>:<rootHex>`), exactly once, retried until it is confirmed (ExactlyOnceSenderService).
 */
@Injectable()
export class SplitRecorderService implements JobHandler<'revenue.record-split'>, OnModuleInit {
  private readonly logger = new Logger(SplitRecorderService.name);

  constructor(
    private readonly sender: ExactlyOnceSenderService,
    private readonly ledger: SolanaLedger,
    private readonly worker: JobWorkerService,
  ) {}

  onModuleInit(): void {
    this.worker.register('revenue.record-split', this);
  }

  async run(job: ClaimedJob<'revenue.record-split'>): Promise<void> {
    const outcome = await this.sender.send(
      'revenue_splits',
      job.payload.splitId,
      (reference, memo) => this.ledger.recordMemo(memo, { reference }),
      async () => undefined,
    );
    if (outcome === 'busy') throw new Error('another worker is recording this split');
  }

  async onFailed(job: ClaimedJob<'revenue.record-split'>, error: string): Promise<void> {
    this.logger.error(`gave up recording split ${job.payload.splitId} on-chain: ${error}`);
  }

  retryDelaySeconds(attempts: number): number {
    return Math.max(this.ledger.landingWindowSeconds, Math.min(MAX_RETRY_DELAY_SECONDS, 2 ** attempts));
  }
}

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SolanaLedger } from '../../chain/solana-ledger.port.js';
import type { Job, JobFailure, JobHandler } from '../../queue/job-queue.js';
import { JobsService } from '../../queue/jobs.service.js';
import { type RecordSplitJob, recordSplitQueue } from '../revenue.jobs.js';
import { ExactlyOnceSenderService } from './exactly-once-sender.service.js';

/**
 * The `revenue.record-split` job: records a sale's split root on-chain in one memo transaction
 * (`mkt:v1:split:<splitId>:<rootHex>`), exactly once, retried until it is confirmed (ExactlyOnceSenderService).
 */
@Injectable()
export class SplitRecorderService implements JobHandler<RecordSplitJob>, OnModuleInit {
  private readonly logger = new Logger(SplitRecorderService.name);

  constructor(
    private readonly sender: ExactlyOnceSenderService,
    private readonly ledger: SolanaLedger,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(recordSplitQueue, this);
  }

  async run(job: Job<RecordSplitJob>): Promise<void> {
    const outcome = await this.sender.send(
      'revenue_splits',
      job.payload.splitId,
      (reference, memo) => this.ledger.recordMemo(memo, { reference }),
      () => Promise.resolve(),
    );
    if (outcome === 'busy') throw new Error('another worker is recording this split');
  }

  onFailed(failure: JobFailure<RecordSplitJob>): Promise<void> {
    this.logger.error(`gave up recording split ${failure.payload.splitId} on-chain: ${failure.error}`);
    return Promise.resolve();
  }
}

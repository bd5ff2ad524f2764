import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Job, JobFailure, JobHandler } from '../../jobs/job-queue.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { ObjectStorage } from '../../storage/object-storage.port.js';
import { verifyStoredObject } from '../capture-verifier.js';
import { type CaptureProcessJob, captureProcessQueue } from '../ingestion.jobs.js';
import { CaptureRepository } from '../repositories/capture.repository.js';

/** The `capture.process` job: verify size and SHA-256, probe the format, then mark the capture ready or rejected. */
@Injectable()
export class CaptureProcessorService implements JobHandler<CaptureProcessJob>, OnModuleInit {
  private readonly logger = new Logger(CaptureProcessorService.name);

  constructor(
    private readonly captures: CaptureRepository,
    private readonly storage: ObjectStorage,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(captureProcessQueue, this);
  }

  async run(job: Job<CaptureProcessJob>): Promise<void> {
    const capture = await this.captures.findById(job.payload.captureId);
    // Done already (a retried job after a crash between the update and the job's completion): nothing to redo.
    if (!capture || capture.status !== 'processing') return;
    const outcome = await verifyStoredObject(this.storage, capture.objectKey, {
      sizeBytes: capture.declaredSizeBytes,
      sha256: capture.declaredSha256,
    });
    if (outcome.ok) {
      await this.captures.markReady(capture.id, outcome);
      this.logger.log(`capture ${capture.id} ready: ${outcome.probe.format}, ${outcome.sizeBytes} bytes`);
    } else {
      await this.captures.markRejected(capture.id, { code: outcome.code, reason: outcome.reason }, outcome);
      this.logger.log(`capture ${capture.id} rejected: ${outcome.code}`);
    }
  }

  /** Out of retries (the store kept failing): the contributor sees why instead of a capture stuck in processing. */
  async onFailed(failure: JobFailure<CaptureProcessJob>): Promise<void> {
    await this.captures.markRejected(failure.payload.captureId, {
      code: 'processing_failed',
      reason: `Processing failed ${failure.attempts} times; last error: ${failure.error}`,
    });
  }
}

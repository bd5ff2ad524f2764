import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import type { JobFailure, JobHandler } from '../../queue/job-queue.js';
import { JobsService } from '../../queue/jobs.service.js';
import { everyMinutes } from '../../queue/recurrence.js';
import { ObjectStorage } from '../../storage/object-storage.port.js';
import { UPLOAD_EXPIRY_SWEEP_MINUTES, uploadExpirySweepQueue } from '../ingestion.jobs.js';
import { CaptureRepository } from '../repositories/capture.repository.js';

const SWEEP_BATCH = 100;

/**
 * The `capture.expire-uploads` sweep, every UPLOAD_EXPIRY_SWEEP_MINUTES: an upload still unfinished UPLOAD_EXPIRY_HOURS
 * after it started is marked rejected and its multipart upload aborted, so abandoned parts do not pile up in storage.
 */
@Injectable()
export class UploadExpiryService implements JobHandler<Record<string, never>>, OnModuleInit {
  private readonly logger = new Logger(UploadExpiryService.name);

  constructor(
    private readonly captures: CaptureRepository,
    private readonly storage: ObjectStorage,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(uploadExpirySweepQueue, this);
    this.jobs.schedule(uploadExpirySweepQueue, everyMinutes(UPLOAD_EXPIRY_SWEEP_MINUTES));
  }

  async run(): Promise<void> {
    const reason = `The upload was not completed within ${this.config.UPLOAD_EXPIRY_HOURS} hours; start a new one`;
    for (;;) {
      // Rejected first: a completion racing with the sweep either wins (and the upload is not due) or finds it rejected.
      const expired = await this.captures.abandonExpiredUploads(this.config.UPLOAD_EXPIRY_HOURS, reason, SWEEP_BATCH);
      for (const capture of expired) {
        if (capture.uploadId === null) continue;
        try {
          await this.storage.abortMultipartUpload(capture.objectKey, capture.uploadId);
          this.logger.log(`upload of capture ${capture.id} expired and was aborted`);
        } catch (error) {
          // The capture is rejected either way; the parts stay until the store's own lifecycle rules remove them.
          this.logger.warn(
            `upload of capture ${capture.id} expired, but aborting it failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      if (expired.length < SWEEP_BATCH) return;
    }
  }

  onFailed(failure: JobFailure<Record<string, never>>): Promise<void> {
    this.logger.error(`an upload expiry sweep failed ${failure.attempts} times: ${failure.error}; the next one retries`);
    return Promise.resolve();
  }
}

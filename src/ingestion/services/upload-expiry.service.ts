import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { JobWorkerService } from '../../jobs/job-worker.service.js';
import type { ClaimedJob, JobHandler } from '../../jobs/job.types.js';
import { ObjectStorage } from '../../storage/object-storage.port.js';
import { CaptureRepository } from '../repositories/capture.repository.js';

/**
 * The `capture.expire-upload` job, queued with every new upload to run UPLOAD_EXPIRY_HOURS later: an upload still
 * unfinished then is marked rejected and its multipart upload aborted, so abandoned parts do not pile up in storage.
 */
@Injectable()
export class UploadExpiryService implements JobHandler<'capture.expire-upload'>, OnModuleInit {
  private readonly logger = new Logger(UploadExpiryService.name);

  constructor(
    private readonly captures: CaptureRepository,
    private readonly storage: ObjectStorage,
    private readonly worker: JobWorkerService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.worker.register('capture.expire-upload', this);
  }

  async run(job: ClaimedJob<'capture.expire-upload'>): Promise<void> {
    const capture = await this.captures.findById(job.payload.captureId);
    if (!capture || capture.status !== 'uploading' || !capture.uploadId) return;
    // Reject first: a complete racing with this job either wins (and the abort is skipped) or finds it rejected.
    const reason = `The upload was not completed within ${this.config.UPLOAD_EXPIRY_HOURS} hours; start a new one`;
    if (!(await this.captures.markAbandoned(capture.id, reason))) return;
    await this.storage.abortMultipartUpload(capture.objectKey, capture.uploadId);
    this.logger.log(`upload of capture ${capture.id} expired and was aborted`);
  }

  onFailed(job: ClaimedJob<'capture.expire-upload'>, error: string): Promise<void> {
    this.logger.error(`could not expire the upload of capture ${job.payload.captureId}: ${error}`);
    return Promise.resolve();
  }
}

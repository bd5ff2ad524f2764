import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Job, JobFailure, JobHandler } from '../../queue/job-queue.js';
import { JobsService } from '../../queue/jobs.service.js';
import type { VerificationOutcome } from '../capture-verifier.js';
import { type CaptureProcessJob, captureProcessQueue } from '../ingestion.jobs.js';
import { CaptureRepository } from '../repositories/capture.repository.js';
import { CapturePreviewService } from './capture-preview.service.js';
import { CaptureVerificationService } from './capture-verification.service.js';
import { VerifiedObjectsService } from './verified-objects.service.js';

/**
 * The `capture.process` job: verify size and SHA-256 and probe the format (in a worker thread) on a copy nobody else
 * can write, then mark the capture ready, its bytes at their content-addressed key, or rejected; a ready capture's
 * previews are queued as a `capture.preview` job.
 */
@Injectable()
export class CaptureProcessorService implements JobHandler<CaptureProcessJob>, OnModuleInit {
  private readonly logger = new Logger(CaptureProcessorService.name);

  constructor(
    private readonly captures: CaptureRepository,
    private readonly objects: VerifiedObjectsService,
    private readonly verification: CaptureVerificationService,
    private readonly jobs: JobsService,
    private readonly previews: CapturePreviewService,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(captureProcessQueue, this);
  }

  async run(job: Job<CaptureProcessJob>): Promise<void> {
    const capture = await this.captures.findById(job.payload.captureId);
    // Done already (a retried job after a crash between the update and the job's completion): nothing to redo.
    if (!capture || capture.status !== 'processing') return;
    const candidate = await this.objects.candidateFor(capture);
    if (!candidate) {
      await this.reject(capture.id, { ok: false, code: 'missing_object', reason: 'No uploaded bytes were found for this capture' });
      return;
    }
    const outcome = await this.verification.verify(candidate, { sizeBytes: capture.declaredSizeBytes, sha256: capture.declaredSha256 });
    if (!outcome.ok) {
      await this.objects.discard(candidate);
      await this.reject(capture.id, outcome);
      return;
    }
    const contentKey = await this.objects.promote(candidate, outcome.sha256, outcome.sizeBytes);
    await this.captures.markReady(capture.id, outcome, contentKey);
    // Previews are their own job, so a capture is ready without waiting for ffmpeg or a renderer; a crash before this
    // line leaves it to the preview sweep.
    await this.previews.queue(capture.id);
    this.logger.log(`capture ${capture.id} ready: ${outcome.probe.format}, ${outcome.sizeBytes} bytes at ${contentKey}`);
  }

  private async reject(id: string, outcome: Extract<VerificationOutcome, { ok: false }>): Promise<void> {
    await this.captures.markRejected(id, { code: outcome.code, reason: outcome.reason }, outcome);
    this.logger.log(`capture ${id} rejected: ${outcome.code}`);
  }

  /** Out of retries (the store kept failing): the contributor sees why instead of a capture stuck in processing. */
  async onFailed(failure: JobFailure<CaptureProcessJob>): Promise<void> {
    await this.captures.markRejected(failure.payload.captureId, {
      code: 'processing_failed',
      reason: `Processing failed ${failure.attempts} times; last error: ${failure.error}`,
    });
  }
}

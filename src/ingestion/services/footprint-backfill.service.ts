import { Injectable, Logger, type OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';

import { AppConfig } from '../../config/app-config.js';

import type { Job, JobFailure, JobHandler } from '../../queue/job-queue.js';
import { JobsService } from '../../queue/jobs.service.js';
import { everyMinutes } from '../../queue/recurrence.js';
import { FOOTPRINT_VERSION } from '../footprints/footprint.types.js';
import { footprintReasonOf } from '../formats/footprint-result.js';
import { type CaptureFootprintJob, captureFootprintQueue, footprintBackfillSweepQueue } from '../ingestion.jobs.js';
import { CaptureRepository } from '../repositories/capture.repository.js';
import { CapturePreviewService } from './capture-preview.service.js';
import { CaptureVerificationService } from './capture-verification.service.js';

const SWEEP_BATCH = 500;
/** Minutes between sweeps for captures whose footprint predates the current extraction (the first runs at start-up). */
export const FOOTPRINT_SWEEP_MINUTES = 10;

/**
 * Footprints for captures stored before they existed (issue 12), through the job queue, never blocking start-up: a
 * scheduled sweep (and one at start-up) queues a `capture.footprint` job per ready capture whose footprint_version is
 * older than FOOTPRINT_VERSION (deduplicated by capture id, so sweeps on several instances queue each once); the job
 * re-reads the verified object in a worker thread, checks it is still the bytes verified (size and SHA-256), and
 * stores only the derived facts: footprint, GNSS quality, warnings. The verified bytes and their hash never change.
 */
@Injectable()
export class FootprintBackfillService implements JobHandler<CaptureFootprintJob>, OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(FootprintBackfillService.name);

  constructor(
    private readonly captures: CaptureRepository,
    private readonly verification: CaptureVerificationService,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
    private readonly previews: CapturePreviewService,
  ) {}

  /** A sweep at start-up on instances that run jobs, so existing captures get footprints without waiting for the schedule. */
  onApplicationBootstrap(): void {
    if (this.config.WORKER_CONCURRENCY === 0) return;
    this.jobs.sendOutsideTransaction(footprintBackfillSweepQueue, {}).catch((error: unknown) => {
      this.logger.error(`queueing the footprint backfill sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  onModuleInit(): void {
    this.jobs.handle(captureFootprintQueue, this);
    this.jobs.handle(footprintBackfillSweepQueue, {
      run: async () => {
        await this.sweep();
      },
      onFailed: (failure) => this.sweepFailed(failure),
    });
    this.jobs.schedule(footprintBackfillSweepQueue, everyMinutes(FOOTPRINT_SWEEP_MINUTES));
  }

  /** Queues a footprint job for every ready capture with an older extraction; answers how many it queued. */
  async sweep(): Promise<number> {
    let queued = 0;
    let after: string | undefined;
    for (;;) {
      const batch = await this.captures.findReadyWithOlderFootprint(FOOTPRINT_VERSION, SWEEP_BATCH, after);
      for (const capture of batch) {
        await this.jobs.sendOutsideTransaction(captureFootprintQueue, { captureId: capture.id }, { key: capture.id });
        queued += 1;
      }
      if (batch.length < SWEEP_BATCH) return queued;
      after = batch[batch.length - 1].id;
    }
  }

  async run(job: Job<CaptureFootprintJob>): Promise<void> {
    const capture = await this.captures.findById(job.payload.captureId);
    if (!capture || capture.status !== 'ready' || capture.footprintVersion >= FOOTPRINT_VERSION) return;
    const { contentKey, sizeBytes, sha256 } = capture;
    if (contentKey === null || sizeBytes === null || sha256 === null) return;
    const outcome = await this.verification.verify(contentKey, { sizeBytes, sha256 });
    if (!outcome.ok || outcome.sha256 !== capture.sha256 || outcome.sizeBytes !== capture.sizeBytes) {
      // The stored object no longer reads as what was verified: keep the capture as it is, and say so.
      this.logger.error(`capture ${capture.id}: its verified object did not read back as verified; footprint not extracted`);
      await this.captures.setFootprint(
        capture.id,
        null,
        'the verified object could not be read again to extract a footprint',
        null,
        capture.warnings,
      );
      return;
    }
    const probe = outcome.probe;
    await this.captures.setFootprint(capture.id, probe.footprint ?? null, footprintReasonOf(probe), probe.gnssQuality ?? null, probe.warnings);
    // Reprocessed: the preview's track and facts come from what was just extracted, so it is made again.
    await this.previews.queue(capture.id);
  }

  async onFailed(failure: JobFailure<CaptureFootprintJob>): Promise<void> {
    this.logger.error(`footprint of capture ${failure.payload.captureId} failed ${failure.attempts} times: ${failure.error}`);
    await this.captures.setFootprint(failure.payload.captureId, null, `extracting the footprint failed: ${failure.error}`, null, null);
  }

  private sweepFailed(failure: JobFailure<Record<string, never>>): Promise<void> {
    this.logger.error(`a footprint backfill sweep failed ${failure.attempts} times: ${failure.error}; the next one retries`);
    return Promise.resolve();
  }
}

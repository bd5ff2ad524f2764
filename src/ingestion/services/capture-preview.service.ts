import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { AuthUser } from '../../auth/auth-user.js';
import { Role } from '../../auth/role.js';
import { AppConfig } from '../../config/app-config.js';
import type { Job, JobFailure, JobHandler } from '../../queue/job-queue.js';
import { JobsService } from '../../queue/jobs.service.js';
import { everyMinutes } from '../../queue/recurrence.js';
import { ObjectStorage } from '../../storage/object-storage.port.js';
import { CapturePreviewResponse } from '../dto/capture-preview.response.js';
import type { CaptureEntity } from '../entities/capture.entity.js';
import { type CapturePreviewJob, capturePreviewQueue, previewSweepQueue } from '../ingestion.jobs.js';
import { IngestionErrorCode, IngestionException } from '../ingestion.exception.js';
import type { GeneratedPreview } from '../previews/generated-preview.js';
import type { PreviewData, PreviewTask } from '../previews/preview-task.js';
import { WorkerPool, workerModule } from '../verification/worker-pool.js';
import { objectStorageSettings } from '../../storage/storage.module.js';
import { PREVIEW_VERSION, previewContentType } from '../previews/preview.types.js';
import { CapturePreviewRepository } from '../repositories/capture-preview.repository.js';
import { CaptureRepository } from '../repositories/capture.repository.js';

const SWEEP_BATCH = 500;
/** Minutes between sweeps for ready captures whose preview is missing or older than PREVIEW_VERSION. */
export const PREVIEW_SWEEP_MINUTES = 10;

/** Where a capture's preview files live in object storage. */
export const previewKey = (captureId: string, name: string) => `previews/${captureId}/${name}`;

/**
 * Previews of captures (issue 14): the `capture.preview` job, queued once a capture is ready (and again by a sweep
 * for captures whose preview is missing or was made by an older generator, when a capture is reprocessed, and for a
 * video when its DJI SRT sidecar, a capture of the same owner and name but the extension, is ready), reads
 * the verified object and makes the preview for its format in a thread of its own (off the API's event loop), stores the
 * derived files under `previews/<id>/` and the drawable content in capture_previews. Runs apart from the probe, so
 * ingestion never waits for ffmpeg or a renderer.
 * Reading is for the capture's owner and admins here; the catalog serves listed datasets' samples to anyone.
 */
@Injectable()
export class CapturePreviewService implements JobHandler<CapturePreviewJob>, OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CapturePreviewService.name);
  /**
   * One preview thread per instance, started on the first preview it makes. Built here, not on the first job: a job
   * still running when the module is destroyed then finds the pool closed, instead of starting a new thread that
   * nothing closes.
   */
  private readonly pool: WorkerPool<PreviewTask, GeneratedPreview, PreviewData>;

  constructor(
    private readonly captures: CaptureRepository,
    private readonly previews: CapturePreviewRepository,
    private readonly storage: ObjectStorage,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
  ) {
    this.pool = new WorkerPool({
      size: 1,
      script: workerModule('../previews/capture-preview.worker', import.meta.url),
      data: { storage: objectStorageSettings(this.config) },
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.WORKER_CONCURRENCY === 0) return;
    this.jobs.sendOutsideTransaction(previewSweepQueue, {}).catch((error: unknown) => {
      this.logger.error(`queueing the preview sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  onModuleInit(): void {
    this.jobs.handle(capturePreviewQueue, this);
    this.jobs.handle(previewSweepQueue, {
      run: async () => {
        await this.sweep();
      },
      onFailed: (failure) => {
        this.logger.error(`a preview sweep failed ${failure.attempts} times: ${failure.error}; the next one retries`);
        return Promise.resolve();
      },
    });
    this.jobs.schedule(previewSweepQueue, everyMinutes(PREVIEW_SWEEP_MINUTES));
  }

  /** Queues the preview of a capture (deduplicated by capture id); called once its verified bytes are in place. */
  async queue(captureId: string): Promise<void> {
    await this.jobs.sendOutsideTransaction(capturePreviewQueue, { captureId }, { key: captureId });
  }

  /** Queues a preview job for every ready capture without a current preview; answers how many it queued. */
  async sweep(): Promise<number> {
    let queued = 0;
    let after: string | undefined;
    for (;;) {
      const batch = await this.previews.findReadyWithoutCurrent(PREVIEW_VERSION, SWEEP_BATCH, after);
      for (const id of batch) await this.queue(id);
      queued += batch.length;
      if (batch.length < SWEEP_BATCH) return queued;
      after = batch[batch.length - 1];
    }
  }

  async run(job: Job<CapturePreviewJob>): Promise<void> {
    const capture = await this.captures.findById(job.payload.captureId);
    if (!capture || capture.status !== 'ready' || capture.contentKey === null || capture.format === null || capture.modality === null) return;
    const started = Date.now();
    // A DJI video's telemetry comes as an SRT file of the same name beside it.
    const sidecar =
      capture.modality === 'video' ? (await this.captures.findSiblings(capture.ownerId, capture.filename, ['dji-srt'])).at(0) : undefined;
    const generated = await this.pool.run({
      ...(sidecar?.contentKey ? { sidecar: { key: sidecar.contentKey, filename: sidecar.filename } } : {}),
      key: capture.contentKey,
      subject: {
        format: capture.format,
        modality: capture.modality,
        metadata: capture.metadata ?? {},
        durationSeconds: capture.durationSeconds,
        footprint: capture.footprint,
      },
    });
    const before = await this.previews.find(capture.id);
    // A thread's Buffers arrive as plain Uint8Arrays.
    for (const file of generated.files) await this.storage.put(previewKey(capture.id, file.name), Buffer.from(file.body), file.contentType);
    const names = generated.files.map((f) => f.name);
    await this.previews.save(capture.id, {
      status: 'ready',
      version: PREVIEW_VERSION,
      kind: generated.content.kind,
      content: generated.content,
      files: names,
      reason: generated.reason,
    });
    // Files of an older preview that this one no longer has (deleted after the row names the new set).
    for (const stale of (before?.files ?? []).filter((name) => !names.includes(name))) await this.storage.delete(previewKey(capture.id, stale));
    this.logger.log(`capture ${capture.id}: ${generated.content.kind} preview, ${names.length} files, in ${Date.now() - started} ms`);
    // An SRT that arrives after its video gives the video its track: the video's preview is made again.
    if (capture.format === 'dji-srt')
      for (const video of await this.captures.findSiblings(capture.ownerId, capture.filename, ['mp4', 'mov'])) await this.queue(video.id);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }

  async onFailed(failure: JobFailure<CapturePreviewJob>): Promise<void> {
    this.logger.error(`preview of capture ${failure.payload.captureId} failed ${failure.attempts} times: ${failure.error}`);
    const capture = await this.captures.findById(failure.payload.captureId);
    if (!capture) return;
    const before = await this.previews.find(capture.id);
    await this.previews.save(capture.id, {
      status: 'failed',
      version: PREVIEW_VERSION,
      kind: 'none',
      content: null,
      files: [],
      reason: `making the preview failed: ${failure.error}`,
    });
    for (const stale of before?.files ?? []) await this.storage.delete(previewKey(capture.id, stale));
  }

  /** The preview of a capture its owner or an admin asks for; anyone else (anonymous too) gets the 404 of a missing capture. */
  async forOwner(user: AuthUser | null, captureId: string): Promise<CapturePreviewResponse> {
    return this.describe(await this.visible(user, captureId));
  }

  /** The preview of a capture the caller may see by other rights (a listed dataset's sample): no owner check. */
  async forAnyone(captureId: string): Promise<CapturePreviewResponse> {
    const capture = await this.captures.findById(captureId);
    if (!capture) throw new IngestionException(IngestionErrorCode.CAPTURE_NOT_FOUND, `No capture ${captureId}`);
    return this.describe(capture);
  }

  /** One preview file's bytes, for the owner or an admin. */
  async fileForOwner(user: AuthUser | null, captureId: string, name: string): Promise<PreviewFile> {
    return this.file(await this.visible(user, captureId), name);
  }

  /** One preview file's bytes, where the caller's right was checked elsewhere (a listed dataset's sample). */
  async fileForAnyone(captureId: string, name: string): Promise<PreviewFile> {
    const capture = await this.captures.findById(captureId);
    if (!capture) throw new IngestionException(IngestionErrorCode.CAPTURE_NOT_FOUND, `No capture ${captureId}`);
    return this.file(capture, name);
  }

  private async file(capture: CaptureEntity, name: string): Promise<PreviewFile> {
    const preview = await this.previews.find(capture.id);
    if (!preview || !preview.files.includes(name))
      throw new IngestionException(IngestionErrorCode.PREVIEW_NOT_FOUND, `Capture ${capture.id} has no preview file ${name}`);
    const key = previewKey(capture.id, name);
    const stat = await this.storage.head(key);
    if (!stat) throw new IngestionException(IngestionErrorCode.PREVIEW_NOT_FOUND, `Capture ${capture.id} has no preview file ${name}`);
    return { stream: await this.storage.read(key), contentType: previewContentType(name), sizeBytes: stat.size };
  }

  private async describe(capture: CaptureEntity): Promise<CapturePreviewResponse> {
    const preview = capture.status === 'ready' ? await this.previews.find(capture.id) : null;
    return CapturePreviewResponse.of(capture, preview);
  }

  private async visible(user: AuthUser | null, id: string): Promise<CaptureEntity> {
    const capture = user === null ? null : user.role === Role.ADMIN ? await this.captures.findById(id) : await this.captures.findOwned(id, user.id);
    if (!capture) throw new IngestionException(IngestionErrorCode.CAPTURE_NOT_FOUND, `No capture ${id} among yours`);
    return capture;
  }
}

export interface PreviewFile {
  stream: Readable;
  contentType: string;
  sizeBytes: number;
}

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';

import type { JobFailure } from '../../queue/job-queue.js';
import { JobsService } from '../../queue/jobs.service.js';
import { everyMinutes } from '../../queue/recurrence.js';
import { CaptureService } from '../../ingestion/services/capture.service.js';
import { versionFootprintSyncQueue } from '../catalog.jobs.js';
import { type FileRef, DatasetVersionRepository } from '../repositories/dataset-version.repository.js';
import { coverageOutline } from '../dataset-views.js';

const BATCH = 500;
export const FOOTPRINT_SYNC_MINUTES = 1;

/**
 * Versions frozen before footprints existed have files without one. Once ingestion's backfill has extracted a
 * capture's footprint (or said why it has none), this scheduled job copies it into every file of that capture and
 * re-indexes the listed versions it touched, so search and maps follow. Idempotent and safe on several instances at
 * once: a file is only ever filled from null, and re-indexing a version replaces its rows in one statement.
 */
@Injectable()
export class VersionFootprintsService implements OnModuleInit {
  private readonly logger = new Logger(VersionFootprintsService.name);

  constructor(
    private readonly versions: DatasetVersionRepository,
    private readonly captures: CaptureService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(versionFootprintSyncQueue, {
      run: async () => {
        await this.run();
        await this.fillOutlines();
      },
      onFailed: (failure: JobFailure<Record<string, never>>) => {
        this.logger.error(`a footprint sync failed ${failure.attempts} times: ${failure.error}; the next one retries`);
        return Promise.resolve();
      },
    });
    this.jobs.schedule(versionFootprintSyncQueue, everyMinutes(FOOTPRINT_SYNC_MINUTES));
  }

  /**
   * Stores the map outline of every listed entry whose coverage cells changed (or are new) since: made here once, so a
   * search hit only reads it. Safe on several instances at once: the outline is a function of the cells, and it is
   * stored only while the cells are the ones it was made from. Answers how many entries it looked at.
   */
  async fillOutlines(): Promise<number> {
    let seen = 0;
    // Paged by key: an entry whose cells changed while this pass ran stays pending for the next pass.
    for (let after: { datasetId: string; version: number } | undefined; ;) {
      const entries = await this.versions.outlinesPending(BATCH, after);
      for (const entry of entries) {
        const outline = coverageOutline(entry.cells);
        if (outline) await this.versions.storeOutline(entry, outline);
      }
      seen += entries.length;
      if (entries.length < BATCH) return seen;
      after = entries[entries.length - 1];
    }
  }

  /** One pass over the files still without footprint facts; answers how many it filled. */
  async run(): Promise<number> {
    let filled = 0;
    let after: FileRef | undefined;
    for (;;) {
      const files = await this.versions.filesWithoutFootprint(BATCH, after);
      if (files.length === 0) return filled;
      const snapshots = new Map((await this.captures.snapshots([...new Set(files.map((f) => f.captureId))])).map((c) => [c.id, c]));
      const touched = new Map<string, { datasetId: string; version: number }>();
      for (const file of files) {
        const capture = snapshots.get(file.captureId);
        if (!capture || (capture.footprint === null && capture.footprintReason === null)) continue;
        if (await this.versions.fillFootprint(file, capture.footprint, capture.footprintReason, capture.gnssQuality)) {
          filled += 1;
          touched.set(`${file.datasetId}/${file.version}`, { datasetId: file.datasetId, version: file.version });
        }
      }
      for (const { datasetId, version } of touched.values()) await this.versions.reindex(datasetId, version);
      after = files[files.length - 1];
    }
  }
}

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { CONTENT_KEY_PREFIX } from '../../ingestion/content-keys.js';
import { CaptureService } from '../../ingestion/services/capture.service.js';
import { VerifiedObjectBackfillService } from '../../ingestion/services/verified-object-backfill.service.js';
import { type FileRef, DatasetVersionRepository } from '../repositories/dataset-version.repository.js';

const BATCH = 500;

/**
 * Versions frozen before verified bytes were content-addressed point their files at upload or staging keys. Once
 * ingestion has moved a capture's verified bytes to their content key (at start-up), its files follow, so downloads
 * serve only bytes nobody else can write. A file moves only when the capture's verified hash is the file's.
 */
@Injectable()
export class VersionFileKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger(VersionFileKeysService.name);

  constructor(
    private readonly versions: DatasetVersionRepository,
    private readonly captures: CaptureService,
    private readonly backfill: VerifiedObjectBackfillService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Like the capture backfill it follows: only on instances that do background work (API-only instances never).
    if (this.config.WORKER_CONCURRENCY === 0) return;
    void this.backfill
      .finished()
      .then(() => this.run())
      .catch((error: unknown) => {
        this.logger.error(`moving version files to content keys stopped: ${error instanceof Error ? error.message : String(error)}`);
      });
  }

  /** One pass over the files not yet content-addressed; answers how many it moved. */
  async run(): Promise<number> {
    let moved = 0;
    let after: FileRef | undefined;
    for (;;) {
      const files = await this.versions.filesNotContentAddressed(CONTENT_KEY_PREFIX, BATCH, after);
      if (files.length === 0) return moved;
      const verified = new Map((await this.captures.snapshots([...new Set(files.map((file) => file.captureId))])).map((c) => [c.id, c]));
      for (const file of files) {
        const capture = verified.get(file.captureId);
        if (capture?.objectKey && capture.sha256 === file.sha256) {
          await this.versions.moveFileTo(file, capture.objectKey);
          moved += 1;
        }
      }
      after = files[files.length - 1];
    }
  }
}

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import type { CaptureEntity } from '../entities/capture.entity.js';
import { CaptureRepository } from '../repositories/capture.repository.js';
import { CaptureVerificationService } from './capture-verification.service.js';
import { VerifiedObjectsService } from './verified-objects.service.js';

const BATCH = 50;

/**
 * Captures made ready before verified bytes were content-addressed are still served from their upload or staging
 * key, which a network can overwrite. At start-up (on instances that process captures) each one is copied privately,
 * hashed again, and moved to its content key when the bytes still match what was verified; the original is left in
 * place (a published version may point at it until the catalog follows). A capture whose source is gone or changed
 * keeps its old key and is logged: nothing is lost or replaced by other bytes. Several instances may run this at once:
 * each step is idempotent and the key is recorded only once.
 */
@Injectable()
export class VerifiedObjectBackfillService implements OnApplicationBootstrap {
  private readonly logger = new Logger(VerifiedObjectBackfillService.name);
  private started: Promise<number> | undefined;

  constructor(
    private readonly captures: CaptureRepository,
    private readonly objects: VerifiedObjectsService,
    private readonly verification: CaptureVerificationService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.WORKER_CONCURRENCY === 0) return;
    void this.finished();
  }

  /** The start-up pass (started now if it has not been): how many captures it moved to content keys. */
  finished(): Promise<number> {
    this.started ??= this.run().catch((error: unknown) => {
      this.logger.error(`moving verified captures to content keys stopped: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    });
    return this.started;
  }

  /** One pass over every ready capture without a content key; answers how many it moved. */
  async run(): Promise<number> {
    let moved = 0;
    let after: string | undefined;
    for (;;) {
      const batch = await this.captures.findReadyWithoutContentKey(BATCH, after);
      if (batch.length === 0) return moved;
      for (const capture of batch) if (await this.adopt(capture)) moved += 1;
      after = batch[batch.length - 1].id;
    }
  }

  private async adopt(capture: CaptureEntity): Promise<boolean> {
    const copy = await this.objects.privateCopy(capture);
    if (!copy) {
      this.logger.error(`capture ${capture.id}: its object ${capture.objectKey} is gone; it keeps that key`);
      return false;
    }
    const hash = await this.verification.hash(copy);
    if (!hash.ok || hash.sha256 !== capture.sha256 || hash.sizeBytes !== capture.sizeBytes) {
      await this.objects.delete(copy);
      this.logger.error(`capture ${capture.id}: ${capture.objectKey} no longer holds the bytes verified for it; it keeps that key`);
      return false;
    }
    const contentKey = await this.objects.promote(copy, hash.sha256, hash.sizeBytes);
    return this.captures.setContentKey(capture.id, contentKey);
  }
}

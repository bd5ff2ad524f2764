import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { AdvanceGrantsModule } from '../consent/advance-grants.module.js';
import { JobsModule } from '../queue/jobs.module.js';
import { AdminNetworksController } from './controllers/admin-networks.controller.js';
import { CapturesController } from './controllers/captures.controller.js';
import { NetworkBatchesController } from './controllers/network-batches.controller.js';
import { CapturePreviewEntity } from './entities/capture-preview.entity.js';
import { CaptureEntity } from './entities/capture.entity.js';
import { NetworkEntity } from './entities/network.entity.js';
import { INGESTION_QUEUES } from './ingestion.jobs.js';
import { NetworkBatchService } from './networks/network-batch.service.js';
import { NetworkRegistryService } from './networks/network-registry.service.js';
import { CaptureRepository } from './repositories/capture.repository.js';
import { NetworkRepository } from './repositories/network.repository.js';
import { CaptureProcessorService } from './services/capture-processor.service.js';
import { CaptureService } from './services/capture.service.js';
import { CaptureVerificationService } from './services/capture-verification.service.js';
import { VerifiedObjectBackfillService } from './services/verified-object-backfill.service.js';
import { VerifiedObjectsService } from './services/verified-objects.service.js';
import { UploadExpiryService } from './services/upload-expiry.service.js';
import { FootprintBackfillService } from './services/footprint-backfill.service.js';
import { CapturePreviewRepository } from './repositories/capture-preview.repository.js';
import { CapturePreviewService } from './services/capture-preview.service.js';
import { ScratchSweepService } from './services/scratch-sweep.service.js';

/**
 * Captures from contributors and networks: upload, verify, probe, describe, preview. Exposes CaptureService,
 * CapturePreviewService, NetworkRegistryService (whether a network exists, for advance consent grants), and the start-up move of verified captures to content keys that the catalog waits for.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([CaptureEntity, CapturePreviewEntity, NetworkEntity]),
    AuthModule,
    AdvanceGrantsModule,
    JobsModule.forFeature(INGESTION_QUEUES),
  ],
  controllers: [CapturesController, NetworkBatchesController, AdminNetworksController],
  providers: [
    CaptureRepository,
    NetworkRepository,
    CaptureService,
    CaptureProcessorService,
    CaptureVerificationService,
    VerifiedObjectsService,
    VerifiedObjectBackfillService,
    FootprintBackfillService,
    CapturePreviewRepository,
    CapturePreviewService,
    UploadExpiryService,
    NetworkRegistryService,
    NetworkBatchService,
    ScratchSweepService,
  ],
  exports: [CaptureService, CapturePreviewService, VerifiedObjectBackfillService, NetworkRegistryService],
})
export class IngestionModule {}

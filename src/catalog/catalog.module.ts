import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { ConsentRecordsModule } from '../consent/consent-records.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { LicensingModule } from '../licensing/licensing.module.js';
import { ProvenanceModule } from '../provenance/provenance.module.js';
import { SamplePreviewsService } from './services/sample-previews.service.js';
import { AdminReviewsController } from './controllers/admin-reviews.controller.js';
import { CapturePreviewsController } from './controllers/capture-previews.controller.js';
import { DatasetsController } from './controllers/datasets.controller.js';
import { DatasetReviewEventEntity } from './entities/dataset-review-event.entity.js';
import { DatasetVersionFileEntity } from './entities/dataset-version-file.entity.js';
import { DatasetVersionEntity } from './entities/dataset-version.entity.js';
import { DatasetEntity } from './entities/dataset.entity.js';
import { DatasetVersionRepository } from './repositories/dataset-version.repository.js';
import { DatasetRepository } from './repositories/dataset.repository.js';
import { ReviewEventRepository } from './repositories/review-event.repository.js';
import { CatalogSalesService } from './services/catalog-sales.service.js';
import { CatalogSliceService } from './services/catalog-slice.service.js';
import { CatalogSearchService } from './services/catalog-search.service.js';
import { DatasetCapturesService } from './services/dataset-captures.service.js';
import { DatasetDraftService } from './services/dataset-draft.service.js';
import { DatasetProvenanceService } from './services/dataset-provenance.service.js';
import { DatasetMetadataService } from './services/dataset-metadata.service.js';
import { DatasetCoverageService } from './services/dataset-coverage.service.js';
import { DraftConsentService } from './services/draft-consent.service.js';
import { DatasetReviewService } from './services/dataset-review.service.js';
import { VersionFileKeysService } from './services/version-file-keys.service.js';
import { VersionFootprintsService } from './services/version-footprints.service.js';
import { CATALOG_QUEUES } from './catalog.jobs.js';
import { JobsModule } from '../queue/jobs.module.js';

/**
 * Datasets, their frozen versions and manifests, search, and the review workflow. Exposes CatalogSalesService
 * (published versions and their files, for checkout), CatalogSliceService (listed versions and their slices, for quotes),
 * DraftConsentService (what a draft asks of its contributors, for consent) and DatasetMetadataService (Croissant for
 * the dataset page).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([DatasetEntity, DatasetVersionEntity, DatasetVersionFileEntity, DatasetReviewEventEntity]),
    AuthModule,
    IngestionModule,
    LicensingModule,
    ProvenanceModule,
    ConsentRecordsModule,
    JobsModule.forFeature(CATALOG_QUEUES),
  ],
  controllers: [DatasetsController, AdminReviewsController, CapturePreviewsController],
  providers: [
    SamplePreviewsService,
    DatasetRepository,
    DatasetVersionRepository,
    ReviewEventRepository,
    DatasetCapturesService,
    DatasetDraftService,
    DatasetReviewService,
    CatalogSearchService,
    DatasetProvenanceService,
    DatasetMetadataService,
    DatasetCoverageService,
    CatalogSalesService,
    CatalogSliceService,
    VersionFileKeysService,
    VersionFootprintsService,
    DraftConsentService,
  ],
  exports: [CatalogSalesService, CatalogSliceService, DraftConsentService, DatasetMetadataService, DatasetReviewService],
})
export class CatalogModule {}

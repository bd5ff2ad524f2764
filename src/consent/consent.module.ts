import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ProvenanceModule } from '../provenance/provenance.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { AdvanceGrantsModule } from './advance-grants.module.js';
import { ConsentRecordsModule } from './consent-records.module.js';
import { AdvanceGrantsController } from './controllers/advance-grants.controller.js';
import { AdminTakedownsController } from './controllers/admin-takedowns.controller.js';
import { ConsentController } from './controllers/consent.controller.js';
import { AdvanceGrantService } from './services/advance-grant.service.js';
import { AdminTakedownService } from './services/admin-takedown.service.js';
import { ConsentGrantService } from './services/consent-grant.service.js';
import { ConsentRecordService } from './services/consent-record.service.js';

/**
 * Contributors' consent to the datasets that hold their captures (issue 16): requests, grants, declines and the
 * public record, and contributors' advance grants (/v1/me/advance-grants). Exposes ConsentGrantService; the records and the clearance check live in ConsentRecordsModule,
 * which the catalog imports to refuse submitting a draft that still waits for consent.
 */
@Module({
  imports: [AuthModule, CatalogModule, IngestionModule, ProvenanceModule, ConsentRecordsModule, AdvanceGrantsModule],
  controllers: [ConsentController, AdminTakedownsController, AdvanceGrantsController],
  providers: [ConsentGrantService, ConsentRecordService, AdminTakedownService, AdvanceGrantService],
  exports: [ConsentGrantService],
})
export class ConsentModule {}

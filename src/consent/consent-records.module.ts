import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProvenanceModule } from '../provenance/provenance.module.js';
import { AdvanceGrantsModule } from './advance-grants.module.js';
import { ConsentWithdrawalHooks } from './consent-withdrawal-hooks.js';
import { ConsentRecordEntity } from './entities/consent-record.entity.js';
import { ConsentRecordRepository } from './repositories/consent-record.repository.js';
import { ConsentClearanceService } from './services/consent-clearance.service.js';
import { ConsentGrantSetService } from './services/consent-grant-set.service.js';
import { ConsentNoticeService } from './services/consent-notice.service.js';

/**
 * The stored consent records, the clearance check on them, the grant set of a published version and the withdrawal
 * notices for buyers; clearance counts contributors' advance grants (AdvanceGrantsModule). Split from ConsentModule so the catalog can ask whether a draft is cleared, and the checkout
 * which grant set its certificate names and what its buyers are told, without importing the module that reads the
 * catalog's drafts. ConsentWithdrawalHooks lets a module act inside a withdrawal's transaction (buyer notifications).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ConsentRecordEntity]), ProvenanceModule, AdvanceGrantsModule],
  providers: [ConsentRecordRepository, ConsentClearanceService, ConsentGrantSetService, ConsentNoticeService, ConsentWithdrawalHooks],
  exports: [ConsentRecordRepository, ConsentClearanceService, ConsentGrantSetService, ConsentNoticeService, ConsentWithdrawalHooks],
})
export class ConsentRecordsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConsentRecordEntity } from './entities/consent-record.entity.js';
import { ConsentRecordRepository } from './repositories/consent-record.repository.js';
import { ConsentClearanceService } from './services/consent-clearance.service.js';

/**
 * The stored consent records and the clearance check on them. Split from ConsentModule so the catalog can ask
 * whether a draft is cleared without importing the module that reads the catalog's drafts.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ConsentRecordEntity])],
  providers: [ConsentRecordRepository, ConsentClearanceService],
  exports: [ConsentRecordRepository, ConsentClearanceService],
})
export class ConsentRecordsModule {}

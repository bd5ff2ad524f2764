import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobsModule } from '../queue/jobs.module.js';
import { AnchorEntity } from './entities/anchor.entity.js';
import { CustodyRecordEntity } from './entities/custody-record.entity.js';
import { PROVENANCE_QUEUES } from './provenance.jobs.js';
import { AnchorRepository } from './repositories/anchor.repository.js';
import { CustodyRecordRepository } from './repositories/custody-record.repository.js';
import { AnchorRecorderService } from './services/anchor-recorder.service.js';
import { AnchorService } from './services/anchor.service.js';
import { CustodyLogService } from './services/custody-log.service.js';

/**
 * Custody logs and on-chain anchors of dataset versions. Exposes CustodyLogService and AnchorService; the
 * `provenance.anchor` job (AnchorRecorderService, queue declared in provenance.jobs.ts) records anchors through the
 * chain module's SolanaLedger.
 */
@Module({
  imports: [TypeOrmModule.forFeature([CustodyRecordEntity, AnchorEntity]), JobsModule.forFeature(PROVENANCE_QUEUES)],
  providers: [CustodyRecordRepository, AnchorRepository, CustodyLogService, AnchorService, AnchorRecorderService],
  exports: [CustodyLogService, AnchorService],
})
export class ProvenanceModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { LicensingModule } from '../licensing/licensing.module.js';
import { AdvanceGrantEntity } from './entities/advance-grant.entity.js';
import { AdvanceGrantRevocationEntity } from './entities/advance-grant-revocation.entity.js';
import { AdvanceGrantRepository } from './repositories/advance-grant.repository.js';
import { AdvanceGrantLedgerService } from './services/advance-grant-ledger.service.js';

/**
 * Contributors' advance consent grants (issue 16): checked, stored append-only, revoked by later records. Its own module
 * so the ingestion module can store the member grants a network batch carries (AdvanceGrantLedgerService) and the
 * consent records module can clear drafts with them, without either importing the consent module (which reads the
 * catalog, which reads ingestion).
 */
@Module({
  imports: [TypeOrmModule.forFeature([AdvanceGrantEntity, AdvanceGrantRevocationEntity]), AuthModule, LicensingModule],
  providers: [AdvanceGrantRepository, AdvanceGrantLedgerService],
  exports: [AdvanceGrantRepository, AdvanceGrantLedgerService],
})
export class AdvanceGrantsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ConsentRecordsModule } from '../consent/consent-records.module.js';
import { JobsModule } from '../queue/jobs.module.js';
import { StripeModule } from '../stripe/stripe.module.js';
import { AdminPayoutsController } from './controllers/admin-payouts.controller.js';
import { EarningsController } from './controllers/earnings.controller.js';
import { SplitsController } from './controllers/splits.controller.js';
import { PayoutMethodEntity } from './entities/payout-method.entity.js';
import { SplitEntity } from './entities/split.entity.js';
import { ChainOutboxRepository } from './repositories/chain-outbox.repository.js';
import { LedgerRepository } from './repositories/ledger.repository.js';
import { PayoutRepository } from './repositories/payout.repository.js';
import { SplitRepository } from './repositories/split.repository.js';
import { REVENUE_QUEUES } from './revenue.jobs.js';
import { ExactlyOnceSenderService } from './services/exactly-once-sender.service.js';
import { PayoutJobsService } from './services/payout-jobs.service.js';
import { PayoutMethodService } from './services/payout-method.service.js';
import { PayoutService } from './services/payout.service.js';
import { RevenueService } from './services/revenue.service.js';
import { SplitRecorderService } from './services/split-recorder.service.js';
import { SplitViewService } from './services/split-view.service.js';

/**
 * Revenue splits, the double-entry ledger, on-chain split records and payouts. Exposes RevenueService (the hooks
 * checkout calls in its payment and refund transactions) and PayoutService; SolanaLedger comes from ChainModule, StripeGateway (Connect payouts) from StripeModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([SplitEntity, PayoutMethodEntity]),
    AuthModule,
    CatalogModule,
    ConsentRecordsModule,
    StripeModule,
    JobsModule.forFeature(REVENUE_QUEUES),
  ],
  controllers: [SplitsController, EarningsController, AdminPayoutsController],
  providers: [
    SplitRepository,
    LedgerRepository,
    PayoutRepository,
    ChainOutboxRepository,
    ExactlyOnceSenderService,
    RevenueService,
    SplitRecorderService,
    SplitViewService,
    PayoutMethodService,
    PayoutService,
    PayoutJobsService,
  ],
  exports: [RevenueService, PayoutService],
})
export class RevenueModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { CheckoutModule } from '../checkout/checkout.module.js';
import { JobsModule } from '../queue/jobs.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { QuotesModule } from '../quotes/quotes.module.js';
import { SubscriptionsController } from './controllers/subscriptions.controller.js';
import { SubscriptionEntity } from './entities/subscription.entity.js';
import { SubscriptionBaselineCaptureEntity, SubscriptionInvoiceLineEntity, SubscriptionPeriodEntity } from './entities/subscription-period.entity.js';
import { SubscriptionRepository } from './repositories/subscription.repository.js';
import { SubscriptionBillingService } from './services/subscription-billing.service.js';
import { SubscriptionsService } from './services/subscriptions.service.js';
import { SUBSCRIPTIONS_QUEUES } from './subscriptions.jobs.js';

/**
 * Area subscriptions (issue 13, part 7): a buyer's standing order for the new captures of an area, billed monthly as
 * one cart checkout. Talks to the catalog (CatalogSliceService), quotes (QuotesService), the checkout (CartService) and
 * notifications (BuyerNoticeService) through their exported services only.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([SubscriptionEntity, SubscriptionPeriodEntity, SubscriptionInvoiceLineEntity, SubscriptionBaselineCaptureEntity]),
    AuthModule,
    CatalogModule,
    QuotesModule,
    CheckoutModule,
    NotificationsModule,
    JobsModule.forFeature(SUBSCRIPTIONS_QUEUES),
  ],
  controllers: [SubscriptionsController],
  providers: [SubscriptionRepository, SubscriptionsService, SubscriptionBillingService],
})
export class SubscriptionsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { CheckoutModule } from '../checkout/checkout.module.js';
import { AppConfig } from '../config/app-config.js';
import { ConsentRecordsModule } from '../consent/consent-records.module.js';
import { JobsModule } from '../queue/jobs.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { WebhooksController } from './controllers/webhooks.controller.js';
import { EmailMessageEntity } from './entities/email-message.entity.js';
import { WebhookDeliveryAttemptEntity, WebhookDeliveryEntity } from './entities/webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './entities/webhook-endpoint.entity.js';
import { createMailTransport } from './mail-transport.js';
import { NOTIFICATIONS_QUEUES } from './notifications.jobs.js';
import { EmailOutboxRepository } from './repositories/email-outbox.repository.js';
import { WebhookDeliveryRepository } from './repositories/webhook-delivery.repository.js';
import { WebhookEndpointRepository } from './repositories/webhook-endpoint.repository.js';
import { BuyerNoticeService } from './services/buyer-notice.service.js';
import { MAIL_TRANSPORT, NotificationDispatchService } from './services/notification-dispatch.service.js';
import { OrderEventNoticeService } from './services/order-event-notice.service.js';
import { WebhookEndpointService } from './services/webhook-endpoint.service.js';
import { WebhookOutboxService } from './services/webhook-outbox.service.js';
import { WithdrawalNoticeService } from './services/withdrawal-notice.service.js';

/**
 * What buyers are told beyond their order page (issue 16): signed webhooks to the endpoints they register and
 * e-mail, both through outboxes sent by a job. Hears of withdrawals through consent's ConsentWithdrawalHooks (and
 * asks the checkout which orders they touch), and of paid and fulfilled orders through the checkout's OrderEventHooks.
 * Exports BuyerNoticeService, through which the subscriptions module tells buyers of their invoices.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([WebhookEndpointEntity, WebhookDeliveryEntity, WebhookDeliveryAttemptEntity, EmailMessageEntity]),
    AuthModule,
    CheckoutModule,
    ConsentRecordsModule,
    OrganisationsModule,
    JobsModule.forFeature(NOTIFICATIONS_QUEUES),
  ],
  controllers: [WebhooksController],
  providers: [
    { provide: MAIL_TRANSPORT, inject: [AppConfig], useFactory: createMailTransport },
    WebhookEndpointRepository,
    WebhookDeliveryRepository,
    EmailOutboxRepository,
    WebhookEndpointService,
    WebhookOutboxService,
    WithdrawalNoticeService,
    OrderEventNoticeService,
    NotificationDispatchService,
    BuyerNoticeService,
  ],
  exports: [BuyerNoticeService],
})
export class NotificationsModule {}

import { Module, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { RevenueModule } from '../revenue/revenue.module.js';
import { AppConfig } from '../config/app-config.js';
import { CHECKOUT_QUEUES } from './checkout.jobs.js';
import { AdminOrderListController } from './controllers/admin-order-list.controller.js';
import { AdminOrdersController } from './controllers/admin-orders.controller.js';
import { MyOrdersController } from './controllers/my-orders.controller.js';
import { OrdersController } from './controllers/orders.controller.js';
import { PlatformKeysController } from './controllers/platform-keys.controller.js';
import { StripeWebhookController } from './controllers/stripe-webhook.controller.js';
import { EntitlementSeatEntity } from './entities/entitlement-seat.entity.js';
import { EntitlementEntity } from './entities/entitlement.entity.js';
import { OrderEntity } from './entities/order.entity.js';
import { PaymentEntity } from './entities/payment.entity.js';
import { StripeEventEntity } from './entities/stripe-event.entity.js';
import { PlatformSigner } from './licence-certificate.js';
import { resolvePlatformSigner } from './platform-signing-key.js';
import { EntitlementRepository } from './repositories/entitlement.repository.js';
import { OrderRepository } from './repositories/order.repository.js';
import { PaymentRepository } from './repositories/payment.repository.js';
import { StripeEventRepository } from './repositories/stripe-event.repository.js';
import { AdminOrderListService } from './services/admin-order-list.service.js';
import { CheckoutJobsService } from './services/checkout-jobs.service.js';
import { FulfilmentService } from './services/fulfilment.service.js';
import { OrderPresenterService } from './services/order-presenter.service.js';
import { OrderSettlementService } from './services/order-settlement.service.js';
import { OrderService } from './services/order.service.js';
import { RefundService } from './services/refund.service.js';
import { SolanaPayService } from './services/solana-pay.service.js';
import { StripeWebhookService } from './services/stripe-webhook.service.js';
import { StripeModule } from '../stripe/stripe.module.js';

export const CHECKOUT_ENTITIES = [OrderEntity, PaymentEntity, EntitlementEntity, EntitlementSeatEntity, StripeEventEntity];

export const CHECKOUT_CONTROLLERS = [
  OrdersController,
  MyOrdersController,
  AdminOrdersController,
  AdminOrderListController,
  StripeWebhookController,
  PlatformKeysController,
];

/** Everything the module provides; SolanaLedger (ChainModule), StripeGateway (StripeModule), ObjectStorage, JobsService and CatalogSalesService come from outside. */
export const CHECKOUT_PROVIDERS: Provider[] = [
  { provide: PlatformSigner, inject: [AppConfig], useFactory: resolvePlatformSigner },
  OrderRepository,
  PaymentRepository,
  EntitlementRepository,
  StripeEventRepository,
  OrderSettlementService,
  SolanaPayService,
  OrderPresenterService,
  OrderService,
  FulfilmentService,
  RefundService,
  StripeWebhookService,
  CheckoutJobsService,
  AdminOrderListService,
];

/**
 * Orders, card (Stripe) and USDC (Solana Pay) payments, entitlements, downloads and licence certificates. Every
 * money movement is a row of `payments`, which the revenue module builds on.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(CHECKOUT_ENTITIES),
    AuthModule,
    CatalogModule,
    RevenueModule,
    OrganisationsModule,
    StripeModule,
    JobsModule.forFeature(CHECKOUT_QUEUES),
  ],
  controllers: CHECKOUT_CONTROLLERS,
  providers: CHECKOUT_PROVIDERS,
})
export class CheckoutModule {}

import { Module, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ConsentRecordsModule } from '../consent/consent-records.module.js';
import { JobsModule } from '../queue/jobs.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { QuotesModule } from '../quotes/quotes.module.js';
import { RevenueModule } from '../revenue/revenue.module.js';
import { StripeModule } from '../stripe/stripe.module.js';
import { AppConfig } from '../config/app-config.js';
import { CHECKOUT_QUEUES } from './checkout.jobs.js';
import { AdminOrderListController } from './controllers/admin-order-list.controller.js';
import { AdminOrdersController } from './controllers/admin-orders.controller.js';
import { MyOrdersController } from './controllers/my-orders.controller.js';
import { OrdersController } from './controllers/orders.controller.js';
import { PaymentMethodsController } from './controllers/payment-methods.controller.js';
import { PlatformKeysController } from './controllers/platform-keys.controller.js';
import { EntitlementSeatEntity } from './entities/entitlement-seat.entity.js';
import { EntitlementEntity } from './entities/entitlement.entity.js';
import { OrderPaymentRequestEntity } from './entities/order-payment-request.entity.js';
import { OrderRefundEntity } from './entities/order-refund.entity.js';
import { OrderEntity } from './entities/order.entity.js';
import { OrderSliceEntity } from './entities/order-slice.entity.js';
import { PaymentEntity } from './entities/payment.entity.js';
import { SupersededCertificateEntity } from './entities/superseded-certificate.entity.js';
import { PlatformSigner } from './licence-certificate.js';
import { OrderEventHooks } from './order-event-hooks.js';
import { PAYMENT_METHOD_CONTROLLERS, PAYMENT_METHOD_ENTITIES, PAYMENT_METHOD_PROVIDERS } from './payment-methods/payment-methods.js';
import { resolvePlatformSigner } from './platform-signing-key.js';
import { EntitlementRepository } from './repositories/entitlement.repository.js';
import { LicensedFileRepository } from './repositories/licensed-file.repository.js';
import { OrderRepository } from './repositories/order.repository.js';
import { OrderSliceRepository } from './repositories/order-slice.repository.js';
import { PaymentRequestRepository } from './repositories/payment-request.repository.js';
import { PaymentRepository } from './repositories/payment.repository.js';
import { RefundRepository } from './repositories/refund.repository.js';
import { SupersededCertificateRepository } from './repositories/superseded-certificate.repository.js';
import { AdminOrderListService } from './services/admin-order-list.service.js';
import { AffectedOrdersService } from './services/affected-orders.service.js';
import { CheckoutJobsService } from './services/checkout-jobs.service.js';
import { DownloadGrantService } from './services/download-grant.service.js';
import { FulfilmentService } from './services/fulfilment.service.js';
import { OrderFilesService } from './services/order-files.service.js';
import { OrderPresenterService } from './services/order-presenter.service.js';
import { OrderSettlementService } from './services/order-settlement.service.js';
import { OrderService } from './services/order.service.js';
import { OrderWithdrawalsService } from './services/order-withdrawals.service.js';
import { OrderReceiptService } from './services/order-receipt.service.js';
import { PaymentConfirmationService } from './services/payment-confirmation.service.js';
import { RefundSenderService } from './services/refund-sender.service.js';
import { CartController, CheckoutsController } from './controllers/cart.controller.js';
import { CartCheckoutEntity } from './entities/cart-checkout.entity.js';
import { CartLineEntity } from './entities/cart-line.entity.js';
import { CartCheckoutRepository } from './repositories/cart-checkout.repository.js';
import { CartLineRepository } from './repositories/cart-line.repository.js';
import { CartPaymentService } from './services/cart-payment.service.js';
import { CartService } from './services/cart.service.js';
import { RefundService } from './services/refund.service.js';

export const CHECKOUT_ENTITIES = [
  OrderEntity,
  OrderPaymentRequestEntity,
  CartLineEntity,
  CartCheckoutEntity,
  OrderSliceEntity,
  PaymentEntity,
  OrderRefundEntity,
  EntitlementEntity,
  EntitlementSeatEntity,
  SupersededCertificateEntity,
  ...PAYMENT_METHOD_ENTITIES,
];

export const CHECKOUT_CONTROLLERS = [
  OrdersController,
  MyOrdersController,
  AdminOrdersController,
  AdminOrderListController,
  PlatformKeysController,
  PaymentMethodsController,
  CartController,
  CheckoutsController,
  ...PAYMENT_METHOD_CONTROLLERS,
];

/**
 * Everything the module provides; SolanaLedger (ChainModule), StripeGateway (StripeModule), ObjectStorage and
 * DownloadGrants (StorageModule), JobsService, CatalogSalesService and ConsentGrantSetService come from outside.
 */
export const CHECKOUT_PROVIDERS: Provider[] = [
  { provide: PlatformSigner, inject: [AppConfig], useFactory: resolvePlatformSigner },
  ...PAYMENT_METHOD_PROVIDERS,
  OrderEventHooks,
  OrderRepository,
  PaymentRequestRepository,
  CartLineRepository,
  CartCheckoutRepository,
  OrderSliceRepository,
  PaymentRepository,
  RefundRepository,
  EntitlementRepository,
  SupersededCertificateRepository,
  LicensedFileRepository,
  OrderFilesService,
  OrderWithdrawalsService,
  OrderSettlementService,
  OrderPresenterService,
  OrderService,
  OrderReceiptService,
  PaymentConfirmationService,
  CartPaymentService,
  CartService,
  FulfilmentService,
  DownloadGrantService,
  RefundSenderService,
  RefundService,
  CheckoutJobsService,
  AdminOrderListService,
  AffectedOrdersService,
];

/**
 * Orders, their payments through the payment methods under payment-methods/ (Stripe Checkout, Solana Pay),
 * refunds through an outbox, entitlements, downloads and licence certificates. Every money movement is a row of
 * `payments`, which the revenue module builds on.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(CHECKOUT_ENTITIES),
    AuthModule,
    CatalogModule,
    ConsentRecordsModule,
    RevenueModule,
    OrganisationsModule,
    QuotesModule,
    StripeModule,
    JobsModule.forFeature(CHECKOUT_QUEUES),
  ],
  controllers: CHECKOUT_CONTROLLERS,
  providers: CHECKOUT_PROVIDERS,
  exports: [AffectedOrdersService, OrderEventHooks, CartService],
})
export class CheckoutModule {}

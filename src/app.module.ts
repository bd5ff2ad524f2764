import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { HttpLogger } from 'pino-http';
import { AuthModule } from './auth/auth.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { ChainModule, chainSettings } from './chain/chain.module.js';
import { CheckoutModule } from './checkout/checkout.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { LoggingModule } from './common/logging/logging.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConsentModule } from './consent/consent.module.js';
import type { DatabaseConnection } from './database/database-connection.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { StorageModule } from './storage/storage.module.js';
import { IngestionModule } from './ingestion/ingestion.module.js';
import { LicensingModule } from './licensing/licensing.module.js';
import { OrganisationsModule } from './organisations/organisations.module.js';
import { ProvenanceModule } from './provenance/provenance.module.js';
import { QuotesModule } from './quotes/quotes.module.js';
import { RevenueModule } from './revenue/revenue.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { WebModule } from './web/web.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: DatabaseConnection, logger: HttpLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot(logger),
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(database),
        StorageModule.forRoot(config),
        AuthModule,
        HealthModule,
        IngestionModule,
        LicensingModule,
        ChainModule.forRoot(chainSettings(config)),
        ProvenanceModule,
        CatalogModule,
        ConsentModule,
        QuotesModule,
        OrganisationsModule,
        CheckoutModule,
        RevenueModule,
        NotificationsModule,
        SubscriptionsModule,
        WebModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}

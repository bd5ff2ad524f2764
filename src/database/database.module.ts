import { DynamicModule, Global, Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import type { DatabaseConnection } from './database-connection.js';
import { DatabaseHealthService } from './database-health.service.js';
import { DATABASE_CONNECTION } from './database.tokens.js';
import { runMigrationsLocked } from './run-migrations.js';

@Global()
@Module({})
export class DatabaseModule implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Brings the schema up to date before any other module touches it. */
  async onModuleInit(): Promise<void> {
    await runMigrationsLocked(this.dataSource);
  }

  /** Connects TypeORM; migrations run in onModuleInit, under a lock shared by every instance. */
  static forRoot(connection: DatabaseConnection): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(connection.url, connection.poolSize),
          autoLoadEntities: true,
          retryAttempts: 3,
          retryDelay: 1000,
        }),
      ],
      providers: [DatabaseHealthService, { provide: DATABASE_CONNECTION, useValue: connection }],
      exports: [DatabaseHealthService, DATABASE_CONNECTION],
    };
  }
}

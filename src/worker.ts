import 'reflect-metadata';
import './common/gc-tuning.js';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { createHttpLogger } from './common/logging/logger.js';
import { closeOnSignal, runEntryPoint } from './common/shutdown.js';
import { prepareDataDir } from './config/data-dir.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
import { openDatabase } from './database/database-connection.js';

/**
 * A worker instance (`npm run start:worker`): the whole application without HTTP, working the job queues and their
 * schedules, WORKER_CONCURRENCY jobs of each queue at once. API instances (WORKER_CONCURRENCY=0) only send jobs, so
 * request latency never depends on uploads being processed. It needs the PostgreSQL server the API instances use:
 * the embedded database lives inside the one process that opened it.
 */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL: a worker instance shares the PostgreSQL server of the API instances');
  if (config.WORKER_CONCURRENCY === 0) throw new ConfigError('WORKER_CONCURRENCY: a worker instance must run at least 1 job at a time');
  prepareDataDir(config.DATA_DIR);
  const database = await openDatabase(config);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, database, createHttpLogger(config.LOG_LEVEL)), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  await app.init();
  logger.log(`marketplace worker running ${config.WORKER_CONCURRENCY} jobs per queue at once (Node.js ${process.version})`);
  if (!config.S3_BUCKET || !config.SOLANA_RPC_URL) {
    // Local objects and the embedded ledger belong to this process's DATA_DIR, not to the API instances'.
    logger.warn('S3_BUCKET and SOLANA_RPC_URL should name the object store and cluster the API instances use');
  }
  closeOnSignal(
    (message) => {
      logger.log(message);
    },
    app,
    database,
  );
}

runEntryPoint(bootstrap);

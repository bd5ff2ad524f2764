import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { createRootLogger, PinoNestLogger } from './common/logging/logger.js';
import { closeOnSignal, runEntryPoint } from './common/shutdown.js';
import { ConfigError, loadConfig } from './config/load-config.js';
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
  const database = await openDatabase(config);
  const root = createRootLogger(config.LOG_LEVEL);
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest types its options bag as a class and takes a literal
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, database), { logger: new PinoNestLogger(root) });
  await app.init();
  root.info(`marketplace worker running ${config.WORKER_CONCURRENCY} jobs per queue at once (Node.js ${process.version})`);
  if (!config.S3_BUCKET || !config.SOLANA_RPC_URL) {
    // Local objects and the embedded ledger belong to this process's DATA_DIR, not to the API instances'.
    root.warn('S3_BUCKET and SOLANA_RPC_URL should name the object store and cluster the API instances use');
  }
  closeOnSignal(
    (message) => {
      root.info(message);
    },
    app,
    database,
  );
}

runEntryPoint(bootstrap);

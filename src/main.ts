import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { prepareDataDir } from './config/data-dir.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { openDatabase } from './database/database-connection.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  prepareDataDir(config.DATA_DIR);
  const database = await openDatabase(config);
  const app = await createApp(config, database);
  await app.listen(config.PORT, config.HOST);
  const logger = new Logger('Main');
  // The embedded database's address (never its URL, which holds the password), for an operator's psql.
  const where = database.kind === 'embedded' ? ` on ${new URL(database.url).host}` : '';
  logger.log(
    `marketplace listening on ${config.publicUrl} (Node.js ${process.version}, database: ${database.kind}${where}); API docs at ${config.publicUrl}/docs`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`received ${signal}, shutting down`);
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

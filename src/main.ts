import 'reflect-metadata';
import './common/gc-tuning.js';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { closeOnSignal, runEntryPoint } from './common/shutdown.js';
import { prepareDataDir } from './config/data-dir.js';
import { loadConfig } from './config/load-config.js';
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
  closeOnSignal(
    (message) => {
      logger.log(message);
    },
    app,
    database,
  );
}

runEntryPoint(bootstrap);

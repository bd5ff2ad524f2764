import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { closeOnSignal, runEntryPoint } from './common/shutdown.js';
import { loadConfig } from './config/load-config.js';
import { openDatabase } from './database/database-connection.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  const app = await createApp(config, database);
  await app.listen(config.PORT, config.HOST);
  console.log(
    JSON.stringify({
      level: 'info',
      msg: `marketplace listening on ${config.publicUrl} (Node.js ${process.version}, database: ${database.kind}); API docs at ${config.publicUrl}/docs`,
    }),
  );

  closeOnSignal(
    (msg) => {
      console.log(JSON.stringify({ level: 'info', msg }));
    },
    app,
    database,
  );
}

runEntryPoint(bootstrap);

import { DataSource } from 'typeorm';
import { prepareDataDir } from '../config/data-dir.js';
import { loadConfig } from '../config/load-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { openDatabase } from './database-connection.js';
import { runMigrationsLocked } from './run-migrations.js';

/** `node dist/src/database/migrate.js run|revert`: applies or reverts migrations on the configured database. */
async function main(command: string | undefined): Promise<void> {
  if (command !== 'run' && command !== 'revert') {
    throw new Error('usage: migrate.js run|revert');
  }
  const config = loadConfig();
  prepareDataDir(config.DATA_DIR);
  const connection = await openDatabase(config);
  const dataSource = new DataSource(dataSourceOptions(connection.url, 2));
  try {
    await dataSource.initialize();
    if (command === 'run') {
      const applied = await runMigrationsLocked(dataSource);
      console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'schema is up to date');
    } else {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('reverted the last migration');
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await connection.close();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

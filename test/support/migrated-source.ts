import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import type { DatabaseConnection } from '../../src/database/database-connection.js';
import { createTestDatabase } from './test-database.js';

/**
 * A fresh migrated database for a suite that runs single migrations' `down` and `up` over data made in between:
 * registers its setup and teardown, and answers a getter of the open data source.
 */
export function migratedSourcePerSuite(): () => DataSource {
  let database: DatabaseConnection | undefined;
  let source: DataSource | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    source = await new DataSource(dataSourceOptions(database.url, 2)).initialize();
  });
  afterAll(async () => {
    await source?.destroy();
    await database?.close();
  });
  return () => {
    if (!source) throw new Error('the suite has not started');
    return source;
  };
}

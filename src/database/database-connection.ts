import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/** Where the app's database is: a PostgreSQL server, or the embedded one this process started. */
export interface DatabaseConnection {
  url: string;
  kind: 'postgres' | 'embedded';
  poolSize: number;
  close(): Promise<void>;
}

export async function openDatabase(config: AppConfig): Promise<DatabaseConnection> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, kind: 'postgres', poolSize: config.DATABASE_POOL_SIZE, close: async () => undefined };
  }
  const poolSize = Math.min(config.DATABASE_POOL_SIZE, 10);
  // The socket server cuts off connections past its maximum, so the pool must never ask for more.
  const embedded = await startEmbeddedPostgres({ dataDir: join(config.DATA_DIR, 'pglite'), maxConnections: poolSize });
  return { url: embedded.url, kind: 'embedded', poolSize, close: () => embedded.close() };
}

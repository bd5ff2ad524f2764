import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { readOrCreateSecretFile } from '../config/data-dir.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/** Where the app's database is: a PostgreSQL server, or the embedded one this process started. */
export interface DatabaseConnection {
  url: string;
  kind: 'postgres' | 'embedded';
  poolSize: number;
  close(): Promise<void>;
}

/** Connections of the embedded server beyond the app's pool, kept for an operator (psql) and for tools. */
const OPERATOR_RESERVED_CONNECTIONS = 3;

export async function openDatabase(config: AppConfig): Promise<DatabaseConnection> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, kind: 'postgres', poolSize: config.DATABASE_POOL_SIZE, close: () => Promise.resolve() };
  }
  const poolSize = Math.min(config.DATABASE_POOL_SIZE, 10);
  // Kept so an operator can sign in with psql too (user postgres, the address in the service's start-up log line).
  const password = readOrCreateSecretFile(join(config.DATA_DIR, 'database-password'), () => randomBytes(32).toString('base64url'));
  // The socket server cuts off connections past its maximum: the pool gets its own, and as PostgreSQL's
  // superuser_reserved_connections does, a few stay free so an operator's psql gets in while the pool is full.
  const embedded = await startEmbeddedPostgres({
    dataDir: join(config.DATA_DIR, 'pglite'),
    maxConnections: poolSize + OPERATOR_RESERVED_CONNECTIONS,
    password,
  });
  return { url: embedded.url, kind: 'embedded', poolSize, close: () => embedded.close() };
}

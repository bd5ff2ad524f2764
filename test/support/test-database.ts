import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseConnection } from '../../src/database/database-connection.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

/**
 * A fresh, empty database for one test suite: a new database on the PostgreSQL server named by DATABASE_URL
 * (CI and these machines), or an in-memory PGlite when DATABASE_URL is unset (a fresh clone with nothing else).
 */
export async function createTestDatabase(): Promise<DatabaseConnection> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    // Room for two app instances sharing the database (the jobs suite) at 5 connections each.
    const embedded = await startEmbeddedPostgres({ maxConnections: 12 });
    return { url: embedded.url, kind: 'embedded', poolSize: 5, close: () => embedded.close() };
  }
  const name = `mkt_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'postgres',
    poolSize: 5,
    close: () => withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

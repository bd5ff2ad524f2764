import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DatabaseConnection } from '../../src/database/database-connection.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { ensurePgliteSnapshot, ensureTemplateDatabase, withClient } from './schema-template.js';

export interface TestDatabaseOptions {
  /**
   * `migrated` (default): a copy of the schema migrated once for all suites (schema-template.ts), so a suite's app starts
   * with nothing left to migrate. `empty`: a database with no tables, for the migration specs.
   */
  schema?: 'migrated' | 'empty';
}

/**
 * A fresh database for one test suite: a new database on the PostgreSQL server named by DATABASE_URL (CI and these
 * machines), cloned from the migrated template; or an in-memory PGlite loaded from the migrated snapshot when
 * DATABASE_URL is unset (a fresh clone with nothing else).
 */
// Made once per Jest worker at most; found already made by every later suite and run.
let templateClone: Promise<string> | undefined;
let pgliteSnapshot: Promise<string> | undefined;

/**
 * The clause that clones the migrated template on this server. On PostgreSQL 15 and later a clone copies the template's
 * files (STRATEGY FILE_COPY) instead of writing every page of it through the WAL (WAL_LOG, the default): measured on an
 * idle server, 0.10 against 0.19 CPU seconds per CREATE DATABASE and 0.05 against 0.10 per DROP; a run makes about 85 (its
 * whole-run total on the server did not visibly change).
 */
async function cloneClause(serverUrl: string): Promise<string> {
  const template = await ensureTemplateDatabase(serverUrl);
  const version = await withClient(
    serverUrl,
    async (client) => (await client.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`)).rows[0].v,
  );
  return ` TEMPLATE ${template}${version >= 150_000 ? ' STRATEGY FILE_COPY' : ''}`;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<DatabaseConnection> {
  const migrated = (options.schema ?? 'migrated') === 'migrated';
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const snapshot = migrated ? await (pgliteSnapshot ??= ensurePgliteSnapshot()) : undefined;
    // Room for two app instances sharing the database (the jobs suite) at 5 connections each.
    const embedded = await startEmbeddedPostgres({
      maxConnections: 12,
      loadDataDir: snapshot ? new Blob([readFileSync(snapshot)]) : undefined,
    });
    return { url: embedded.url, kind: 'embedded', poolSize: 5, close: () => embedded.close() };
  }
  const name = `mkt_test_${randomBytes(6).toString('hex')}`;
  const clone = migrated ? await (templateClone ??= cloneClause(serverUrl)) : '';
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}${clone}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'postgres',
    poolSize: 5,
    close: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

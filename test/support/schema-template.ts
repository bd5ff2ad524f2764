import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { runMigrationsLocked } from '../../src/database/run-migrations.js';
import { JOBS_SCHEMA } from '../../src/queue/jobs.service.js';

/**
 * The schema every test database starts from, made once instead of once per suite: booting the
 * app on an empty database applies every migration, and PGlite's own initdb alone takes many seconds on a busy machine.
 * On a PostgreSQL server it is a template database (`CREATE DATABASE ... TEMPLATE`); for the embedded database, a
 * dump of a migrated PGlite data directory that each suite loads. Both are named after a hash of the migrations, so a
 * change to a migration makes a new one, runs of different branches on one server never share a stale schema, and a
 * later run finds the one an earlier run made. Both are built under a temporary name and renamed when complete, so
 * Jest workers making the same one at once never use a half-made one.
 */
const migrationsDir = join(import.meta.dirname, '..', '..', 'migrations');

function schemaHash(): string {
  const hash = createHash('sha256');
  // pg-boss's own schema is in the template too, so a new pg-boss version makes a new one.
  const { version } = JSON.parse(readFileSync(join(migrationsDir, '..', 'node_modules', 'pg-boss', 'package.json'), 'utf8')) as { version: string };
  hash.update(`pg-boss ${version}\0`);
  for (const name of readdirSync(migrationsDir).sort()) {
    hash
      .update(name)
      .update('\0')
      .update(readFileSync(join(migrationsDir, name)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

// Two connections: runMigrationsLocked holds one for its advisory lock while the migrations run on the other.
// Then pg-boss installs its schema as the app's start-up would (it finds it there and skips that, about a second).
async function migrate(url: string): Promise<void> {
  const source = await new DataSource(dataSourceOptions(url, 2)).initialize();
  try {
    await runMigrationsLocked(source);
  } finally {
    await source.destroy();
  }
  const boss = new PgBoss({ connectionString: url, schema: JOBS_SCHEMA, migrate: true, supervise: false, schedule: false, max: 2 });
  await boss.start();
  await boss.stop({ graceful: false, close: true });
}

/** Runs `fn` on a short-lived client of the server (or database) at `url`. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Makes (or finds) the migrated template database on the server named by `serverUrl` and answers its name. It is built
 * under a temporary name and renamed when complete, so a concurrent run never clones a half-migrated template.
 */
export async function ensureTemplateDatabase(serverUrl: string): Promise<string> {
  const name = `mkt_tpl_${schemaHash()}`;
  const exists = await withClient(
    serverUrl,
    async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
  );
  if (exists) return name;
  const building = `${name}_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${building}`));
  try {
    await migrate(databaseUrl(serverUrl, building));
    await withClient(serverUrl, (client) => client.query(`ALTER DATABASE ${building} RENAME TO ${name}`));
  } catch (error) {
    await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`));
    // Another run finished the same template first: use theirs.
    const ready = await withClient(
      serverUrl,
      async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
    );
    if (!ready) throw error;
  }
  return name;
}

/** Makes (or finds) the dump of a migrated embedded database and answers its path. */
export async function ensurePgliteSnapshot(): Promise<string> {
  const path = join(tmpdir(), `mkt-test-pglite-${schemaHash()}.tar`);
  if (existsSync(path)) return path;
  const embedded = await startEmbeddedPostgres({ maxConnections: 2 });
  try {
    await migrate(embedded.url);
    const dump = await embedded.dumpDataDir();
    const partial = `${path}.${randomBytes(4).toString('hex')}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, path);
  } finally {
    await embedded.close();
  }
  return path;
}

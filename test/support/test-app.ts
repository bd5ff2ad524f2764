import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { type AppOptions, createApp } from '../../src/app.factory.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { DatabaseConnection } from '../../src/database/database-connection.js';
import { createTestDatabase } from './test-database.js';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  /** Raw SQL against the suite's database, for arranging what HTTP cannot (a clock that has moved on). */
  sql: <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
}

/**
 * Boots the whole application, as main.ts does, on a fresh database of its own. `options.logDestination` receives
 * the JSON log lines (set LOG_LEVEL in `env` too; the default here is silent).
 */
export async function startTestApp(env: Record<string, string> = {}, shared?: DatabaseConnection, options: AppOptions = {}): Promise<TestApp> {
  // A shared database stands for several instances of the service on one database; its owner closes it.
  const database = shared ?? (await createTestDatabase());
  const dataDir = mkdtempSync(join(tmpdir(), 'mkt-test-'));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_URL: 'http://marketplace.test',
    // Argon2id at its lowest cost: suites sign up hundreds of accounts, and at the production cost (64 MiB x 3 passes)
    // those hashes alone were a tenth of the suite's CPU. src/auth/services/password-hasher.service.spec.ts checks the
    // production default and the re-hash at sign-in.
    PASSWORD_HASH_MEMORY_KIB: '1024',
    PASSWORD_HASH_TIME_COST: '1',
    ...env,
    DATABASE_URL: database.kind === 'postgres' ? database.url : '',
  });
  const app = await createApp(config, database, options);
  const dataSource = app.get(DataSource);
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    sql: (query, params) => dataSource.query(query, params),
    close: async () => {
      await app.close();
      if (!shared) await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

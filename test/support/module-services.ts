import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Abstract, DynamicModule, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../src/auth/auth-user.js';
import type { Role } from '../../src/auth/role.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { DatabaseConnection } from '../../src/database/database-connection.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { createTestDatabase } from './test-database.js';

export interface ModuleServices {
  moduleRef: TestingModule;
  config: AppConfig;
  get: <T>(type: Type<T> | Abstract<T>) => T;
  sql: <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;
  /** A user of the role, in the database (orders, payouts and reviews name real users). */
  user: (role: Role, email?: string) => Promise<AuthUser>;
  close: () => Promise<void>;
}

export interface ModuleServicesOptions {
  /** Names the data directory (embedded ledger, local object store) in the temp folder. */
  name: string;
  env?: Record<string, string>;
  /** The modules under test and what they talk to; configuration and the database come with the harness. */
  imports: (config: AppConfig) => (Type | DynamicModule)[];
  /** Modules replaced by test doubles: [the real one, its double]. */
  overrides?: [Type, Type][];
  /** Run after the module and the database are closed. */
  onClose?: () => Promise<void>;
}

/**
 * Some modules of the app and everything they talk to, without HTTP: the real repositories on a fresh database of
 * the suite's own (createTestDatabase), a data directory of its own, and no job running by itself
 * (WORKER_CONCURRENCY=0): a test calls the service a job would call.
 */
export async function startModuleServices(options: ModuleServicesOptions): Promise<ModuleServices> {
  const database: DatabaseConnection = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), `mkt-${options.name}-`));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_URL: 'http://marketplace.test',
    WORKER_CONCURRENCY: '0',
    ...options.env,
    DATABASE_URL: database.kind === 'postgres' ? database.url : '',
  });
  let builder = Test.createTestingModule({ imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(database), ...options.imports(config)] });
  for (const [real, double] of options.overrides ?? []) builder = builder.overrideModule(real).useModule(double);
  const moduleRef = await builder.compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  const dataSource = moduleRef.get(DataSource);
  const sql = <T>(query: string, params?: unknown[]) => dataSource.query<T[]>(query, params);
  return {
    moduleRef,
    config,
    get: (type) => moduleRef.get(type),
    sql,
    user: async (role, email = `${randomUUID()}@example.com`) => {
      const [row] = await sql<{ id: string }>(`INSERT INTO users (email, password_hash, role) VALUES ($1, 'not-a-hash', $2) RETURNING id`, [
        email,
        role,
      ]);
      return { id: row.id, role, email, walletAddress: null, via: 'jwt' };
    },
    close: async () => {
      await moduleRef.close();
      await database.close();
      await options.onClose?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

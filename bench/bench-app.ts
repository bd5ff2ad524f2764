import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { QueryRunner } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import type { AppConfig } from '../src/config/app-config.js';
import { loadConfig } from '../src/config/load-config.js';
import { openDatabase } from '../src/database/database-connection.js';
import { dropDatabase, onServer } from './bench-database.js';

export interface BenchApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** The fresh database's URL. */
  url: string;
  /** Closes the app and drops its database and data directory. */
  close: () => Promise<void>;
}

/**
 * A real app instance in this process (its workers off, the embedded LiteSVM ledger) on a fresh database of the
 * PostgreSQL server named by BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
export async function startBenchApp(bench: string, env: Record<string, string> = {}): Promise<BenchApp> {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `mkt_bench_${bench.replace(/-/g, '_')}_${randomBytes(4).toString('hex')}`;
  await onServer(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), `mkt-bench-${bench}-`));
  const config = loadConfig({
    DATABASE_URL: url.toString(),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    WORKER_CONCURRENCY: '0',
    JWT_SECRET: 'b'.repeat(64),
    PAYOUT_INTERVAL_MINUTES: '0',
    ...env,
  });
  const database = await openDatabase(config);
  const app = await createApp(config, database);
  return {
    app,
    config,
    url: url.toString(),
    close: async () => {
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
      await dropDatabase(server, name);
    },
  };
}

/** A short name for a statement in a breakdown: its verb and first table. */
function statementLabel(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  const verb = text.split(' ')[0].toUpperCase();
  const table = /\b(?:INTO|FROM|UPDATE)\s+"?([a-z_]+)"?/i.exec(text)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/** Times every statement `runner` sends from now on, adding the milliseconds to `into` under the statement's label. */
export function timeStatements(runner: QueryRunner, into: Map<string, number>): void {
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = (async (...args: unknown[]) => {
    const t = performance.now();
    try {
      return await query(...args);
    } finally {
      const label = statementLabel(String(args[0]));
      into.set(label, (into.get(label) ?? 0) + performance.now() - t);
    }
  }) as typeof runner.query;
}

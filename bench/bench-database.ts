import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';

/** One statement on the server's own database: CREATE / DROP DATABASE cannot run inside a transaction. */
export async function onServer(server: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export const dropDatabase = (server: string, name: string) => onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);

/**
 * The compiled service beside the compiled bench (npm run bench:build puts both under dist-bench/), as its own process
 * as in production, so the API and the bench do not share one event loop; no background jobs, a first admin.
 */
export function spawnService(benchDir: string, port: number, databaseUrl: string, dataDir: string, nodeOptions: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeOptions, join(benchDir, '..', 'src', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: '0',
      ADMIN_EMAIL: 'admin@bench.test',
      ADMIN_PASSWORD: 'bench-admin-password',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Polls `url` until it answers 2xx; `what` names it when it never does. */
export async function waitFor(url: string, what: string, tries: number): Promise<void> {
  for (
    let i = 0;
    !(await fetch(url).then(
      (r) => r.ok,
      () => false,
    ));
    i += 1
  ) {
    if (i > tries) throw new Error(`${what} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

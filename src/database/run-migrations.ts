import type { DataSource, Migration } from 'typeorm';

// Arbitrary constant: the advisory lock every instance takes before migrating the shared database.
const MIGRATION_LOCK_KEY = 7_345_001;

// Embedded PGlite serves every connection from one backend session, where advisory locks are re-entrant and
// exclude nothing; queueing within the process covers that case (an embedded database has one process).
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs pending migrations under a session advisory lock, so instances starting together against one database
 * migrate one at a time; the later ones find nothing left to do.
 */
export function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  const run = queue.then(() => migrateUnderLock(dataSource));
  queue = run.catch(() => undefined);
  return run;
}

async function migrateUnderLock(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

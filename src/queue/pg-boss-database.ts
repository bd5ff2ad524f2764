import pg from 'pg';
import type { Db } from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';
import { listen } from './listener.js';
import { PreparedStatements, STALE_PREPARED_STATEMENT_CODES } from './prepared-statements.js';

/**
 * pg-boss's statements on the app's own connection pool (TypeORM's pg pool), so the job queue opens no connections
 * of its own: an instance uses DATABASE_POOL_SIZE connections in all, which the embedded database (at most 10) needs.
 *
 * With `prepare` (a PostgreSQL server), its repeated statements run as named prepared statements (see
 * PreparedStatements): the polls of idle workers were mostly planning. Not on the embedded database, whose one session
 * every connection shares, so that names prepared by one connection would collide on the next.
 *
 * With `listen` (a PostgreSQL server), it can LISTEN for pg-boss's NOTIFY of a new job (`useListenNotify`) over one
 * connection of its own beside the pool (see listen). Not on the embedded database, whose connections share one session.
 */
export function poolDatabase(dataSource: DataSource, options: { prepare: boolean; listen: boolean }): Db {
  const pool: unknown = (dataSource.driver as { master?: unknown }).master;
  if (!(pool instanceof pg.Pool)) throw new Error('the job queue needs the data source of a PostgreSQL connection pool');
  const prepared = options.prepare ? new PreparedStatements() : undefined;
  return {
    executeSql: async (text, values) => {
      const name = prepared?.nameFor(text);
      if (name === undefined) return pool.query(text, values);
      try {
        return await pool.query({ name, text, values });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || !STALE_PREPARED_STATEMENT_CODES.has(code)) throw error;
        prepared?.refuse(text);
        return pool.query(text, values);
      }
    },
    poolCounts: () => ({ max: pool.options.max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    ...(options.listen ? { listen: (channel, onNotification, onReconnect) => listen(pool.options, channel, onNotification, onReconnect) } : {}),
  };
}

/**
 * Whether every connection of `dataSource` is a session of its own, as on a PostgreSQL server: not so on the embedded
 * database, whose one PGlite session every connection shares, whether this process runs it or reaches it by URL (a
 * worker process started against the wire server of another, which looks like any server). Asked once, at start-up.
 */
export async function ownSessionPerConnection(dataSource: DataSource): Promise<boolean> {
  const [row] = await dataSource.query<{ version: string }[]>('SELECT version() AS version');
  return !/\(PGlite\b/.test(row.version);
}

/**
 * pg-boss's statements inside the caller's TypeORM transaction (its per-call `db` option): a job sent through it
 * exists exactly when that transaction commits.
 */
export function transactionDatabase(manager: EntityManager): Db {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    throw new Error('jobs.send needs the manager of an open transaction; call sendOutsideTransaction for a job that belongs to none');
  }
  return {
    executeSql: async (text, values) => {
      // The structured result keeps the rows whatever the statement (a bare UPDATE would answer [rows, count]).
      const result = await runner.query(text, values, true);
      return { rows: result.records };
    },
  };
}

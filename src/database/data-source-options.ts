import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';

/**
 * A PostgreSQL server's settings for every connection of ours, sent in the startup packet (no extra round trip):
 * JIT off. This is an OLTP service; PostgreSQL's JIT compiles a statement whose estimated cost passes
 * jit_above_cost, and the search of a city-sized box (a few hundred cell ranges) passed it: 300-1,200 ms of LLVM
 * compilation for a statement that runs in 15 ms. PGlite (the embedded default) has no JIT and
 * ignores it.
 */
export const SERVER_OPTIONS = '-c jit=off';

/** Options shared by the app and the migration script; the schema only ever changes through migrations. */
export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, connectionTimeoutMillis: 10_000, options: SERVER_OPTIONS },
  };
}

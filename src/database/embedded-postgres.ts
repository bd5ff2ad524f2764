import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { PgliteWireServer } from './pglite-wire-server.js';

export interface EmbeddedPostgres {
  url: string;
  /** A tarball of the data directory, which `loadDataDir` starts another instance from (the tests' migrated schema). */
  dumpDataDir(): Promise<Blob>;
  close(): Promise<void>;
}

/**
 * Real PostgreSQL compiled to WASM (PGlite), served on a loopback port so the app reaches it with the ordinary
 * `pg` driver, exactly as it reaches a PostgreSQL server. PGlite is one session: the wire server hands it to one
 * connection at a time, for a whole protocol unit or a whole transaction (see PgliteWireServer). `dataDir`
 * undefined keeps the database in memory (tests).
 */
export async function startEmbeddedPostgres(options: { dataDir?: string; maxConnections: number; loadDataDir?: Blob }): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadDataDir, extensions: { uuid_ossp } });
  const server = new PgliteWireServer(db, options.maxConnections);
  const address = await server.listen();
  return {
    url: `postgres://postgres@${address}/postgres`,
    dumpDataDir: () => db.dumpDataDir('none'),
    async close() {
      await server.close();
      await db.close();
    },
  };
}

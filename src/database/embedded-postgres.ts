import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { restrictModes } from '../config/data-dir.js';
import { PgliteWireServer } from './pglite-wire-server.js';

export interface EmbeddedPostgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres`: a credential, never to be logged. */
  url: string;
  /** A tarball of the data directory, which `loadDataDir` starts another instance from (the tests' migrated schema). */
  dumpDataDir(): Promise<Blob>;
  close(): Promise<void>;
}

/**
 * Real PostgreSQL compiled to WASM (PGlite), served on a loopback port so the app reaches it with the ordinary
 * `pg` driver, exactly as it reaches a PostgreSQL server. PGlite is one session: the wire server hands it to one
 * connection at a time, for a whole protocol unit or a whole transaction (see PgliteWireServer). Clients must sign in
 * with `password` (SCRAM-SHA-256); without one, a random password for this run only. `dataDir` undefined keeps the
 * database in memory (tests).
 */
export async function startEmbeddedPostgres(options: {
  dataDir?: string;
  maxConnections: number;
  password?: string;
  loadDataDir?: Blob;
}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const password = options.password ?? randomBytes(24).toString('base64url');
  const db = await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadDataDir, extensions: { uuid_ossp } });
  // A new data directory is unpacked from PGlite's bundled one with its archive's modes (0666 files), whatever the umask.
  if (options.dataDir) restrictModes(options.dataDir);
  const server = new PgliteWireServer(db, options.maxConnections, password);
  const address = await server.listen();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@${address}/postgres`,
    dumpDataDir: () => db.dumpDataDir('none'),
    async close() {
      await server.close();
      await db.close();
    },
  };
}

import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

/**
 * DATA_DIR holds secrets (the JWT secret, the platform signing key, the embedded database's password and its files
 * with every password hash, the embedded ledger with the treasury's and the demo wallet's seeds, bought objects), so
 * only the service's own user may read it: from here on this process creates files 0600 and folders 0700 (umask
 * 077, which also covers what PGlite, LiteSVM and the local object store write), and whatever an older version left
 * more open is closed now.
 */
export function prepareDataDir(dataDir: string): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR });
  restrictModes(dataDir);
}

/** chmod 0700 every folder and 0600 every file under `root` (itself included); symbolic links are left alone. */
export function restrictModes(root: string): void {
  const pending = [root];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const info = lstatSync(path);
    if (info.isSymbolicLink()) continue;
    const wanted = info.isDirectory() ? PRIVATE_DIR : PRIVATE_FILE;
    if ((info.mode & 0o777) !== wanted) chmodSync(path, wanted);
    if (info.isDirectory()) for (const name of readdirSync(path)) pending.push(join(path, name));
  }
}

/** A secret kept in a 0600 file: read when it exists, else generated once (two processes racing keep the first). */
export function readOrCreateSecretFile(path: string, generate: () => string): string {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR });
  if (!existsSync(path)) {
    try {
      writeFileSync(path, generate(), { mode: PRIVATE_FILE, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(path, PRIVATE_FILE);
  return readFileSync(path, 'utf8').trim();
}

import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import pg from 'pg';
import type { AuthTokenResponse } from '../src/auth/dto/user.response.js';
import { prepareDataDir } from '../src/config/data-dir.js';
import { loadConfig } from '../src/config/load-config.js';
import { type DatabaseConnection, openDatabase } from '../src/database/database-connection.js';
import { settled, uploadCapture } from './support/captures.js';
import { nmeaLog } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Every path under `root` with its permission bits, as `relative path -> 0o...`. */
function modes(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const pending = [root];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const info = lstatSync(path);
    found.set(relative(root, path) || '.', `${info.isDirectory() ? 'dir' : 'file'} ${(info.mode & 0o777).toString(8)}`);
    if (info.isDirectory()) for (const name of readdirSync(path)) pending.push(join(path, name));
  }
  return found;
}

/**
 * The service on its embedded defaults (PGlite, local objects, LiteSVM ledger) in a DATA_DIR an older version left
 * world-readable: after start-up and some work, only the service's user can read anything in it.
 */
describe('DATA_DIR is private (e2e)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mkt-data-dir-'));
  let database: DatabaseConnection;
  let t: TestApp;

  beforeAll(async () => {
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'jwt-secret'), 'an-old-secret-written-world-readable-0123456789', { mode: 0o644 });
    mkdirSync(join(dataDir, 'objects', 'captures'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dataDir, 'objects', 'captures', 'old.bin'), 'bytes', { mode: 0o666 });
    chmodSync(join(dataDir, 'objects', 'captures', 'old.bin'), 0o666);

    prepareDataDir(dataDir);
    const env = { DATA_DIR: dataDir, DATABASE_URL: '', JWT_SECRET: '', AUTH_RATE_LIMIT: '1000' };
    database = await openDatabase(loadConfig(env));
    t = await startTestApp(env, database);
    // PGlite on disk, migrated from nothing, on a busy machine: well over the default minute.
  }, 300_000);
  afterAll(async () => {
    await t.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the embedded database behind the password kept in DATA_DIR, which the app signs in with', async () => {
    expect(database.kind).toBe('embedded');
    const password = readFileSync(join(dataDir, 'database-password'), 'utf8');
    expect(decodeURIComponent(new URL(database.url).password)).toBe(password);
    const stranger = new pg.Client({ connectionString: database.url.replace(encodeURIComponent(password), 'guess') });
    await expect(stranger.connect()).rejects.toMatchObject({ code: '28P01' });
    await t.http().get('/health/ready').expect(200);
  });

  it('has only 0700 folders and 0600 files, old and new', async () => {
    const token = (
      (await t.http().post('/v1/auth/register').send({ email: 'modes@example.com', password: 'a-long-password', role: 'contributor' }).expect(201))
        .body as AuthTokenResponse
    ).accessToken;
    const id = await uploadCapture(t, token, nmeaLog(10), { filename: 'drive.nmea' });
    const capture = await settled(t, token, id);
    expect(capture.status).toBe('ready');
    const { sha256 } = capture;

    const found = modes(dataDir);
    for (const expected of [
      'jwt-secret',
      'database-password',
      'pglite',
      'chain',
      'objects',
      // The verified bytes, content-addressed under the local store's root (DATA_DIR/objects).
      `objects/objects/sha256/${sha256}`,
      'objects/captures/old.bin',
    ]) {
      expect([expected, found.has(expected)]).toEqual([expected, true]);
    }
    expect([...found.keys()].some((path) => path.startsWith('chain/') && found.get(path)?.startsWith('file'))).toBe(true);
    expect([...found.keys()].filter((path) => path.startsWith('pglite/')).length).toBeGreaterThan(10);
    const open = [...found].filter(([, mode]) => mode !== 'dir 700' && mode !== 'file 600');
    expect(open).toEqual([]);
  });
});

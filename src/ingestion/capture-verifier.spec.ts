import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sha256 } from '../../test/support/captures.js';
import { lasHeader, nmeaLog } from '../../test/support/fixtures.js';
import { LocalObjectUrlService } from '../storage/local-object-url.service.js';
import { LocalStorage } from '../storage/local.storage.js';
import { verifyStoredObject } from './capture-verifier.js';

/** The verifier over a real local store: both of its paths (a probe that reads the chunks, and a header-only one). */
describe('verifyStoredObject', () => {
  let dataDir: string;
  let storage: LocalStorage;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'verifier-'));
    storage = new LocalStorage(dataDir, new LocalObjectUrlService('verifier-secret-verifier-secret-000', 'http://localhost'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  // 9 MiB and some: more than two scan buffers, so the header-only path reuses its buffers.
  const size = 9 * 1024 * 1024 + 7;
  const las = () => Buffer.concat([lasHeader(size), randomBytes(size - 227)]);

  it('hashes and describes a header-only format through lent buffers', async () => {
    const bytes = las();
    await storage.put('c/cloud.las', bytes);
    const outcome = await verifyStoredObject(storage, 'c/cloud.las', { sizeBytes: size, sha256: sha256(bytes) });
    expect(outcome).toEqual(expect.objectContaining({ ok: true, sizeBytes: size, sha256: sha256(bytes) }));
    expect(outcome.ok && outcome.probe.format).toBe('las');
  });

  it('reports a checksum mismatch on either path', async () => {
    const bytes = las();
    await storage.put('c/cloud.las', bytes);
    const wrong = sha256(Buffer.from('not it'));
    expect(await verifyStoredObject(storage, 'c/cloud.las', { sizeBytes: size, sha256: wrong })).toEqual(
      expect.objectContaining({ ok: false, code: 'checksum_mismatch', sha256: sha256(bytes) }),
    );
    const log = nmeaLog(50);
    await storage.put('c/drive.nmea', log);
    expect(await verifyStoredObject(storage, 'c/drive.nmea', { sizeBytes: log.length, sha256: wrong })).toEqual(
      expect.objectContaining({ ok: false, code: 'checksum_mismatch', sha256: sha256(log) }),
    );
  });

  it('feeds every chunk to a probe that parses them', async () => {
    const log = nmeaLog(50);
    await storage.put('c/drive.nmea', log);
    const outcome = await verifyStoredObject(storage, 'c/drive.nmea', { sizeBytes: log.length, sha256: sha256(log) });
    expect(outcome.ok && outcome.probe.metadata).toEqual(expect.objectContaining({ fixCount: 50, validSentences: 100 }));
  });

  it('rejects a size mismatch and a missing object before reading', async () => {
    const log = nmeaLog(5);
    await storage.put('c/drive.nmea', log);
    expect(await verifyStoredObject(storage, 'c/drive.nmea', { sizeBytes: log.length + 1, sha256: sha256(log) })).toEqual(
      expect.objectContaining({ ok: false, code: 'size_mismatch' }),
    );
    expect(await verifyStoredObject(storage, 'c/none.nmea', { sizeBytes: 1, sha256: sha256(log) })).toEqual(
      expect.objectContaining({ ok: false, code: 'missing_object' }),
    );
  });
});

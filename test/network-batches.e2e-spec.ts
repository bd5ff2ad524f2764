import type { Stream } from 'node:stream';
import type { DatasetResponse } from '../src/catalog/dto/dataset.response.js';
import type { ManifestResponse } from '../src/catalog/dto/manifest.response.js';
import { VersionFileKeysService } from '../src/catalog/services/version-file-keys.service.js';
import type { DownloadsResponse } from '../src/checkout/dto/fulfilment.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { NetworkBatchResponse } from '../src/ingestion/dto/network.dto.js';
import { VerifiedObjectBackfillService } from '../src/ingestion/services/verified-object-backfill.service.js';
import type { LicenceTemplateResponse } from '../src/licensing/dto/licence.dto.js';
import { ObjectStorage } from '../src/storage/object-storage.port.js';
import { settled, sha256 } from './support/captures.js';
import { csvTelemetry, nmeaLog } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { grantWithWallet, walletSignIn } from './support/consent.js';
import { testWallet } from './support/wallet.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

interface Session {
  accessToken: string;
}

// superagent leaves unknown bodies unread; collect the raw bytes to hash them.
function binary(res: Stream, done: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => {
    done(null, Buffer.concat(chunks));
  });
}

describe('network batches (e2e)', () => {
  let t: TestApp;
  let admin: string;
  const dimo = testWallet();
  const driver = testWallet();

  /** POSTs the batch as the exact bytes that were signed. */
  const push = (network: string, batch: unknown, sign: (text: string) => string = dimo.sign) => {
    const body = JSON.stringify(batch);
    return t.http().post(`/v1/networks/${network}/batches`).set('Content-Type', 'application/json').set('X-Network-Signature', sign(body)).send(body);
  };

  const tripA = nmeaLog(10);
  const tripB = csvTelemetry(50);
  const batch = {
    batchId: 'dimo-2026-11-27-001',
    items: [
      {
        externalId: 'trip-a',
        contributorWallet: driver.address,
        objectKey: 'staging/dimo/trip-a.nmea',
        sha256: sha256(tripA),
        sizeBytes: tripA.length,
        deviceId: 'vin-123',
      },
      {
        externalId: 'trip-b',
        contributorWallet: driver.address,
        objectKey: 'staging/dimo/trip-b.csv',
        sha256: sha256(tripB),
        sizeBytes: tripB.length,
        capturedAt: '2026-11-27T08:00:00Z',
      },
    ],
  };

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: 'root@marketplace.test', ADMIN_PASSWORD: 'correct-horse-battery', AUTH_RATE_LIMIT: '1000' });
    admin = (
      (await t.http().post('/v1/auth/login').send({ email: 'root@marketplace.test', password: 'correct-horse-battery' }).expect(200)).body as Session
    ).accessToken;
    await t
      .http()
      .post('/v1/admin/networks')
      .set('Authorization', `Bearer ${admin}`)
      .send({ slug: 'dimo', name: 'DIMO', publicKey: dimo.address })
      .expect(201);
    const storage = t.app.get(ObjectStorage);
    await storage.put('staging/dimo/trip-a.nmea', tripA);
    await storage.put('staging/dimo/trip-b.csv', tripB);
  });
  afterAll(() => t.close());

  const captureCount = async () => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM captures`))[0].n);

  it('refuses a forged signature with 401 and stores nothing', async () => {
    const mallory = testWallet();
    const res = await push('dimo', batch, mallory.sign).expect(401);
    expect((res.body as ErrorBody).code).toBe('NETWORK_SIGNATURE_INVALID');
    const tampered = JSON.stringify(batch);
    await t
      .http()
      .post('/v1/networks/dimo/batches')
      .set('Content-Type', 'application/json')
      .set('X-Network-Signature', dimo.sign(tampered))
      .send(tampered.replace('trip-a', 'trip-z'))
      .expect(401);
    await t.http().post('/v1/networks/dimo/batches').send(batch).expect(401);
    expect(await captureCount()).toBe(0);
  });

  it('accepts a signed batch, credits the contributor wallet, and processes the captures', async () => {
    const res = await push('dimo', batch).expect(200);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0, rejected: [], captureIds: [expect.any(String), expect.any(String)], memberGrants: 0 });

    const [owner] = await t.sql<{ role: string; id: string }>(`SELECT id, role FROM users WHERE wallet_address = $1`, [driver.address]);
    expect(owner.role).toBe('contributor');

    // The driver signs in with the same wallet and finds the captures, processed.
    const challenge = (await t.http().post('/v1/auth/wallet/challenge').send({ address: driver.address }).expect(200)).body as { message: string };
    const session = await t
      .http()
      .post('/v1/auth/wallet/verify')
      .send({ address: driver.address, message: challenge.message, signature: driver.sign(challenge.message) })
      .expect(200);
    const signedIn = session.body as Session & { user: { id: string } };
    expect(signedIn.user.id).toBe(owner.id);
    const token = signedIn.accessToken;
    const [a, b] = await Promise.all((res.body as NetworkBatchResponse).captureIds.map((id) => settled(t, token, id)));
    expect(a).toEqual(expect.objectContaining({ status: 'ready', network: 'dimo', externalId: 'trip-a', format: 'nmea', deviceId: 'vin-123' }));
    expect(b).toEqual(expect.objectContaining({ status: 'ready', network: 'dimo', externalId: 'trip-b', format: 'csv' }));
  });

  it('changes nothing when the same batch is replayed', async () => {
    const before = await t.sql(`SELECT id, status, updated_at FROM captures ORDER BY id`);
    const res = await push('dimo', batch).expect(200);
    expect(res.body).toEqual({ accepted: 0, duplicates: 2, rejected: [], captureIds: [], memberGrants: 0 });
    expect(await t.sql(`SELECT id, status, updated_at FROM captures ORDER BY id`)).toEqual(before);
  });

  it('rejects items outside the staging area, with unknown objects or bad wallets, and keeps the good ones', async () => {
    const tripC = nmeaLog(4);
    await t.app.get(ObjectStorage).put('staging/dimo/trip-c.nmea', tripC);
    const res = await push('dimo', {
      batchId: 'dimo-002',
      items: [
        {
          externalId: 'trip-c',
          contributorWallet: driver.address,
          objectKey: 'staging/dimo/trip-c.nmea',
          sha256: sha256(tripC),
          sizeBytes: tripC.length,
        },
        {
          externalId: 'steal',
          contributorWallet: driver.address,
          objectKey: 'captures/someone-else/file.mp4',
          sha256: 'a'.repeat(64),
          sizeBytes: 10,
        },
        { externalId: 'ghost', contributorWallet: driver.address, objectKey: 'staging/dimo/missing.csv', sha256: 'a'.repeat(64), sizeBytes: 10 },
        { externalId: 'nowallet', contributorWallet: '0xabc', objectKey: 'staging/dimo/trip-c.nmea', sha256: 'a'.repeat(64), sizeBytes: 10 },
        {
          externalId: 'reuse',
          contributorWallet: driver.address,
          objectKey: 'staging/dimo/trip-a.nmea',
          sha256: sha256(tripA),
          sizeBytes: tripA.length,
        },
      ],
    }).expect(200);
    const answer = res.body as NetworkBatchResponse;
    expect(answer.accepted).toBe(1);
    expect(answer.rejected.map((r) => r.externalId)).toEqual(['steal', 'ghost', 'nowallet', 'reuse']);
    expect(answer.rejected[0].reason).toContain('staging prefix staging/dimo/');
  });

  describe('verified bytes are immutable', () => {
    let datasetId: string;
    let manifest: ManifestResponse;
    let buyer: string;
    let orderId: string;

    /** The bytes behind every download URL of the order, hashed. */
    const downloadedHashes = async () => {
      const downloads = (await t.http().get(`/v1/orders/${orderId}/downloads`).set(auth(buyer)).expect(200)).body as DownloadsResponse;
      const hashes: Record<string, string> = {};
      for (const file of downloads.files) {
        const res = await t.http().get(new URL(file.url).pathname).buffer(true).parse(binary).expect(200);
        hashes[file.path] = sha256(res.body as Buffer);
      }
      return hashes;
    };

    beforeAll(async () => {
      const ids = (
        await t.sql<{ id: string }>(`SELECT id FROM captures WHERE network = 'dimo' AND external_id IN ('trip-a', 'trip-b') ORDER BY external_id`)
      ).map((row) => row.id);
      const licence = ((await t.http().get('/v1/licences').expect(200)).body as LicenceTemplateResponse[]).find((l) => l.slug === 'research-only');
      const draft = await t
        .http()
        .post('/v1/datasets')
        .set(auth(admin))
        .send({
          title: 'DIMO trips',
          description: 'Staged by the DIMO network.',
          captureIds: ids,
          licenceTemplateId: licence?.id,
          priceUsdCents: 500,
          declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
        })
        .expect(201);
      datasetId = (draft.body as DatasetResponse).id;
      // The driver signs in with the wallet the network named and grants consent with it.
      await grantWithWallet(t, await walletSignIn(t, driver), driver, datasetId);
      await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(admin)).expect(200);
      await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200);
      manifest = (await t.http().get(`/v1/datasets/${datasetId}/versions/1/manifest`).expect(200)).body as ManifestResponse;
      buyer = (
        (await t.http().post('/v1/auth/register').send({ email: 'buyer@example.com', password: 'a-long-password', role: 'buyer' }).expect(201))
          .body as Session
      ).accessToken;
      const order = (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'solana' }).expect(201))
        .body as OrderResponse;
      orderId = order.id;
      await t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
      await t.http().post(`/v1/orders/${orderId}/confirm-solana`).set(auth(buyer)).send({}).expect(200);
    });

    it('keeps the verified bytes at their content-addressed key, not in the staging area', async () => {
      const rows = await t.sql<{ object_key: string; sha256: string }>(
        `SELECT object_key, sha256 FROM dataset_version_files WHERE dataset_id = $1 ORDER BY path`,
        [datasetId],
      );
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(row.object_key).toBe(`objects/sha256/${row.sha256}`);
      expect(await downloadedHashes()).toEqual(Object.fromEntries(manifest.files.map((file) => [file.path, file.sha256])));
    });

    it('still serves the manifest bytes after the network overwrites and deletes its staged objects', async () => {
      const storage = t.app.get(ObjectStorage);
      await storage.put('staging/dimo/trip-a.nmea', nmeaLog(3));
      await storage.delete('staging/dimo/trip-b.csv');
      expect(await downloadedHashes()).toEqual(Object.fromEntries(manifest.files.map((file) => [file.path, file.sha256])));
      await storage.put('staging/dimo/trip-a.nmea', tripA);
      await storage.put('staging/dimo/trip-b.csv', tripB);
    });

    it('moves captures verified before content keys existed at start-up, and their version files with them; a changed source stays put', async () => {
      // The state an older release left: the captures served from the staging keys they were verified at.
      await t.sql(`UPDATE captures SET content_key = NULL WHERE network = 'dimo' AND external_id IN ('trip-a', 'trip-b')`);
      await t.sql(`UPDATE dataset_version_files f SET object_key = c.object_key FROM captures c WHERE c.id = f.capture_id AND f.dataset_id = $1`, [
        datasetId,
      ]);
      const storage = t.app.get(ObjectStorage);
      await storage.delete(`objects/sha256/${sha256(tripA)}`);
      await storage.delete(`objects/sha256/${sha256(tripB)}`);
      // trip-b was overwritten in the staging area before the upgrade: it must not be adopted.
      await storage.put('staging/dimo/trip-b.csv', csvTelemetry(7));

      expect(await t.app.get(VerifiedObjectBackfillService, { strict: false }).run()).toBe(1);
      expect(await t.app.get(VersionFileKeysService, { strict: false }).run()).toBe(1);
      const rows = await t.sql<{ external_id: string; content_key: string | null; file_key: string }>(
        `SELECT c.external_id, c.content_key, f.object_key AS file_key FROM captures c JOIN dataset_version_files f ON f.capture_id = c.id
         WHERE f.dataset_id = $1 ORDER BY c.external_id`,
        [datasetId],
      );
      expect(rows).toEqual([
        { external_id: 'trip-a', content_key: `objects/sha256/${sha256(tripA)}`, file_key: `objects/sha256/${sha256(tripA)}` },
        { external_id: 'trip-b', content_key: null, file_key: 'staging/dimo/trip-b.csv' },
      ]);
      expect(await storage.head('staging/dimo/trip-a.nmea')).toEqual({ size: tripA.length });
      expect(await storage.head(`objects/sha256/${sha256(tripB)}`)).toBeNull();
      await storage.put('staging/dimo/trip-b.csv', tripB);
      expect(await t.app.get(VerifiedObjectBackfillService, { strict: false }).run()).toBe(1);
      expect(await t.app.get(VersionFileKeysService, { strict: false }).run()).toBe(1);
      expect(await downloadedHashes()).toEqual(Object.fromEntries(manifest.files.map((file) => [file.path, file.sha256])));
    });
  });

  it('refuses a staging prefix inside the keys the marketplace writes', async () => {
    for (const stagingPrefix of ['objects/', 'objects/sha256/', 'captures/x/']) {
      const res = await t
        .http()
        .post('/v1/admin/networks')
        .set(auth(admin))
        .send({ slug: 'sneaky', name: 'Sneaky', publicKey: testWallet().address, stagingPrefix })
        .expect(400);
      expect((res.body as ErrorBody).code).toBe('NETWORK_STAGING_PREFIX_RESERVED');
    }
  });

  it('refuses a batch with an impossible capturedAt with 400 naming the item, and stores nothing', async () => {
    const before = await captureCount();
    const bad = { ...batch, batchId: 'dimo-dates', items: [{ ...batch.items[1], externalId: 'trip-d', capturedAt: '2026-02-30T08:00:00Z' }] };
    const res = await push('dimo', bad).expect(400);
    expect(res.body).toEqual(
      expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringContaining('items.0.capturedAt must be a real date') as unknown }),
    );
    expect(await captureCount()).toBe(before);
  });

  it('answers 404 for an unknown network, 400 for a malformed batch, and keeps network admin to admins', async () => {
    await push('nope', batch).expect(404);
    const malformed = await push('dimo', { batchId: 'x', items: [{ externalId: 'e' }] }).expect(400);
    expect((malformed.body as ErrorBody).message).toContain('items.0.contributorWallet');
    const contributor = (
      (await t.http().post('/v1/auth/register').send({ email: 'c@example.com', password: 'a-long-password', role: 'contributor' }).expect(201))
        .body as Session
    ).accessToken;
    await t.http().get('/v1/admin/networks').set('Authorization', `Bearer ${contributor}`).expect(403);
    const listed = await t.http().get('/v1/admin/networks').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ slug: 'dimo', publicKey: dimo.address, stagingPrefix: 'staging/dimo/', active: true })]);
  });

  it('stops accepting batches from a deactivated network, and accepts a rotated key', async () => {
    const rotated = testWallet();
    await t.http().patch('/v1/admin/networks/dimo').set('Authorization', `Bearer ${admin}`).send({ publicKey: rotated.address }).expect(200);
    await push('dimo', batch).expect(401);
    await push('dimo', batch, rotated.sign).expect(200);
    await t.http().patch('/v1/admin/networks/dimo').set('Authorization', `Bearer ${admin}`).send({ active: false }).expect(200);
    await push('dimo', batch, rotated.sign).expect(404);
  });
});

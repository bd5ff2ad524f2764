import { ObjectStorage } from '../src/storage/object-storage.port.js';
import { settled, sha256 } from './support/captures.js';
import { csvTelemetry, nmeaLog } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { testWallet } from './support/wallet.js';

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
    admin = (await t.http().post('/v1/auth/login').send({ email: 'root@marketplace.test', password: 'correct-horse-battery' }).expect(200)).body
      .accessToken;
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
    expect(res.body.code).toBe('NETWORK_SIGNATURE_INVALID');
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
    expect(res.body).toEqual({ accepted: 2, duplicates: 0, rejected: [], captureIds: [expect.any(String), expect.any(String)] });

    const [owner] = await t.sql<{ role: string; id: string }>(`SELECT id, role FROM users WHERE wallet_address = $1`, [driver.address]);
    expect(owner.role).toBe('contributor');

    // The driver signs in with the same wallet and finds the captures, processed.
    const challenge = (await t.http().post('/v1/auth/wallet/challenge').send({ address: driver.address }).expect(200)).body;
    const session = await t
      .http()
      .post('/v1/auth/wallet/verify')
      .send({ address: driver.address, message: challenge.message, signature: driver.sign(challenge.message) })
      .expect(200);
    expect(session.body.user.id).toBe(owner.id);
    const token = session.body.accessToken;
    const [a, b] = await Promise.all(res.body.captureIds.map((id: string) => settled(t, token, id)));
    expect(a).toEqual(expect.objectContaining({ status: 'ready', network: 'dimo', externalId: 'trip-a', format: 'nmea', deviceId: 'vin-123' }));
    expect(b).toEqual(expect.objectContaining({ status: 'ready', network: 'dimo', externalId: 'trip-b', format: 'csv' }));
  });

  it('changes nothing when the same batch is replayed', async () => {
    const before = await t.sql(`SELECT id, status, updated_at FROM captures ORDER BY id`);
    const res = await push('dimo', batch).expect(200);
    expect(res.body).toEqual({ accepted: 0, duplicates: 2, rejected: [], captureIds: [] });
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
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { externalId: string }) => r.externalId)).toEqual(['steal', 'ghost', 'nowallet', 'reuse']);
    expect(res.body.rejected[0].reason).toContain('staging prefix staging/dimo/');
  });

  it('refuses a batch with an impossible capturedAt with 400 naming the item, and stores nothing', async () => {
    const before = await captureCount();
    const bad = { ...batch, batchId: 'dimo-dates', items: [{ ...batch.items[1], externalId: 'trip-d', capturedAt: '2026-02-30T08:00:00Z' }] };
    const res = await push('dimo', bad).expect(400);
    expect(res.body).toEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringContaining('items.0.capturedAt must be a real date') }));
    expect(await captureCount()).toBe(before);
  });

  it('answers 404 for an unknown network, 400 for a malformed batch, and keeps network admin to admins', async () => {
    await push('nope', batch).expect(404);
    const malformed = await push('dimo', { batchId: 'x', items: [{ externalId: 'e' }] }).expect(400);
    expect(malformed.body.message).toContain('items.0.contributorWallet');
    const contributor = (
      await t.http().post('/v1/auth/register').send({ email: 'c@example.com', password: 'a-long-password', role: 'contributor' }).expect(201)
    ).body.accessToken;
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

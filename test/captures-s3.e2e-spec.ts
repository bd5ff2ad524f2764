import type { CreatedCaptureResponse } from '../src/ingestion/dto/capture.response.js';
import type { NetworkBatchResponse } from '../src/ingestion/dto/network.dto.js';
import { ObjectStorage } from '../src/storage/object-storage.port.js';
import { putParts, settled, sha256, uploadCapture } from './support/captures.js';
import { csvTelemetry, nmeaLog } from './support/fixtures.js';
import { startS3rver, type TestS3 } from './support/s3rver.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { testWallet } from './support/wallet.js';

describe('captures on an S3-compatible store (e2e, s3rver over HTTP)', () => {
  let s3: TestS3;
  let t: TestApp;
  let contributor: string;
  let admin: string;

  beforeAll(async () => {
    s3 = await startS3rver();
    t = await startTestApp({ ...s3.env, AUTH_RATE_LIMIT: '1000', ADMIN_EMAIL: 'root@marketplace.test', ADMIN_PASSWORD: 'correct-horse-battery' });
    const registered = await t
      .http()
      .post('/v1/auth/register')
      .send({ email: 'maker@example.com', password: 'a-long-password', role: 'contributor' })
      .expect(201);
    contributor = (registered.body as { accessToken: string }).accessToken;
    const login = await t.http().post('/v1/auth/login').send({ email: 'root@marketplace.test', password: 'correct-horse-battery' }).expect(200);
    admin = (login.body as { accessToken: string }).accessToken;
  });
  afterAll(async () => {
    await t.close();
    await s3.close();
  });

  it('hands out presigned S3 part URLs, and the uploaded capture becomes ready at its content-addressed key', async () => {
    const bytes = csvTelemetry(200_000);
    const created = await t
      .http()
      .post('/v1/captures')
      .set('Authorization', `Bearer ${contributor}`)
      .send({ filename: 'can-bus.csv', sizeBytes: bytes.length, sha256: sha256(bytes) })
      .expect(201);
    const { id, upload } = created.body as CreatedCaptureResponse;
    const [first] = upload.parts;
    expect(first.url.startsWith(`${s3.endpoint}/${s3.bucket}/captures/${id}/can-bus.csv?`)).toBe(true);
    expect(new URL(first.url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(upload.parts.length).toBeGreaterThan(1);

    const parts = await putParts(t, upload, bytes);
    await t.http().post(`/v1/captures/${id}/complete`).set('Authorization', `Bearer ${contributor}`).send({ parts }).expect(200);
    const capture = await settled(t, contributor, id);
    expect(capture).toEqual(expect.objectContaining({ status: 'ready', format: 'csv', modality: 'telemetry', sizeBytes: bytes.length }));
    const storage = t.app.get(ObjectStorage);
    expect(await storage.head(`objects/sha256/${sha256(bytes)}`)).toEqual(expect.objectContaining({ size: bytes.length }));
    expect(await storage.head(`captures/${id}/can-bus.csv`)).toBeNull();
  });

  it('rejects a capture whose bytes do not match the declared checksum', async () => {
    const bytes = nmeaLog(20);
    const id = await uploadCapture(t, contributor, bytes, { sha256: sha256(Buffer.from('something else')) });
    const capture = await settled(t, contributor, id);
    expect(capture.rejection?.code).toBe('checksum_mismatch');
  });

  it('keeps the verified copy of a staged object when the network overwrites its staging key', async () => {
    const network = testWallet();
    await t
      .http()
      .post('/v1/admin/networks')
      .set('Authorization', `Bearer ${admin}`)
      .send({ slug: 'bee', name: 'Bee Maps', publicKey: network.address })
      .expect(201);
    const storage = t.app.get(ObjectStorage);
    const trip = nmeaLog(40);
    await storage.put('staging/bee/trip.nmea', trip);
    const body = JSON.stringify({
      batchId: 'bee-1',
      items: [
        {
          externalId: 'trip',
          contributorWallet: testWallet().address,
          objectKey: 'staging/bee/trip.nmea',
          sha256: sha256(trip),
          sizeBytes: trip.length,
        },
      ],
    });
    const pushed = await t
      .http()
      .post('/v1/networks/bee/batches')
      .set('Content-Type', 'application/json')
      .set('X-Network-Signature', network.sign(body))
      .send(body)
      .expect(200);
    const [captureId] = (pushed.body as NetworkBatchResponse).captureIds;
    const ready = await settled(t, admin, captureId);
    expect(ready.status).toBe('ready');

    await storage.put('staging/bee/trip.nmea', nmeaLog(2));
    const kept = Buffer.concat(await (await storage.read(`objects/sha256/${sha256(trip)}`)).toArray());
    expect(sha256(kept)).toBe(sha256(trip));
    expect(await storage.head('objects/incoming/' + captureId)).toBeNull();
  });

  it('does not serve the local store routes when S3 is configured', async () => {
    await t.http().put('/v1/storage/local/parts/anything').send('x').expect(404);
  });
});

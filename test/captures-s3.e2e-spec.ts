import type { CaptureResponse, CreatedCaptureResponse } from '../src/ingestion/dto/capture.response.js';
import type { NetworkBatchResponse } from '../src/ingestion/dto/network.dto.js';
import { ObjectStorage } from '../src/storage/object-storage.port.js';
import { StorageErrorCode } from '../src/storage/storage.exception.js';
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

  describe('a completion retried after a lost answer (the instance died mid-call)', () => {
    const open = async (bytes: Buffer) => {
      const created = await t
        .http()
        .post('/v1/captures')
        .set('Authorization', `Bearer ${contributor}`)
        .send({ filename: 'retried.csv', sizeBytes: bytes.length, sha256: sha256(bytes) })
        .expect(201);
      const { id, upload } = created.body as CreatedCaptureResponse;
      return { id, parts: await putParts(t, upload, bytes) };
    };
    const complete = (id: string, parts: { partNumber: number; etag: string }[]) =>
      t.http().post(`/v1/captures/${id}/complete`).set('Authorization', `Bearer ${contributor}`).send({ parts });
    /** Where the capture's parts are assembled: its object key and the store's upload id. */
    const multipartUpload = async (id: string) =>
      (await t.sql<{ object_key: string; upload_id: string }>(`SELECT object_key, upload_id FROM captures WHERE id = $1`, [id]))[0];
    const processingJobs = async (id: string) =>
      (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'capture.process' AND data->>'captureId' = $1`, [id]))[0].n;

    it('answers the capture again, not a 409, once the completion was recorded; one processing job', async () => {
      const bytes = csvTelemetry(2_000);
      const { id, parts } = await open(bytes);
      const first = (await complete(id, parts).expect(200)).body as CaptureResponse;
      const again = (await complete(id, parts).expect(200)).body as CaptureResponse;
      expect(first.id).toBe(id);
      expect(again.id).toBe(id);
      expect(['processing', 'ready']).toContain(again.status);
      expect((await settled(t, contributor, id)).status).toBe('ready');
      expect((await complete(id, parts).expect(200)).body).toMatchObject({ id, status: 'ready' });
      expect(await processingJobs(id)).toBe(1);
    });

    it('records an upload the store already assembled (died before recording it) and queues its one job', async () => {
      const bytes = csvTelemetry(2_500);
      const { id, parts } = await open(bytes);
      const row = await multipartUpload(id);
      // What the dead call did before it died: the store assembled the parts, the database never heard of it.
      await t.app.get(ObjectStorage).completeMultipartUpload(row.object_key, row.upload_id, parts);
      const answer = (await complete(id, parts).expect(200)).body as CaptureResponse;
      expect(['processing', 'ready']).toContain(answer.status);
      expect((await settled(t, contributor, id)).status).toBe('ready');
      expect(await processingJobs(id)).toBe(1);
    });

    it('answers two completions racing each other with the capture or a 409, never a 500, and processes it once', async () => {
      const bytes = csvTelemetry(3_000);
      const { id, parts } = await open(bytes);
      const answers = await Promise.all([complete(id, parts), complete(id, parts)]);
      expect(answers.map((answer) => answer.status).filter((status) => status !== 200 && status !== 409)).toEqual([]);
      expect(answers.some((answer) => answer.status === 200)).toBe(true);
      expect((await settled(t, contributor, id)).status).toBe('ready');
      expect(await processingJobs(id)).toBe(1);
    });

    it('the store assembles an upload once when two completions reach it together; the other hears NoSuchUpload', async () => {
      const bytes = csvTelemetry(1_500);
      const { id, parts } = await open(bytes);
      const row = await multipartUpload(id);
      const storage = t.app.get(ObjectStorage);
      const results = await Promise.allSettled([0, 1].map(() => storage.completeMultipartUpload(row.object_key, row.upload_id, parts)));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((result) => result.status === 'rejected')?.reason).toMatchObject({ code: StorageErrorCode.UPLOAD_NOT_FOUND });
      const kept = Buffer.concat(await (await storage.read(row.object_key)).toArray());
      expect(sha256(kept)).toBe(sha256(bytes));
      // The client's completion after both: recorded as an upload the store already assembled.
      expect((await complete(id, parts).expect(200)).body).toMatchObject({ id });
      expect((await settled(t, contributor, id)).status).toBe('ready');
    });

    it('still refuses with 409 and the state an upload the expiry sweep abandoned', async () => {
      const { id, parts } = await open(csvTelemetry(1_000));
      await t.sql(`UPDATE captures SET status = 'rejected', rejection_code = 'upload_abandoned', rejection_reason = 'expired' WHERE id = $1`, [id]);
      const refused = await complete(id, parts).expect(409);
      expect(refused.body).toMatchObject({ code: 'CAPTURE_NOT_UPLOADING', message: `Capture ${id} is rejected, not uploading` });
    });
  });

  it('does not serve the local store routes when S3 is configured', async () => {
    await t.http().put('/v1/storage/local/parts/anything').send('x').expect(404);
  });
});

import { settled, sha256, uploadCapture, putParts } from './support/captures.js';
import { csvTelemetry, nmeaLog } from './support/fixtures.js';
import { startS3rver, type TestS3 } from './support/s3rver.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('captures on an S3-compatible store (e2e, s3rver over HTTP)', () => {
  let s3: TestS3;
  let t: TestApp;
  let contributor: string;

  beforeAll(async () => {
    s3 = await startS3rver();
    t = await startTestApp({ ...s3.env, AUTH_RATE_LIMIT: '1000' });
    contributor = (
      await t.http().post('/v1/auth/register').send({ email: 'maker@example.com', password: 'a-long-password', role: 'contributor' }).expect(201)
    ).body.accessToken;
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  it('hands out presigned S3 part URLs, and the uploaded capture becomes ready', async () => {
    const bytes = csvTelemetry(200_000);
    const created = await t
      .http()
      .post('/v1/captures')
      .set('Authorization', `Bearer ${contributor}`)
      .send({ filename: 'can-bus.csv', sizeBytes: bytes.length, sha256: sha256(bytes) })
      .expect(201);
    const [first] = created.body.upload.parts;
    expect(first.url.startsWith(`${s3.endpoint}/${s3.bucket}/captures/${created.body.id}/can-bus.csv?`)).toBe(true);
    expect(new URL(first.url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(created.body.upload.parts.length).toBeGreaterThan(1);

    const parts = await putParts(t, created.body.upload, bytes);
    await t.http().post(`/v1/captures/${created.body.id}/complete`).set('Authorization', `Bearer ${contributor}`).send({ parts }).expect(200);
    const capture = await settled(t, contributor, created.body.id);
    expect(capture).toEqual(expect.objectContaining({ status: 'ready', format: 'csv', modality: 'telemetry', sizeBytes: bytes.length }));
  });

  it('rejects a capture whose bytes do not match the declared checksum', async () => {
    const bytes = nmeaLog(20);
    const id = await uploadCapture(t, contributor, bytes, { sha256: sha256(Buffer.from('something else')) });
    const capture = await settled(t, contributor, id);
    expect(capture.rejection.code).toBe('checksum_mismatch');
  });

  it('does not serve the local store routes when S3 is configured', async () => {
    await t.http().put('/v1/storage/local/parts/anything').send('x').expect(404);
  });
});

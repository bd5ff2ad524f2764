import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { CapturePageResponse, CaptureResponse, CaptureUploadResponse, CreatedCaptureResponse } from '../src/ingestion/dto/capture.response.js';
import { UploadExpiryService } from '../src/ingestion/services/upload-expiry.service.js';
import { ObjectStorage } from '../src/storage/object-storage.port.js';
import { testWallet } from './support/wallet.js';
import { putParts, settled, sha256, uploadCapture } from './support/captures.js';
import { csvTelemetry, lyingPly, nmeaLog, zstdBombMcap } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('captures on the local object store (e2e)', () => {
  let t: TestApp;
  let contributor: string;
  let other: string;

  const signUp = async (email: string, role: string) =>
    ((await t.http().post('/v1/auth/register').send({ email, password: 'a-long-password', role }).expect(201)).body as { accessToken: string })
      .accessToken;

  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT: '1000' });
    contributor = await signUp('maker@example.com', 'contributor');
    other = await signUp('someone-else@example.com', 'contributor');
  });
  afterAll(() => t.close());

  it('uploads, completes and describes a GNSS log: ready with modality, time range and bbox', async () => {
    const bytes = nmeaLog(120);
    const id = await uploadCapture(t, contributor, bytes, { filename: 'drive.nmea', deviceId: 'bee-4f2a' });
    const capture = await settled(t, contributor, id);
    expect(capture).toEqual(
      expect.objectContaining({
        status: 'ready',
        filename: 'drive.nmea',
        sizeBytes: bytes.length,
        sha256: sha256(bytes),
        modality: 'gnss',
        format: 'nmea',
        deviceId: 'bee-4f2a',
        rejection: null,
        warnings: [],
      }),
    );
    expect(capture.timeRange).toEqual({ start: '2026-11-27T08:00:00.000Z', end: '2026-11-27T08:01:59.000Z' });
    expect(capture.bbox?.[0]).toBeCloseTo(14, 5);
    expect(capture.bbox?.[1]).toBeCloseTo(46, 5);
    expect(capture.bbox?.[3]).toBeGreaterThan(46);
  });

  it('keeps verified bytes at one content-addressed object: the same bytes uploaded twice share it, the upload keys are gone', async () => {
    const bytes = nmeaLog(33);
    const first = await settled(t, contributor, await uploadCapture(t, contributor, bytes, { filename: 'one.nmea' }));
    const third = await signUp('third@example.com', 'contributor');
    const second = await settled(t, third, await uploadCapture(t, third, bytes, { filename: 'two.nmea' }));
    expect([first.status, second.status]).toEqual(['ready', 'ready']);
    const rows = await t.sql<{ content_key: string; object_key: string }>(
      `SELECT content_key, object_key FROM captures WHERE id = ANY($1) ORDER BY id`,
      [[first.id, second.id]],
    );
    expect(rows.map((row) => row.content_key)).toEqual([`objects/sha256/${sha256(bytes)}`, `objects/sha256/${sha256(bytes)}`]);
    const storage = t.app.get(ObjectStorage);
    expect(await storage.head(`objects/sha256/${sha256(bytes)}`)).toEqual({ size: bytes.length });
    for (const row of rows) expect(await storage.head(row.object_key)).toBeNull();
    expect(readdirSync(join(t.config.DATA_DIR, 'objects', 'objects', 'sha256')).filter((name) => name === sha256(bytes))).toHaveLength(1);
  });

  it('shows the typed counts of what a capture holds', async () => {
    const bytes = nmeaLog(12);
    const capture = await settled(t, contributor, await uploadCapture(t, contributor, bytes, { filename: 'counted.nmea' }));
    expect(capture.counts).toEqual({ points: null, vertices: null, messages: null, rows: null, epochs: null, frames: null, fixes: 12 });
    const csv = await settled(t, contributor, await uploadCapture(t, contributor, csvTelemetry(25), { filename: 'counted.csv' }));
    expect(csv.counts).toMatchObject({ rows: 25, fixes: null, messages: null });
  });

  it('uploads a file of several parts and reassembles it exactly', async () => {
    const bytes = csvTelemetry(200_000);
    expect(bytes.length).toBeGreaterThan(8 * 1024 * 1024);
    const created = await t
      .http()
      .post('/v1/captures')
      .set('Authorization', `Bearer ${contributor}`)
      .send({ filename: 'can-bus.csv', sizeBytes: bytes.length, sha256: sha256(bytes) })
      .expect(201);
    expect((created.body as CreatedCaptureResponse).upload.parts.length).toBe(
      Math.ceil(bytes.length / (created.body as CreatedCaptureResponse).upload.partSizeBytes),
    );
    expect((created.body as CreatedCaptureResponse).upload.parts.length).toBeGreaterThan(1);
    expect((created.body as CreatedCaptureResponse).status).toBe('uploading');

    const resumed = await t
      .http()
      .get(`/v1/captures/${(created.body as CreatedCaptureResponse).id}/upload`)
      .set('Authorization', `Bearer ${contributor}`)
      .expect(200);
    const parts = await putParts(t, resumed.body as CaptureUploadResponse, bytes);
    await t
      .http()
      .post(`/v1/captures/${(created.body as CreatedCaptureResponse).id}/complete`)
      .set('Authorization', `Bearer ${contributor}`)
      .send({ parts })
      .expect(200);
    const capture = await settled(t, contributor, (created.body as CreatedCaptureResponse).id);
    expect(capture).toEqual(expect.objectContaining({ status: 'ready', format: 'csv', modality: 'telemetry' }));
    expect(capture.timeRange?.start).toBe('2026-11-27T08:00:00.000Z');
  });

  it('rejects a checksum mismatch, an unknown format and a size mismatch, each with its reason', async () => {
    const nmea = nmeaLog(5);
    const mismatch = await settled(t, contributor, await uploadCapture(t, contributor, nmea, { sha256: sha256(Buffer.from('other')) }));
    expect(mismatch.status).toBe('rejected');
    expect(mismatch.rejection?.code).toBe('checksum_mismatch');
    expect(mismatch.rejection?.reason).toContain(sha256(nmea));

    const noise = randomBytes(4096);
    const unknown = await settled(t, contributor, await uploadCapture(t, contributor, noise, { filename: 'looks-like.mp4' }));
    expect(unknown.rejection?.code).toBe('unknown_format');

    const created = await t
      .http()
      .post('/v1/captures')
      .set('Authorization', `Bearer ${contributor}`)
      .send({ filename: 'short.nmea', sizeBytes: nmea.length + 10, sha256: sha256(nmea) })
      .expect(201);
    const parts = await putParts(t, (created.body as CreatedCaptureResponse).upload, nmea);
    await t
      .http()
      .post(`/v1/captures/${(created.body as CreatedCaptureResponse).id}/complete`)
      .set('Authorization', `Bearer ${contributor}`)
      .send({ parts })
      .expect(200);
    const short = await settled(t, contributor, (created.body as CreatedCaptureResponse).id);
    expect(short.rejection).toEqual({ code: 'size_mismatch', reason: `Declared ${nmea.length + 10} bytes but ${nmea.length} bytes were uploaded` });
  });

  it('accepts a readable file with an inconsistency as ready, with the warning on GET /v1/captures/:id', async () => {
    const header = 'ply\nformat binary_little_endian 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n';
    const points = Buffer.from(new Float32Array([0, 0, 0, 1, 2, 3]).buffer);
    const bytes = Buffer.concat([Buffer.from(header, 'latin1'), points, Buffer.from('\n\n')]);
    const capture = await settled(t, contributor, await uploadCapture(t, contributor, bytes, { filename: 'padded.ply' }));
    expect(capture).toEqual(expect.objectContaining({ status: 'ready', format: 'ply', warnings: ['2 bytes follow the last element'] }));
    expect(capture.metadata).not.toHaveProperty('warnings');
  });

  it('accepts a CSV in Windows-1252 (a European spreadsheet export) as ready, its names as written, with a warning', async () => {
    const bytes = Buffer.from(
      'timestamp;latitude;longitude;Straße\n2026-11-27T08:00:00Z;48,1374;11,5755;Hauptstraße\n2026-11-27T08:00:01Z;48,1375;11,5756;Hauptstraße\n',
      'latin1',
    );
    const capture = await settled(t, contributor, await uploadCapture(t, contributor, bytes, { filename: 'export.csv' }));
    expect(capture).toEqual(
      expect.objectContaining({
        status: 'ready',
        format: 'csv',
        warnings: ["the file is not UTF-8 text: read as Windows-1252 (a spreadsheet export's encoding)"],
      }),
    );
    expect(capture.metadata).toMatchObject({ textEncoding: 'Windows-1252', columns: ['timestamp', 'latitude', 'longitude', 'Straße'] });
  });

  it('survives a hostile file and keeps processing the next ones', async () => {
    const hostile = await uploadCapture(t, contributor, lyingPly(), { filename: 'huge.ply' });
    const after = await uploadCapture(t, contributor, nmeaLog(3), { filename: 'after.nmea' });
    const rejected = await settled(t, contributor, hostile);
    expect(rejected.status).toBe('rejected');
    expect(['truncated', 'corrupt']).toContain(rejected.rejection?.code);
    expect((await settled(t, contributor, after)).status).toBe('ready');
  });

  it('rejects an MCAP whose zstd chunk expands 48 MiB from a few KiB as a decompression bomb, with its reason', async () => {
    const bomb = await zstdBombMcap();
    const rejected = await settled(t, contributor, await uploadCapture(t, contributor, bomb, { filename: 'bomb.mcap' }));
    expect(rejected.status).toBe('rejected');
    expect(rejected.rejection).toEqual({
      code: 'decompression_bomb',
      reason: expect.stringMatching(/^mcap: a zstd chunk of \d+ bytes claims 48\.0 MiB/) as unknown,
    });
  });

  it('answers a second completion (a retry) with the capture as it is, and 400 for missing parts', async () => {
    const bytes = nmeaLog(2);
    const id = await uploadCapture(t, contributor, bytes);
    const again = await t
      .http()
      .post(`/v1/captures/${id}/complete`)
      .set('Authorization', `Bearer ${contributor}`)
      .send({ parts: [{ partNumber: 1, etag: '"x"' }] })
      .expect(200);
    expect(again.body as CaptureResponse).toMatchObject({ id, status: expect.stringMatching(/^(processing|ready)$/) as unknown });

    const created = await t
      .http()
      .post('/v1/captures')
      .set('Authorization', `Bearer ${contributor}`)
      .send({ filename: 'a.nmea', sizeBytes: bytes.length, sha256: sha256(bytes) })
      .expect(201);
    const wrong = await t
      .http()
      .post(`/v1/captures/${(created.body as CreatedCaptureResponse).id}/complete`)
      .set('Authorization', `Bearer ${contributor}`)
      .send({ parts: [{ partNumber: 1, etag: '"not-the-etag"' }] })
      .expect(400);
    expect((wrong.body as ErrorBody).code).toBe('CAPTURE_UPLOAD_INCOMPLETE');
    const still = await t
      .http()
      .get(`/v1/captures/${(created.body as CreatedCaptureResponse).id}`)
      .set('Authorization', `Bearer ${contributor}`)
      .expect(200);
    expect((still.body as CaptureResponse).status).toBe('uploading');
  });

  it('expires an upload never completed: rejected, parts freed, completing refused', async () => {
    const bytes = nmeaLog(3);
    const auth = { Authorization: `Bearer ${contributor}` };
    const created = await t
      .http()
      .post('/v1/captures')
      .set(auth)
      .send({ filename: 'late.nmea', sizeBytes: bytes.length, sha256: sha256(bytes) })
      .expect(201);
    // The expiry sweep (scheduled; run here at once) leaves an upload alone until its time is up.
    const createdId = (created.body as CreatedCaptureResponse).id;
    const sweep = t.app.get(UploadExpiryService);
    await t.sql(`UPDATE captures SET created_at = now() - interval '167 hours' WHERE id = $1`, [createdId]);
    await sweep.run();
    expect(((await t.http().get(`/v1/captures/${createdId}`).set(auth).expect(200)).body as CaptureResponse).status).toBe('uploading');

    // Let the clock run out for this upload.
    await t.sql(`UPDATE captures SET created_at = now() - interval '168 hours' WHERE id = $1`, [createdId]);
    await sweep.run();
    const expired = await settled(t, contributor, createdId);
    expect(expired.rejection).toEqual({ code: 'upload_abandoned', reason: 'The upload was not completed within 168 hours; start a new one' });

    const partPath = (created.body as CreatedCaptureResponse).upload.parts[0].url.slice(t.config.publicUrl.length);
    const late = await t.http().put(partPath).set('Content-Type', 'application/octet-stream').send(bytes).expect(404);
    expect((late.body as ErrorBody).code).toBe('STORAGE_UPLOAD_NOT_FOUND');
    await t
      .http()
      .post(`/v1/captures/${(created.body as CreatedCaptureResponse).id}/complete`)
      .set(auth)
      .send({ parts: [{ partNumber: 1, etag: '"x"' }] })
      .expect(409);
  });

  it('discards an unfinished upload at once: rejected, its parts freed, completing and resuming refused; others get 404', async () => {
    const bytes = nmeaLog(3);
    const auth = { Authorization: `Bearer ${contributor}` };
    const created = (
      await t
        .http()
        .post('/v1/captures')
        .set(auth)
        .send({ filename: 'orphan.nmea', sizeBytes: bytes.length, sha256: sha256(bytes) })
        .expect(201)
    ).body as CreatedCaptureResponse;
    const partPath = created.upload.parts[0].url.slice(t.config.publicUrl.length);
    await t.http().put(partPath).set('Content-Type', 'application/octet-stream').send(bytes).expect(200);

    const foreign = await t.http().delete(`/v1/captures/${created.id}/upload`).set('Authorization', `Bearer ${other}`).expect(404);
    expect((foreign.body as ErrorBody).code).toBe('CAPTURE_NOT_FOUND');
    const discarded = (await t.http().delete(`/v1/captures/${created.id}/upload`).set(auth).expect(200)).body as CaptureResponse;
    expect(discarded.status).toBe('rejected');
    expect(discarded.rejection).toEqual({ code: 'upload_abandoned', reason: 'The upload was discarded by its contributor before it was completed' });

    // The multipart upload is gone: no part is taken or assembled any more.
    expect(((await t.http().put(partPath).set('Content-Type', 'application/octet-stream').send(bytes).expect(404)).body as ErrorBody).code).toBe(
      'STORAGE_UPLOAD_NOT_FOUND',
    );
    await t
      .http()
      .post(`/v1/captures/${created.id}/complete`)
      .set(auth)
      .send({ parts: [{ partNumber: 1, etag: '"x"' }] })
      .expect(409);
    expect(((await t.http().get(`/v1/captures/${created.id}/upload`).set(auth).expect(409)).body as ErrorBody).code).toBe('CAPTURE_NOT_UPLOADING');
    expect(((await t.http().delete(`/v1/captures/${created.id}/upload`).set(auth).expect(409)).body as ErrorBody).code).toBe('CAPTURE_NOT_UPLOADING');

    // A completed upload cannot be discarded.
    const done = await uploadCapture(t, contributor, nmeaLog(2));
    await t.http().delete(`/v1/captures/${done}/upload`).set(auth).expect(409);
  });

  it("shows a contributor only their own captures; another user's id answers 404 on every route", async () => {
    const id = await uploadCapture(t, contributor, nmeaLog(2));
    const auth = { Authorization: `Bearer ${other}` };
    for (const res of [
      await t.http().get(`/v1/captures/${id}`).set(auth),
      await t.http().get(`/v1/captures/${id}/upload`).set(auth),
      await t
        .http()
        .post(`/v1/captures/${id}/complete`)
        .set(auth)
        .send({ parts: [{ partNumber: 1, etag: '"x"' }] }),
    ]) {
      expect(res.status).toBe(404);
      expect((res.body as ErrorBody).code).toBe('CAPTURE_NOT_FOUND');
    }
    const mine = await t.http().get('/v1/captures?mine=true').set(auth).expect(200);
    expect((mine.body as CapturePageResponse).items).toEqual([]);
    const theirs = await t.http().get('/v1/captures?mine=true&limit=2').set('Authorization', `Bearer ${contributor}`).expect(200);
    expect((theirs.body as CapturePageResponse).items).toHaveLength(2);
    expect((theirs.body as CapturePageResponse).nextCursor).toEqual(expect.any(String));
    const next = await t
      .http()
      .get(`/v1/captures?limit=100&cursor=${(theirs.body as CapturePageResponse).nextCursor}`)
      .set('Authorization', `Bearer ${contributor}`)
      .expect(200);
    const seen = [...(theirs.body as CapturePageResponse).items, ...(next.body as CapturePageResponse).items].map((c: { id: string }) => c.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(id);
  });

  it('refuses a part body larger than the declared capture while it streams (413), and re-PUTs replace: 20 PUTs keep 1 KiB', async () => {
    const bytes = csvTelemetry(20).subarray(0, 1024);
    const created = await t
      .http()
      .post('/v1/captures')
      .set('Authorization', `Bearer ${contributor}`)
      .send({ filename: 'small.csv', sizeBytes: bytes.length, sha256: sha256(bytes) })
      .expect(201);
    const upload = (created.body as CreatedCaptureResponse).upload;
    const path = upload.parts[0].url.slice(t.config.publicUrl.length);
    for (let i = 0; i < 20; i += 1) {
      const refused = await t
        .http()
        .put(path)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.alloc(4 * 1024 * 1024, i))
        .expect(413);
      expect((refused.body as ErrorBody).code).toBe('STORAGE_PART_TOO_LARGE');
      await t.http().put(path).set('Content-Type', 'application/octet-stream').send(bytes).expect(200);
    }
    const uploads = join(t.config.DATA_DIR, 'objects', '.uploads');
    const kept = readdirSync(uploads).flatMap((dir) => readdirSync(join(uploads, dir)).map((name) => statSync(join(uploads, dir, name)).size));
    expect(kept.filter((size) => size === bytes.length)).toHaveLength(1);
    expect(kept.every((size) => size <= 1024)).toBe(true);
  });

  it('refuses an impossible capturedAt with 400 naming the field, stores nothing, and keeps the offset of a real one', async () => {
    const auth = { Authorization: `Bearer ${contributor}` };
    const count = async () => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM captures`))[0].n);
    const before = await count();
    for (const capturedAt of ['2026-02-30', '2026-02-29T10:00:00Z', '2026-11-27T24:00:00Z', '2026-11-27T08:15:00', '2026-13-01']) {
      const res = await t
        .http()
        .post('/v1/captures')
        .set(auth)
        .send({ filename: 'd.nmea', sizeBytes: 10, sha256: 'a'.repeat(64), capturedAt })
        .expect(400);
      expect(res.body).toEqual(
        expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringContaining('capturedAt must be a real date') as unknown }),
      );
    }
    expect(await count()).toBe(before);
    const created = await t
      .http()
      .post('/v1/captures')
      .set(auth)
      .send({ filename: 'd.nmea', sizeBytes: 10, sha256: 'a'.repeat(64), capturedAt: '2024-02-29T10:00:00+02:00' })
      .expect(201);
    expect((created.body as CaptureResponse).capturedAt).toBe('2024-02-29T08:00:00.000Z');
  });

  it('refuses buyers, bad declarations, and wrong device signatures', async () => {
    const buyer = await signUp('buyer@example.com', 'buyer');
    await t
      .http()
      .post('/v1/captures')
      .set('Authorization', `Bearer ${buyer}`)
      .send({ filename: 'x', sizeBytes: 1, sha256: 'a'.repeat(64) })
      .expect(403);
    const auth = { Authorization: `Bearer ${contributor}` };
    const tooBig = await t
      .http()
      .post('/v1/captures')
      .set(auth)
      .send({ filename: 'x', sizeBytes: 50 * 1024 ** 3 + 1, sha256: 'a'.repeat(64) })
      .expect(400);
    expect((tooBig.body as ErrorBody).message).toContain('sizeBytes must not be greater than');
    const badHash = await t
      .http()
      .post('/v1/captures')
      .set(auth)
      .send({ filename: 'x', sizeBytes: 10, sha256: 'A'.repeat(64) })
      .expect(400);
    expect((badHash.body as ErrorBody).message).toContain('sha256 must be 64 lowercase hex characters');

    const device = testWallet();
    const bytes = nmeaLog(2);
    const hash = sha256(bytes);
    const forged = await t
      .http()
      .post('/v1/captures')
      .set(auth)
      .send({ filename: 'd.nmea', sizeBytes: bytes.length, sha256: hash, devicePublicKey: device.address, deviceSignature: testWallet().sign(hash) })
      .expect(400);
    expect((forged.body as ErrorBody).code).toBe('CAPTURE_DEVICE_SIGNATURE_INVALID');
    const signed = await t
      .http()
      .post('/v1/captures')
      .set(auth)
      .send({ filename: 'd.nmea', sizeBytes: bytes.length, sha256: hash, devicePublicKey: device.address, deviceSignature: device.sign(hash) })
      .expect(201);
    expect((signed.body as CreatedCaptureResponse).deviceSignatureValid).toBe(true);
  });
});

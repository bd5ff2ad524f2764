import { createHash } from 'node:crypto';
import request from 'supertest';
import type { CaptureResponse, CreatedCaptureResponse } from '../../src/ingestion/dto/capture.response.js';
import type { TestApp } from './test-app.js';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface UploadPlan {
  partSizeBytes: number;
  parts: { partNumber: number; url: string }[];
}

/** PUTs each part to its presigned URL as a client would: through the app for local URLs, over HTTP for S3 ones. */
export async function putParts(t: TestApp, upload: UploadPlan, bytes: Buffer): Promise<{ partNumber: number; etag: string }[]> {
  const done: { partNumber: number; etag: string }[] = [];
  for (const part of upload.parts) {
    const body = bytes.subarray((part.partNumber - 1) * upload.partSizeBytes, part.partNumber * upload.partSizeBytes);
    let etag: string | null;
    if (part.url.startsWith(t.config.publicUrl)) {
      const res = await request(t.app.getHttpServer())
        .put(part.url.slice(t.config.publicUrl.length))
        .set('Content-Type', 'application/octet-stream')
        .send(body)
        .expect(200);
      const header: unknown = res.headers.etag;
      etag = typeof header === 'string' ? header : null;
    } else {
      const res = await fetch(part.url, { method: 'PUT', body });
      if (!res.ok) throw new Error(`part ${part.partNumber} upload failed: ${res.status} ${await res.text()}`);
      etag = res.headers.get('etag');
    }
    if (!etag) throw new Error(`part ${part.partNumber}: no ETag in the response`);
    done.push({ partNumber: part.partNumber, etag });
  }
  return done;
}

/** Creates a capture, uploads its bytes and completes it; answers the capture id. */
export async function uploadCapture(
  t: TestApp,
  token: string,
  bytes: Buffer,
  declared: Partial<{ filename: string; sizeBytes: number; sha256: string; modality: string; deviceId: string }> = {},
): Promise<string> {
  const auth = { Authorization: `Bearer ${token}` };
  const created = await t
    .http()
    .post('/v1/captures')
    .set(auth)
    .send({ filename: 'capture.bin', sizeBytes: bytes.length, sha256: sha256(bytes), ...declared })
    .expect(201);
  const { id, upload } = created.body as CreatedCaptureResponse;
  const parts = await putParts(t, upload, bytes);
  await t.http().post(`/v1/captures/${id}/complete`).set(auth).send({ parts }).expect(200);
  return id;
}

/** Polls the capture until processing has finished (the worker runs in the app under test). */
export async function settled(t: TestApp, token: string, id: string, timeoutMs = 120_000): Promise<CaptureResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http().get(`/v1/captures/${id}`).set('Authorization', `Bearer ${token}`).expect(200);
    const capture = res.body as CaptureResponse;
    if (capture.status === 'ready' || capture.status === 'rejected') return capture;
    if (Date.now() > deadline) throw new Error(`capture ${id} still ${capture.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Uploads `bytes` as `filename` and waits until it is ready; a rejection fails with its reason. */
export async function readyCapture(t: TestApp, token: string, bytes: Buffer, filename: string): Promise<CaptureResponse> {
  const capture = await settled(t, token, await uploadCapture(t, token, bytes, { filename }));
  if (capture.status !== 'ready') throw new Error(`capture ${filename} was ${capture.status}: ${JSON.stringify(capture.rejection)}`);
  return capture;
}

import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Stream } from 'node:stream';
import type { Response } from 'supertest';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import { LocalObjectUrlService } from '../src/storage/local-object-url.service.js';
import type { LocalPartUploadResponse } from '../src/storage/local-part-upload.response.js';
import { ObjectStorage } from '../src/storage/object-storage.port.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const MiB = 1024 * 1024;

/** Presigned URLs name PUBLIC_URL's host; supertest talks to the app directly, so only the path matters. */
const pathOf = (url: string) => new URL(url).pathname;
const past = () => Math.floor(Date.now() / 1000) - 60;

// superagent leaves unknown bodies unread; collect the raw bytes to compare them.
function binary(res: Stream, done: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => {
    done(null, Buffer.concat(chunks));
  });
}

describe('local object storage URLs (e2e)', () => {
  let t: TestApp;
  let storage: ObjectStorage;
  let urls: LocalObjectUrlService;

  beforeAll(async () => {
    t = await startTestApp();
    storage = t.app.get(ObjectStorage);
    urls = t.app.get(LocalObjectUrlService);
  });
  afterAll(() => t.close());

  /** A PUT whose body is streamed with chunked encoding, as supertest cannot send one. */
  async function putChunked(path: string, totalBytes: number): Promise<{ status: number; body: string }> {
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(MiB, 7);
      let sent = 0;
      const writeMore = () => {
        while (sent < totalBytes) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', writeMore);
        }
        req.end();
      };
      writeMore();
    });
  }

  const uploadFolder = (uploadId: string) => join(t.config.DATA_DIR, 'objects', '.uploads', uploadId);
  const download = (url: string, range?: string) => {
    const req = t.http().get(pathOf(url)).buffer(true).parse(binary);
    return range ? req.set('Range', range) : req;
  };

  it('uses the local store when S3_BUCKET is unset', () => {
    expect(storage.kind).toBe('local');
  });

  describe('a multipart upload through the presigned URLs, then its download', () => {
    const key = 'captures/e2e/drive.mcap';
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(4321)];
    const whole = Buffer.concat(parts);
    const answers: Response[] = [];

    beforeAll(async () => {
      const uploadId = await storage.createMultipartUpload(key);
      for (const [index, bytes] of parts.entries()) {
        const url = await storage.presignUploadPart(key, uploadId, index + 1, bytes.length, 600);
        expect(url.startsWith(`${t.config.publicUrl}/v1/storage/local/parts/`)).toBe(true);
        const put = t.http().put(pathOf(url));
        // The first part goes without a Content-Type, as fetch sends a Blob slice; the others as octet-stream.
        answers.push(await (index === 0 ? put : put.set('Content-Type', 'application/octet-stream')).send(bytes));
      }
      await storage.completeMultipartUpload(
        key,
        uploadId,
        answers.map((answer, index) => ({ partNumber: index + 1, etag: (answer.headers as Record<string, string>).etag })),
      );
    });

    it('answers each part PUT with 200, its ETag header (32 hex digits, quoted) and a small JSON summary', () => {
      answers.forEach((answer, index) => {
        expect(answer.status).toBe(200);
        const etag = (answer.headers as Record<string, string>).etag;
        expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
        expect(answer.body).toEqual({ partNumber: index + 1, etag, size: parts[index].length });
      });
    });

    it('stores the assembled object', async () => {
      expect(await storage.head(key)).toEqual({ size: whole.length });
    });

    it('downloads the whole object with its length, name and range support announced', async () => {
      const url = await storage.presignDownload(key, 600, 'My drive.mcap');
      const res = await download(url).expect(200);
      expect(res.headers['content-length']).toBe(String(whole.length));
      expect(res.headers['content-disposition']).toBe(`attachment; filename="My drive.mcap"; filename*=UTF-8''My%20drive.mcap`);
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect((res.body as Buffer).equals(whole)).toBe(true);
    });

    it('answers a single Range with 206 and Content-Range', async () => {
      const url = await storage.presignDownload(key, 600);
      const start = 5 * MiB - 100;
      const res = await download(url, `bytes=${start}-${start + 199}`).expect(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${start + 199}/${whole.length}`);
      expect(res.headers['content-length']).toBe('200');
      expect((res.body as Buffer).equals(whole.subarray(start, start + 200))).toBe(true);

      const tail = await download(url, 'bytes=-10').expect(206);
      expect(tail.headers['content-range']).toBe(`bytes ${whole.length - 10}-${whole.length - 1}/${whole.length}`);
      expect((tail.body as Buffer).equals(whole.subarray(-10))).toBe(true);
    });

    it('answers 416 with the size in Content-Range for a range beyond the end', async () => {
      const url = await storage.presignDownload(key, 600);
      const res = await t.http().get(pathOf(url)).set('Range', `bytes=${whole.length}-`).expect(416);
      expect(res.headers['content-range']).toBe(`bytes */${whole.length}`);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 416, code: 'STORAGE_RANGE_NOT_SATISFIABLE' }));
    });

    it('refuses a tampered download token with 403, without a byte of the object', async () => {
      const url = await storage.presignDownload('captures/e2e/other.bin', 600);
      const [payload, signature] = url.slice(url.lastIndexOf('/') + 1).split('.');
      const claim = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const retargeted = Buffer.from(JSON.stringify({ ...claim, key })).toString('base64url');

      const res = await t.http().get(`/v1/storage/local/objects/${retargeted}.${signature}`).expect(403);
      expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', code: 'STORAGE_URL_INVALID', message: 'This storage URL is not valid' });
      await t
        .http()
        .get(`/v1/storage/local/objects/${payload}.${signature.slice(1)}`)
        .expect(403);
      await t.http().get('/v1/storage/local/objects/garbage').expect(403);
    });

    it('refuses an expired download token with 403 STORAGE_URL_EXPIRED', async () => {
      const res = await t
        .http()
        .get(pathOf(urls.downloadUrl({ key, exp: past() })))
        .expect(403);
      expect((res.body as ErrorBody).code).toBe('STORAGE_URL_EXPIRED');
    });

    it('answers 404 once the object is gone', async () => {
      await storage.put('captures/e2e/short-lived.bin', Buffer.from('x'));
      const url = await storage.presignDownload('captures/e2e/short-lived.bin', 600);
      await storage.delete('captures/e2e/short-lived.bin');
      const res = await t.http().get(pathOf(url)).expect(404);
      expect((res.body as ErrorBody).code).toBe('STORAGE_OBJECT_NOT_FOUND');
    });
  });

  describe('part uploads that are refused', () => {
    const key = 'captures/e2e/refused.bin';
    let uploadId: string;
    beforeEach(async () => {
      uploadId = await storage.createMultipartUpload(key);
    });

    it('refuses a tampered part token with 403 and stores nothing', async () => {
      const url = await storage.presignUploadPart(key, uploadId, 1, 5, 600);
      const [payload, signature] = url.slice(url.lastIndexOf('/') + 1).split('.');
      const claim = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const renumbered = Buffer.from(JSON.stringify({ ...claim, partNumber: 2 })).toString('base64url');
      const res = await t.http().put(`/v1/storage/local/parts/${renumbered}.${signature}`).send(Buffer.from('bytes')).expect(403);
      expect((res.body as ErrorBody).code).toBe('STORAGE_URL_INVALID');
      expect(readdirSync(uploadFolder(uploadId))).toEqual(['upload.json']);
    });

    it('refuses an expired part token with 403 STORAGE_URL_EXPIRED', async () => {
      const url = urls.partUrl({ key, uploadId, partNumber: 1, size: 5, exp: past() });
      const res = await t.http().put(pathOf(url)).send(Buffer.from('bytes')).expect(403);
      expect((res.body as ErrorBody).code).toBe('STORAGE_URL_EXPIRED');
      expect(readdirSync(uploadFolder(uploadId))).toEqual(['upload.json']);
    });

    it('refuses a download token on the part route', async () => {
      const url = await storage.presignDownload(key, 600);
      const token = url.slice(url.lastIndexOf('/') + 1);
      const res = await t.http().put(`/v1/storage/local/parts/${token}`).send(Buffer.from('bytes')).expect(403);
      expect((res.body as ErrorBody).code).toBe('STORAGE_URL_INVALID');
    });

    it('refuses a part larger than its planned size with 413 and keeps no partial file', async () => {
      const url = await storage.presignUploadPart(key, uploadId, 1, 1024, 600);
      const res = await t.http().put(pathOf(url)).set('Content-Type', 'application/octet-stream').send(Buffer.alloc(1025)).expect(413);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 413, code: 'STORAGE_PART_TOO_LARGE' }));
      expect(readdirSync(uploadFolder(uploadId))).toEqual(['upload.json']);
    });

    it('stops a chunked part (no Content-Length) once it passes its planned size, with 413, and removes the partial file', async () => {
      const url = await storage.presignUploadPart(key, uploadId, 1, 3 * MiB, 600);
      const answer = await putChunked(pathOf(url), 8 * MiB);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual(expect.objectContaining({ code: 'STORAGE_PART_TOO_LARGE' }));
      expect(readdirSync(uploadFolder(uploadId))).toEqual(['upload.json']);
    });

    it('takes a part of exactly its planned size', async () => {
      const url = await storage.presignUploadPart(key, uploadId, 1, 2 * MiB, 600);
      const res = await t
        .http()
        .put(pathOf(url))
        .send(Buffer.alloc(2 * MiB))
        .expect(200);
      expect((res.body as LocalPartUploadResponse).size).toBe(2 * MiB);
      await storage.abortMultipartUpload(key, uploadId);
    });

    it('keeps one file per part however often a part URL is PUT: 20 PUTs of a 1 KiB part leave 1 KiB', async () => {
      const url = await storage.presignUploadPart(key, uploadId, 1, 1024, 600);
      let last = '';
      for (let i = 0; i < 20; i += 1) {
        last = ((await t.http().put(pathOf(url)).send(Buffer.alloc(1024, i)).expect(200)).body as LocalPartUploadResponse).etag;
        await t
          .http()
          .put(pathOf(url))
          .send(Buffer.alloc(4 * MiB, i))
          .expect(413);
      }
      const files = readdirSync(uploadFolder(uploadId)).filter((name) => name !== 'upload.json');
      expect(files).toEqual([`00001-${last.slice(1, -1)}.part`]);
      expect(readFileSync(join(uploadFolder(uploadId), files[0]))).toEqual(Buffer.alloc(1024, 19));
    });

    it('answers 404 to a part PUT for an unknown upload, or one already aborted', async () => {
      const unknown = urls.partUrl({ key, uploadId: 'x'.repeat(24), partNumber: 1, size: 5, exp: past() + 3600 });
      const res = await t.http().put(pathOf(unknown)).send(Buffer.from('bytes')).expect(404);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 404, code: 'STORAGE_UPLOAD_NOT_FOUND' }));

      const url = await storage.presignUploadPart(key, uploadId, 1, 5, 600);
      await storage.abortMultipartUpload(key, uploadId);
      await t.http().put(pathOf(url)).send(Buffer.from('bytes')).expect(404);
    });

    it('stores a part sent as JSON or as a form byte for byte: the body parsers leave part uploads alone', async () => {
      for (const [type, body] of [
        ['application/json', '{"a slice of": "a .json capture'],
        ['application/x-www-form-urlencoded', 'looks=like&a=form'],
      ]) {
        const url = await storage.presignUploadPart(key, uploadId, 1, Buffer.byteLength(body), 600);
        const res = await t.http().put(pathOf(url)).set('Content-Type', type).send(body).expect(200);
        const { etag, size } = res.body as LocalPartUploadResponse;
        expect(size).toBe(Buffer.byteLength(body));
        expect(readFileSync(join(uploadFolder(uploadId), `00001-${etag.slice(1, -1)}.part`), 'utf8')).toBe(body);
      }
    });
  });
});

describe('local object storage URLs with S3 configured (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens on this endpoint: the routes must be absent without the store ever being called.
    t = await startTestApp({
      S3_BUCKET: 'marketplace-test',
      S3_ENDPOINT: 'http://127.0.0.1:9',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
    });
  });
  afterAll(() => t.close());

  it('uses S3 and has no local URL routes', async () => {
    expect(t.app.get(ObjectStorage).kind).toBe('s3');
    // Even a correctly signed token finds no route.
    const urls = new LocalObjectUrlService(String(t.config.JWT_SECRET), t.config.publicUrl);
    const part = urls.partUrl({ key: 'captures/x/y.bin', uploadId: 'x'.repeat(24), partNumber: 1, size: 5, exp: past() + 3600 });
    const object = urls.downloadUrl({ key: 'captures/x/y.bin', exp: past() + 3600 });
    const put = await t.http().put(pathOf(part)).send(Buffer.from('bytes')).expect(404);
    expect((put.body as ErrorBody).code).toBe('NOT_FOUND');
    await t.http().get(pathOf(object)).expect(404);
  });
});

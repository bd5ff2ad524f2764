import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ObjectNotFoundError } from './object-storage.port.js';
import { startS3rver, type TestS3 } from '../../test/support/s3rver.js';
import { S3Storage } from './s3.storage.js';
import { StorageErrorCode } from './storage.exception.js';

const MiB = 1024 * 1024;
const BUCKET = 'marketplace-test';
const readAll = async (stream: Readable) => Buffer.concat(await stream.toArray());

/**
 * The S3 adapter over real HTTP against s3rver. s3rver checks no SigV4 signature and implements neither abort nor
 * ListParts, so this covers what it does enforce; URL tampering is covered on the local store.
 */
describe('S3Storage against s3rver', () => {
  let server: TestS3;
  let storage: S3Storage;

  beforeAll(async () => {
    server = await startS3rver(BUCKET);
    storage = new S3Storage({
      S3_ENDPOINT: server.endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: BUCKET,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: true,
    });
  });

  afterAll(async () => {
    storage.onModuleDestroy();
    await server.close();
  });

  describe('a multipart upload through presigned part URLs, as a browser does it', () => {
    const key = 'captures/0001/drive.mcap';
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(5 * MiB)];
    const whole = Buffer.concat(parts);

    beforeAll(async () => {
      const uploadId = await storage.createMultipartUpload(key, 'application/octet-stream');
      const completed = [];
      for (const [index, bytes] of parts.entries()) {
        const url = await storage.presignUploadPart(key, uploadId, index + 1, bytes.length, 600);
        const response = await fetch(url, { method: 'PUT', body: bytes });
        expect(response.status).toBe(200);
        const etag = response.headers.get('etag');
        expect(etag).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`);
        completed.push({ partNumber: index + 1, etag: etag ?? '' });
      }
      // Listed in reverse on purpose: the adapter sorts before asking S3, which insists on ascending order.
      await storage.completeMultipartUpload(key, uploadId, completed.reverse());
    });

    it('presigns part URLs without checksum parameters a browser could not satisfy', async () => {
      const url = new URL(await storage.presignUploadPart(key, 'some-upload', 1, 5 * MiB, 60));
      expect(url.searchParams.get('partNumber')).toBe('1');
      expect(url.searchParams.get('uploadId')).toBe('some-upload');
      expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    });

    it("signs the part's planned Content-Length into its URL, so S3 refuses a body of any other length", async () => {
      const url = new URL(await storage.presignUploadPart(key, 'some-upload', 2, 5 * MiB, 60));
      expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['content-length', 'host']));
    });

    it('heads the assembled object with its full size', async () => {
      const stat = await storage.head(key);
      expect(stat).toEqual({ size: 15 * MiB, etag: expect.any(String) as unknown });
    });

    it('reads the whole object back byte for byte', async () => {
      expect((await readAll(await storage.read(key))).equals(whole)).toBe(true);
    });

    it('scans the whole object in order', async () => {
      const copies: Buffer[] = [];
      expect(await storage.scan(key, (chunk) => copies.push(Buffer.from(chunk)))).toBe(whole.length);
      expect(Buffer.concat(copies).equals(whole)).toBe(true);
    });

    it('reads an inclusive range that spans two parts', async () => {
      const start = 5 * MiB - 10;
      const bytes = await readAll(await storage.read(key, { start, end: start + 19 }));
      expect(bytes.equals(whole.subarray(start, start + 20))).toBe(true);
    });

    it('serves a presigned GET with the bytes and the download name as Content-Disposition', async () => {
      const url = await storage.presignDownload(key, 600, 'Drive "May" ü.mcap');
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="Drive _May_ _.mcap"; filename*=UTF-8''Drive%20%22May%22%20%C3%BC.mcap`,
      );
      expect(Buffer.from(await response.arrayBuffer()).equals(whole)).toBe(true);
    });

    it('names the download after the key when no name is given', async () => {
      const response = await fetch(await storage.presignDownload(key, 600));
      expect(response.headers.get('content-disposition')).toContain('filename="drive.mcap"');
      await response.arrayBuffer();
    });
  });

  it('refuses a presigned GET once it has expired', async () => {
    await storage.put('fixtures/short-lived.txt', Buffer.from('soon gone'));
    const url = await storage.presignDownload('fixtures/short-lived.txt', 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const response = await fetch(url);
    expect(response.status).toBe(403);
    await response.arrayBuffer();
  });

  it('puts, reads and deletes a small object given as a Buffer', async () => {
    const key = 'certificates/order-1.json';
    await storage.put(key, Buffer.from('{"order":1}'), 'application/json');
    expect(await storage.head(key)).toEqual({ size: 11, etag: expect.any(String) as unknown });
    expect((await readAll(await storage.read(key))).toString()).toBe('{"order":1}');
    await storage.delete(key);
    expect(await storage.head(key)).toBeNull();
  });

  it('puts a stream with its exact bytes', async () => {
    const key = 'staging/streamed.bin';
    const bytes = randomBytes(300 * 1024);
    await storage.put(key, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
    expect((await storage.head(key))?.size).toBe(bytes.length);
    expect((await readAll(await storage.read(key))).equals(bytes)).toBe(true);
  });

  it('refuses a stream too large to hold in memory for put, storing nothing', async () => {
    const chunk = Buffer.alloc(MiB);
    const tooLarge = Readable.from(
      (function* () {
        for (let i = 0; i <= 64; i += 1) yield chunk;
      })(),
    );
    await expect(storage.put('staging/huge.bin', tooLarge)).rejects.toMatchObject({ code: StorageErrorCode.OBJECT_TOO_LARGE });
    expect(await storage.head('staging/huge.bin')).toBeNull();
  });

  it('rejects reading a missing key with ObjectNotFoundError, and heads it as null', async () => {
    await expect(storage.read('captures/missing/none.bin')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.read('captures/missing/none.bin', { start: 0, end: 9 })).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await storage.head('captures/missing/none.bin')).toBeNull();
  });

  it('copies server-side, so a later write to the source leaves the copy as it was, and moves', async () => {
    await storage.put('staging/net/a.bin', Buffer.from('verified bytes'));
    await storage.copy('staging/net/a.bin', 'objects/incoming/a');
    await storage.put('staging/net/a.bin', Buffer.from('overwritten'));
    expect((await readAll(await storage.read('objects/incoming/a'))).toString()).toBe('verified bytes');
    await storage.move('objects/incoming/a', 'objects/sha256/a');
    expect(await storage.head('objects/incoming/a')).toBeNull();
    expect((await readAll(await storage.read('objects/sha256/a'))).toString()).toBe('verified bytes');
    await expect(storage.copy('staging/net/none.bin', 'objects/x')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('deletes a missing key without an error', async () => {
    await expect(storage.delete('captures/missing/none.bin')).resolves.toBeUndefined();
  });

  it('refuses keys the local store would refuse, so both stores accept the same keys', async () => {
    await expect(storage.put('../escape.txt', Buffer.from('x'))).rejects.toMatchObject({ code: StorageErrorCode.INVALID_KEY });
    await expect(storage.head('/absolute')).rejects.toMatchObject({ code: StorageErrorCode.INVALID_KEY });
  });

  it('refuses an empty or duplicated part list before asking the store', async () => {
    await expect(storage.completeMultipartUpload('captures/x/y.bin', 'id', [])).rejects.toMatchObject({ code: StorageErrorCode.INVALID_PART });
    const part = { partNumber: 1, etag: '"abc"' };
    await expect(storage.completeMultipartUpload('captures/x/y.bin', 'id', [part, part])).rejects.toMatchObject({
      code: StorageErrorCode.INVALID_PART,
    });
  });
});

describe('S3Storage settings', () => {
  const base = { S3_REGION: 'us-east-1', S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: false };

  it('refuses half a static credential pair at start-up', () => {
    expect(() => new S3Storage({ ...base, S3_ACCESS_KEY_ID: 'id' })).toThrow(/S3_SECRET_ACCESS_KEY/);
  });

  it('uses the default credential chain when no key is set', () => {
    const storage = new S3Storage(base);
    expect(storage.kind).toBe('s3');
    storage.onModuleDestroy();
  });
});

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { resolveRangeHeader } from './byte-range.js';
import { LocalObjectUrlService } from './local-object-url.service.js';
import { LocalStorage } from './local.storage.js';
import { ObjectNotFoundError } from './object-storage.port.js';
import { StorageErrorCode } from './storage.exception.js';

const MiB = 1024 * 1024;
const PUBLIC_URL = 'http://marketplace.test';
const SECRET = 'a-test-secret-that-is-long-enough-for-hmac';

const readAll = async (stream: Readable) => Buffer.concat(await stream.toArray());
const randomEtag = () => `"${randomBytes(16).toString('hex')}"`;
const unlimited = { maxBytes: 100 * MiB };

describe('LocalStorage', () => {
  let dataDir: string;
  let storage: LocalStorage;
  let urls: LocalObjectUrlService;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-storage-'));
    urls = new LocalObjectUrlService(SECRET, PUBLIC_URL);
    storage = new LocalStorage(dataDir, urls);
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const uploadFolder = (uploadId: string) => join(dataDir, 'objects', '.uploads', uploadId);
  const tempFiles = () => (existsSync(join(dataDir, 'objects', '.tmp')) ? readdirSync(join(dataDir, 'objects', '.tmp')) : []);

  describe('multipart uploads', () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1234)];
    const whole = Buffer.concat(parts);

    async function uploadParts(key: string) {
      const uploadId = await storage.createMultipartUpload(key, 'video/mp4');
      const stored = [];
      for (const [index, bytes] of parts.entries()) {
        stored.push(await storage.writePart(key, uploadId, index + 1, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), unlimited));
      }
      return { uploadId, stored };
    }

    it('answers a new quoted ETag of 32 hex digits for every part PUT, as S3 shapes them', async () => {
      const { stored } = await uploadParts('captures/a/video.mp4');
      for (const part of stored) expect(part.etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(new Set(stored.map((part) => part.etag)).size).toBe(stored.length);
      expect(stored.map((part) => part.size)).toEqual(parts.map((bytes) => bytes.length));
    });

    it('gives a part PUT again a new ETag, even with the same bytes: completion with the replaced ETag is refused', async () => {
      const key = 'captures/a2/video.mp4';
      const { uploadId, stored } = await uploadParts(key);
      const again = await storage.writePart(key, uploadId, 2, Readable.from([parts[1]]), unlimited);
      expect(again.etag).not.toBe(stored[1].etag);

      const listed = stored.map(({ partNumber, etag }) => ({ partNumber, etag }));
      await expect(storage.completeMultipartUpload(key, uploadId, listed)).rejects.toMatchObject({ code: StorageErrorCode.INVALID_PART });
      listed[1] = { partNumber: 2, etag: again.etag };
      await storage.completeMultipartUpload(key, uploadId, listed);
      expect((await readAll(await storage.read(key))).equals(whole)).toBe(true);
    });

    it('assembles the parts in part-number order with the right ETags, then removes the upload folder', async () => {
      const key = 'captures/a/video.mp4';
      const { uploadId, stored } = await uploadParts(key);
      // Listed out of order on purpose: completion sorts, as the port promises.
      const listed = [stored[2], stored[0], stored[1]].map(({ partNumber, etag }) => ({ partNumber, etag }));
      await storage.completeMultipartUpload(key, uploadId, listed);

      expect(await storage.head(key)).toEqual({ size: whole.length });
      expect((await readAll(await storage.read(key))).equals(whole)).toBe(true);
      expect(existsSync(uploadFolder(uploadId))).toBe(false);
    });

    it('accepts ETags without quotes or in capitals, since clients differ', async () => {
      const key = 'captures/b/video.mp4';
      const { uploadId, stored } = await uploadParts(key);
      const listed = stored.map(({ partNumber, etag }) => ({ partNumber, etag: etag.replaceAll('"', '').toUpperCase() }));
      await storage.completeMultipartUpload(key, uploadId, listed);
      expect((await storage.head(key))?.size).toBe(whole.length);
    });

    it('refuses a wrong ETag and stores nothing, leaving the upload to be completed correctly', async () => {
      const key = 'captures/c/video.mp4';
      const { uploadId, stored } = await uploadParts(key);
      const wrong = stored.map(({ partNumber, etag }) => ({ partNumber, etag: partNumber === 2 ? randomEtag() : etag }));

      await expect(storage.completeMultipartUpload(key, uploadId, wrong)).rejects.toMatchObject({ code: StorageErrorCode.INVALID_PART });
      expect(await storage.head(key)).toBeNull();
      expect(tempFiles()).toEqual([]);

      await storage.completeMultipartUpload(
        key,
        uploadId,
        stored.map(({ partNumber, etag }) => ({ partNumber, etag })),
      );
      expect((await storage.head(key))?.size).toBe(whole.length);
    });

    it('refuses a part that was never uploaded, a part listed twice and an empty list', async () => {
      const key = 'captures/d/video.mp4';
      const { uploadId, stored } = await uploadParts(key);
      const listed = stored.map(({ partNumber, etag }) => ({ partNumber, etag }));
      await expect(storage.completeMultipartUpload(key, uploadId, [...listed, { partNumber: 4, etag: listed[0].etag }])).rejects.toMatchObject({
        code: StorageErrorCode.INVALID_PART,
      });
      await expect(storage.completeMultipartUpload(key, uploadId, [...listed, listed[2]])).rejects.toMatchObject({
        code: StorageErrorCode.INVALID_PART,
      });
      await expect(storage.completeMultipartUpload(key, uploadId, [])).rejects.toMatchObject({ code: StorageErrorCode.INVALID_PART });
      expect(await storage.head(key)).toBeNull();
    });

    it('refuses parts under 5 MiB except the last, as S3 does, so local runs catch what S3 would refuse', async () => {
      const key = 'captures/e/small.bin';
      const uploadId = await storage.createMultipartUpload(key);
      const first = await storage.writePart(key, uploadId, 1, Readable.from([Buffer.alloc(100, 1)]), unlimited);
      const second = await storage.writePart(key, uploadId, 2, Readable.from([Buffer.alloc(100, 2)]), unlimited);
      await expect(storage.completeMultipartUpload(key, uploadId, [first, second])).rejects.toMatchObject({ code: StorageErrorCode.PART_TOO_SMALL });
      // A single small part is fine: it is the last one.
      await storage.completeMultipartUpload(key, uploadId, [first]);
      expect((await readAll(await storage.read(key))).equals(Buffer.alloc(100, 1))).toBe(true);
    });

    it('stops reading a part past the limit, removes the partial file and leaves the source undestroyed', async () => {
      const key = 'captures/f/big.bin';
      const uploadId = await storage.createMultipartUpload(key);
      const source = Readable.from(
        (function* () {
          for (let i = 0; i < 10; i += 1) yield Buffer.alloc(1024, i);
        })(),
      );
      await expect(storage.writePart(key, uploadId, 1, source, { maxBytes: 4096 })).rejects.toMatchObject({ code: StorageErrorCode.PART_TOO_LARGE });
      expect(readdirSync(uploadFolder(uploadId))).toEqual(['upload.json']);
      // An HTTP request must stay open so the 413 can still be sent on it.
      expect(source.destroyed).toBe(false);
    });

    it('refuses a part before reading when its declared length is over the limit', async () => {
      const key = 'captures/f/declared.bin';
      const uploadId = await storage.createMultipartUpload(key);
      const source = Readable.from([Buffer.alloc(10)]);
      await expect(storage.writePart(key, uploadId, 1, source, { maxBytes: 5, declaredBytes: 10 })).rejects.toMatchObject({
        code: StorageErrorCode.PART_TOO_LARGE,
      });
      expect(source.readableEnded).toBe(false);
    });

    it('treats an unknown upload, or an upload of another key, as not found', async () => {
      const uploadId = await storage.createMultipartUpload('captures/g/one.bin');
      const body = () => Readable.from([Buffer.from('x')]);
      await expect(storage.writePart('captures/g/other.bin', uploadId, 1, body(), unlimited)).rejects.toMatchObject({
        code: StorageErrorCode.UPLOAD_NOT_FOUND,
      });
      await expect(storage.writePart('captures/g/one.bin', 'A'.repeat(24), 1, body(), unlimited)).rejects.toMatchObject({
        code: StorageErrorCode.UPLOAD_NOT_FOUND,
      });
      await expect(storage.writePart('captures/g/one.bin', '../../../etc', 1, body(), unlimited)).rejects.toMatchObject({
        code: StorageErrorCode.UPLOAD_NOT_FOUND,
      });
      await expect(storage.completeMultipartUpload('captures/g/other.bin', uploadId, [{ partNumber: 1, etag: randomEtag() }])).rejects.toMatchObject({
        code: StorageErrorCode.UPLOAD_NOT_FOUND,
      });
    });

    it('aborts idempotently, freeing the parts; a later part is refused', async () => {
      const key = 'captures/h/abandoned.bin';
      const uploadId = await storage.createMultipartUpload(key);
      await storage.writePart(key, uploadId, 1, Readable.from([Buffer.from('part')]), unlimited);
      await storage.abortMultipartUpload('captures/h/not-this-one.bin', uploadId);
      expect(existsSync(uploadFolder(uploadId))).toBe(true);

      await storage.abortMultipartUpload(key, uploadId);
      await storage.abortMultipartUpload(key, uploadId);
      expect(existsSync(uploadFolder(uploadId))).toBe(false);
      await expect(storage.writePart(key, uploadId, 1, Readable.from([Buffer.from('late')]), unlimited)).rejects.toMatchObject({
        code: StorageErrorCode.UPLOAD_NOT_FOUND,
      });
    });

    it('replaces a part PUT again: the later bytes win and the earlier file is gone, however often it is sent', async () => {
      const key = 'captures/f/again.bin';
      const uploadId = await storage.createMultipartUpload(key);
      for (let i = 0; i < 20; i += 1) await storage.writePart(key, uploadId, 1, Readable.from([Buffer.alloc(1000, i)]), unlimited);
      const last = await storage.writePart(key, uploadId, 1, Readable.from([Buffer.alloc(1000, 99)]), unlimited);
      const concurrent = await Promise.all(
        [1, 2, 3].map((n) => storage.writePart(key, uploadId, 2, Readable.from([Buffer.alloc(500, n)]), unlimited)),
      );
      const files = readdirSync(uploadFolder(uploadId)).sort();
      expect(files).toHaveLength(3);
      expect(files[0]).toBe(`00001-${last.etag.slice(1, -1)}.part`);
      expect(concurrent.map((part) => `00002-${part.etag.slice(1, -1)}.part`)).toContain(files[1]);
      await storage.completeMultipartUpload(key, uploadId, [last]);
      expect((await readAll(await storage.read(key))).equals(Buffer.alloc(1000, 99))).toBe(true);
    });

    it('refuses a planned part size outside 0..5 GiB', async () => {
      const key = 'captures/i/sized.bin';
      const uploadId = await storage.createMultipartUpload(key);
      for (const size of [-1, 5 * 1024 ** 3 + 1, 0.5]) {
        await expect(storage.presignUploadPart(key, uploadId, 1, size, 60)).rejects.toMatchObject({ code: StorageErrorCode.INVALID_ARGUMENT });
      }
    });

    it('refuses part numbers outside 1..10000', async () => {
      const key = 'captures/i/x.bin';
      const uploadId = await storage.createMultipartUpload(key);
      for (const partNumber of [0, 10_001, 1.5]) {
        await expect(storage.presignUploadPart(key, uploadId, partNumber, 100, 60)).rejects.toMatchObject({
          code: StorageErrorCode.INVALID_ARGUMENT,
        });
      }
    });
  });

  describe('keys', () => {
    const escaping = [
      '../outside.txt',
      'captures/../../outside.txt',
      '/etc/passwd',
      'captures//x',
      'captures/x/',
      'captures/./x',
      'nul\0byte',
      'back\\slash',
      '.uploads/abc/upload.json',
      '.tmp/x',
      'captures/.hidden',
      '%2e%2e/outside.txt',
      'spaces are out',
      'ünïcode',
      '',
      `${'a'.repeat(256)}/x`,
    ];

    it.each(escaping)('refuses %j for every operation, writing nothing anywhere', async (key) => {
      const expected = { code: StorageErrorCode.INVALID_KEY };
      await expect(storage.put(key, Buffer.from('x'))).rejects.toMatchObject(expected);
      await expect(storage.read(key)).rejects.toMatchObject(expected);
      await expect(storage.head(key)).rejects.toMatchObject(expected);
      await expect(storage.delete(key)).rejects.toMatchObject(expected);
      await expect(storage.createMultipartUpload(key)).rejects.toMatchObject(expected);
      await expect(storage.presignDownload(key, 60)).rejects.toMatchObject(expected);
      expect(readdirSync(dataDir)).toEqual([]);
    });

    it('does not read files outside the root through a key', async () => {
      writeFileSync(join(dataDir, 'secret.txt'), 'secret');
      await expect(storage.read('../secret.txt')).rejects.toMatchObject({ code: StorageErrorCode.INVALID_KEY });
      await expect(storage.read('secret.txt')).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('accepts ordinary keys with the allowed punctuation', async () => {
      const key = 'captures/0b7e/drive_2024-05-01(1)+v2,final@x~y=z!.mcap';
      await storage.put(key, Buffer.from('ok'));
      expect(await storage.head(key)).toEqual({ size: 2 });
    });

    it('reports a key that cannot coexist with another on a file system as a conflict', async () => {
      await storage.put('staging/a', Buffer.from('file'));
      await expect(storage.put('staging/a/b', Buffer.from('below a file'))).rejects.toMatchObject({ code: StorageErrorCode.KEY_CONFLICT });
      await storage.put('staging/c/d', Buffer.from('x'));
      await expect(storage.put('staging/c', Buffer.from('over a folder'))).rejects.toMatchObject({ code: StorageErrorCode.KEY_CONFLICT });
      // A prefix is no object.
      expect(await storage.head('staging/c')).toBeNull();
      await expect(storage.read('staging/c')).rejects.toBeInstanceOf(ObjectNotFoundError);
    });
  });

  describe('reads', () => {
    const bytes = randomBytes(1000);
    beforeEach(() => storage.put('fixtures/data.bin', bytes));

    it('reads the whole object or an inclusive range, clipping the end to the object like S3', async () => {
      expect((await readAll(await storage.read('fixtures/data.bin'))).equals(bytes)).toBe(true);
      expect((await readAll(await storage.read('fixtures/data.bin', { start: 0, end: 9 }))).equals(bytes.subarray(0, 10))).toBe(true);
      expect((await readAll(await storage.read('fixtures/data.bin', { start: 999, end: 999 }))).equals(bytes.subarray(999))).toBe(true);
      expect((await readAll(await storage.read('fixtures/data.bin', { start: 990, end: 5000 }))).equals(bytes.subarray(990))).toBe(true);
    });

    it('reads an empty object as no bytes, and ranges of a larger one across its read chunks', async () => {
      await storage.put('fixtures/empty.bin', Buffer.alloc(0));
      expect((await readAll(await storage.read('fixtures/empty.bin'))).length).toBe(0);
      const big = randomBytes(300_000);
      await storage.put('fixtures/big.bin', big);
      expect((await readAll(await storage.read('fixtures/big.bin'))).equals(big)).toBe(true);
      expect((await readAll(await storage.read('fixtures/big.bin', { start: 65_000, end: 200_000 }))).equals(big.subarray(65_000, 200_001))).toBe(
        true,
      );
    });

    it('refuses a range starting past the end, and a malformed one', async () => {
      await expect(storage.read('fixtures/data.bin', { start: 1000, end: 1005 })).rejects.toMatchObject({
        code: StorageErrorCode.RANGE_NOT_SATISFIABLE,
      });
      await expect(storage.read('fixtures/data.bin', { start: 10, end: 5 })).rejects.toMatchObject({ code: StorageErrorCode.INVALID_ARGUMENT });
      await expect(storage.read('fixtures/data.bin', { start: -1, end: 5 })).rejects.toMatchObject({ code: StorageErrorCode.INVALID_ARGUMENT });
    });

    it('scans an object in order through reused buffers, lending each chunk only during the visit', async () => {
      // Larger than two scan buffers, so buffers are reused and a read is in flight while a chunk is visited.
      const big = randomBytes(9 * 1024 * 1024 + 123);
      await storage.put('fixtures/big.bin', big);
      const copies: Buffer[] = [];
      const lent: Buffer[] = [];
      const total = await storage.scan('fixtures/big.bin', (chunk) => {
        copies.push(Buffer.from(chunk));
        lent.push(chunk);
      });
      expect(total).toBe(big.length);
      expect(Buffer.concat(copies).equals(big)).toBe(true);
      expect(copies.length).toBeGreaterThan(2);
      // The chunks kept without copying were overwritten: the reason the contract says "lent".
      expect(Buffer.concat(lent).equals(big)).toBe(false);
      expect(await storage.scan('fixtures/data.bin', () => undefined)).toBe(1000);
    });

    it('scan rejects a missing object, and passes on a failing visitor', async () => {
      await expect(storage.scan('fixtures/missing.bin', () => undefined)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(
        storage.scan('fixtures/data.bin', () => {
          throw new Error('visitor failed');
        }),
      ).rejects.toThrow('visitor failed');
    });

    it('rejects a missing object with ObjectNotFoundError and heads it as null', async () => {
      await expect(storage.read('fixtures/missing.bin')).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(storage.read('fixtures/data.bin/below')).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await storage.head('fixtures/missing.bin')).toBeNull();
    });
  });

  describe('writes', () => {
    it('stores Buffers and streams', async () => {
      await storage.put('certs/a.json', Buffer.from('{"a":1}'));
      await storage.put('certs/b.json', Readable.from([Buffer.from('{"b":'), Buffer.from('2}')]));
      expect((await readAll(await storage.read('certs/a.json'))).toString()).toBe('{"a":1}');
      expect((await readAll(await storage.read('certs/b.json'))).toString()).toBe('{"b":2}');
    });

    it('replaces an object atomically: a failed write leaves the old bytes and no partial file', async () => {
      const key = 'certs/atomic.json';
      await storage.put(key, Buffer.from('version 1'));
      const failing = Readable.from(
        (function* () {
          yield Buffer.from('version 2, half written');
          throw new Error('the source broke');
        })(),
      );
      await expect(storage.put(key, failing)).rejects.toThrow('the source broke');

      expect(readFileSync(join(dataDir, 'objects', 'certs', 'atomic.json'), 'utf8')).toBe('version 1');
      expect(tempFiles()).toEqual([]);
      expect(readdirSync(join(dataDir, 'objects', 'certs'))).toEqual(['atomic.json']);

      await storage.put(key, Buffer.from('version 2'));
      expect((await readAll(await storage.read(key))).toString()).toBe('version 2');
    });

    it('keeps serving a reader that opened the old object while a new one is put', async () => {
      const key = 'certs/reader.bin';
      const before = randomBytes(256 * 1024);
      await storage.put(key, before);
      const stream = await storage.read(key);
      await storage.put(key, randomBytes(256 * 1024));
      expect((await readAll(stream)).equals(before)).toBe(true);
    });

    it('deletes an object, and deleting a missing one is not an error', async () => {
      await storage.put('certs/gone.json', Buffer.from('x'));
      await storage.delete('certs/gone.json');
      expect(await storage.head('certs/gone.json')).toBeNull();
      await expect(storage.delete('certs/gone.json')).resolves.toBeUndefined();
      await expect(storage.delete('never/was/here.bin')).resolves.toBeUndefined();
    });
  });

  describe('copies and moves', () => {
    it('copies an object so that later writes to the source never reach the copy', async () => {
      await storage.put('staging/net/a.bin', Buffer.from('verified bytes'));
      await storage.copy('staging/net/a.bin', 'objects/incoming/a');
      await storage.put('staging/net/a.bin', Buffer.from('overwritten'));
      expect((await readAll(await storage.read('objects/incoming/a'))).toString()).toBe('verified bytes');
      // Not a hard link either: the copy is its own file.
      expect(statSync(join(dataDir, 'objects', 'objects', 'incoming', 'a')).nlink).toBe(1);
    });

    it('moves an object, replacing the target, and leaves no source behind', async () => {
      await storage.put('captures/m/one.bin', Buffer.from('one'));
      await storage.put('objects/sha256/target', Buffer.from('old'));
      await storage.move('captures/m/one.bin', 'objects/sha256/target');
      expect((await readAll(await storage.read('objects/sha256/target'))).toString()).toBe('one');
      expect(await storage.head('captures/m/one.bin')).toBeNull();
    });

    it('rejects a missing source with ObjectNotFoundError, and keeps a source whose move conflicts', async () => {
      await expect(storage.copy('captures/none/x', 'objects/x')).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(storage.move('captures/none/x', 'objects/x')).rejects.toBeInstanceOf(ObjectNotFoundError);
      await storage.put('captures/c/keep.bin', Buffer.from('keep'));
      await storage.put('objects/prefix/inner', Buffer.from('x'));
      await expect(storage.move('captures/c/keep.bin', 'objects/prefix')).rejects.toMatchObject({ code: StorageErrorCode.KEY_CONFLICT });
      expect((await readAll(await storage.read('captures/c/keep.bin'))).toString()).toBe('keep');
    });
  });

  describe('presigned URLs', () => {
    it('hands out part URLs under the public URL whose token names the part', async () => {
      const key = 'captures/j/x.bin';
      const uploadId = await storage.createMultipartUpload(key);
      const url = await storage.presignUploadPart(key, uploadId, 7, 8 * 1024 * 1024, 600);
      expect(url.startsWith(`${PUBLIC_URL}/v1/storage/local/parts/`)).toBe(true);
      const claim = urls.verifyPart(url.slice(url.lastIndexOf('/') + 1));
      expect(claim).toEqual({ key, uploadId, partNumber: 7, size: 8 * 1024 * 1024, exp: expect.any(Number) as unknown });
      expect(claim.exp * 1000 - Date.now()).toBeGreaterThan(590_000);
      expect(claim.exp * 1000 - Date.now()).toBeLessThanOrEqual(600_000);
    });

    it('hands out download URLs carrying the download name, the key basename by default', async () => {
      const named = await storage.presignDownload('captures/k/raw.bin', 60, 'Drive 1.mcap');
      const unnamed = await storage.presignDownload('captures/k/raw.bin', 60);
      expect(named.startsWith(`${PUBLIC_URL}/v1/storage/local/objects/`)).toBe(true);
      expect(urls.verifyDownload(named.split('/').pop() ?? '')).toEqual(expect.objectContaining({ key: 'captures/k/raw.bin', name: 'Drive 1.mcap' }));
      expect(urls.verifyDownload(unnamed.split('/').pop() ?? '').name).toBe('raw.bin');
    });

    it('refuses tokens that were tampered with, signed with another secret, expired or meant for the other route', async () => {
      const token = (url: string) => url.slice(url.lastIndexOf('/') + 1);
      const download = token(await storage.presignDownload('captures/k/raw.bin', 60));
      const [payload, signature] = download.split('.');
      const forged = Buffer.from(JSON.stringify({ use: 'download', key: 'captures/other/secret.bin', exp: 9999999999 })).toString('base64url');

      const invalid = { code: StorageErrorCode.URL_INVALID };
      expect(() => urls.verifyDownload(`${forged}.${signature}`)).toThrow(expect.objectContaining(invalid) as Error);
      // The signature's first character changed (it carries 6 bits of the MAC: always other bytes), and its last one
      // changed only in the 2 bits base64url leaves unused after 32 bytes (the same bytes once decoded: still refused).
      const other = (char: string, choices: string) => choices.split(char).join('').charAt(0);
      expect(() => urls.verifyDownload(`${payload}.${other(signature[0], 'AB')}${signature.slice(1)}`)).toThrow(
        expect.objectContaining(invalid) as Error,
      );
      const last = signature.at(-1) ?? '';
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const sameBits = alphabet.slice(alphabet.indexOf(last) & ~3, (alphabet.indexOf(last) & ~3) + 4);
      expect(Buffer.from(`${signature.slice(0, -1)}${other(last, sameBits)}`, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
      expect(() => urls.verifyDownload(`${payload}.${signature.slice(0, -1)}${other(last, sameBits)}`)).toThrow(
        expect.objectContaining(invalid) as Error,
      );
      expect(() => urls.verifyDownload(payload)).toThrow(expect.objectContaining(invalid) as Error);
      expect(() => urls.verifyDownload('not a token at all')).toThrow(expect.objectContaining(invalid) as Error);
      expect(() => new LocalObjectUrlService('another-secret-entirely-for-this-test', PUBLIC_URL).verifyDownload(download)).toThrow(
        expect.objectContaining(invalid) as Error,
      );
      expect(() => urls.verifyPart(download)).toThrow(expect.objectContaining(invalid) as Error);

      const expired = token(urls.downloadUrl({ key: 'captures/k/raw.bin', exp: Math.floor(Date.now() / 1000) - 1 }));
      expect(() => urls.verifyDownload(expired)).toThrow(expect.objectContaining({ code: StorageErrorCode.URL_EXPIRED }) as Error);
    });
  });
});

describe('resolveRangeHeader', () => {
  it.each([
    [undefined, 100, { kind: 'full' }],
    ['bytes=0-9', 100, { kind: 'partial', range: { start: 0, end: 9 } }],
    ['bytes=90-', 100, { kind: 'partial', range: { start: 90, end: 99 } }],
    ['bytes=-10', 100, { kind: 'partial', range: { start: 90, end: 99 } }],
    ['bytes=-500', 100, { kind: 'partial', range: { start: 0, end: 99 } }],
    ['bytes=50-5000', 100, { kind: 'partial', range: { start: 50, end: 99 } }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-0', 0, { kind: 'unsatisfiable' }],
    // Ignored, so the whole object is sent: several ranges, another unit, bad syntax, a reversed range.
    ['bytes=0-1,5-6', 100, { kind: 'full' }],
    ['items=0-1', 100, { kind: 'full' }],
    ['bytes=abc', 100, { kind: 'full' }],
    ['bytes=9-1', 100, { kind: 'full' }],
    ['bytes=-', 100, { kind: 'full' }],
  ])('reads %j against %d bytes', (header, size, expected) => {
    expect(resolveRangeHeader(header, size)).toEqual(expected);
  });
});

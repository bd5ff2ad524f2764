import { randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, copyFile, type FileHandle, mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { clampRange } from './byte-range.js';
import { sendFileRange } from './file-sender.js';
import type { LocalObjectUrlService } from './local-object-url.service.js';
import { S3_MIN_PART_BYTES } from './multipart-plan.js';
import { assertValidObjectKey, keyBasename } from './object-key.js';
import { type ByteRange, type CompletedPart, ObjectNotFoundError, ObjectStorage, type ObjectStat } from './object-storage.port.js';
import { assertExpiry, assertPartNumber, assertPartSize, sortedCompletedParts, unquoteEtag } from './storage-arguments.js';
import { StorageErrorCode, StorageException } from './storage.exception.js';

const UPLOADS_DIR = '.uploads';
const TEMP_DIR = '.tmp';
const MANIFEST = 'upload.json';
const UPLOAD_ID = /^[A-Za-z0-9_-]{24}$/;
/** A part's ETag: 128 random bits in hex, the same shape as S3's MD5 ETags. */
const PART_ETAG = /^[0-9a-f]{32}$/;

interface UploadManifest {
  key: string;
  contentType?: string;
  createdAt: string;
}

/**
 * A part as stored. Its ETag is an opaque version token (quoted, 32 hex digits like S3's), new for every PUT: it names
 * exactly the bytes of that PUT, so completion refuses a part list naming bytes that were replaced since. It is not the
 * MD5 of the bytes (S3 does not promise that either, e.g. with SSE-KMS): hashing every part on the API's event loop cost
 * a third of a core at disk speed, and the object's SHA-256, checked once at completion, is what guards the bytes.
 */
export interface StoredPart {
  partNumber: number;
  etag: string;
  size: number;
}

/** An open object: its size is known before any byte is sent, and it cannot vanish between stat and read. */
export interface LocalObjectHandle {
  size: number;
  /** Streams the object or a range of it (already checked against `size`); the stream closes the file. */
  stream(range?: ByteRange): Readable;
  /** Writes the object or a range of it to `out` from reused buffers (sendFileRange), ends `out` and closes the file. */
  send(out: Writable, range?: ByteRange): Promise<void>;
  /** Closes the file when no stream will be made. */
  close(): Promise<void>;
}

/**
 * Objects as files under `${DATA_DIR}/objects/<key>`, for a single machine without S3. Multipart uploads mirror S3:
 * parts live in `.uploads/<uploadId>/` until completion concatenates them; clients PUT parts to signed URLs served by
 * LocalStorageController. Every write lands in a temp file first and is renamed into place, so readers see the old
 * object or the new one, never a partial file.
 *
 * Differences from S3 that callers may notice: objects keep no content type (downloads are application/octet-stream),
 * `head` reports no ETag, and a key cannot be both an object and the prefix of another (`a` and `a/b`) -> KEY_CONFLICT.
 */
const READ_CHUNK_BYTES = 1 << 20;

export class LocalStorage extends ObjectStorage {
  readonly kind = 'local' as const;
  readonly root: string;
  private readonly partLocks = new KeyedSerializer();

  constructor(
    dataDir: string,
    private readonly urls: LocalObjectUrlService,
  ) {
    super();
    this.root = join(resolve(dataDir), 'objects');
  }

  async createMultipartUpload(key: string, contentType?: string): Promise<string> {
    assertValidObjectKey(key);
    const uploadId = randomBytes(18).toString('base64url');
    const dir = join(this.root, UPLOADS_DIR, uploadId);
    await mkdir(dirname(dir), { recursive: true });
    await mkdir(dir);
    const manifest: UploadManifest = { key, contentType, createdAt: new Date().toISOString() };
    await writeFile(join(dir, MANIFEST), JSON.stringify(manifest), { flag: 'wx' });
    return uploadId;
  }

  async presignUploadPart(key: string, uploadId: string, partNumber: number, sizeBytes: number, expiresInSeconds: number): Promise<string> {
    assertValidObjectKey(key);
    assertPartNumber(partNumber);
    assertPartSize(sizeBytes);
    assertExpiry(expiresInSeconds);
    return Promise.resolve(this.urls.partUrl({ key, uploadId, partNumber, size: sizeBytes, exp: this.urls.expiresIn(expiresInSeconds) }));
  }

  /**
   * Stores one part from a stream under a new ETag, and refuses it once it passes `maxBytes` (before
   * reading anything when `declaredBytes`, the Content-Length, already says so). The source is not destroyed on
   * refusal, so an HTTP caller can still answer on the same connection.
   */
  async writePart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    limits: { maxBytes: number; declaredBytes?: number },
  ): Promise<StoredPart> {
    assertValidObjectKey(key);
    assertPartNumber(partNumber);
    const dir = await this.uploadDir(key, uploadId);
    const tooLarge = () =>
      new StorageException(
        StorageErrorCode.PART_TOO_LARGE,
        `Part ${partNumber} of this upload is planned at ${limits.maxBytes} bytes; a larger body is refused`,
      );
    if (limits.declaredBytes !== undefined && limits.declaredBytes > limits.maxBytes) throw tooLarge();

    let size = 0;
    const temp = join(dir, `.part-${randomBytes(8).toString('hex')}`);
    try {
      // Not synced to disk: a part is only a step towards an object, and completion syncs the object it assembles.
      // A part lost to a crash before then fails its upload's SHA-256 check, and the client sends it again.
      await writeNewFile(
        temp,
        body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>,
        (chunk) => {
          size += chunk.length;
          if (size > limits.maxBytes) throw tooLarge();
        },
        { durable: false },
      );
    } catch (error) {
      throw isMissing(error) ? uploadNotFound(uploadId) : error;
    }
    const hex = randomBytes(16).toString('hex');
    const name = partFileName(partNumber, hex);
    // One rename-and-sweep at a time per part, so two PUTs of the same part leave exactly the later one.
    await this.partLocks.run(`${uploadId}/${partNumber}`, async () => {
      try {
        await rename(temp, join(dir, name));
        // A part PUT again replaces the earlier bytes, as on S3: the earlier file goes, so PUTs never accumulate.
        const prefix = partFileName(partNumber, '');
        const stale = (await readdir(dir)).filter((file) => file.startsWith(prefix) && file !== name);
        await Promise.all(stale.map((file) => rm(join(dir, file), { force: true })));
      } catch (error) {
        await rm(temp, { force: true });
        // The upload was completed or aborted while this part was arriving.
        throw isMissing(error) ? uploadNotFound(uploadId) : error;
      }
    });
    return { partNumber, etag: `"${hex}"`, size };
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void> {
    assertValidObjectKey(key);
    const dir = await this.uploadDir(key, uploadId);
    const sorted = sortedCompletedParts(parts);
    const files: { partNumber: number; path: string; size: number }[] = [];
    for (const part of sorted) {
      const hex = unquoteEtag(part.etag).toLowerCase();
      const path = join(dir, partFileName(part.partNumber, PART_ETAG.test(hex) ? hex : 'none'));
      const info = await stat(path).catch(nullWhenMissing);
      if (!info) {
        throw new StorageException(
          StorageErrorCode.INVALID_PART,
          `Part ${part.partNumber} was not uploaded, or its ETag does not match the uploaded bytes`,
        );
      }
      files.push({ partNumber: part.partNumber, path, size: info.size });
    }
    const small = files.slice(0, -1).find((file) => file.size < S3_MIN_PART_BYTES);
    if (small) {
      throw new StorageException(
        StorageErrorCode.PART_TOO_SMALL,
        `Part ${small.partNumber} has ${small.size} bytes; every part but the last needs at least ${S3_MIN_PART_BYTES}`,
      );
    }
    const temp = await this.tempFile();
    try {
      await writeNewFile(temp, concatenate(files.map((file) => file.path)));
    } catch (error) {
      // Parts vanish only when the upload is aborted or completed by another call meanwhile.
      throw isMissing(error) ? uploadNotFound(uploadId) : error;
    }
    await this.moveIntoPlace(temp, key);
    await rm(dir, { recursive: true, force: true });
  }

  /** Idempotent, like a cleanup job needs: an unknown or finished upload is not an error. */
  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    assertValidObjectKey(key);
    let dir: string;
    try {
      dir = await this.uploadDir(key, uploadId);
    } catch (error) {
      if (error instanceof StorageException && error.code === StorageErrorCode.UPLOAD_NOT_FOUND) return;
      throw error;
    }
    await rm(dir, { recursive: true, force: true });
  }

  async presignDownload(key: string, expiresInSeconds: number, downloadName?: string, grant?: string): Promise<string> {
    assertValidObjectKey(key);
    assertExpiry(expiresInSeconds);
    return Promise.resolve(this.urls.downloadUrl({ key, exp: this.urls.expiresIn(expiresInSeconds), name: downloadName ?? keyBasename(key), grant }));
  }

  async head(key: string): Promise<ObjectStat | null> {
    assertValidObjectKey(key);
    try {
      const info = await stat(this.objectPath(key));
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const file = await this.open(key);
    try {
      return file.stream(range ? clampRange(range, file.size) : undefined);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async scan(key: string, visit: (chunk: Buffer) => void): Promise<number> {
    const { handle } = await this.openFile(key);
    // Two buffers, reused: the next read fills one while `visit` works on the other.
    const buffers = [Buffer.allocUnsafe(SCAN_CHUNK_BYTES), Buffer.allocUnsafe(SCAN_CHUNK_BYTES)];
    let position = 0;
    let turn = 0;
    let pending = handle.read(buffers[turn], 0, SCAN_CHUNK_BYTES, position);
    try {
      for (;;) {
        const { bytesRead, buffer } = await pending;
        if (bytesRead === 0) break;
        position += bytesRead;
        turn ^= 1;
        pending = handle.read(buffers[turn], 0, SCAN_CHUNK_BYTES, position);
        visit(buffer.subarray(0, bytesRead));
      }
      return position;
    } finally {
      await pending.catch(() => undefined);
      await handle.close();
    }
  }

  /** Opens an object for reading; rejects with ObjectNotFoundError when there is none. */
  async open(key: string): Promise<LocalObjectHandle> {
    const { handle, size } = await this.openFile(key);
    return {
      size,
      // fs's own stream over the open file, as a bare static file server sends one: chunks of 64 KiB (a fresh 4 MiB
      // buffer per chunk cost the download route GC time). An empty file ends at once: end 0 reads nothing past EOF.
      stream: (range) => handle.createReadStream({ start: range?.start ?? 0, end: range ? range.end : Math.max(size - 1, 0) }),
      send: (out, range) => sendFileRange(handle, out, range?.start ?? 0, range ? range.end : size - 1),
      close: () => handle.close(),
    };
  }

  private async openFile(key: string): Promise<{ handle: FileHandle; size: number }> {
    assertValidObjectKey(key);
    let handle: FileHandle;
    try {
      handle = await open(this.objectPath(key), 'r');
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
    const info = await handle.stat().catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    if (!info.isFile()) {
      // The key names a directory: other objects live under it as a prefix, but there is no object here.
      await handle.close();
      throw new ObjectNotFoundError(key);
    }
    return { handle, size: info.size };
  }

  /** The content type is not kept (see the class comment). */
  async put(key: string, body: Buffer | Readable): Promise<void> {
    assertValidObjectKey(key);
    const temp = await this.tempFile();
    await writeNewFile(temp, Buffer.isBuffer(body) ? [body] : (body as AsyncIterable<Buffer>));
    await this.moveIntoPlace(temp, key);
  }

  /** The objects folder exists (made on first use) and this process may read and write it. */
  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.R_OK | constants.W_OK | constants.X_OK);
  }

  async copy(sourceKey: string, targetKey: string): Promise<void> {
    assertValidObjectKey(sourceKey);
    assertValidObjectKey(targetKey);
    const temp = await this.tempFile();
    try {
      // A clone where the file system has them (btrfs, XFS), a full copy elsewhere: never a link to the source's inode.
      await copyFile(this.objectPath(sourceKey), temp, constants.COPYFILE_FICLONE);
    } catch (error) {
      await rm(temp, { force: true });
      if (isMissing(error) || errorCode(error) === 'EISDIR') throw new ObjectNotFoundError(sourceKey);
      throw error;
    }
    await this.moveIntoPlace(temp, targetKey);
  }

  async move(sourceKey: string, targetKey: string): Promise<void> {
    assertValidObjectKey(sourceKey);
    assertValidObjectKey(targetKey);
    const source = this.objectPath(sourceKey);
    const info = await stat(source).catch(nullWhenMissing);
    if (!info?.isFile()) throw new ObjectNotFoundError(sourceKey);
    await this.moveIntoPlace(source, targetKey, true);
  }

  async delete(key: string): Promise<void> {
    assertValidObjectKey(key);
    try {
      await unlink(this.objectPath(key));
    } catch (error) {
      // EISDIR: the key is only a prefix of other objects, so there is no object to delete.
      if (isMissing(error) || errorCode(error) === 'EISDIR') return;
      throw error;
    }
  }

  private objectPath(key: string): string {
    const path = join(this.root, ...key.split('/'));
    // The key rules already forbid escaping; this guards against a future change to them.
    if (!path.startsWith(this.root + sep)) throw new StorageException(StorageErrorCode.INVALID_KEY, `Invalid object key ${JSON.stringify(key)}`);
    return path;
  }

  /** The folder of an upload started for this key; S3 also answers NoSuchUpload when the key differs. */
  private async uploadDir(key: string, uploadId: string): Promise<string> {
    if (typeof uploadId !== 'string' || !UPLOAD_ID.test(uploadId)) throw uploadNotFound(uploadId);
    const dir = join(this.root, UPLOADS_DIR, uploadId);
    let manifest: UploadManifest;
    try {
      manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as UploadManifest;
    } catch (error) {
      if (isMissing(error)) throw uploadNotFound(uploadId);
      throw error;
    }
    if (manifest.key !== key) throw uploadNotFound(uploadId);
    return dir;
  }

  /** A fresh path in the store's temp folder, on the same file system as the objects so a rename is atomic. */
  private async tempFile(): Promise<string> {
    const dir = join(this.root, TEMP_DIR);
    await mkdir(dir, { recursive: true });
    return join(dir, randomBytes(12).toString('hex'));
  }

  /** Renames a file to an object's path; the file is removed on failure unless it is an object being moved (`keep`). */
  private async moveIntoPlace(temp: string, key: string, keep = false): Promise<void> {
    const target = this.objectPath(key);
    try {
      await mkdir(dirname(target), { recursive: true });
      await rename(temp, target);
    } catch (error) {
      if (!keep) await rm(temp, { force: true });
      if (['ENOTDIR', 'EEXIST', 'EISDIR', 'ENOTEMPTY'].includes(errorCode(error) ?? '')) {
        throw new StorageException(
          StorageErrorCode.KEY_CONFLICT,
          `Cannot store ${JSON.stringify(key)}: a prefix of it is an object, or it is the prefix of other objects`,
        );
      }
      throw error;
    }
  }
}

function partFileName(partNumber: number, etagHex: string): string {
  // Naming a part by its ETag lets completion check ETags with one stat, without reading the part again.
  return etagHex === '' ? `${String(partNumber).padStart(5, '0')}-` : `${String(partNumber).padStart(5, '0')}-${etagHex}.part`;
}

/** Runs tasks one after another per key; keys with nothing queued take no memory. */
class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/**
 * Streams `source` into a new file and, unless `durable` is false, syncs it to disk, calling `inspect` on each chunk
 * first (it may throw to stop). On any failure the file is removed.
 */
async function writeNewFile(
  path: string,
  source: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer>,
  inspect?: (chunk: Buffer) => void,
  { durable = true } = {},
): Promise<void> {
  // A write stream batches the many small socket chunks into few writes; `flush` fsyncs before close, so an
  // acknowledged object survives a crash.
  const out = createWriteStream(path, { flags: 'wx', flush: durable, highWaterMark: READ_CHUNK_BYTES });
  try {
    const inspected = async function* () {
      for await (const piece of source) {
        const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
        inspect?.(chunk);
        yield chunk;
      }
    };
    await pipeline(inspected(), out);
  } catch (error) {
    // The stream opens its file asynchronously: wait until it is closed, or `rm` can run before the file exists
    // and the open would then leave a stray partial file behind.
    if (!out.closed) {
      const closed = new Promise<void>((resolve) =>
        out.once('close', () => {
          resolve();
        }),
      );
      out.destroy();
      await closed;
    }
    await rm(path, { force: true });
    throw error;
  }
}

const SCAN_CHUNK_BYTES = 4 << 20;

/** The parts one after another, read in small chunks: a part is never held in memory whole. */
async function* concatenate(files: string[]): AsyncGenerator<Buffer> {
  for (const file of files) {
    for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK_BYTES })) yield chunk as Buffer;
  }
}

function uploadNotFound(uploadId: string): StorageException {
  return new StorageException(
    StorageErrorCode.UPLOAD_NOT_FOUND,
    `No multipart upload ${uploadId} for this key (it may have been completed or aborted)`,
  );
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** For `.catch` on a stat: a missing file answers null, any other failure still throws. */
function nullWhenMissing(error: unknown): null {
  if (isMissing(error)) return null;
  throw error;
}

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

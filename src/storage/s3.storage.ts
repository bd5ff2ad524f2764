import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { ConfigError } from '../config/config-error.js';
import { assertByteRange } from './byte-range.js';
import { MAX_PART_BYTES } from './multipart-plan.js';
import { assertValidObjectKey, attachmentDisposition, keyBasename } from './object-key.js';
import { type ByteRange, type CompletedPart, ObjectNotFoundError, ObjectStorage, type ObjectStat } from './object-storage.port.js';
import { assertExpiry, assertPartNumber, assertPartSize, sortedCompletedParts } from './storage-arguments.js';
import { StorageErrorCode, StorageException } from './storage.exception.js';

export type S3StorageSettings = Pick<
  AppConfig,
  'S3_ENDPOINT' | 'S3_REGION' | 'S3_BUCKET' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE'
>;

/**
 * Largest stream `put` takes. S3 needs a Content-Length up front and @aws-sdk/lib-storage (which would split an
 * unknown-length stream into parts) is not installed, so a stream is read into memory first; `put` is for small
 * objects, large ones go through the presigned multipart upload.
 */
export const PUT_STREAM_LIMIT_BYTES = MAX_PART_BYTES;

/** CopyObject's limit; larger objects are copied in parts of COPY_PART_BYTES (50 GiB -> 100 parts). */
const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
const COPY_PART_BYTES = 512 * 1024 * 1024;

/**
 * Any S3-compatible store (AWS, MinIO, R2, s3rver...). Clients upload through presigned part URLs and download
 * through presigned GETs, so object bytes never pass through the API.
 */
export class S3Storage extends ObjectStorage implements OnModuleDestroy {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(settings: S3StorageSettings) {
    super();
    if (!settings.S3_BUCKET) throw new ConfigError('S3_BUCKET is required for the S3 object store');
    if (Boolean(settings.S3_ACCESS_KEY_ID) !== Boolean(settings.S3_SECRET_ACCESS_KEY)) {
      throw new ConfigError('S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY: set both, or neither to use the AWS default credential chain');
    }
    this.bucket = settings.S3_BUCKET;
    this.client = new S3Client({
      region: settings.S3_REGION,
      endpoint: settings.S3_ENDPOINT,
      forcePathStyle: settings.S3_FORCE_PATH_STYLE,
      credentials:
        settings.S3_ACCESS_KEY_ID && settings.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: settings.S3_ACCESS_KEY_ID, secretAccessKey: settings.S3_SECRET_ACCESS_KEY }
          : undefined,
      // The SDK's default (WHEN_SUPPORTED) frames streamed bodies as aws-chunked with trailing checksums, which
      // non-AWS stores may save verbatim into the object, and puts checksum parameters into presigned part URLs.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }

  async createMultipartUpload(key: string, contentType?: string): Promise<string> {
    assertValidObjectKey(key);
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }));
    if (!UploadId) throw new Error(`The object store started no upload for ${key}`);
    return UploadId;
  }

  /**
   * Content-Length is a signed header of the URL, so S3 refuses (403 SignatureDoesNotMatch) a PUT whose body is not
   * exactly the planned part size; a PUT of the same part number replaces the earlier part, as S3 always does.
   */
  async presignUploadPart(key: string, uploadId: string, partNumber: number, sizeBytes: number, expiresInSeconds: number): Promise<string> {
    assertValidObjectKey(key);
    assertPartNumber(partNumber);
    assertPartSize(sizeBytes);
    assertExpiry(expiresInSeconds);
    const command = new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, ContentLength: sizeBytes });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds, signableHeaders: new Set(['content-length']) });
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void> {
    assertValidObjectKey(key);
    const sorted = sortedCompletedParts(parts);
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: sorted.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
        }),
      );
    } catch (error) {
      switch (s3ErrorName(error)) {
        case 'NoSuchUpload':
          throw new StorageException(
            StorageErrorCode.UPLOAD_NOT_FOUND,
            `No multipart upload ${uploadId} for this key (it may have been completed or aborted)`,
          );
        case 'InvalidPart':
        case 'InvalidPartOrder':
          throw new StorageException(StorageErrorCode.INVALID_PART, 'A part was not uploaded, or its ETag does not match the uploaded bytes');
        case 'EntityTooSmall':
          throw new StorageException(StorageErrorCode.PART_TOO_SMALL, 'Every part but the last needs at least 5 MiB');
        default:
          throw error;
      }
    }
  }

  /** Idempotent, like the local store: an unknown or finished upload is not an error. */
  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    assertValidObjectKey(key);
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if (s3ErrorName(error) === 'NoSuchUpload') return;
      throw error;
    }
  }

  async presignDownload(key: string, expiresInSeconds: number, downloadName?: string): Promise<string> {
    assertValidObjectKey(key);
    assertExpiry(expiresInSeconds);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: attachmentDisposition(downloadName ?? keyBasename(key)),
    });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds });
  }

  async head(key: string): Promise<ObjectStat | null> {
    assertValidObjectKey(key);
    try {
      const object = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: object.ContentLength ?? 0, etag: object.ETag };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** S3 hands out a fresh buffer per chunk, so lending them needs nothing more than the stream. */
  async scan(key: string, visit: (chunk: Buffer) => void): Promise<number> {
    let bytes = 0;
    for await (const chunk of await this.read(key)) {
      visit(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    return bytes;
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    assertValidObjectKey(key);
    if (range) assertByteRange(range);
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      if (!(object.Body instanceof Readable)) throw new Error(`The object store sent no stream for ${key}`);
      return object.Body;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      if (s3ErrorName(error) === 'InvalidRange' || httpStatus(error) === 416) {
        throw new StorageException(StorageErrorCode.RANGE_NOT_SATISFIABLE, `Range ${range?.start}-${range?.end} starts beyond the object`);
      }
      throw error;
    }
  }

  async copy(sourceKey: string, targetKey: string): Promise<void> {
    assertValidObjectKey(sourceKey);
    assertValidObjectKey(targetKey);
    const source = await this.head(sourceKey);
    if (!source) throw new ObjectNotFoundError(sourceKey);
    const copySource = `${this.bucket}/${sourceKey.split('/').map(encodeURIComponent).join('/')}`;
    // Every request is pinned to the ETag read above: a source overwritten meanwhile fails the copy (412) rather
    // than mixing two versions; the caller retries.
    const pin = source.etag;
    try {
      if (source.size <= MAX_SINGLE_COPY_BYTES) {
        await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: targetKey, CopySource: copySource, CopySourceIfMatch: pin }));
        return;
      }
      await this.copyInParts(copySource, source.size, targetKey, pin);
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(sourceKey);
      throw error;
    }
  }

  /** CopyObject takes at most 5 GiB: larger objects are copied server-side part by part (UploadPartCopy). */
  private async copyInParts(copySource: string, size: number, targetKey: string, pin: string | undefined): Promise<void> {
    const uploadId = await this.createMultipartUpload(targetKey);
    try {
      const parts: CompletedPart[] = [];
      for (let start = 0, partNumber = 1; start < size; start += COPY_PART_BYTES, partNumber += 1) {
        const end = Math.min(size, start + COPY_PART_BYTES) - 1;
        const { CopyPartResult } = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: this.bucket,
            Key: targetKey,
            UploadId: uploadId,
            PartNumber: partNumber,
            CopySource: copySource,
            CopySourceRange: `bytes=${start}-${end}`,
            CopySourceIfMatch: pin,
          }),
        );
        if (!CopyPartResult?.ETag) throw new Error(`The object store answered no ETag for part ${partNumber} of the copy to ${targetKey}`);
        parts.push({ partNumber, etag: CopyPartResult.ETag });
      }
      await this.completeMultipartUpload(targetKey, uploadId, parts);
    } catch (error) {
      await this.abortMultipartUpload(targetKey, uploadId);
      throw error;
    }
  }

  async move(sourceKey: string, targetKey: string): Promise<void> {
    await this.copy(sourceKey, targetKey);
    await this.delete(sourceKey);
  }

  async put(key: string, body: Buffer | Readable, contentType?: string): Promise<void> {
    assertValidObjectKey(key);
    const bytes = Buffer.isBuffer(body) ? body : await readWithin(body, PUT_STREAM_LIMIT_BYTES);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentLength: bytes.length, ContentType: contentType }),
    );
  }

  /** HeadBucket: the store answers, the bucket exists and the credentials may use it. */
  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async delete(key: string): Promise<void> {
    assertValidObjectKey(key);
    // S3 answers 204 for a missing key as well, which is the port's contract.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

async function readWithin(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > limit) {
      // Leaving the loop destroys the stream, so its source stops too.
      throw new StorageException(
        StorageErrorCode.OBJECT_TOO_LARGE,
        `put takes streams of at most ${limit} bytes on S3; upload larger objects in parts`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}

function s3ErrorName(error: unknown): string | undefined {
  return error instanceof S3ServiceException ? error.name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const name = s3ErrorName(error);
  // A missing bucket is a configuration error, not a missing object: let it surface as one.
  return name === 'NoSuchKey' || name === 'NotFound' || (httpStatus(error) === 404 && name !== 'NoSuchBucket');
}

import type { Readable } from 'node:stream';

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ObjectStat {
  size: number;
  etag?: string;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/**
 * The object store, whatever it is: an S3-compatible service (S3Storage) or files under DATA_DIR (LocalStorage).
 * Large uploads never pass through the API: clients PUT each part to a presigned URL, then the API completes.
 * Keys are relative paths such as `captures/<id>/<filename>`.
 */
export abstract class ObjectStorage {
  abstract readonly kind: 's3' | 'local';

  /** Starts a multipart upload; answers its upload id. */
  abstract createMultipartUpload(key: string, contentType?: string): Promise<string>;

  /**
   * A URL the client PUTs one part's bytes to, valid for `expiresInSeconds`; the response carries the part's ETag
   * header. `sizeBytes` is the part's planned size: a body of another length is refused (local: anything larger, while
   * it streams; S3: the signed Content-Length). PUTting the same part again replaces it.
   */
  abstract presignUploadPart(key: string, uploadId: string, partNumber: number, sizeBytes: number, expiresInSeconds: number): Promise<string>;

  /** Assembles the object from its parts, in part-number order; rejects unknown parts or wrong ETags. */
  abstract completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void>;

  /** Abandons an upload and frees its parts. */
  abstract abortMultipartUpload(key: string, uploadId: string): Promise<void>;

  /**
   * A time-limited GET URL; `downloadName` sets Content-Disposition so browsers save it under that name. With
   * `grant`, a store that serves its own URLs (local) asks DownloadGrants again at every use; S3 cannot.
   */
  abstract presignDownload(key: string, expiresInSeconds: number, downloadName?: string, grant?: string): Promise<string>;

  /** Size (and ETag when known) of an object, or null when there is none. */
  abstract head(key: string): Promise<ObjectStat | null>;

  /** Streams the object, or the given byte range of it. Rejects when the object does not exist. */
  abstract read(key: string, range?: ByteRange): Promise<Readable>;

  /**
   * Visits the whole object in order, for consumers that keep nothing of it (a hash): each chunk is lent and may be
   * overwritten once `visit` returns, so a store can reuse its buffers. Answers the number of bytes visited.
   */
  abstract scan(key: string, visit: (chunk: Buffer) => void): Promise<number>;

  /**
   * Copies an object to another key as it is now: later writes to the source never reach the copy (S3: server-side
   * CopyObject, or UploadPartCopy for objects over 5 GiB, pinned to the source's ETag; local: a copy of the file).
   * Rejects with ObjectNotFoundError when the source does not exist.
   */
  abstract copy(sourceKey: string, targetKey: string): Promise<void>;

  /**
   * Moves an object to another key, replacing what is there (local: one rename; S3: copy, then delete the source).
   * Rejects with ObjectNotFoundError when the source does not exist.
   */
  abstract move(sourceKey: string, targetKey: string): Promise<void>;

  /** Stores a whole object in one request (small objects: fixtures, certificates, staging). */
  abstract put(key: string, body: Buffer | Readable, contentType?: string): Promise<void>;

  /** Deletes the object; deleting a missing object is not an error. */
  abstract delete(key: string): Promise<void>;

  /** A cheap probe for readiness checks: resolves when the store answers and can be used, rejects saying why not. */
  abstract ping(): Promise<void>;
}

/** Thrown by adapters for a missing object, so callers can answer 404 / reject a capture without knowing the store. */
export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No object at ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

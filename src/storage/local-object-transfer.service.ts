import type { Readable, Writable } from 'node:stream';
import { HttpStatus, Injectable } from '@nestjs/common';
import { resolveRangeHeader } from './byte-range.js';
import { DownloadGrants } from './download-grant.port.js';
import { LocalPartUploadResponse } from './local-part-upload.response.js';
import { LocalObjectUrlService } from './local-object-url.service.js';
import { type LocalObjectHandle, LocalStorage } from './local.storage.js';
import { attachmentDisposition, keyBasename } from './object-key.js';
import { ObjectNotFoundError } from './object-storage.port.js';
import { StorageErrorCode, StorageException } from './storage.exception.js';

export type LocalDownload =
  | {
      kind: 'content';
      status: HttpStatus.OK | HttpStatus.PARTIAL_CONTENT;
      headers: Record<string, string>;
      /** Writes the bytes to the response and ends it; the file is closed either way. */
      send: (out: Writable) => Promise<void>;
    }
  /** Headers still go out with the error: a 416 names the object's size in Content-Range (RFC 9110, 15.5.17). */
  | { kind: 'unsatisfiable'; headers: Record<string, string>; error: StorageException };

/**
 * The HTTP side of the local store's presigned URLs: the signed token is the whole authorization, so it is checked
 * before anything else is looked at.
 */
@Injectable()
export class LocalObjectTransferService {
  constructor(
    private readonly storage: LocalStorage,
    private readonly urls: LocalObjectUrlService,
    private readonly grants: DownloadGrants,
  ) {}

  async receivePart(token: string, body: Readable, contentLength?: string): Promise<LocalPartUploadResponse> {
    const claim = this.urls.verifyPart(token);
    const declaredBytes = contentLength === undefined ? undefined : Number(contentLength);
    // The part's planned size is signed into the URL: a larger body is refused while it streams, and nothing is kept.
    const part = await this.storage.writePart(claim.key, claim.uploadId, claim.partNumber, body, { maxBytes: claim.size, declaredBytes });
    return Object.assign(new LocalPartUploadResponse(), { partNumber: part.partNumber, etag: part.etag, size: part.size });
  }

  async openDownload(token: string, rangeHeader?: string): Promise<LocalDownload> {
    const claim = this.urls.verifyDownload(token);
    if (claim.grant !== undefined) await this.grants.assertHolds(claim.grant);
    const file = await this.openObject(claim.key);
    const range = resolveRangeHeader(rangeHeader, file.size);
    if (range.kind === 'unsatisfiable') {
      await file.close();
      return {
        kind: 'unsatisfiable',
        headers: { 'Content-Range': `bytes */${file.size}` },
        error: new StorageException(StorageErrorCode.RANGE_NOT_SATISFIABLE, `The object has ${file.size} bytes; the requested range is outside it`),
      };
    }
    const headers: Record<string, string> = {
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': attachmentDisposition(claim.name ?? keyBasename(claim.key)),
      // The URL is a bearer credential for licensed data: no shared cache may keep the bytes.
      'Cache-Control': 'private, no-store',
    };
    if (range.kind === 'full') {
      return { kind: 'content', status: HttpStatus.OK, headers: { ...headers, 'Content-Length': String(file.size) }, send: (out) => file.send(out) };
    }
    const { start, end } = range.range;
    return {
      kind: 'content',
      status: HttpStatus.PARTIAL_CONTENT,
      headers: { ...headers, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${file.size}` },
      send: (out) => file.send(out, range.range),
    };
  }

  private async openObject(key: string): Promise<LocalObjectHandle> {
    try {
      return await this.storage.open(key);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) {
        throw new StorageException(StorageErrorCode.OBJECT_NOT_FOUND, 'The object behind this URL no longer exists');
      }
      throw error;
    }
  }
}

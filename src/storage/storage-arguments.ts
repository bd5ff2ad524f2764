import type { CompletedPart } from './object-storage.port.js';
import { StorageErrorCode, StorageException } from './storage.exception.js';

/** S3's limits, applied by both adapters so that local behaviour predicts S3's. */
export const MAX_PART_NUMBER = 10_000;
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
export const MAX_PART_SIZE_BYTES = 5 * 1024 ** 3;

export function assertPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new StorageException(StorageErrorCode.INVALID_ARGUMENT, `Part numbers run from 1 to ${MAX_PART_NUMBER}, got ${partNumber}`);
  }
}

/** A part's planned size: whole bytes, at most S3's largest part (5 GiB). */
export function assertPartSize(sizeBytes: number): void {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0 || sizeBytes > MAX_PART_SIZE_BYTES) {
    throw new StorageException(StorageErrorCode.INVALID_ARGUMENT, `A part holds 0 to ${MAX_PART_SIZE_BYTES} bytes, got ${sizeBytes}`);
  }
}

export function assertExpiry(expiresInSeconds: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new StorageException(
      StorageErrorCode.INVALID_ARGUMENT,
      `A presigned URL lives from 1 to ${MAX_PRESIGN_SECONDS} seconds, got ${expiresInSeconds}`,
    );
  }
}

/** S3 ETags are quoted; callers may pass them with or without the quotes. */
export function unquoteEtag(etag: string): string {
  return etag.replace(/^"(.*)"$/, '$1');
}

/**
 * The parts of a completion in ascending order (S3 insists on it; callers need not). Duplicates and malformed
 * entries are refused rather than guessed at.
 */
export function sortedCompletedParts(parts: CompletedPart[]): CompletedPart[] {
  if (!Array.isArray(parts) || parts.length === 0) {
    throw new StorageException(StorageErrorCode.INVALID_PART, 'A multipart upload completes with at least one part');
  }
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  sorted.forEach((part, index) => {
    assertPartNumber(part.partNumber);
    if (typeof part.etag !== 'string' || !/^[\x21-\x7e]{1,1024}$/.test(part.etag)) {
      throw new StorageException(StorageErrorCode.INVALID_PART, `Part ${part.partNumber} has a malformed ETag`);
    }
    if (index > 0 && sorted[index - 1].partNumber === part.partNumber) {
      throw new StorageException(StorageErrorCode.INVALID_PART, `Part ${part.partNumber} is listed twice`);
    }
  });
  return sorted;
}

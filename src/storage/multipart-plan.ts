import { StorageErrorCode, StorageException } from './storage.exception.js';

const MiB = 1024 * 1024;

/** Smallest part the plan hands out (every part but the last is at least this). */
export const MIN_PART_BYTES = 8 * MiB;
/** Largest part the plan hands out. */
export const MAX_PART_BYTES = 64 * MiB;
export const MAX_PARTS = 1000;
export const MAX_OBJECT_BYTES = 50 * 1024 * MiB;
/** S3 refuses to complete an upload whose parts, except the last, are smaller than this; the local store does too. */
export const S3_MIN_PART_BYTES = 5 * MiB;

export interface MultipartPlan {
  /** Size of every part but the last, which holds the remainder (it may be smaller, or empty for a 0-byte file). */
  partSizeBytes: number;
  partCount: number;
}

/**
 * How a client should cut a file of `sizeBytes` into parts: the smallest whole number of MiB, at least 8, that keeps
 * the count within 1000. 50 GiB / 1000 parts needs 52 MiB parts, so the 64 MiB ceiling is never reached.
 */
export function planMultipartUpload(sizeBytes: number): MultipartPlan {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
    throw new StorageException(StorageErrorCode.INVALID_ARGUMENT, `File size must be a whole number of bytes, got ${sizeBytes}`);
  }
  if (sizeBytes > MAX_OBJECT_BYTES) {
    throw new StorageException(StorageErrorCode.OBJECT_TOO_LARGE, `Files may be at most ${MAX_OBJECT_BYTES} bytes (50 GiB), got ${sizeBytes}`);
  }
  const partSizeBytes = Math.max(MIN_PART_BYTES, Math.ceil(sizeBytes / MAX_PARTS / MiB) * MiB);
  // A 0-byte file still takes one (empty) part: S3 cannot complete an upload without parts.
  const partCount = Math.max(1, Math.ceil(sizeBytes / partSizeBytes));
  return { partSizeBytes, partCount };
}

/** The planned size of part `partNumber` (1-based): `partSizeBytes`, except the last, which holds the remainder. */
export function plannedPartSize(plan: MultipartPlan, sizeBytes: number, partNumber: number): number {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > plan.partCount) {
    throw new StorageException(StorageErrorCode.INVALID_ARGUMENT, `Part numbers of this upload run from 1 to ${plan.partCount}, got ${partNumber}`);
  }
  return partNumber < plan.partCount ? plan.partSizeBytes : sizeBytes - plan.partSizeBytes * (plan.partCount - 1);
}

import type { ByteRange } from './object-storage.port.js';
import { StorageErrorCode, StorageException } from './storage.exception.js';

export type RangeRequest = { kind: 'full' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/i;

/**
 * Reads an HTTP Range header against an object of `size` bytes. Only one range is served; a header with several,
 * another unit or bad syntax is ignored and the whole object sent, which RFC 9110 (14.2) allows.
 */
export function resolveRangeHeader(header: string | undefined, size: number): RangeRequest {
  const match = header?.trim().match(SINGLE_RANGE);
  if (!match) return { kind: 'full' };
  const [, first, last] = match;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (!Number.isSafeInteger(suffix)) return { kind: 'full' };
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end: Math.min(end, size - 1) } };
}

/** Refuses a range given to an adapter's `read` that no object could satisfy. */
export function assertByteRange({ start, end }: ByteRange): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new StorageException(StorageErrorCode.INVALID_ARGUMENT, `Invalid byte range ${start}-${end}`);
  }
}

/** Checks a range given to an adapter's `read` and clips its end to the object, as S3 does. */
export function clampRange(range: ByteRange, size: number): ByteRange {
  assertByteRange(range);
  const { start, end } = range;
  if (start >= size) {
    throw new StorageException(StorageErrorCode.RANGE_NOT_SATISFIABLE, `Range ${start}-${end} starts beyond the object's ${size} bytes`);
  }
  return { start, end: Math.min(end, size - 1) };
}

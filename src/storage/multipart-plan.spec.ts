import { MAX_OBJECT_BYTES, MAX_PART_BYTES, MAX_PARTS, MIN_PART_BYTES, planMultipartUpload, plannedPartSize } from './multipart-plan.js';
import { StorageErrorCode, StorageException } from './storage.exception.js';

const MiB = 1024 * 1024;

/** The plan's promises, checked on any size: the parts cover the file exactly, within the limits. */
function expectValidPlan(sizeBytes: number) {
  const { partSizeBytes, partCount } = planMultipartUpload(sizeBytes);
  expect(partSizeBytes).toBeGreaterThanOrEqual(MIN_PART_BYTES);
  expect(partSizeBytes).toBeLessThanOrEqual(MAX_PART_BYTES);
  expect(partCount).toBeLessThanOrEqual(MAX_PARTS);
  const lastPart = sizeBytes - (partCount - 1) * partSizeBytes;
  expect(lastPart).toBeGreaterThanOrEqual(sizeBytes === 0 ? 0 : 1);
  expect(lastPart).toBeLessThanOrEqual(partSizeBytes);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof StorageException ? error.code : 'not a StorageException';
  }
  return undefined;
}

describe('planMultipartUpload', () => {
  it('gives an empty file one empty part, since S3 cannot complete an upload without parts', () => {
    expect(planMultipartUpload(0)).toEqual({ partSizeBytes: 8 * MiB, partCount: 1 });
  });

  it('gives a 1-byte file one part', () => {
    expect(planMultipartUpload(1)).toEqual({ partSizeBytes: 8 * MiB, partCount: 1 });
  });

  it('fits exactly 8 MiB in one part and 8 MiB + 1 byte in two', () => {
    expect(planMultipartUpload(8 * MiB)).toEqual({ partSizeBytes: 8 * MiB, partCount: 1 });
    expect(planMultipartUpload(8 * MiB + 1)).toEqual({ partSizeBytes: 8 * MiB, partCount: 2 });
  });

  it('keeps 8 MiB parts up to 1000 of them, then grows the part size by whole MiB', () => {
    expect(planMultipartUpload(1000 * 8 * MiB)).toEqual({ partSizeBytes: 8 * MiB, partCount: 1000 });
    expect(planMultipartUpload(1000 * 8 * MiB + 1)).toEqual({ partSizeBytes: 9 * MiB, partCount: 889 });
  });

  it('plans 50 GiB in at most 1000 parts of at most 64 MiB', () => {
    expect(planMultipartUpload(MAX_OBJECT_BYTES)).toEqual({ partSizeBytes: 52 * MiB, partCount: 985 });
  });

  it('refuses 50 GiB + 1 byte with a typed error', () => {
    expect(codeOf(() => planMultipartUpload(MAX_OBJECT_BYTES + 1))).toBe(StorageErrorCode.OBJECT_TOO_LARGE);
  });

  it('refuses sizes that are not a whole, non-negative number of bytes', () => {
    for (const size of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(codeOf(() => planMultipartUpload(size))).toBe(StorageErrorCode.INVALID_ARGUMENT);
    }
  });

  it('covers every size exactly within the limits (sampled across the range)', () => {
    const sizes = [2, 5 * MiB, 64 * MiB, 64 * MiB + 1, 10 * 1024 * MiB + 12345, 49 * 1024 * MiB - 1, MAX_OBJECT_BYTES - 1];
    for (let size = 1; size < MAX_OBJECT_BYTES; size = Math.floor(size * 1.7) + 13) sizes.push(size);
    sizes.forEach(expectValidPlan);
  });
});

describe('plannedPartSize', () => {
  it('gives every part the plan size but the last, which holds the remainder', () => {
    const size = 20 * 1024 * 1024 + 5;
    const plan = planMultipartUpload(size);
    expect([1, 2, 3].map((n) => plannedPartSize(plan, size, n))).toEqual([8 * 1024 * 1024, 8 * 1024 * 1024, 4 * 1024 * 1024 + 5]);
    expect(plannedPartSize(planMultipartUpload(1024), 1024, 1)).toBe(1024);
    expect(plannedPartSize(planMultipartUpload(0), 0, 1)).toBe(0);
  });

  it('refuses a part number outside the plan', () => {
    const plan = planMultipartUpload(1024);
    for (const n of [0, 2, 1.5]) expect(() => plannedPartSize(plan, 1024, n)).toThrow(StorageException);
  });
});

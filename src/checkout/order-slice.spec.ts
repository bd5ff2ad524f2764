import { deliveredWeights, filesOfSlice } from './order-slice.js';

const file = (leafIndex: number, contributorId: string, lengthM: number, durationMs: number, sizeBytes: number) => ({
  leafIndex,
  contributorId,
  lengthM,
  durationMs,
  sizeBytes,
});

describe('slice orders', () => {
  const files = [file(0, 'b', 4_577, 3_600_000, 10), file(1, 'a', 12_000, 600_000, 5_000_000_000), file(2, 'b', 0, 0, 7)];

  it('delivers exactly the slice leaves, in leaf order, or nothing when one is missing', () => {
    expect(filesOfSlice(files, [2, 0])?.map((f) => f.leafIndex)).toEqual([0, 2]);
    expect(filesOfSlice(files, [1, 1])?.map((f) => f.leafIndex)).toEqual([1]);
    expect(filesOfSlice(files, [0, 3])).toBeNull();
  });

  it('weighs each contributor by what their files in the slice measure in the priced unit, exactly', () => {
    expect(deliveredWeights(filesOfSlice(files, [0, 2]) ?? [], 'km')).toEqual([{ contributorId: 'b', weight: 4_577n }]);
    expect(deliveredWeights(files, 'hour')).toEqual([
      { contributorId: 'a', weight: 600_000n },
      { contributorId: 'b', weight: 3_600_000n },
    ]);
    expect(deliveredWeights(files, 'gb')).toEqual([
      { contributorId: 'a', weight: 5_000_000_000n },
      { contributorId: 'b', weight: 17n },
    ]);
    expect(deliveredWeights([], 'km')).toEqual([]);
  });
});

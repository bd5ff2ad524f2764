import type { VersionFile } from '../catalog/dto/saleable-version.js';
import type { PriceUnit } from '../catalog/unit-prices.js';

/**
 * The files a slice order bought, in leaf order: exactly the slice's leaves of the version. Null when one of them is
 * no longer in the version (a slice is only ever of files the version holds, so this means the order and the catalog
 * disagree: nothing is delivered rather than the wrong files).
 */
export function filesOfSlice<F extends Pick<VersionFile, 'leafIndex'>>(files: readonly F[], leafIndexes: readonly number[]): F[] | null {
  const byLeaf = new Map(files.map((file) => [file.leafIndex, file]));
  const picked: F[] = [];
  for (const leaf of [...new Set(leafIndexes)].sort((a, b) => a - b)) {
    const file = byLeaf.get(leaf);
    if (!file) return null;
    picked.push(file);
  }
  return picked;
}

const MEASURE: Record<PriceUnit, (file: Pick<VersionFile, 'lengthM' | 'durationMs' | 'sizeBytes'>) => number> = {
  km: (file) => file.lengthM,
  hour: (file) => file.durationMs,
  gb: (file) => file.sizeBytes,
};

/**
 * What each contributor delivered in a slice, in the unit it was priced by (metres of track, milliseconds of
 * recording, bytes), summed exactly: the weights its revenue is split by. A contributor with no file in the slice is
 * not in the list, so earns nothing from it.
 */
export function deliveredWeights(
  files: readonly Pick<VersionFile, 'contributorId' | 'lengthM' | 'durationMs' | 'sizeBytes'>[],
  unit: PriceUnit,
): { contributorId: string; weight: bigint }[] {
  const weights = new Map<string, bigint>();
  for (const file of files) weights.set(file.contributorId, (weights.get(file.contributorId) ?? 0n) + BigInt(MEASURE[unit](file)));
  return [...weights].map(([contributorId, weight]) => ({ contributorId, weight })).sort((a, b) => (a.contributorId < b.contributorId ? -1 : 1));
}

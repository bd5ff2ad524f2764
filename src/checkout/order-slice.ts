import type { VersionFile } from '../catalog/dto/saleable-version.js';
import { type PriceUnit, quantitiesOf, quantityIn } from '../catalog/unit-prices.js';

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

/**
 * What each contributor delivered in a slice, in the unit it was priced by (metres of track, milliseconds of
 * recording, bytes), summed exactly as the quote summed them: the weights its revenue is split by. A contributor with
 * no file in the slice is not in the list, so earns nothing from it.
 */
export function deliveredWeights(
  files: readonly Pick<VersionFile, 'contributorId' | 'lengthM' | 'durationMs' | 'sizeBytes'>[],
  unit: PriceUnit,
): { contributorId: string; weight: bigint }[] {
  const byContributor = new Map<string, (typeof files)[number][]>();
  for (const file of files) {
    const theirs = byContributor.get(file.contributorId);
    if (theirs) theirs.push(file);
    else byContributor.set(file.contributorId, [file]);
  }
  return [...byContributor]
    .map(([contributorId, theirs]) => ({ contributorId, weight: quantityIn(unit, quantitiesOf(theirs)) }))
    .sort((a, b) => (a.contributorId < b.contributorId ? -1 : 1));
}

import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The unit specs beside the code (src/**\/*.spec.ts), in three parts that each run as one file of a grouped run (see
 * jest.config.js): the format probes, the preview makers (both heavy on sample files and fuzzing), and all the others.
 * Found by walking src, so a new spec runs without being listed anywhere.
 */
export type UnitPart = 'formats' | 'previews' | 'rest';

const root = join(import.meta.dirname, '..', '..');

function specsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return specsUnder(path);
    return entry.name.endsWith('.spec.ts') ? [relative(root, path)] : [];
  });
}

function partOf(path: string): UnitPart {
  if (path.startsWith('src/ingestion/formats/')) return 'formats';
  if (path.startsWith('src/ingestion/previews/')) return 'previews';
  return 'rest';
}

/** Imports (and so registers the tests of) every unit spec of the part, in path order. */
export async function importUnitSpecs(part: UnitPart): Promise<void> {
  for (const spec of specsUnder(join(root, 'src'))
    .filter((path) => partOf(path) === part)
    .sort()) {
    await import(join(root, spec));
  }
}

import fc from 'fast-check';
import type { GeneratedPreview } from '../../src/ingestion/previews/generated-preview.js';

export interface PreviewFuzzOptions {
  /** Property runs (each a damaged copy of the seed). Default 60. */
  runs?: number;
  /** Edits favour the first `headerBytes` bytes, where sizes, counts and offsets live. Default 1024. */
  headerBytes?: number;
  /** fast-check seed, fixed so a failure reproduces. */
  seed?: number;
}

/** Messages of JavaScript's own errors: a preview that shows one as its reason tells the viewer nothing. */
const INTERNAL_ERROR = /Cannot read propert|is not a function|is not iterable|Maximum call stack|Invalid array length|of undefined|of null/;

/**
 * Property test for preview generators (they run in the preview threads on whatever a contributor uploaded): random
 * byte edits and truncations of a real file must end in a preview or in "no preview" with a reason of its own, never
 * a thrown error, and every file the content names must be among the files made.
 */
export async function assertPreviewSurvives(
  make: (bytes: Buffer) => Promise<GeneratedPreview>,
  seed: Buffer,
  options: PreviewFuzzOptions = {},
): Promise<void> {
  const headerBytes = Math.min(options.headerBytes ?? 1024, seed.length);
  const edit = fc.record({
    at: fc.oneof(fc.nat({ max: Math.max(0, headerBytes - 1) }), fc.nat({ max: seed.length - 1 })),
    value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0xff, 0x7f, 0x80)),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(edit, { maxLength: 6 }), fc.option(fc.nat({ max: seed.length }), { nil: undefined }), async (edits, cut) => {
      const bytes = Buffer.from(seed);
      for (const e of edits) bytes[e.at] = e.value;
      const preview = await make(cut === undefined ? bytes : bytes.subarray(0, cut));
      if (preview.content.kind === 'none') {
        if (!preview.reason) throw new Error('a damaged file got no preview and no reason');
        if (INTERNAL_ERROR.test(preview.reason)) throw new TypeError(`an internal error leaked as the reason: ${preview.reason}`);
      }
      const made = new Set(preview.files.map((f) => f.name));
      for (const name of JSON.stringify(preview.content).match(/[\w-]+\.(png|jpg|bin|mp4)/g) ?? [])
        if (!made.has(name)) throw new Error(`the preview names ${name} but did not make it`);
    }),
    { numRuns: options.runs ?? 60, seed: options.seed ?? 20261203 },
  );
}

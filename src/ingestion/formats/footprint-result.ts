import type { FootprintOutcome } from '../footprints/footprint-builder.js';
import type { ProbeResult } from './probe.types.js';

/**
 * Puts a footprint builder's outcome on a probe's result (issue 12): the footprint, or null and why; the GNSS quality
 * when the format carried any; the builder's warnings (dropped positions, capped cells) after the probe's own; and the
 * footprint's bbox as the result's bbox, so dropped glitches do not stretch it.
 */
export function withFootprint(result: ProbeResult, outcome: FootprintOutcome): ProbeResult {
  const out: ProbeResult = { ...result, footprint: outcome.footprint, warnings: [...result.warnings, ...outcome.warnings] };
  if (outcome.footprint) out.bbox = outcome.footprint.bbox;
  else {
    out.footprintReason = outcome.reason ?? 'the file holds no position fixes';
    delete out.bbox;
  }
  if (outcome.quality) out.gnssQuality = outcome.quality;
  return out;
}

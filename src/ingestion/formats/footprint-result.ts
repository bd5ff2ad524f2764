import { polygonFootprint, type FootprintOutcome } from '../footprints/footprint-builder.js';
import type { ProbeResult } from './probe.types.js';

/**
 * How a probe puts a footprint (issue 12) on its result: the footprint or null with the reason, its bbox (the
 * footprint's, so dropped glitches never stretch it; none when no position was valid), its warnings, GNSS quality.
 */

/**
 * Puts a point cloud's footprint on its probe result: the reprojected ring as a polygon footprint over the result's
 * time range (bbox = the footprint's), or footprint null with the reason (no CRS, an unknown one, a ring too large).
 */
export function applyPolygonFootprint(
  result: ProbeResult,
  outcome: { ring: [number, number][]; source: string; warnings: string[] } | { ring: null; reason: string },
): void {
  if (!outcome.ring) {
    result.footprint = null;
    result.footprintReason = outcome.reason;
    return;
  }
  result.warnings.push(...outcome.warnings);
  const polygon = polygonFootprint(outcome.ring, result.timeRange?.start ?? null, result.timeRange?.end ?? null, outcome.source);
  if (!polygon.footprint) {
    result.footprint = null;
    result.footprintReason = polygon.reason;
    return;
  }
  result.footprint = polygon.footprint;
  result.bbox = polygon.footprint.bbox;
}

/** A track builder's outcome on a probe result: footprint (or null and why), bbox, GNSS quality, dropped-fix warnings. */
export function applyTrackFootprint(result: ProbeResult, outcome: FootprintOutcome): void {
  result.warnings.push(...outcome.warnings);
  if (outcome.quality) result.gnssQuality = outcome.quality;
  result.footprint = outcome.footprint;
  if (outcome.footprint) result.bbox = outcome.footprint.bbox;
  else {
    result.footprintReason = outcome.reason ?? 'the file holds no position fixes';
    delete result.bbox;
  }
}

/** applyTrackFootprint on a copy of the result (its warnings copied too). */
export function withFootprint(result: ProbeResult, outcome: FootprintOutcome): ProbeResult {
  const out: ProbeResult = { ...result, warnings: [...result.warnings] };
  applyTrackFootprint(out, outcome);
  return out;
}

/**
 * Why a probe result has no footprint, as stored on the capture: the probe's reason, or what its silence means (null
 * from a format that can carry positions: none in this file; undefined: the format never carries one). Null when
 * there is a footprint.
 */
export function footprintReasonOf(probe: ProbeResult): string | null {
  if (probe.footprint) return null;
  return probe.footprintReason ?? (probe.footprint === null ? 'the file holds no position' : 'the format carries no position');
}

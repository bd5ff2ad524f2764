import type { CaptureCounts } from '../ingestion/dto/capture-counts.js';
import type { CaptureSnapshot } from '../ingestion/dto/capture-snapshot.js';
import { DEFAULT_SPLIT_POLICY, type SplitPolicy } from './split-policy.js';

/** What a dataset covers, derived from its captures (never typed in by the seller). */
export interface Coverage {
  modalities: string[];
  networks: string[];
  /** [minLon, minLat, maxLon, maxLat] over every capture with a position; null when none has one. */
  bbox: [number, number, number, number] | null;
  timeStart: Date | null;
  timeEnd: Date | null;
  fileCount: number;
  totalBytes: number;
  totalDurationSeconds: number;
  /** Points of point clouds plus vertices of meshes. */
  totalPoints: number;
  /** Messages of MCAP / ROS bags, rows of CSV / JSON Lines telemetry, fixes of GNSS tracks and RINEX epochs. */
  totalMessages: number;
}

/** One contributor's part of a version, and the integer weight the split policy gives them. */
export interface ContributorShare {
  contributorId: string;
  files: number;
  bytes: number;
  durationSeconds: number;
  messages: number;
  /** The integer the split divides pro rata: bytes, milliseconds, messages or basis points, per the policy. */
  weight: number;
}

/** Points of a point cloud plus vertices of a mesh, from the capture's typed counts. */
export function pointsOf(counts: CaptureCounts): number {
  return (counts.points ?? 0) + (counts.vertices ?? 0);
}

/** The records of a log, whatever its format calls them: messages, rows, GNSS fixes, RINEX epochs. */
export function messagesOf(counts: CaptureCounts): number {
  return (counts.messages ?? 0) + (counts.rows ?? 0) + (counts.fixes ?? 0) + (counts.epochs ?? 0);
}

export function coverageOf(captures: readonly CaptureSnapshot[]): Coverage {
  const modalities = new Set<string>();
  const networks = new Set<string>();
  let bbox: Coverage['bbox'] = null;
  let timeStart: Date | null = null;
  let timeEnd: Date | null = null;
  let totalBytes = 0;
  let totalDurationSeconds = 0;
  let totalPoints = 0;
  let totalMessages = 0;
  for (const capture of captures) {
    if (capture.modality) modalities.add(capture.modality);
    if (capture.network) networks.add(capture.network);
    if (capture.bbox) {
      const [w, s, e, n] = capture.bbox;
      bbox = bbox ? [Math.min(bbox[0], w), Math.min(bbox[1], s), Math.max(bbox[2], e), Math.max(bbox[3], n)] : [w, s, e, n];
    }
    if (capture.timeStart && (!timeStart || capture.timeStart < timeStart)) timeStart = capture.timeStart;
    if (capture.timeEnd && (!timeEnd || capture.timeEnd > timeEnd)) timeEnd = capture.timeEnd;
    totalBytes += capture.sizeBytes ?? 0;
    totalDurationSeconds += capture.durationSeconds ?? 0;
    totalPoints += pointsOf(capture.counts);
    totalMessages += messagesOf(capture.counts);
  }
  return {
    modalities: [...modalities].sort(),
    networks: [...networks].sort(),
    bbox,
    timeStart,
    timeEnd,
    fileCount: captures.length,
    totalBytes,
    totalDurationSeconds,
    totalPoints,
    totalMessages,
  };
}

/**
 * Each contributor's quantities and the weight the policy divides by. `duration` and `messages` fall back to bytes
 * when no file of the version has that quantity, so a weight is never all zeros. Sorted by contributor id.
 */
export function contributorShares(captures: readonly CaptureSnapshot[], policy: SplitPolicy = DEFAULT_SPLIT_POLICY): ContributorShare[] {
  const byContributor = new Map<string, ContributorShare>();
  for (const capture of captures) {
    const share = byContributor.get(capture.ownerId) ?? {
      contributorId: capture.ownerId,
      files: 0,
      bytes: 0,
      durationSeconds: 0,
      messages: 0,
      weight: 0,
    };
    share.files += 1;
    share.bytes += capture.sizeBytes ?? 0;
    share.durationSeconds += capture.durationSeconds ?? 0;
    share.messages += messagesOf(capture.counts);
    byContributor.set(capture.ownerId, share);
  }
  const shares = [...byContributor.values()].sort((a, b) => (a.contributorId < b.contributorId ? -1 : a.contributorId > b.contributorId ? 1 : 0));
  const explicit = new Map((policy.explicitBps ?? []).map((row) => [row.contributorId, row.bps]));
  const anyDuration = shares.some((share) => share.durationSeconds > 0);
  const anyMessages = shares.some((share) => share.messages > 0);
  for (const share of shares) {
    if (policy.weighting === 'explicit') share.weight = explicit.get(share.contributorId) ?? 0;
    else if (policy.weighting === 'duration' && anyDuration) share.weight = Math.round(share.durationSeconds * 1000);
    else if (policy.weighting === 'messages' && anyMessages) share.weight = share.messages;
    else share.weight = share.bytes;
  }
  return shares;
}

/** Each contributor's weight in basis points of the contributors' pool, rounded down: for display before agreeing. */
export function weightBps(shares: readonly ContributorShare[]): Map<string, number> {
  const total = shares.reduce((sum, share) => sum + share.weight, 0);
  return new Map(shares.map((share) => [share.contributorId, total === 0 ? 0 : Math.floor((share.weight * 10_000) / total)]));
}

/**
 * Manifest paths for a version's files: `<modality>/<filename>`, and `<modality>/<stem>~<first 8 of capture id><ext>`
 * for every file whose plain path another file of the version also wants, so paths are unique and stable whatever
 * the order the captures come in.
 */
export function manifestPaths(captures: readonly Pick<CaptureSnapshot, 'id' | 'filename' | 'modality'>[]): Map<string, string> {
  const plain = (capture: Pick<CaptureSnapshot, 'filename' | 'modality'>) => `${capture.modality ?? 'other'}/${sanitizeSegment(capture.filename)}`;
  const wanted = new Map<string, number>();
  for (const capture of captures) wanted.set(plain(capture), (wanted.get(plain(capture)) ?? 0) + 1);
  const paths = new Map<string, string>();
  for (const capture of captures) {
    const path = plain(capture);
    if (wanted.get(path) === 1) {
      paths.set(capture.id, path);
      continue;
    }
    const dot = path.lastIndexOf('.');
    const slash = path.indexOf('/');
    const [stem, ext] = dot > slash + 1 ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
    paths.set(capture.id, `${stem}~${capture.id.slice(0, 8)}${ext}`);
  }
  return paths;
}

/** A filename as one path segment: NFC, no separators, control characters or `|` (the manifest leaf separator). */
function sanitizeSegment(filename: string): string {
  const cleaned = filename
    .normalize('NFC')
    .replace(/[\p{Cc}\u2028\u2029|/\\]/gu, '_')
    .replace(/\p{Cs}/gu, '_')
    .trim()
    .slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
}

import type { CaptureFootprint, GnssQuality } from '../footprints/footprint.types.js';

/** What a capture is, whatever its format. */
export type Modality = 'video' | 'pointcloud' | 'mesh' | 'telemetry' | 'gnss' | 'imagery';

/** [minLon, minLat, maxLon, maxLat] in WGS84 degrees. */
export type BBox = [number, number, number, number];

/** The facts a probe extracts from a file, normalised onto the capture. */
export interface ProbeResult {
  /** Short format id: mp4, mov, las, laz, ply, pcd, e57, gltf, glb, mcap, rosbag1, csv, jsonl, rinex, nmea, gpx, dji-srt. */
  format: string;
  modality: Modality;
  /** ISO-8601 start and end of the data, when the file says. */
  timeRange?: { start: string; end: string };
  bbox?: BBox;
  /**
   * Where and when the capture was (issue 12): set by every format that can carry a position - a footprint, or null
   * with footprintReason when this file has none. Formats that never carry a position leave it undefined.
   */
  footprint?: CaptureFootprint | null;
  /** Why footprint is null, one sentence. */
  footprintReason?: string;
  /** GNSS fix quality over the capture's epochs, where the format carries it. */
  gnssQuality?: GnssQuality;
  durationSeconds?: number;
  /** What the file holds, counted in the units its format has (where the format says). */
  counts?: ProbeCounts;
  /** Format-specific facts (codec, resolution, point count, channels, observation types, ...); JSON only. */
  metadata: Record<string, unknown>;
  /**
   * Inconsistencies inside a readable file (a header count or time that disagrees with the body, a statistics record
   * that counts differently, a missing optional field), one sentence each; shown to the contributor and the reviewer.
   * A warning never rejects the file: only what cannot be read does. Empty when the file is consistent.
   */
  warnings: string[];
}

/** Typed counts of a capture's contents; a format fills the ones it has. */
export interface ProbeCounts {
  /** Points of a point cloud (LAS / LAZ, E57, PCD). */
  points?: number;
  /** Vertices of a mesh (PLY, glTF / GLB). */
  vertices?: number;
  /** Messages of a robotics log (MCAP, ROS bag). */
  messages?: number;
  /** Data rows of tabular telemetry (CSV rows, JSON Lines records). */
  rows?: number;
  /** Observation epochs of a RINEX file. */
  epochs?: number;
  /** Video frames (MP4 / MOV video track) or subtitle frames (DJI SRT). */
  frames?: number;
  /** Position fixes of a GNSS track (NMEA fixes, GPX track and route points). */
  fixes?: number;
}

export const COUNT_KINDS = ['points', 'vertices', 'messages', 'rows', 'epochs', 'frames', 'fixes'] as const satisfies readonly (keyof ProbeCounts)[];

/** Why a file was rejected; shown to the contributor with the message. */
export type ProbeFailure = 'truncated' | 'unreadable_header' | 'unknown_format' | 'corrupt' | 'unsupported' | 'decompression_bomb';

export class ProbeError extends Error {
  constructor(
    readonly reason: ProbeFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

/** Random access to the file being probed, for formats that keep an index at the end (MP4 moov, MCAP summary). */
export interface ProbeInput {
  /** Size of the whole file in bytes. */
  size: number;
  /** The first bytes of the file (up to HEAD_BYTES, or the whole file when smaller). */
  head: Buffer;
  /** Reads `length` bytes at `offset`; answers fewer only at the end of the file. */
  read(offset: number, length: number): Promise<Buffer>;
}

/**
 * One probe's work on one file. The driver streams the file once, in order, through `push` (while hashing it),
 * then calls `finish`. A text format parses the chunks as they pass; a probe that only needs headers leaves `push`
 * out and uses `ProbeInput.read`, which lets the driver hash with buffers it reuses (no fresh memory per chunk).
 * Memory must stay bounded whatever the file's size.
 */
export interface ProbeSession {
  push?(chunk: Buffer): void;
  finish(): Promise<ProbeResult>;
}

export interface FormatProbe {
  /** Format family id, e.g. 'mp4' (covers mov), 'las' (covers laz). */
  readonly id: string;
  /** True when the head's bytes (never the name or content type) say the file is of this family. */
  sniff(head: Buffer): boolean;
  open(input: ProbeInput): ProbeSession;
}

/** How many leading bytes the driver reads before choosing a probe. */
export const HEAD_BYTES = 64 * 1024;

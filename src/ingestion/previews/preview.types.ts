/**
 * Previews of a capture (issue 14), as the page draws them: never the probe's JSON. The job stores one PreviewContent
 * per capture; the binary parts (thumbnails, clip, renderings, viewer points) are files named in it and kept in object
 * storage under `previews/<capture id>/<name>`.
 */

/** Bump when a generator changes what it makes: the sweep remakes every older preview. */
export const PREVIEW_VERSION = 3;

export type PreviewKind = 'video' | 'pointcloud' | 'robotics' | 'table' | 'none';

/** A position with its time in seconds from the capture's start (null when the source has no times). */
export type TrackPoint = [lon: number, lat: number, t: number | null];

/** One numeric channel over time: `t` in seconds from the first row (or the row index when there are no times). */
export interface Series {
  name: string;
  unit?: string;
  t: number[];
  v: number[];
}

export interface VideoPreview {
  kind: 'video';
  /** File names of frames evenly spread over the video, in time order, each with its time in seconds. */
  thumbnails: { file: string; t: number }[];
  /** A short, small H.264 MP4 (no audio); null when it could not be made. */
  clip: string | null;
  clipSeconds: number | null;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  /** GPS track (GoPro GPMF), timed from the video's start so the page can follow the playhead; else the footprint's. */
  track: TrackPoint[] | null;
  /** Where the track comes from ('GoPro GPMF GPRI', ...); absent for an untimed footprint track. */
  trackSource?: string;
}

export interface PointCloudPreview {
  kind: 'pointcloud';
  /** PNG renderings from the points. */
  topDown: string;
  perspective: string;
  /** Float32 x, y, z (centred, in the file's units) then uint8 r, g, b per point, for the in-page viewer. */
  points: string;
  /** Points in the viewer file and renderings (an even subsample of pointsRead). */
  sampled: number;
  /** Points read from the file. */
  pointsRead: number;
  /** [minX, minY, minZ, maxX, maxY, maxZ] of the points read, in the file's units. */
  bounds: [number, number, number, number, number, number];
  /** Where the colours come from: 'rgb', 'intensity' or 'height'. */
  colouredBy: 'rgb' | 'intensity' | 'height';
}

export interface TopicRow {
  topic: string;
  type: string | null;
  messageCount: number;
  /** Messages per second over the log's duration; null when it has none. */
  frequencyHz: number | null;
}

export interface RoboticsPreview {
  kind: 'robotics';
  durationSeconds: number | null;
  topics: TopicRow[];
  /** Plots of decoded messages (NavSatFix, Imu), each series named `<topic> <field>`. */
  series: Series[];
  /** NavSatFix positions, timed from the log's start. */
  track: TrackPoint[] | null;
  /** CompressedImage frames saved as files (JPEG / PNG as recorded), with their topic. */
  frames: { file: string; topic: string; contentType: string }[];
}

export interface TablePreview {
  kind: 'table';
  /** What the rows are: 'CSV', 'JSON Lines', 'NMEA', 'GPX', 'RINEX', 'DJI SRT'. */
  source: string;
  columns: string[];
  /** The first rows, each cell as text (at most MAX_ROWS rows, MAX_CELL characters a cell). */
  rows: string[][];
  /** Numeric channels over time, evenly thinned to at most MAX_SERIES_POINTS each. */
  series: Series[];
  /** What the series' `t` counts: seconds from the first timed row, or row numbers when the rows carry no time. */
  timeAxis: 'seconds' | 'row';
  /** Rows read for the series (the file's first TABLE_HEAD_BYTES). */
  rowsRead: number;
  track: TrackPoint[] | null;
}

export interface NoPreview {
  kind: 'none';
}

export type PreviewContent = VideoPreview | PointCloudPreview | RoboticsPreview | TablePreview | NoPreview;

export const MAX_ROWS = 20;
export const MAX_CELL = 80;
export const MAX_SERIES_POINTS = 600;
export const MAX_SERIES = 8;
export const MAX_TRACK_POINTS = 1000;

/** Evenly thins `items` to at most `max`, keeping the first and the last. */
export function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const out: T[] = [];
  for (let i = 0; i < max; i += 1) out.push(items[Math.round((i * (items.length - 1)) / (max - 1))]);
  return out;
}

/** The content type a preview file is served with, from its name. */
export function previewContentType(name: string): string {
  if (name.endsWith('.png')) return 'image/png';
  if (name.endsWith('.jpg') || name.endsWith('.jpeg')) return 'image/jpeg';
  if (name.endsWith('.mp4')) return 'video/mp4';
  return 'application/octet-stream';
}

import type { CaptureFootprint } from '../footprints/footprint.types.js';
import { compressionOf, decompressHead } from '../formats/compressed-text.probe.js';
import type { Modality } from '../formats/probe.types.js';
import type { GeneratedPreview } from './generated-preview.js';
import { pointCloudPreview } from './pointcloud-preview.js';
import { MAX_TRACK_POINTS, type TrackPoint, thin } from './preview.types.js';
import { roboticsPreview } from './robotics-preview.js';
import { hasTablePreview, srtTrack, TABLE_HEAD_BYTES, tablePreview } from './table-preview.js';
import { videoPreview } from './video-preview.js';

/** Most bytes of a point cloud or log read for its preview: the points and messages in them are what is shown. */
export const MAX_PREVIEW_READ_BYTES = 256 * 1024 * 1024;

/** What the generator needs to know of a capture (the probe's findings). */
export interface PreviewSubject {
  format: string;
  modality: Modality;
  metadata: Record<string, unknown>;
  durationSeconds: number | null;
  footprint: CaptureFootprint | null;
}

/** How the generator reads the capture's verified bytes. */
export interface PreviewSource {
  /** The first `maxBytes` bytes (all of a smaller object). */
  head(maxBytes: number): Promise<Buffer>;
  /** Runs `use` with the object as a local file (a temporary copy where the store is remote). */
  withFile<T>(use: (path: string) => Promise<T>): Promise<T>;
}

/** The footprint's map geometry as an untimed track, for the map beside a table or video. */
export function trackOfFootprint(footprint: CaptureFootprint | null): TrackPoint[] | null {
  if (!footprint) return null;
  const g = footprint.geometry;
  const coordinates: [number, number][] =
    g.type === 'Point'
      ? [g.coordinates]
      : g.type === 'LineString' || g.type === 'MultiPoint'
        ? g.coordinates
        : g.type === 'MultiLineString'
          ? g.coordinates.flat()
          : g.coordinates[0];
  return thin(coordinates, MAX_TRACK_POINTS).map(([lon, lat]) => [lon, lat, null]);
}

const POINT_FORMATS = new Set(['las', 'laz', 'ply', 'pcd', 'e57', 'gltf', 'glb']);
const ROBOTICS_FORMATS = new Set(['mcap', 'rosbag1', 'rosbag2-db3']);

/** A video's DJI SRT sidecar: the file it was uploaded as, and its bytes. */
export interface PreviewSidecar {
  filename: string;
  source: PreviewSource;
}

/** The timed track of a video's DJI SRT sidecar, or null (with the video's preview made all the same). */
async function sidecarTrack(sidecar: PreviewSidecar | null): Promise<{ track: TrackPoint[]; source: string } | null> {
  if (!sidecar) return null;
  try {
    const track = srtTrack(await sidecar.source.head(TABLE_HEAD_BYTES));
    return track ? { track, source: `DJI SRT (${sidecar.filename})` } : null;
  } catch {
    return null; // the sidecar vanished or cannot be read: the video keeps its footprint's track
  }
}

/** The preview of one capture, by its format (a video's DJI SRT sidecar, when it has one, gives its timed track). */
export async function generatePreview(
  subject: PreviewSubject,
  source: PreviewSource,
  sidecar: PreviewSidecar | null = null,
): Promise<GeneratedPreview> {
  const { format, metadata } = subject;
  const track = trackOfFootprint(subject.footprint);
  if (subject.modality === 'video' && (format === 'mp4' || format === 'mov')) {
    const srt = await sidecarTrack(sidecar);
    const preview = await source.withFile((path) =>
      videoPreview(
        path,
        {
          durationSeconds: subject.durationSeconds,
          width: typeof metadata.width === 'number' ? metadata.width : null,
          height: typeof metadata.height === 'number' ? metadata.height : null,
        },
        srt,
      ),
    );
    if (preview.content.kind === 'video') preview.content.track ??= track;
    return preview;
  }
  if (POINT_FORMATS.has(format)) return pointCloudPreview(format, await source.head(MAX_PREVIEW_READ_BYTES));
  if (ROBOTICS_FORMATS.has(format))
    return roboticsPreview(
      format,
      metadata,
      subject.durationSeconds,
      format === 'mcap' || format === 'rosbag1' ? await source.head(MAX_PREVIEW_READ_BYTES) : null,
    );
  if (hasTablePreview(format)) {
    let head = await source.head(TABLE_HEAD_BYTES);
    const compression = compressionOf(head);
    if (compression) head = decompressHead(compression, head);
    return tablePreview(format, head, track);
  }
  return { content: { kind: 'none' }, files: [], reason: `no preview is made for ${format} files` };
}

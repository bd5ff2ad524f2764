import type { GeneratedPreview } from './generated-preview.js';
import { encodePng } from './png-encoder.js';
import { type PointSet, boundsOf, ramp, renderPerspective, renderTopDown } from './point-raster.js';
import { MAX_LAZ_DECODED, pointReaderFor, PointsUnreadable, type ReadPoints } from './point-readers.js';
import type { PointCloudPreview } from './preview.types.js';

/** Points kept for the renderings and the in-page viewer. */
export const MAX_PREVIEW_POINTS = 150_000;
export const RENDER_WIDTH = 640;
export const RENDER_HEIGHT = 480;

/** True when most points share one value (bunny.ply's intensity is 0.5 for 78% of them): such a colouring hides the shape. */
function mostlyOneValue(values: Float32Array): boolean {
  const counts = new Map<number, number>();
  let most = 0;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > most) most = n;
  }
  return most > values.length / 2;
}

/** Colours: the file's own, else intensity, else height on a ramp. */
function coloured(points: ReadPoints): { set: PointSet; by: PointCloudPreview['colouredBy'] } {
  if (points.rgb) return { set: { count: points.count, xyz: points.xyz, rgb: points.rgb }, by: 'rgb' };
  const rgb = new Uint8Array(points.count * 3);
  const intensity = points.intensity;
  if (intensity && !mostlyOneValue(intensity)) {
    for (let i = 0; i < points.count; i += 1) rgb.set(ramp(Math.sqrt(intensity[i])), i * 3);
    return { set: { count: points.count, xyz: points.xyz, rgb }, by: 'intensity' };
  }
  const [, , minZ, , , maxZ] = boundsOf({ count: points.count, xyz: points.xyz, rgb });
  for (let i = 0; i < points.count; i += 1) rgb.set(ramp((points.xyz[i * 3 + 2] - minZ) / Math.max(maxZ - minZ, 1e-9)), i * 3);
  return { set: { count: points.count, xyz: points.xyz, rgb }, by: 'height' };
}

/** The viewer's file: float32 x, y, z centred on the bounds' centre, then uint8 r, g, b, per point. */
export function viewerPoints(set: PointSet): Buffer {
  const [minX, minY, minZ, maxX, maxY, maxZ] = boundsOf(set);
  const centre = [(minX + maxX) / 2, (minY + maxY) / 2, (minZ + maxZ) / 2];
  const out = Buffer.alloc(set.count * 15);
  for (let i = 0; i < set.count; i += 1) {
    for (let a = 0; a < 3; a += 1) out.writeFloatLE(set.xyz[i * 3 + a] - centre[a], i * 15 + a * 4);
    out[i * 15 + 12] = set.rgb[i * 3];
    out[i * 15 + 13] = set.rgb[i * 3 + 1];
    out[i * 15 + 14] = set.rgb[i * 3 + 2];
  }
  return out;
}

/** Renderings and viewer points of a point cloud or mesh; null content with a reason when its points cannot be read. */
export async function pointCloudPreview(format: string, bytes: Buffer): Promise<GeneratedPreview> {
  const reader = pointReaderFor(format);
  if (!reader) return { content: { kind: 'none' }, files: [], reason: `${format.toUpperCase()} points are not read for previews` };
  let points: ReadPoints;
  try {
    points = await reader(bytes, MAX_PREVIEW_POINTS);
  } catch (error) {
    if (error instanceof PointsUnreadable) return { content: { kind: 'none' }, files: [], reason: error.message };
    // A damaged file trips a reader's bounds (a RangeError reading past its bytes, XML that does not parse): no preview, and why.
    return {
      content: { kind: 'none' },
      files: [],
      reason: `the points could not be read: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const { set, by } = coloured(points);
  const content: PointCloudPreview = {
    kind: 'pointcloud',
    topDown: 'top-down.png',
    perspective: 'perspective.png',
    points: 'points.bin',
    sampled: points.count,
    pointsRead: points.total,
    bounds: boundsOf(set),
    colouredBy: by,
  };
  return {
    content,
    files: [
      { name: content.topDown, contentType: 'image/png', body: encodePng(renderTopDown(set, RENDER_WIDTH, RENDER_HEIGHT)) },
      { name: content.perspective, contentType: 'image/png', body: encodePng(renderPerspective(set, RENDER_WIDTH, RENDER_HEIGHT)) },
      { name: content.points, contentType: 'application/octet-stream', body: viewerPoints(set) },
    ],
    // A LAZ file past MAX_LAZ_DECODED points: its first points only (LASzip decodes in order).
    reason:
      format === 'laz' && points.total > MAX_LAZ_DECODED
        ? `the first ${MAX_LAZ_DECODED.toLocaleString('en-US')} of ${points.total.toLocaleString('en-US')} points were decoded for the preview`
        : points.partial
          ? `the bytes read for the preview end before the file's last point: the points drawn are spread over the first ones`
          : null,
  };
}

import { FormatProbe, ProbeInput, ProbeResult, ProbeSession } from './probe.types.js';
import { boundsRing } from './crs.js';
import { applyPolygonFootprint } from './footprint-result.js';
import { MiB, fail, gpsSecondsToUtcMs, guard, isSaneTime, iso, readExactly } from './spatial.util.js';
import { describeWkt } from './wkt.util.js';
import { childNamed, parseXml, XmlElement, XmlError } from './xml.util.js';

/**
 * ASTM E57 (3D imaging data). Header-only: the 48-byte file header, then the XML section read by offset
 * (pages of 1024 bytes whose last 4 are a CRC-32C, checked on every page read), then per data3D scan the
 * CompressedVector section header its `fileOffset` points at. Binary point data is never decoded.
 */

const HEADER_BYTES = 48;
const MAX_XML_BYTES = 16 * MiB;
const MAX_SCANS_IN_METADATA = 1000;

/** CRC-32C (Castagnoli), as E57 stores it big-endian at the end of each page. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Logical view of the paged file: every page holds pageSize - 4 bytes of data, then its CRC. */
class PagedReader {
  readonly payload: number;
  pagesChecked = 0;

  constructor(
    private readonly input: ProbeInput,
    private readonly pageSize: number,
    private readonly physicalLength: number,
  ) {
    this.payload = pageSize - 4;
  }

  toLogical(physical: number): number {
    return Math.floor(physical / this.pageSize) * this.payload + (physical % this.pageSize);
  }

  toPhysical(logical: number): number {
    return Math.floor(logical / this.payload) * this.pageSize + (logical % this.payload);
  }

  /** Reads `length` logical bytes starting at a physical offset, checking the CRC of every page touched. */
  async read(physical: number, length: number, what: string): Promise<Buffer> {
    if (physical % this.pageSize >= this.payload) throw fail('corrupt', `${what} starts at offset ${physical}, inside a page checksum`);
    const logicalStart = this.toLogical(physical);
    const firstPage = Math.floor(physical / this.pageSize);
    const lastPage = Math.floor(this.toPhysical(logicalStart + Math.max(length, 1) - 1) / this.pageSize);
    if ((lastPage + 1) * this.pageSize > this.physicalLength) {
      throw fail('corrupt', `${what} (${length} bytes at offset ${physical}) runs past the file's physical length of ${this.physicalLength} bytes`);
    }
    const pages = await readExactly(this.input, firstPage * this.pageSize, (lastPage - firstPage + 1) * this.pageSize, what);
    const out = Buffer.alloc(length);
    let written = 0;
    for (let p = 0; p <= lastPage - firstPage; p++) {
      const base = p * this.pageSize;
      const stored = pages.readUInt32BE(base + this.payload);
      const actual = crc32c(pages, base, base + this.payload);
      if (stored !== actual) {
        throw fail(
          'corrupt',
          `E57 page ${firstPage + p} (offset ${(firstPage + p) * this.pageSize}) fails its CRC-32C check (stored ${stored.toString(16)}, computed ${actual.toString(16)}) while reading ${what}`,
        );
      }
      this.pagesChecked += 1;
      const from = p === 0 ? physical % this.pageSize : 0;
      const n = Math.min(this.payload - from, length - written);
      pages.copy(out, written, base + from, base + from + n);
      written += n;
    }
    return out;
  }
}

const num = (el: XmlElement | undefined): number | undefined => {
  if (!el) return undefined;
  const t = el.text.trim();
  // E57 writes <versionMinor type="Integer"/> for 0: an empty number element is its default, zero.
  if (t === '') return el.attrs.type === 'Integer' || el.attrs.type === 'Float' || el.attrs.type === 'ScaledInteger' ? 0 : undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
};
const str = (el: XmlElement | undefined): string | undefined => (el ? el.text.trim() || undefined : undefined);

function bounds(el: XmlElement | undefined, keys: string[]): Record<string, number> | undefined {
  if (!el) return undefined;
  const out: Record<string, number> = {};
  for (const k of keys) {
    const v = num(childNamed(el, k));
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** GPS-time dateTimeValue of an E57 DateTime structure, as UTC ms when sane. */
function dateTime(el: XmlElement | undefined): number | undefined {
  const v = num(childNamed(el, 'dateTimeValue'));
  if (v === undefined || v <= 0) return undefined;
  const ms = gpsSecondsToUtcMs(v);
  return isSaneTime(ms) ? ms : undefined;
}

async function probeE57(input: ProbeInput): Promise<ProbeResult> {
  const size = input.size;
  if (size < HEADER_BYTES) throw fail('truncated', `E57 header needs ${HEADER_BYTES} bytes but the file has only ${size}: truncated`);
  const h = await readExactly(input, 0, HEADER_BYTES, 'E57 header');
  const major = h.readUInt32LE(8);
  const minor = h.readUInt32LE(12);
  const big64 = (at: number, what: string) => {
    const v = h.readBigUInt64LE(at);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail('corrupt', `E57 header ${what} is an impossible ${v}`);
    return Number(v);
  };
  const physicalLength = big64(16, 'physical length');
  const xmlOffset = big64(24, 'XML offset');
  const xmlLength = big64(32, 'XML length');
  const pageSize = big64(40, 'page size');
  if (major !== 1) throw fail('unsupported', `E57 version ${major}.${minor} is not supported (1.x is)`);
  if (pageSize < 64 || pageSize > 1 * MiB || pageSize % 4 !== 0) throw fail('corrupt', `E57 page size ${pageSize} is not usable (1024 is standard)`);
  if (physicalLength > size) {
    throw fail('truncated', `E57 header declares a physical length of ${physicalLength} bytes but the file has only ${size}: truncated`);
  }
  if (physicalLength < size)
    throw fail(
      'corrupt',
      `E57 header declares a physical length of ${physicalLength} bytes but the file has ${size} (${size - physicalLength} extra bytes)`,
    );
  if (physicalLength % pageSize !== 0) throw fail('corrupt', `E57 physical length ${physicalLength} is not a whole number of ${pageSize}-byte pages`);
  if (xmlLength === 0) throw fail('corrupt', 'E57 header declares an empty XML section');
  if (xmlLength > MAX_XML_BYTES) throw fail('unsupported', `E57 XML section of ${xmlLength} bytes exceeds the ${MAX_XML_BYTES / MiB} MiB limit`);

  const pages = new PagedReader(input, pageSize, physicalLength);
  await pages.read(0, HEADER_BYTES, 'E57 header page'); // the header page's own CRC
  const xmlBytes = await pages.read(xmlOffset, xmlLength, 'E57 XML section');
  let root: XmlElement;
  try {
    root = parseXml(xmlBytes.toString('utf8'));
  } catch (error) {
    if (error instanceof XmlError) throw fail('corrupt', `E57 XML section does not parse: ${error.message}`);
    throw error;
  }
  if (root.name !== 'e57Root') throw fail('corrupt', `E57 XML root is <${root.name}>, not <e57Root>`);

  const scans: Array<Record<string, unknown>> = [];
  let totalPoints = 0;
  let start = Infinity;
  let end = -Infinity;
  const extent = new FileFrameExtent();
  const data3D = childNamed(root, 'data3D')?.children ?? [];
  for (const [i, scan] of data3D.entries()) {
    const points = childNamed(scan, 'points');
    const name = str(childNamed(scan, 'name')) ?? null;
    const label = `data3D scan ${i}${name ? ` (${name})` : ''}`;
    if (!points) throw fail('corrupt', `${label} has no points element`);
    const recordCount = Number(points.attrs.recordCount ?? NaN);
    const fileOffset = Number(points.attrs.fileOffset ?? NaN);
    if (!Number.isSafeInteger(recordCount) || recordCount < 0)
      throw fail('corrupt', `${label} has an unusable recordCount "${(points.attrs.recordCount ?? '').slice(0, 40)}"`);
    if (!Number.isSafeInteger(fileOffset) || fileOffset < HEADER_BYTES || fileOffset >= physicalLength) {
      throw fail(
        'corrupt',
        `${label} points at fileOffset ${(points.attrs.fileOffset ?? '').slice(0, 40)}, outside the file's ${physicalLength} bytes`,
      );
    }
    // CompressedVector section header: id 1, 7 reserved, logical length, data offset, index offset.
    const section = await pages.read(fileOffset, 32, `${label} binary section header`);
    if (section[0] !== 1) throw fail('corrupt', `${label} binary section at offset ${fileOffset} has id ${section[0]}, not a CompressedVector (1)`);
    const sectionLength = Number(section.readBigUInt64LE(8));
    const sectionEnd = pages.toPhysical(pages.toLogical(fileOffset) + sectionLength);
    if (!Number.isSafeInteger(sectionLength) || sectionEnd > physicalLength) {
      throw fail(
        'corrupt',
        `${label} binary section at offset ${fileOffset} declares ${section.readBigUInt64LE(8)} bytes, past the end of the file (${physicalLength} bytes)`,
      );
    }
    totalPoints += recordCount;
    const box = bounds(childNamed(scan, 'cartesianBounds'), ['xMinimum', 'xMaximum', 'yMinimum', 'yMaximum', 'zMinimum', 'zMaximum']);
    if (box && recordCount > 0) extent.addScan(box, childNamed(scan, 'pose'));
    const acquired = [dateTime(childNamed(scan, 'acquisitionStart')), dateTime(childNamed(scan, 'acquisitionEnd'))];
    for (const t of acquired) {
      if (t !== undefined) {
        start = Math.min(start, t);
        end = Math.max(end, t);
      }
    }
    if (scans.length < MAX_SCANS_IN_METADATA) {
      const pose = childNamed(scan, 'pose');
      scans.push({
        name,
        guid: str(childNamed(scan, 'guid')) ?? null,
        description: str(childNamed(scan, 'description')) ?? null,
        recordCount,
        fileOffset,
        sectionLength,
        fields: childNamed(points, 'prototype')?.children.map((c) => c.name) ?? [],
        cartesianBounds: box ?? null,
        sphericalBounds:
          bounds(childNamed(scan, 'sphericalBounds'), [
            'rangeMinimum',
            'rangeMaximum',
            'elevationMinimum',
            'elevationMaximum',
            'azimuthStart',
            'azimuthEnd',
          ]) ?? null,
        indexBounds:
          bounds(childNamed(scan, 'indexBounds'), ['rowMinimum', 'rowMaximum', 'columnMinimum', 'columnMaximum', 'returnMinimum', 'returnMaximum']) ??
          null,
        pose: pose
          ? {
              translation: bounds(childNamed(pose, 'translation'), ['x', 'y', 'z']) ?? null,
              rotation: bounds(childNamed(pose, 'rotation'), ['w', 'x', 'y', 'z']) ?? null,
            }
          : null,
        sensor: [str(childNamed(scan, 'sensorVendor')), str(childNamed(scan, 'sensorModel'))].filter(Boolean).join(' ') || null,
        acquisitionStart: acquired[0] !== undefined ? iso(acquired[0]) : null,
        acquisitionEnd: acquired[1] !== undefined ? iso(acquired[1]) : null,
      });
    }
  }

  const created = dateTime(childNamed(root, 'creationDateTime'));
  const imageCount = childNamed(root, 'images2D')?.children.length ?? 0;
  const metadata: Record<string, unknown> = {
    version: `${major}.${minor}`,
    pageSize,
    physicalLength,
    xmlOffset,
    xmlLength,
    pagesChecked: pages.pagesChecked,
    formatName: str(childNamed(root, 'formatName')) ?? null,
    guid: str(childNamed(root, 'guid')) ?? null,
    xmlVersion: `${num(childNamed(root, 'versionMajor')) ?? '?'}.${num(childNamed(root, 'versionMinor')) ?? '?'}`,
    library: str(childNamed(root, 'e57LibraryVersion')) ?? null,
    coordinateMetadata: str(childNamed(root, 'coordinateMetadata'))?.slice(0, 8192) ?? null,
    creationTime: created !== undefined ? iso(created) : null,
    scanCount: data3D.length,
    imageCount,
    pointCount: totalPoints,
    scans,
  };
  // A file of images (images2D) without any point is imagery, not a point cloud.
  const imagery = totalPoints === 0 && imageCount > 0;
  const result: ProbeResult = imagery
    ? { format: 'e57', modality: 'imagery', counts: {}, metadata, warnings: [] }
    : { format: 'e57', modality: 'pointcloud', counts: { points: totalPoints }, metadata, warnings: [] };
  if (start <= end) result.timeRange = { start: iso(start), end: iso(end) };
  if (!imagery) applyPolygonFootprint(result, e57FootprintRing(metadata.coordinateMetadata as string | null, extent));
  return result;
}

/**
 * XY extent of every scan's cartesianBounds in the file's frame: each scan's box (in its own frame) is turned by its
 * pose (unit quaternion w, x, y, z, then translation), corner by corner, as E57 defines the pose.
 */
class FileFrameExtent {
  min: [number, number] = [Infinity, Infinity];
  max: [number, number] = [-Infinity, -Infinity];
  scans = 0;

  addScan(box: Record<string, number>, pose: XmlElement | undefined): void {
    const t = bounds(childNamed(pose, 'translation'), ['x', 'y', 'z']) ?? { x: 0, y: 0, z: 0 };
    const q = bounds(childNamed(pose, 'rotation'), ['w', 'x', 'y', 'z']) ?? { w: 1, x: 0, y: 0, z: 0 };
    const norm = Math.hypot(q.w, q.x, q.y, q.z);
    if (![box.xMinimum, box.xMaximum, box.yMinimum, box.yMaximum, box.zMinimum, box.zMaximum, t.x, t.y, t.z].every(Number.isFinite) || !(norm > 0)) {
      return;
    }
    const [w, x, y, z] = [q.w / norm, q.x / norm, q.y / norm, q.z / norm];
    this.scans += 1;
    for (const cx of [box.xMinimum, box.xMaximum]) {
      for (const cy of [box.yMinimum, box.yMaximum]) {
        for (const cz of [box.zMinimum, box.zMaximum]) {
          const fx = (1 - 2 * (y * y + z * z)) * cx + 2 * (x * y - w * z) * cy + 2 * (x * z + w * y) * cz + t.x;
          const fy = 2 * (x * y + w * z) * cx + (1 - 2 * (x * x + z * z)) * cy + 2 * (y * z - w * x) * cz + t.y;
          this.min = [Math.min(this.min[0], fx), Math.min(this.min[1], fy)];
          this.max = [Math.max(this.max[0], fx), Math.max(this.max[1], fy)];
        }
      }
    }
  }
}

/** The file's CRS from coordinateMetadata ("EPSG:25832", or WKT), and its scans' extent reprojected to WGS84. */
function e57FootprintRing(
  coordinateMetadata: string | null,
  extent: FileFrameExtent,
): { ring: [number, number][]; source: string; warnings: string[] } | { ring: null; reason: string } {
  const text = coordinateMetadata?.trim() ?? '';
  if (!text)
    return { ring: null, reason: 'the E57 file names no coordinate reference system (coordinateMetadata is empty): its coordinates are local' };
  if (extent.scans === 0) return { ring: null, reason: 'no scan of the E57 file gives cartesianBounds' };
  const code = /^(?:EPSG|urn:ogc:def:crs:EPSG:[\d.]*):(\d+)$/i.exec(text);
  const wkt = code ? undefined : describeWkt(text);
  if (!code && !wkt) return { ring: null, reason: `the E57 coordinateMetadata "${text.slice(0, 80)}" is neither an EPSG code nor WKT` };
  const epsg = code ? Number(code[1]) : wkt?.kind === 'compound' ? wkt.horizontalEpsg : wkt?.epsg;
  const ring = boundsRing(epsg !== undefined ? { epsg } : { wkt: text }, extent.min, extent.max);
  if (!ring.ring) return ring;
  return { ring: ring.ring, source: `E57 scans' cartesianBounds (posed) in ${ring.crsLabel}`, warnings: ring.warnings };
}

export const e57Probe: FormatProbe = {
  id: 'e57',
  sniff: (head: Buffer): boolean => head.length >= 8 && head.toString('latin1', 0, 8) === 'ASTM-E57',
  open(input: ProbeInput): ProbeSession {
    return {
      // Header-only, so no push: everything needed is read by offset.
      finish: () => guard('E57', () => probeE57(input)),
    };
  },
};

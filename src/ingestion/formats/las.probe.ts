import { FormatProbe, ProbeInput, ProbeResult, ProbeSession } from './probe.types.js';
import { MiB, big, fail, gpsSecondsToUtcMs, guard, isSaneTime, iso, readExactly, wgs84BBox } from './spatial.util.js';
import { boundsRing } from './crs.js';
import { applyPolygonFootprint } from './footprint-result.js';
import { CrsSummary, describeWkt } from './wkt.util.js';

/**
 * LAS 1.0-1.4, LAZ (LASzip) and COPC, from the public header block, the VLRs / EVLRs and (LAZ) the chunk table
 * position. Of the point records only the GPS time field is read, as the records stream past (uncompressed LAS with
 * adjusted standard GPS time); LAZ point records are never decoded.
 */

const VLR_HEADER = 54;
const EVLR_HEADER = 60;
const MAX_VLR_REGION = 64 * MiB;
const MAX_EVLRS = 10_000;
const MAX_CRS_RECORD = 1 * MiB;
/** Minimum record length of point formats 0-10 (LAS 1.4 R15, table 7 onwards). */
const MIN_RECORD_LENGTH = [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67];
/** Header size each minor version needs for its fields. */
const MIN_HEADER = (minor: number) => (minor >= 4 ? 375 : minor === 3 ? 235 : 227);

const cstr = (buf: Buffer, at: number, len: number) =>
  buf
    .toString('latin1', at, at + len)
    .replace(/\0[\s\S]*$/, '')
    .trim();

interface Vlr {
  userId: string;
  recordId: number;
  length: number;
  description: string;
  extended: boolean;
}

interface GeoKeys {
  modelType?: number;
  projectedEpsg?: number;
  geographicEpsg?: number;
  verticalEpsg?: number;
  linearUnits?: number;
  citation?: string;
}

/** GeoTIFF keys of a LASF_Projection 34735 record (+ 34737 ASCII params for the citation). */
function parseGeoKeys(dir: Buffer, ascii: Buffer | undefined): GeoKeys | undefined {
  if (dir.length < 8) return undefined;
  const numKeys = dir.readUInt16LE(6);
  if (8 + numKeys * 8 > dir.length) throw fail('corrupt', `GeoKeyDirectory declares ${numKeys} keys but holds ${Math.floor((dir.length - 8) / 8)}`);
  const out: GeoKeys = {};
  const code = (v: number) => (v > 0 && v < 32767 ? v : undefined); // 32767 = user-defined, 0 = undefined
  for (let k = 0; k < numKeys; k++) {
    const at = 8 + k * 8;
    const id = dir.readUInt16LE(at);
    const location = dir.readUInt16LE(at + 2);
    const count = dir.readUInt16LE(at + 4);
    const value = dir.readUInt16LE(at + 6);
    if (location === 0) {
      if (id === 1024) out.modelType = value;
      else if (id === 2048) out.geographicEpsg = code(value);
      else if (id === 3072) out.projectedEpsg = code(value);
      else if (id === 4096) out.verticalEpsg = code(value);
      else if (id === 3076) out.linearUnits = value;
    } else if (location === 34737 && (id === 1026 || id === 3073) && ascii && !out.citation) {
      const text = ascii
        .toString('latin1', value, Math.min(ascii.length, value + count))
        .replace(/[|\0]+$/, '')
        .trim();
      if (text) out.citation = text.slice(0, 256);
    }
  }
  return out;
}

function crsFromGeoKeys(keys: GeoKeys): CrsSummary & { source: string } {
  const kind: CrsSummary['kind'] =
    keys.modelType === 1 ? 'projected' : keys.modelType === 2 ? 'geographic' : keys.modelType === 3 ? 'geocentric' : 'unknown';
  const epsg = kind === 'projected' ? keys.projectedEpsg : kind === 'geographic' ? keys.geographicEpsg : (keys.projectedEpsg ?? keys.geographicEpsg);
  const out: CrsSummary & { source: string } = { source: 'geotiff', kind };
  if (keys.citation) out.name = keys.citation;
  if (epsg) out.epsg = epsg;
  if (keys.verticalEpsg) out.verticalEpsg = keys.verticalEpsg;
  return out;
}

/** GPS time's offset inside a point record, per point format (none in formats 0 and 2). */
const GPS_TIME_OFFSET = [-1, 20, -1, 20, 20, 20, 22, 22, 22, 22, 22];

/**
 * Min / max of the GPS time field of every point record of an uncompressed LAS with adjusted standard GPS time, read
 * from the pushed chunks in O(1) memory: 8 bytes of a field cut by a chunk boundary are all it keeps.
 */
export class GpsTimeScanner {
  min = Infinity;
  max = -Infinity;
  read = 0;
  private position = 0;
  private next = 0;
  private readonly carry = Buffer.alloc(8);

  private constructor(
    private readonly pointOffset: number,
    private readonly recordLength: number,
    private readonly fieldOffset: number,
    private readonly count: number,
  ) {}

  /** A scanner when the head says the file is an uncompressed LAS whose points carry adjusted GPS time. */
  static fromHead(head: Buffer): GpsTimeScanner | undefined {
    if (head.length < 227 || head.toString('latin1', 0, 4) !== 'LASF' || head[24] !== 1) return undefined;
    const adjusted = (head.readUInt16LE(6) & 1) === 1;
    const formatByte = head[104];
    const fieldOffset = GPS_TIME_OFFSET[formatByte & 0x3f] ?? -1;
    const recordLength = head.readUInt16LE(105);
    if (!adjusted || formatByte & 0x80 || fieldOffset < 0 || recordLength < fieldOffset + 8) return undefined;
    let count = head.readUInt32LE(107);
    if (head[25] >= 4 && head.length >= 255) {
      const count64 = head.readBigUInt64LE(247);
      if (count64 > 0n && count64 <= BigInt(Number.MAX_SAFE_INTEGER)) count = Number(count64);
    }
    return new GpsTimeScanner(head.readUInt32LE(96), recordLength, fieldOffset, count);
  }

  push(chunk: Buffer): void {
    const start = this.position;
    const end = start + chunk.length;
    this.position = end;
    while (this.next < this.count) {
      const field = this.pointOffset + this.next * this.recordLength + this.fieldOffset;
      if (field >= end) return;
      if (field >= start && field + 8 <= end) {
        this.take(chunk.readDoubleLE(field - start));
        continue;
      }
      // The field is cut by a chunk boundary: gather its bytes.
      const from = Math.max(field, start);
      const until = Math.min(field + 8, end);
      chunk.copy(this.carry, from - field, from - start, until - start);
      if (until < field + 8) return;
      this.take(this.carry.readDoubleLE(0));
    }
  }

  private take(value: number): void {
    this.next += 1;
    if (!Number.isFinite(value)) return;
    this.read += 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

/** Ring of the header bounds in WGS84, from the WKT, the GeoTIFF keys' EPSG code, or evidently lon/lat bounds. */
function lasFootprintRing(
  crs: (CrsSummary & { source: string }) | undefined,
  wkt: string | undefined,
  geoKeys: GeoKeys | undefined,
  min: number[],
  max: number[],
  scale: number[],
  pointCount: number,
): { ring: [number, number][]; source: string; warnings: string[] } | { ring: null; reason: string } {
  if (pointCount === 0) return { ring: null, reason: 'the LAS file holds no points' };
  if (min[0] > max[0] || min[1] > max[1]) return { ring: null, reason: 'the LAS header bounds are inverted' };
  const lo: [number, number] = [min[0], min[1]];
  const hi: [number, number] = [max[0], max[1]];
  if (!crs) {
    // No CRS, but degree-sized scale factors and bounds inside lon/lat ranges: evidently lon/lat.
    if (scale[0] <= 1e-5 && scale[1] <= 1e-5 && wgs84BBox(lo[0], lo[1], hi[0], hi[1])) {
      const ring = boundsRing({ epsg: 4326 }, lo, hi);
      if (ring.ring) return { ring: ring.ring, source: 'LAS header bounds, assumed lon/lat (no CRS; degree-sized scale and bounds)', warnings: [] };
    }
    return { ring: null, reason: 'the LAS file names no CRS (no WKT or GeoTIFF keys record)' };
  }
  const epsg = crs.kind === 'compound' ? crs.horizontalEpsg : crs.kind === 'projected' || crs.kind === 'geographic' ? crs.epsg : undefined;
  if (epsg === undefined && !wkt && geoKeys?.modelType === 1) {
    return { ring: null, reason: 'the GeoTIFF keys define a user-defined projection (no EPSG code) and the file has no WKT record' };
  }
  const ring = boundsRing(epsg !== undefined ? { epsg } : { wkt }, lo, hi);
  if (!ring.ring) return ring;
  return { ring: ring.ring, source: `LAS header bounds in ${ring.crsLabel}`, warnings: ring.warnings };
}

async function probeLas(input: ProbeInput, times: GpsTimeScanner | undefined): Promise<ProbeResult> {
  const size = input.size;
  if (size < 227) throw fail('truncated', `LAS header needs at least 227 bytes but the file has only ${size}: truncated`);
  const first = await readExactly(input, 0, Math.min(size, 375), 'LAS header');
  const major = first[24];
  const minor = first[25];
  if (major !== 1 || minor > 4) throw fail('unsupported', `LAS version ${major}.${minor} is not supported (1.0 to 1.4 are)`);
  const headerSize = first.readUInt16LE(94);
  const pointOffset = first.readUInt32LE(96);
  const vlrCount = first.readUInt32LE(100);
  const formatByte = first[104];
  const recordLength = first.readUInt16LE(105);
  if (headerSize < MIN_HEADER(minor))
    throw fail('corrupt', `LAS ${major}.${minor} header size is ${headerSize} bytes, less than the ${MIN_HEADER(minor)} its fields need`);
  if (headerSize > size) throw fail('truncated', `LAS header declares ${headerSize} bytes but the file has only ${size}: truncated`);
  if (pointOffset < headerSize) throw fail('corrupt', `LAS offset to point data (${pointOffset}) lies inside the ${headerSize}-byte header`);
  // Bit 7 is LASzip's "compressed" mark; bit 6 is set by LASzip for 1.4 point formats.
  const compressed = (formatByte & 0x80) !== 0;
  const pointFormat = formatByte & 0x3f;
  if (pointFormat > 10) throw fail('unsupported', `LAS point data format ${pointFormat} is not defined (0 to 10 are)`);
  if (recordLength < MIN_RECORD_LENGTH[pointFormat]) {
    throw fail(
      'corrupt',
      `LAS point format ${pointFormat} records need at least ${MIN_RECORD_LENGTH[pointFormat]} bytes but the header says ${recordLength}`,
    );
  }
  const legacyCount = first.readUInt32LE(107);
  let pointCount = legacyCount;
  const warnings: string[] = [];
  let byReturn: number[] = Array.from({ length: 5 }, (_, i) => first.readUInt32LE(111 + i * 4));
  let evlrStart = 0;
  let evlrCount = 0;
  if (minor >= 4) {
    const count64 = first.readBigUInt64LE(247);
    if (count64 > BigInt(Number.MAX_SAFE_INTEGER)) throw fail('corrupt', `LAS 1.4 header declares an impossible ${count64} points`);
    if (count64 > 0n || legacyCount === 0) {
      if (legacyCount !== 0 && BigInt(legacyCount) !== count64)
        warnings.push(`legacy point count ${legacyCount} differs from the 64-bit count ${count64}`);
      pointCount = Number(count64);
      byReturn = Array.from({ length: 15 }, (_, i) => Number(first.readBigUInt64LE(255 + i * 8)));
    }
    const start = first.readBigUInt64LE(235);
    evlrCount = first.readUInt32LE(243);
    if (evlrCount > 0) {
      if (start > BigInt(Number.MAX_SAFE_INTEGER)) throw fail('corrupt', `LAS EVLRs declared at an impossible offset ${start}`);
      evlrStart = Number(start);
    }
  }
  const scale = [131, 139, 147].map((at) => first.readDoubleLE(at));
  const offset = [155, 163, 171].map((at) => first.readDoubleLE(at));
  const max = [179, 195, 211].map((at) => first.readDoubleLE(at));
  const min = [187, 203, 219].map((at) => first.readDoubleLE(at));
  if (!scale.every((s) => Number.isFinite(s) && s !== 0))
    throw fail('corrupt', `LAS scale factors ${scale.join(', ')} are not usable (zero or not finite)`);
  if (![...offset, ...min, ...max].every(Number.isFinite)) throw fail('corrupt', 'LAS offsets or bounds are not finite numbers');
  if (pointCount > 0 && min.some((m, i) => m > max[i])) warnings.push(`bounds are inverted (min ${min.join(', ')} > max ${max.join(', ')})`);

  // Uncompressed: the point records must all be there (EVLRs, if any, come after them).
  const pointBytes = pointCount * recordLength;
  if (!compressed && pointOffset + pointBytes > size) {
    throw fail(
      'truncated',
      `LAS header declares ${big(pointCount)} points of ${recordLength} bytes after offset ${pointOffset} but the file has only ${size} bytes: truncated`,
    );
  }
  if (compressed && pointOffset + (pointCount > 0 ? 8 : 0) > size) {
    throw fail('truncated', `LAZ point data should start at offset ${pointOffset} but the file has only ${size} bytes: truncated`);
  }

  // VLRs sit between the header and the point data.
  const region = pointOffset - headerSize;
  if (vlrCount * VLR_HEADER > region) {
    throw fail('corrupt', `LAS header declares ${vlrCount} VLRs but only ${region} bytes lie between the header and the point data`);
  }
  if (region > MAX_VLR_REGION) throw fail('unsupported', `${region} bytes of VLRs exceed the ${MAX_VLR_REGION / MiB} MiB limit`);
  const vlrBytes = region > 0 ? await readExactly(input, headerSize, region, 'LAS VLRs') : Buffer.alloc(0);
  const vlrs: Vlr[] = [];
  const payloads = new Map<string, Buffer>(); // "userId/recordId" -> content of the records we interpret
  const interesting = (userId: string, recordId: number) =>
    (userId === 'LASF_Projection' && [34735, 34736, 34737, 2112].includes(recordId)) ||
    (userId === 'laszip encoded' && recordId === 22204) ||
    (userId === 'copc' && recordId === 1);
  let at = 0;
  for (let i = 0; i < vlrCount; i++) {
    if (at + VLR_HEADER > vlrBytes.length) throw fail('corrupt', `LAS VLR ${i + 1} of ${vlrCount} starts past the point data offset`);
    const userId = cstr(vlrBytes, at + 2, 16);
    const recordId = vlrBytes.readUInt16LE(at + 18);
    const length = vlrBytes.readUInt16LE(at + 20);
    const description = cstr(vlrBytes, at + 22, 32);
    const body = at + VLR_HEADER;
    if (body + length > vlrBytes.length) {
      throw fail('corrupt', `LAS VLR ${i + 1} (${userId} ${recordId}) declares ${length} bytes, running past the point data offset ${pointOffset}`);
    }
    vlrs.push({ userId, recordId, length, description, extended: false });
    const key = `${userId}/${recordId}`;
    if (interesting(userId, recordId) && !payloads.has(key)) payloads.set(key, vlrBytes.subarray(body, body + length));
    at = body + length;
  }

  // LAS 1.4 extended VLRs sit after the point data (COPC hierarchy, large WKT).
  if (evlrCount > 0) {
    if (evlrCount > MAX_EVLRS) throw fail('unsupported', `${evlrCount} EVLRs exceed the limit of ${MAX_EVLRS}`);
    if (evlrStart < pointOffset) throw fail('corrupt', `LAS EVLRs declared at offset ${evlrStart}, before the point data at ${pointOffset}`);
    let e = evlrStart;
    for (let i = 0; i < evlrCount; i++) {
      const head = await readExactly(input, e, EVLR_HEADER, `LAS EVLR ${i + 1} of ${evlrCount} header`);
      const userId = cstr(head, 2, 16);
      const recordId = head.readUInt16LE(18);
      const length = head.readBigUInt64LE(20);
      const description = cstr(head, 28, 32);
      if (BigInt(e + EVLR_HEADER) + length > BigInt(size)) {
        throw fail(
          'truncated',
          `LAS EVLR ${i + 1} of ${evlrCount} (${userId} ${recordId}) at offset ${e} declares ${length} bytes but the file has only ${size}: truncated`,
        );
      }
      vlrs.push({ userId, recordId, length: Number(length), description, extended: true });
      const key = `${userId}/${recordId}`;
      if (interesting(userId, recordId) && !payloads.has(key) && length <= BigInt(MAX_CRS_RECORD)) {
        payloads.set(key, await readExactly(input, e + EVLR_HEADER, Number(length), `LAS EVLR ${userId} ${recordId}`));
      }
      e += EVLR_HEADER + Number(length);
    }
  }

  const metadata: Record<string, unknown> = {
    version: `${major}.${minor}`,
    pointFormat,
    pointRecordLength: recordLength,
    compressed,
    pointCount,
    pointsByReturn: byReturn,
    scale,
    offset,
    bounds: { min, max },
    systemIdentifier: cstr(first, 26, 32),
    generatingSoftware: cstr(first, 58, 32),
    fileSourceId: first.readUInt16LE(4),
    globalEncoding: first.readUInt16LE(6),
    gpsTime: first.readUInt16LE(6) & 1 ? 'adjusted-standard' : 'week-seconds',
    headerSize,
    pointDataOffset: pointOffset,
    vlrs: vlrs.slice(0, 100),
  };
  const year = first.readUInt16LE(92);
  const day = first.readUInt16LE(90);
  if (year >= 1990 && year <= 9999 && day >= 1 && day <= 366) metadata.creationDate = iso(Date.UTC(year, 0, day)).slice(0, 10);

  // LAZ: the chunk table (written last) must be inside the file, and must list the chunks the point count needs.
  const laszip = payloads.get('laszip encoded/22204');
  if (compressed) {
    if (!laszip || laszip.length < 34) throw fail('corrupt', 'LAS point format is marked compressed but there is no LASzip VLR to decode it');
    const compressor = laszip.readUInt16LE(0);
    const chunkSize = laszip.readUInt32LE(12);
    metadata.laszip = { version: `${laszip[4]}.${laszip[5]}r${laszip.readUInt16LE(6)}`, compressor, chunkSize };
    if (compressor >= 2 && pointCount > 0) {
      let tableOffset = Number((await readExactly(input, pointOffset, 8, 'LAZ chunk table offset')).readBigInt64LE(0));
      if (tableOffset === -1) {
        // Written by a streaming encoder: the real offset is in the last 8 bytes of the file.
        tableOffset = Number((await readExactly(input, size - 8, 8, 'LAZ chunk table offset at end of file')).readBigInt64LE(0));
      }
      if (tableOffset < pointOffset + 8) throw fail('corrupt', `LAZ chunk table offset ${tableOffset} lies before the point data at ${pointOffset}`);
      if (tableOffset + 8 > size) {
        throw fail('truncated', `LAZ chunk table should be at offset ${tableOffset} but the file has only ${size} bytes: truncated`);
      }
      const table = await readExactly(input, tableOffset, 8, 'LAZ chunk table');
      const tableVersion = table.readUInt32LE(0);
      const chunks = table.readUInt32LE(4);
      if (tableVersion !== 0) throw fail('corrupt', `LAZ chunk table at offset ${tableOffset} has version ${tableVersion} (expected 0)`);
      if (chunkSize > 0 && chunkSize !== 0xffffffff) {
        const needed = Math.ceil(pointCount / chunkSize);
        if (chunks !== needed) {
          throw fail('corrupt', `LAZ chunk table lists ${chunks} chunks but ${pointCount} points in chunks of ${chunkSize} need ${needed}`);
        }
      }
      metadata.laszip = { ...(metadata.laszip as object), chunks, chunkTableOffset: tableOffset };
    }
  }

  const copc = payloads.get('copc/1');
  if (copc && copc.length >= 160) {
    const rootOffset = Number(copc.readBigUInt64LE(40));
    const rootSize = Number(copc.readBigUInt64LE(48));
    if (rootOffset + rootSize > size) {
      throw fail(
        'truncated',
        `COPC root hierarchy page at offset ${rootOffset} (${rootSize} bytes) lies past the end of the file (${size} bytes): truncated`,
      );
    }
    const gpsMin = copc.readDoubleLE(56);
    const gpsMax = copc.readDoubleLE(64);
    metadata.copc = {
      center: [0, 8, 16].map((o) => copc.readDoubleLE(o)),
      halfSize: copc.readDoubleLE(24),
      spacing: copc.readDoubleLE(32),
      rootHierarchyOffset: rootOffset,
      rootHierarchySize: rootSize,
      gpsTimeRange: [gpsMin, gpsMax],
    };
  }

  // CRS: the WKT record wins (mandatory for 1.4 point formats 6-10), GeoTIFF keys otherwise.
  let crs: (CrsSummary & { source: string; wkt?: string }) | undefined;
  let fullWkt: string | undefined;
  const wktBuf = payloads.get('LASF_Projection/2112');
  if (wktBuf) {
    const wkt = wktBuf
      .toString('utf8')
      .replace(/\0[\s\S]*$/, '')
      .trim();
    const parsed = describeWkt(wkt);
    fullWkt = wkt;
    crs = { source: 'wkt', ...(parsed ?? { kind: 'unknown' }), wkt: wkt.slice(0, 8192) };
    if (!parsed) warnings.push('the WKT CRS record could not be parsed');
  }
  const geoKeysBuf = payloads.get('LASF_Projection/34735');
  const geoKeys = geoKeysBuf ? parseGeoKeys(geoKeysBuf, payloads.get('LASF_Projection/34737')) : undefined;
  if (geoKeys) {
    metadata.geoKeys = geoKeys;
    if (!crs) crs = crsFromGeoKeys(geoKeys);
  }
  metadata.crs = crs ?? null;

  const result: ProbeResult = { format: compressed ? 'laz' : 'las', modality: 'pointcloud', counts: { points: pointCount }, metadata, warnings };

  // Adjusted standard GPS time is absolute: COPC records its points' span; plain LAS points were read as they passed.
  const copcMeta = metadata.copc as { gpsTimeRange: number[] } | undefined;
  let gpsRange: [number, number] | undefined;
  if (metadata.gpsTime === 'adjusted-standard') {
    if (copcMeta) {
      gpsRange = [copcMeta.gpsTimeRange[0], copcMeta.gpsTimeRange[1]];
      metadata.gpsTimeSource = 'COPC info VLR';
    } else if (times && times.read > 0) {
      gpsRange = [times.min, times.max];
      metadata.gpsTimeSource = `point records (${big(times.read)} read)`;
    } else if (compressed) {
      metadata.gpsTimeSource = 'not read: LAZ point records are compressed and LAS headers carry no time bounds';
    }
  }
  if (gpsRange) {
    metadata.gpsTimeRange = gpsRange;
    const [a, b] = gpsRange.map((t) => gpsSecondsToUtcMs(t + 1e9));
    if (isSaneTime(a) && isSaneTime(b) && a <= b) {
      result.timeRange = { start: iso(a), end: iso(b) };
      result.durationSeconds = (b - a) / 1000;
    } else {
      warnings.push(`the adjusted GPS times ${gpsRange[0]}..${gpsRange[1]} s do not make a plausible capture time`);
    }
  }
  // Footprint (issue 12): the header bounds' rectangle, reprojected from the file's CRS to WGS84, over the time range.
  applyPolygonFootprint(result, lasFootprintRing(crs, fullWkt, geoKeys, min, max, scale, pointCount));
  return result;
}

export const lasProbe: FormatProbe = {
  id: 'las',
  sniff: (head: Buffer): boolean => head.length >= 4 && head.toString('latin1', 0, 4) === 'LASF',
  open(input: ProbeInput): ProbeSession {
    // Everything but the GPS times is read by offset; the times come from the point records as they stream past.
    const times = GpsTimeScanner.fromHead(input.head);
    return {
      ...(times
        ? {
            push: (chunk: Buffer) => {
              times.push(chunk);
            },
          }
        : {}),
      finish: () => guard('LAS', () => probeLas(input, times)),
    };
  },
};

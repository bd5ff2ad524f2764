import { FootprintBuilder, type FixSample, type FixType, type FootprintOutcome } from '../footprints/footprint-builder.js';
import { BBox } from './probe.types.js';
import { isSaneTime, wgs84BBox } from './spatial.util.js';

/**
 * GoPro GPMF (the payload of an MP4 'gpmd' track): KLV items of 8-byte headers (4-char key, 1-char type,
 * 1-byte struct size, 2-byte big-endian repeat), payloads padded to 4 bytes, type 0 = nested items.
 * Per GPS stream a running bbox / altitude range / time range, and a footprint builder fed every fix in file order
 * (bounded memory: the builder keeps a thinned track, never the points).
 */

/** Where lat / lon / alt sit in each GPS stream's samples, and which field (if any) is the fix type. */
const GPS_LAYOUTS: Partial<Record<string, { lat: number; lon: number; alt: number; fix?: number; dop?: number; satellites?: number }>> = {
  GPS5: { lat: 0, lon: 1, alt: 2 }, // lat, lon, alt, speed2d, speed3d (older GoPro); fix from GPSF, DOP x 100 from GPSP
  GPS9: { lat: 0, lon: 1, alt: 2, fix: 8, dop: 7 }, // lat, lon, alt, speed2d, speed3d, days since 2000, secs, DOP, fix (HERO11+)
  GPRI: { lat: 1, lon: 2, alt: 3, fix: 8, satellites: 9 }, // Karma drone raw GPS: time since boot (us), lat, lon, alt, eph, epv, vel, cog, fix, sats
  GLPI: { lat: 1, lon: 2, alt: 3 }, // Karma drone fused position: time since boot (ms), lat, lon, alt, rel. alt, vx, vy, vz, heading
};
/** Preferred stream when a file has several: real GNSS fixes first, the drone's fused estimate last. */
export const GPS_PREFERENCE = ['GPS9', 'GPS5', 'GPRI', 'GLPI'];

const TYPE_SIZES: Record<string, number> = {
  b: 1,
  B: 1,
  c: 1,
  s: 2,
  S: 2,
  l: 4,
  L: 4,
  f: 4,
  d: 8,
  j: 8,
  J: 8,
  q: 4,
  Q: 8,
  F: 4,
  U: 16,
  G: 16,
};

const MAX_DEPTH = 8;

export interface GpsStreamSummary {
  points: number;
  /** Samples dropped: no fix, 0/0, or outside WGS84 ranges. */
  rejected: number;
  bbox?: BBox;
  altitude?: { min: number; max: number };
  /** Absolute UTC time range (GPSU in GPS5 streams, days/secs in GPS9); GPRI / GLPI carry only time since boot. */
  timeRange?: { start: string; end: string };
}

/** GoPro fix codes (GPSF, GPS9 / GPRI fix field): 0 no lock, 2 2D, 3 3D. */
function fixType(code: number | undefined): FixType | undefined {
  if (code === undefined || !Number.isFinite(code)) return undefined;
  return code >= 3 ? '3d' : code >= 2 ? '2d' : 'none';
}

class GpsAccumulator {
  readonly footprint: FootprintBuilder;
  points = 0;
  rejected = 0;
  minLat = Infinity;
  maxLat = -Infinity;
  minLon = Infinity;
  maxLon = -Infinity;
  minAlt = Infinity;
  maxAlt = -Infinity;
  firstMs = Infinity;
  lastMs = -Infinity;

  constructor(key: string) {
    this.footprint = new FootprintBuilder(`GoPro GPMF ${key}`);
  }

  add(lat: number, lon: number, alt: number, timeMs: number | undefined, quality: FixSample): void {
    this.footprint.add(lon, lat, timeMs !== undefined && isSaneTime(timeMs) ? timeMs : null, quality);
    // 0/0 is what receivers report before a fix; anything outside WGS84 ranges is garbage.
    const valid = Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0);
    if (!valid) {
      this.rejected += 1;
      return;
    }
    this.points += 1;
    this.minLat = Math.min(this.minLat, lat);
    this.maxLat = Math.max(this.maxLat, lat);
    this.minLon = Math.min(this.minLon, lon);
    this.maxLon = Math.max(this.maxLon, lon);
    if (Number.isFinite(alt)) {
      this.minAlt = Math.min(this.minAlt, alt);
      this.maxAlt = Math.max(this.maxAlt, alt);
    }
    if (timeMs !== undefined && isSaneTime(timeMs)) {
      this.firstMs = Math.min(this.firstMs, timeMs);
      this.lastMs = Math.max(this.lastMs, timeMs);
    }
  }

  summary(): GpsStreamSummary {
    const out: GpsStreamSummary = { points: this.points, rejected: this.rejected };
    if (this.points > 0) out.bbox = wgs84BBox(this.minLon, this.minLat, this.maxLon, this.maxLat);
    if (this.minAlt <= this.maxAlt) out.altitude = { min: this.minAlt, max: this.maxAlt };
    if (this.firstMs <= this.lastMs) out.timeRange = { start: new Date(this.firstMs).toISOString(), end: new Date(this.lastMs).toISOString() };
    return out;
  }
}

/** Expands a GPMF TYPE string ("JlllSSSSBB", "f[8]L") into one type char per field. */
export function expandTypeString(type: string): string[] | undefined {
  const out: string[] = [];
  for (let i = 0; i < type.length; i++) {
    const ch = type[i];
    if (ch === '[') {
      const close = type.indexOf(']', i);
      const n = Number(type.slice(i + 1, close));
      if (close < 0 || !Number.isInteger(n) || n < 1 || n > 1024 || out.length === 0) return undefined;
      const last = out[out.length - 1];
      for (let k = 1; k < n; k++) out.push(last);
      i = close;
    } else if (ch in TYPE_SIZES) {
      out.push(ch);
    } else {
      return undefined;
    }
    if (out.length > 4096) return undefined;
  }
  return out;
}

function readScalar(buf: Buffer, at: number, type: string): number {
  switch (type) {
    case 'b':
      return buf.readInt8(at);
    case 'B':
      return buf.readUInt8(at);
    case 's':
      return buf.readInt16BE(at);
    case 'S':
      return buf.readUInt16BE(at);
    case 'l':
      return buf.readInt32BE(at);
    case 'L':
      return buf.readUInt32BE(at);
    case 'f':
      return buf.readFloatBE(at);
    case 'd':
      return buf.readDoubleBE(at);
    case 'j':
      return Number(buf.readBigInt64BE(at));
    case 'J':
      return Number(buf.readBigUInt64BE(at));
    case 'q':
      return buf.readInt32BE(at) / 65536;
    case 'Q':
      return Number(buf.readBigInt64BE(at)) / 2 ** 32;
    default:
      return NaN;
  }
}

/** GPSU "yymmddhhmmss.sss" (UTC) to milliseconds. */
export function parseGpsu(text: string): number | undefined {
  const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d(?:\.\d+)?)/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(2000 + Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])) + Math.round(Number(m[6]) * 1000);
  return Number.isFinite(ms) ? ms : undefined;
}

interface StreamState {
  scal: number[];
  type?: string[];
  fix?: number;
  /** GPSP: dilution of precision x 100, per payload of GPS5. */
  precision?: number;
  gpsuMs?: number;
}

/** Decodes GPMF payloads one sample at a time, keeping only per-stream GPS summaries and counters. */
export class GpmfGpsCollector {
  private readonly streams = new Map<string, GpsAccumulator>();
  samples = 0;
  malformed = 0;
  /** Stream keys seen (GPS or not), so metadata can say what the telemetry holds. */
  readonly keys = new Set<string>();
  readonly devices = new Set<string>();
  /**
   * Called with every accepted fix (2D / 3D lock, or no fix field), its stream and its place in the payload: sample
   * `index` of `repeat`. Previews use it to time the fixes from the video's start.
   */
  onFix: ((stream: string, lon: number, lat: number, index: number, repeat: number) => void) | undefined;

  addSample(buf: Buffer): void {
    this.samples += 1;
    if (!this.walk(buf, 0, buf.length, 0, undefined)) this.malformed += 1;
  }

  /** Returns false when the KLV structure runs past its container (the rest of that container is dropped). */
  private walk(buf: Buffer, start: number, end: number, depth: number, state: StreamState | undefined): boolean {
    let ok = true;
    let at = start;
    while (at + 8 <= end) {
      const key = buf.toString('latin1', at, at + 4);
      const type = buf[at + 4];
      const size = buf[at + 5];
      const repeat = buf.readUInt16BE(at + 6);
      const len = size * repeat;
      const body = at + 8;
      if (key === '\0\0\0\0') break; // zero padding at the end of a payload
      if (body + len > end) return false;
      if (type === 0) {
        if (depth >= MAX_DEPTH) return false;
        // A STRM starts a fresh scale / type / fix context; other nests (DEVC) hold streams.
        const inner = key === 'STRM' ? { scal: [] } : state;
        ok = this.walk(buf, body, body + len, depth + 1, inner) && ok;
      } else {
        this.item(buf, key, String.fromCharCode(type), size, repeat, body, state);
      }
      at = body + ((len + 3) & ~3);
    }
    return ok;
  }

  private item(buf: Buffer, key: string, type: string, size: number, repeat: number, body: number, state: StreamState | undefined): void {
    if (key === 'DVNM' && type === 'c') this.devices.add(buf.toString('latin1', body, body + size * repeat).replace(/\0+$/, ''));
    if (!state) return;
    if (
      /^[A-Z0-9]{4}$/.test(key) &&
      !['STNM', 'SCAL', 'TYPE', 'UNIT', 'SIUN', 'TSMP', 'EMPT', 'TICK', 'TOCK', 'STMP', 'ORIN', 'ORIO', 'MTRX', 'TMPC'].includes(key)
    ) {
      if (this.keys.size < 64) this.keys.add(key);
    }
    const elemSize = TYPE_SIZES[type];
    switch (key) {
      case 'SCAL': {
        if (!elemSize || type === 'U' || type === 'F' || type === 'G' || type === 'c') return;
        const n = Math.min((size * repeat) / elemSize, 64);
        state.scal = [];
        for (let i = 0; i < n; i++) state.scal.push(readScalar(buf, body + i * elemSize, type));
        return;
      }
      case 'TYPE':
        state.type = expandTypeString(buf.toString('latin1', body, body + size * repeat).replace(/\0+$/, ''));
        return;
      case 'GPSF':
        if (elemSize && type !== 'U' && type !== 'c') state.fix = readScalar(buf, body, type);
        return;
      case 'GPSP':
        if (elemSize && type !== 'U' && type !== 'c') state.precision = readScalar(buf, body, type);
        return;
      case 'GPSU':
        state.gpsuMs = parseGpsu(buf.toString('latin1', body, body + Math.min(size, 16)));
        return;
    }
    const layout = GPS_LAYOUTS[key];
    if (!layout) return;
    // Field types: complex streams ('?') say them in TYPE; plain ones repeat the item's type.
    let fields: string[] | undefined;
    if (type === '?') fields = state.type;
    else if (elemSize && size % elemSize === 0) fields = Array(size / elemSize).fill(type);
    if (!fields) return;
    const offsets: number[] = [];
    let structSize = 0;
    for (const f of fields) {
      offsets.push(structSize);
      structSize += TYPE_SIZES[f];
    }
    if (structSize !== size || fields.length <= Math.max(layout.lat, layout.lon, layout.alt)) return;
    const value = (sample: number, field: number): number => {
      const scale = state.scal.length === 0 ? 1 : state.scal.length === 1 ? state.scal[0] : state.scal[field];
      const raw = readScalar(buf, body + sample * size + offsets[field], fields[field]);
      return scale ? raw / scale : raw;
    };
    let acc = this.streams.get(key);
    if (!acc) this.streams.set(key, (acc = new GpsAccumulator(key)));
    const field = (i: number, at: number | undefined) => (at !== undefined && at < fields.length ? value(i, at) : undefined);
    for (let i = 0; i < repeat; i++) {
      const fix = field(i, layout.fix) ?? state.fix;
      const dop =
        layout.dop !== undefined ? field(i, layout.dop) : key === 'GPS5' && state.precision !== undefined ? state.precision / 100 : undefined;
      const quality: FixSample = { fix: fixType(fix), hdop: dop, satellites: field(i, layout.satellites) };
      if (fix !== undefined && fix < 2) {
        acc.rejected += 1; // no 2D/3D lock: the position is the receiver's guess; the epoch still counts for quality
        acc.footprint.addQuality(quality);
        continue;
      }
      let timeMs: number | undefined;
      if (key === 'GPS9' && fields.length >= 7) timeMs = Date.UTC(2000, 0, 1) + (value(i, 5) * 86400 + value(i, 6)) * 1000;
      // GPS5 payloads carry one GPSU time for about a second of samples: spread them over it.
      else if (key === 'GPS5' && state.gpsuMs !== undefined) timeMs = state.gpsuMs + Math.round((i * 1000) / repeat);
      const [lat, lon] = [value(i, layout.lat), value(i, layout.lon)];
      acc.add(lat, lon, value(i, layout.alt), timeMs, quality);
      this.onFix?.(key, lon, lat, i, repeat);
    }
  }

  /** The footprint of the preferred GPS stream that has fixes (or of the first stream, to say why there is none). */
  footprint(): { stream: string; outcome: FootprintOutcome } | undefined {
    const ranked = GPS_PREFERENCE.flatMap((k) => {
      const stream = this.streams.get(k);
      return stream ? [{ key: k, stream }] : [];
    });
    const chosen = ranked.find((r) => r.stream.points > 0) ?? ranked.at(0);
    return chosen ? { stream: chosen.key, outcome: chosen.stream.footprint.finish() } : undefined;
  }

  /** Per GPS stream summaries, in order of preference. */
  summaries(): Array<[string, GpsStreamSummary]> {
    return GPS_PREFERENCE.flatMap((k): Array<[string, GpsStreamSummary]> => {
      const stream = this.streams.get(k);
      return stream ? [[k, stream.summary()]] : [];
    });
  }
}

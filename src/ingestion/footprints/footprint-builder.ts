import {
  cellArea,
  cellToBoundary,
  cellToLatLng,
  gridDistance,
  gridPathCells,
  latLngToCell,
  polygonToCellsExperimental,
  POLYGON_TO_CELLS_FLAGS,
} from 'h3-js';

import { geodesicMetres, LOCAL_LIMIT_METRES, localMetres, simplifyTo, sphericalAreaKm2 } from './geodesy.js';
import {
  FOOTPRINT_H3_RES,
  MAX_MAP_VERTICES,
  type CaptureFootprint,
  type FootprintCell,
  type FootprintGeometry,
  type GnssQuality,
} from './footprint.types.js';

/** Faster than this between consecutive fixes is a glitch, not a vehicle (issue 12: > 1,000 km/h is dropped). */
const MAX_SPEED_MPS = 1000 / 3.6;
/** GPS noise allowed on top of the speed limit between two fixes, metres. */
const NOISE_METRES = 100;
/** A pause longer than this (or, untimed, a jump longer than UNTIMED_GAP_METRES) breaks the drawn line. */
const GAP_SECONDS = 300;
const UNTIMED_GAP_METRES = 5000;
/** Consecutive rejected fixes that agree with each other mean the reference was wrong: the track restarts there. */
const RESTART_AFTER = 3;
/** The buffer of vertices kept for the map is thinned (radial distance, doubling) whenever it passes this. */
const BUFFER_LIMIT = 5_000;
/** Cells walked between two consecutive fixes at most (a longer straight hop is drawn, not walked). */
const MAX_WALK = 200;
/** Cells per capture at most: 250,000 res-8 cells are ~184,000 km^2 of track. */
const MAX_CELLS = 250_000;
/** A polygon footprint larger than this is a wrong CRS or a wrong header, not a point cloud. */
export const MAX_POLYGON_KM2 = 50_000;

export type FixType = 'rtk-fixed' | 'rtk-float' | 'dgps' | '3d' | '2d' | 'none';

/** What a format says about one epoch's fix, where it says it. */
export interface FixSample {
  fix?: FixType;
  hdop?: number;
  satellites?: number;
}

interface Fix {
  lon: number;
  lat: number;
  t: number | null;
}

/** GNSS quality over epochs, with bounded memory (medians from histograms: HDOP to 0.01, satellites to 1). */
export class GnssQualityAccumulator {
  private readonly fixes: Record<FixType, number> = { 'rtk-fixed': 0, 'rtk-float': 0, dgps: 0, '3d': 0, '2d': 0, none: 0 };
  /** HDOP in hundredths (0..99.99) and satellites (0..999): counts per value. */
  private readonly hdop = new Uint32Array(10_000);
  private readonly satellites = new Uint32Array(1_000);
  private hdopCount = 0;
  private satelliteCount = 0;
  private samples = 0;

  add(sample: FixSample): void {
    let used = false;
    if (sample.fix !== undefined) {
      this.fixes[sample.fix]++;
      used = true;
    }
    if (sample.hdop !== undefined && Number.isFinite(sample.hdop) && sample.hdop >= 0 && sample.hdop < 100) {
      this.hdop[Math.min(9_999, Math.round(sample.hdop * 100))]++;
      this.hdopCount++;
      used = true;
    }
    if (sample.satellites !== undefined && Number.isInteger(sample.satellites) && sample.satellites >= 0 && sample.satellites < 1000) {
      this.satellites[sample.satellites]++;
      this.satelliteCount++;
      used = true;
    }
    if (used) this.samples++;
  }

  /** The summary, or null when no epoch carried a fix type, HDOP or satellites. */
  result(systems?: string[]): GnssQuality | null {
    if (this.samples === 0) return null;
    const epochs = Object.values(this.fixes).reduce((a, b) => a + b, 0);
    const share = (n: number) => (epochs === 0 ? 0 : n / epochs);
    const quality: GnssQuality = {
      epochs: epochs === 0 ? this.samples : epochs,
      rtkFixed: share(this.fixes['rtk-fixed']),
      rtkFloat: share(this.fixes['rtk-float']),
      dgps: share(this.fixes.dgps),
      fix3d: share(this.fixes['3d']),
      fix2d: share(this.fixes['2d']),
      noFix: share(this.fixes.none),
      medianHdop: this.hdopCount === 0 ? null : median(this.hdop, this.hdopCount) / 100,
      medianSatellites: this.satelliteCount === 0 ? null : median(this.satellites, this.satelliteCount),
    };
    if (systems && systems.length > 0) quality.systems = [...systems].sort();
    return quality;
  }
}

/** The lower median of a histogram (index = value, entry = count) holding `count` samples. */
function median(histogram: Uint32Array, count: number): number {
  let seen = 0;
  const target = Math.floor((count - 1) / 2);
  for (let value = 0; value < histogram.length; value++) {
    seen += histogram[value];
    if (seen > target) return value;
  }
  return histogram.length - 1;
}

export interface FootprintOutcome {
  footprint: CaptureFootprint | null;
  /** Why footprint is null. */
  reason?: string;
  /** Positions dropped, cells capped: one sentence each, for the capture's warnings. */
  warnings: string[];
  quality: GnssQuality | null;
}

/**
 * Builds a capture's track footprint from its positions in file order, in bounded memory whatever the file's size:
 * impossible fixes are dropped and counted, the geodesic length and the H3 cells (each with the time spent there) are
 * accumulated as the fixes pass, and only a thinned buffer of vertices is kept for the map.
 */
export class FootprintBuilder {
  private readonly quality = new GnssQualityAccumulator();
  private readonly dropped = { invalid: 0, nullIsland: 0, jumps: 0 };
  private readonly cells = new Map<string, [number | null, number | null]>();
  private cellsCapped = false;
  /** Vertices for the map: lon, lat, segment number. */
  private buffer: [number, number, number][] = [];
  private radius = 0;
  /** The last fix skipped by the radial filter, pushed when its segment ends. */
  private tail: [number, number, number] | null = null;
  private segment = 0;
  /** Set by breakLine: the next fix kept starts a new line. */
  private lineBroken = false;
  private ref: Fix | null = null;
  private probation: Fix | null = null;
  /** The cell of the last fix kept, as a polygon for telling without H3 that a fix is still in it. */
  private shape: CellShape | null = null;
  private streak: Fix[] = [];
  private positions = 0;
  private lengthMetres = 0;
  private minLon = Infinity;
  private minLat = Infinity;
  private maxLon = -Infinity;
  private maxLat = -Infinity;
  private start: number | null = null;
  private end: number | null = null;

  /**
   * `points`: the positions are separate places (GPX waypoints, photo locations), never one journey: no line joins
   * them, no cells are walked between them, no length; the geometry is a MultiPoint.
   */
  constructor(
    private readonly source: string,
    private readonly options: { points?: boolean } = {},
  ) {}

  /** One position (WGS84 degrees) and its time in ms since the epoch (UTC), with the fix quality where known. */
  add(lon: number, lat: number, timeMs?: number | null, sample?: FixSample): void {
    if (sample) this.quality.add(sample);
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      this.dropped.invalid++;
      return;
    }
    if (Math.abs(lon) < 1e-7 && Math.abs(lat) < 1e-7) {
      this.dropped.nullIsland++;
      return;
    }
    const fix: Fix = { lon, lat, t: timeMs !== undefined && timeMs !== null && Number.isFinite(timeMs) ? timeMs : null };
    if (this.options.points) {
      // Separate places have no speed between them to judge.
      this.commit(fix, true);
      return;
    }
    if (this.ref === null) {
      if (this.probation === null) {
        this.probation = fix;
      } else if (plausible(this.probation, fix)) {
        this.commit(this.probation, true);
        this.probation = null;
        this.commit(fix, false);
      } else {
        // Two fixes that disagree and nothing to tell which is right: the newer one waits for a third.
        this.dropped.jumps++;
        this.probation = fix;
      }
      return;
    }
    const distance = localMetres(this.ref.lon, this.ref.lat, fix.lon, fix.lat);
    if (plausibleAt(this.ref, fix, distance)) {
      this.streak = [];
      this.commit(fix, false, distance);
      return;
    }
    this.dropped.jumps++;
    this.streak.push(fix);
    if (this.streak.length >= RESTART_AFTER && this.streak.every((f, i) => i === 0 || plausible(this.streak[i - 1], f))) {
      // The rejected fixes agree with each other: the vehicle really is there (e.g. after a tunnel). Restart from them.
      this.dropped.jumps -= this.streak.length;
      const restart = this.streak;
      this.streak = [];
      this.commit(restart[0], true);
      for (const f of restart.slice(1)) this.commit(f, false);
    }
  }

  /** The file starts a new line here (a GPX track segment or route): the next fix is not joined to the last one. */
  breakLine(): void {
    this.lineBroken = true;
  }

  /** An epoch's fix quality without a position (e.g. an NMEA GGA with fix quality 0). */
  addQuality(sample: FixSample): void {
    this.quality.add(sample);
  }

  finish(systems?: string[]): FootprintOutcome {
    if (this.probation !== null) {
      if (this.positions === 0) this.commit(this.probation, true);
      else this.dropped.jumps++;
      this.probation = null;
    }
    const warnings: string[] = [];
    const { invalid, nullIsland, jumps } = this.dropped;
    if (invalid + nullIsland + jumps > 0) {
      const parts = [
        invalid ? `${invalid} not a valid latitude / longitude` : '',
        nullIsland ? `${nullIsland} at (0, 0)` : '',
        jumps ? `${jumps} an impossible jump (faster than 1,000 km/h)` : '',
      ].filter(Boolean);
      warnings.push(`${invalid + nullIsland + jumps} position(s) dropped from the footprint: ${parts.join(', ')}.`);
    }
    if (this.cellsCapped)
      warnings.push(`The footprint keeps its first ${MAX_CELLS.toLocaleString('en-US')} H3 cells; the rest of the track is drawn but not indexed.`);
    const quality = this.quality.result(systems);
    if (this.positions === 0) {
      const reason = invalid + nullIsland + jumps > 0 ? 'every position in the file was invalid or impossible' : 'the file holds no position fixes';
      return { footprint: null, reason, warnings, quality };
    }
    const cells: FootprintCell[] = [...this.cells.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([h3, [s, e]]) => ({ h3, start: iso(s), end: iso(e) }));
    return {
      footprint: {
        kind: this.positions === 1 || this.options.points ? 'point' : 'track',
        geometry: this.geometry(),
        bbox: [this.minLon, this.minLat, this.maxLon, this.maxLat],
        lengthKm: this.lengthMetres / 1000,
        areaKm2: areaOf(cells),
        start: iso(this.start),
        end: iso(this.end),
        positions: this.positions,
        dropped: { ...this.dropped },
        h3Resolution: FOOTPRINT_H3_RES,
        cells,
        source: this.source,
      },
      warnings,
      quality,
    };
  }

  /** Keeps a fix; `distance` is its local distance from the fix kept before it, when the caller has it. */
  private commit(fix: Fix, restart: boolean, distance?: number): void {
    const previous = this.ref;
    const step = previous === null ? 0 : (distance ?? localMetres(previous.lon, previous.lat, fix.lon, fix.lat));
    const gap =
      restart ||
      this.lineBroken ||
      previous === null ||
      this.options.points === true ||
      (fix.t !== null && previous.t !== null ? Math.abs(fix.t - previous.t) > GAP_SECONDS * 1000 : step > UNTIMED_GAP_METRES);
    this.lineBroken = false;
    if (gap && previous !== null) this.segment++;
    this.positions++;
    this.minLon = Math.min(this.minLon, fix.lon);
    this.minLat = Math.min(this.minLat, fix.lat);
    this.maxLon = Math.max(this.maxLon, fix.lon);
    this.maxLat = Math.max(this.maxLat, fix.lat);
    if (fix.t !== null) {
      if (this.start === null || fix.t < this.start) this.start = fix.t;
      if (this.end === null || fix.t > this.end) this.end = fix.t;
    }
    /** The fix this one continues from, when the line is not broken here. */
    const from = gap ? null : previous;
    if (from) this.lengthMetres += step < LOCAL_LIMIT_METRES ? step : geodesicMetres(from.lon, from.lat, fix.lon, fix.lat);
    // A fix well inside the current cell's polygon is in that cell: no lookup (most fixes of a track).
    const shape = this.shape;
    const cell = shape !== null && shape.contains(fix.lon, fix.lat) ? shape.cell : latLngToCell(fix.lat, fix.lon, FOOTPRINT_H3_RES);
    if (shape?.cell !== cell) {
      if (from && shape !== null) this.walk(shape.cell, from.t, cell, fix.t);
      this.shape = new CellShape(cell);
    }
    this.touch(cell, fix.t);
    this.ref = fix;
    this.keepVertex(fix, gap);
  }

  /** Cells between two consecutive fixes in different, non-adjacent cells, with times interpolated along the path. */
  private walk(from: string, fromT: number | null, to: string, toT: number | null): void {
    let distance: number;
    try {
      distance = gridDistance(from, to);
    } catch {
      return; // across a pentagon or icosahedron edge where H3 has no local IJ: the two end cells are enough
    }
    if (distance <= 1 || distance > MAX_WALK) return;
    let path: string[];
    try {
      path = gridPathCells(from, to);
    } catch {
      return;
    }
    for (let i = 1; i < path.length - 1; i++) {
      const t = fromT !== null && toT !== null ? fromT + ((toT - fromT) * i) / (path.length - 1) : null;
      this.touch(path[i], t === null ? null : Math.round(t));
    }
  }

  private touch(cell: string, t: number | null): void {
    const span = this.cells.get(cell);
    if (span === undefined) {
      if (this.cells.size >= MAX_CELLS) {
        this.cellsCapped = true;
        return;
      }
      this.cells.set(cell, [t, t]);
      return;
    }
    if (t === null) return;
    if (span[0] === null || t < span[0]) span[0] = t;
    if (span[1] === null || t > span[1]) span[1] = t;
  }

  private keepVertex(fix: Fix, gap: boolean): void {
    if (gap) this.flushTail();
    const last = this.buffer.at(-1);
    if (!gap && last !== undefined && this.radius > 0 && localMetres(last[0], last[1], fix.lon, fix.lat) < this.radius) {
      // Within the current radius of the last vertex kept: skipped, but remembered, so a segment's last fix survives.
      this.tail = [fix.lon, fix.lat, this.segment];
      return;
    }
    this.tail = null;
    this.buffer.push([fix.lon, fix.lat, this.segment]);
    if (this.buffer.length > BUFFER_LIMIT) this.thin();
  }

  private flushTail(): void {
    if (this.tail !== null) this.buffer.push(this.tail);
    this.tail = null;
  }

  /**
   * Doubles the radius and re-filters the buffer; segment ends and starts stay. When segment ends are most of the
   * buffer (separate places, or a track broken at almost every fix) the radius cannot shrink it: then every other
   * vertex goes, so the buffer stays bounded and thinning stays rare (each pass frees at least a quarter of it).
   */
  private thin(): void {
    this.radius = this.radius === 0 ? 5 : this.radius * 2;
    let kept: [number, number, number][] = [];
    for (let i = 0; i < this.buffer.length; i++) {
      const v = this.buffer[i];
      const prev = kept.at(-1);
      const next = this.buffer[i + 1] as [number, number, number] | undefined;
      const boundary = prev === undefined || prev[2] !== v[2] || next === undefined || next[2] !== v[2];
      if (boundary || localMetres(prev[0], prev[1], v[0], v[1]) >= this.radius) kept.push(v);
    }
    if (kept.length > (BUFFER_LIMIT * 3) / 4) kept = kept.filter((_, i) => i % 2 === 0);
    this.buffer = kept;
  }

  private geometry(): FootprintGeometry {
    this.flushTail();
    if (this.positions === 1 || this.buffer.length === 1) return { type: 'Point', coordinates: [this.buffer[0][0], this.buffer[0][1]] };
    if (this.options.points) {
      const places = this.buffer.map(([lon, lat]) => [lon, lat] as [number, number]);
      const kept = places.length > MAX_MAP_VERTICES ? places.filter((_, i) => i % Math.ceil(places.length / MAX_MAP_VERTICES) === 0) : places;
      return { type: 'MultiPoint', coordinates: kept };
    }
    const segments: [number, number][][] = [];
    let current = -1;
    for (const [lon, lat, segment] of this.buffer) {
      if (segment !== current) {
        segments.push([]);
        current = segment;
      }
      (segments.at(-1) as [number, number][]).push([lon, lat]);
    }
    // A lone fix between two gaps is drawn as a zero-length line so the geometry stays one type.
    const lines = segments.map((s) => (s.length === 1 ? [s[0], s[0]] : s));
    const total = lines.reduce((n, s) => n + s.length, 0);
    const simplified = lines.map((line) => {
      const budget = Math.max(2, Math.floor((MAX_MAP_VERTICES * line.length) / total));
      return simplifyTo(line, budget).map((i) => line[i]);
    });
    const trimmed = limitVertices(simplified, MAX_MAP_VERTICES);
    return trimmed.length === 1 ? { type: 'LineString', coordinates: trimmed[0] } : { type: 'MultiLineString', coordinates: trimmed };
  }
}

/** Keeps the longest lines whole while the vertex count is over `max` (many tiny segments: drop the shortest). */
function limitVertices(lines: [number, number][][], max: number): [number, number][][] {
  let total = lines.reduce((n, s) => n + s.length, 0);
  if (total <= max) return lines;
  const order = lines.map((line, i) => ({ i, n: line.length })).sort((a, b) => a.n - b.n);
  const dropped = new Set<number>();
  for (const { i, n } of order) {
    if (total <= max || dropped.size === lines.length - 1) break;
    dropped.add(i);
    total -= n;
  }
  return lines.filter((_, i) => !dropped.has(i));
}

/**
 * An H3 cell as a convex polygon on the local plane around its centre (metres), to tell cheaply and exactly whether
 * a fix is inside it: a fix more than 1 m inside every edge is in the cell without asking H3 (which costs ~1.5 us);
 * one nearer an edge, or outside, is looked up. Most fixes of a track are well inside their cell.
 */
class CellShape {
  private readonly kx: number;
  private readonly ky: number;
  private readonly lon: number;
  private readonly lat: number;
  /** Per edge: start x, y, direction x, y, and 1 / length. */
  private readonly edges: Float64Array;
  private readonly sign: number;

  constructor(readonly cell: string) {
    const [lat, lon] = cellToLatLng(cell);
    this.lon = lon;
    this.lat = lat;
    this.kx = localMetres(lon, lat, lon + 0.001, lat) / 0.001;
    this.ky = localMetres(lon, lat, lon, lat + 0.001) / 0.001;
    const ring = cellToBoundary(cell);
    this.edges = new Float64Array(ring.length * 5);
    for (let i = 0; i < ring.length; i++) {
      const [aLat, aLon] = ring[i];
      const [bLat, bLon] = ring[(i + 1) % ring.length];
      const ax = (aLon - lon) * this.kx;
      const ay = (aLat - lat) * this.ky;
      const dx = (bLon - aLon) * this.kx;
      const dy = (bLat - aLat) * this.ky;
      this.edges.set([ax, ay, dx, dy, 1 / Math.hypot(dx, dy)], i * 5);
    }
    // The centre's side of the first edge is the inside.
    const [ax, ay, dx, dy] = this.edges;
    this.sign = Math.sign(dx * (0 - ay) - dy * (0 - ax));
  }

  /** True only when the fix is certainly inside (more than 1 m from every edge). */
  contains(lon: number, lat: number): boolean {
    const dLon = lon - this.lon;
    if (dLon > 180 || dLon < -180) return false;
    const px = dLon * this.kx;
    const py = (lat - this.lat) * this.ky;
    if (Math.abs(px) > 5_000 || Math.abs(py) > 5_000) return false;
    const e = this.edges;
    for (let i = 0; i < e.length; i += 5) {
      const cross = (e[i + 2] * (py - e[i + 1]) - e[i + 3] * (px - e[i])) * this.sign;
      if (cross * e[i + 4] < 1) return false;
    }
    return true;
  }
}

function plausible(a: Fix, b: Fix): boolean {
  return plausibleAt(a, b, localMetres(a.lon, a.lat, b.lon, b.lat));
}

/** Whether b can follow a at `metres` apart: no faster than MAX_SPEED_MPS (plus GPS noise); untimed fixes always can. */
function plausibleAt(a: Fix, b: Fix, metres: number): boolean {
  if (a.t === null || b.t === null) return true;
  return metres <= (MAX_SPEED_MPS * Math.abs(b.t - a.t)) / 1000 + NOISE_METRES;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function areaOf(cells: readonly FootprintCell[]): number {
  let km2 = 0;
  for (const cell of cells) km2 += cellArea(cell.h3, 'km2');
  return km2;
}

/** A capture that sits at one place (a RINEX station's approximate position): the one cell it is in. */
export function pointFootprint(lon: number, lat: number, start: string | null, end: string | null, source: string): CaptureFootprint | null {
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lon) > 180 || (Math.abs(lon) < 1e-7 && Math.abs(lat) < 1e-7))
    return null;
  const cells = [{ h3: latLngToCell(lat, lon, FOOTPRINT_H3_RES), start, end }];
  return {
    kind: 'point',
    geometry: { type: 'Point', coordinates: [lon, lat] },
    bbox: [lon, lat, lon, lat],
    lengthKm: 0,
    areaKm2: areaOf(cells),
    start,
    end,
    positions: 1,
    dropped: { invalid: 0, nullIsland: 0, jumps: 0 },
    h3Resolution: FOOTPRINT_H3_RES,
    cells,
    source,
  };
}

/**
 * An area (a point cloud's reprojected bounds, densified along each edge) as a footprint: every H3 cell that overlaps
 * the ring, each with the capture's time range. Rings with invalid coordinates, crossing the antimeridian or larger
 * than MAX_POLYGON_KM2 are refused with the reason.
 */
export function polygonFootprint(
  ring: readonly (readonly [number, number])[],
  start: string | null,
  end: string | null,
  source: string,
): { footprint: CaptureFootprint; reason?: undefined } | { footprint: null; reason: string } {
  if (ring.length < 3) return { footprint: null, reason: 'the footprint polygon has fewer than three vertices' };
  if (ring.some(([lon, lat]) => !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lon) > 180)) {
    return { footprint: null, reason: 'the reprojected bounds are not valid WGS84 coordinates' };
  }
  const lons = ring.map(([lon]) => lon);
  const lats = ring.map(([, lat]) => lat);
  const bbox: [number, number, number, number] = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  if (bbox[2] - bbox[0] > 180) return { footprint: null, reason: 'the footprint polygon crosses the antimeridian' };
  const closed = ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? [...ring] : [...ring, ring[0]];
  const approxKm2 = sphericalAreaKm2(closed);
  if (approxKm2 > MAX_POLYGON_KM2) {
    return {
      footprint: null,
      reason: `the footprint covers ${Math.round(approxKm2).toLocaleString('en-US')} km2, more than a point cloud can: the CRS or the header bounds are wrong`,
    };
  }
  const h3s = polygonToCellsExperimental(
    closed.map(([lon, lat]) => [lon, lat]),
    FOOTPRINT_H3_RES,
    POLYGON_TO_CELLS_FLAGS.containmentOverlapping,
    true,
  ).sort();
  const cells = h3s.map((h3) => ({ h3, start, end }));
  const kept = simplifyTo(closed, MAX_MAP_VERTICES);
  return {
    footprint: {
      kind: 'polygon',
      geometry: { type: 'Polygon', coordinates: [kept.map((i) => [closed[i][0], closed[i][1]] as [number, number])] },
      bbox,
      lengthKm: 0,
      areaKm2: areaOf(cells),
      start,
      end,
      positions: ring.length,
      dropped: { invalid: 0, nullIsland: 0, jumps: 0 },
      h3Resolution: FOOTPRINT_H3_RES,
      cells,
      source,
    },
  };
}

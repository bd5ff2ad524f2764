import { compactCells, getHexagonAreaAvg, getResolution, isValidCell, cellToParent, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js';

import { bboxPolygon } from '../common/bbox-polygon.js';
import { FOOTPRINT_H3_RES } from '../ingestion/footprints/footprint.types.js';
import { sphericalAreaKm2 } from '../ingestion/footprints/geodesy.js';

/**
 * A search area (bbox, GeoJSON polygon or H3 cells) as what the cell index answers: ranges of res-8 H3 ids. A cell
 * at resolution r <= 8 is exactly the contiguous range of its res-8 descendants in H3's bit order (the digits below r
 * vary, the rest are fixed), so an area of any size is a short list of B-tree range scans.
 */
export interface SearchArea {
  /** Inclusive ranges of res-8 H3 ids, as decimal strings (bigint parameters). */
  lo: string[];
  hi: string[];
  /** The resolution the area was covered at (8 for small areas; coarser for large ones, so the cover stays small). */
  res: number;
}

/** Refusal of an area, with the reason shown to the caller (a 400). */
export class AreaError extends Error {}

/** Beyond this a query is not a place but a hemisphere: roughly Africa's area. */
export const MAX_AREA_KM2 = 30_000_000;
const MAX_VERTICES = 1_000;
const MAX_QUERY_CELLS = 1_000;
/** Cells the cover of an area may have before a coarser resolution is used. */
const COVER_BUDGET = 4_000;

type Position = [number, number];
type Ring = Position[];

/** minLon,minLat,maxLon,maxLat text (already matched by the DTO's pattern) as numbers, checked for range and order. */
export function parseBBox(text: string): [number, number, number, number] {
  const [w, s, e, n] = text.split(',').map(Number);
  if (w < -180 || e > 180 || s < -90 || n > 90 || w > e || s > n) {
    throw new AreaError('bbox must be minLon,minLat,maxLon,maxLat within -180..180 and -90..90, min before max');
  }
  return [w, s, e, n];
}

export function areaFromBBox(bbox: readonly [number, number, number, number]): SearchArea {
  return areaFromPolygons([bboxPolygon(bbox).coordinates]);
}

/** A GeoJSON Polygon or MultiPolygon geometry (WGS84 lon / lat), validated. */
export function areaFromGeoJson(geometry: unknown): SearchArea {
  if (typeof geometry !== 'object' || geometry === null || Array.isArray(geometry))
    throw new AreaError('polygon must be a GeoJSON Polygon or MultiPolygon object');
  const g = geometry as { type?: unknown; coordinates?: unknown };
  if (g.type === 'Polygon') return areaFromPolygons([rings(g.coordinates)]);
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) throw new AreaError('a MultiPolygon needs at least one polygon');
    return areaFromPolygons(g.coordinates.map(rings));
  }
  throw new AreaError(`polygon must be a GeoJSON Polygon or MultiPolygon, not ${JSON.stringify(g.type ?? null)}`);
}

/** H3 cells of any resolution (a cell finer than 8 counts as its res-8 parent). */
export function areaFromCells(cells: readonly string[]): SearchArea {
  if (cells.length === 0) throw new AreaError('cells must name at least one H3 cell');
  if (cells.length > MAX_QUERY_CELLS) throw new AreaError(`cells may name at most ${MAX_QUERY_CELLS} H3 cells`);
  const normalised = new Set<string>();
  let coarsest = FOOTPRINT_H3_RES;
  for (const cell of cells) {
    if (!/^[0-9a-f]{15,16}$/i.test(cell) || !isValidCell(cell)) throw new AreaError(`${JSON.stringify(cell.slice(0, 40))} is not an H3 cell index`);
    const res = getResolution(cell);
    normalised.add(res > FOOTPRINT_H3_RES ? cellToParent(cell, FOOTPRINT_H3_RES) : cell.toLowerCase());
    coarsest = Math.min(coarsest, res);
  }
  return rangesOf([...normalised], coarsest);
}

function rings(coordinates: unknown): Ring[] {
  if (!Array.isArray(coordinates) || coordinates.length === 0) throw new AreaError('a Polygon needs at least one ring');
  return coordinates.map((ring: unknown, i) => {
    if (!Array.isArray(ring) || ring.length < 4) throw new AreaError(`ring ${i} needs at least four positions (the first repeated last)`);
    return ring.map((position: unknown) => {
      if (!Array.isArray(position) || position.length < 2 || typeof position[0] !== 'number' || typeof position[1] !== 'number') {
        throw new AreaError('every position must be [longitude, latitude] numbers');
      }
      const [lon, lat] = position as [number, number];
      if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
        throw new AreaError('positions must be finite, longitude within -180..180 and latitude within -90..90');
      }
      return [lon, lat] as Position;
    });
  });
}

function areaFromPolygons(polygons: Ring[][]): SearchArea {
  const vertices = polygons.flat().reduce((n, ring) => n + ring.length, 0);
  if (vertices > MAX_VERTICES) throw new AreaError(`an area may have at most ${MAX_VERTICES} vertices (it has ${vertices})`);
  let km2 = 0;
  for (const polygon of polygons) {
    for (const [i, ring] of polygon.entries()) {
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (first[0] !== last[0] || first[1] !== last[1]) throw new AreaError(`ring ${i} is not closed: its last position must repeat its first`);
      const lons = ring.map(([lon]) => lon);
      if (Math.max(...lons) - Math.min(...lons) > 180)
        throw new AreaError('the area crosses the antimeridian (or spans more than 180 degrees of longitude): split it in two');
      if (selfIntersects(ring)) throw new AreaError(`ring ${i} intersects itself`);
    }
    const outer = sphericalAreaKm2(polygon[0]);
    if (outer < 1e-9) throw new AreaError('the area is empty (its ring has no area)');
    km2 += outer;
  }
  if (km2 > MAX_AREA_KM2) {
    throw new AreaError(
      `the area covers ${Math.round(km2).toLocaleString('en-US')} km2, more than a continent (${MAX_AREA_KM2.toLocaleString('en-US')} km2): search a smaller area`,
    );
  }
  // The finest resolution (at most 8) whose cover stays within the budget.
  let res = FOOTPRINT_H3_RES;
  while (res > 0 && km2 / getHexagonAreaAvg(res, 'km2') > COVER_BUDGET) res--;
  const cells = new Set<string>();
  for (const polygon of polygons) {
    for (const cell of polygonToCellsExperimental(polygon, res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true)) cells.add(cell);
  }
  return rangesOf([...cells], res);
}

function rangesOf(cells: string[], res: number): SearchArea {
  const compact = compactCells(cells);
  const ranges = compact.map(res8Range).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  // Adjacent or overlapping ranges merge, so the index is scanned once per run.
  const lo: bigint[] = [];
  const hi: bigint[] = [];
  for (const [l, h] of ranges) {
    if (hi.length > 0 && l <= hi[hi.length - 1] + 1n) {
      if (h > hi[hi.length - 1]) hi[hi.length - 1] = h;
    } else {
      lo.push(l);
      hi.push(h);
    }
  }
  return { lo: lo.map(String), hi: hi.map(String), res };
}

const RES_SHIFT = 52n;
const RES_MASK = 15n << RES_SHIFT;

/** The res-8 ids below a cell of resolution <= 8, as an inclusive range. */
export function res8Range(cell: string): [bigint, bigint] {
  return descendantRange(cell, FOOTPRINT_H3_RES);
}

/**
 * The ids at resolution `res` below a cell of resolution <= res, as an inclusive range: the cell's digits down to its
 * own resolution are fixed, the next ones vary (0 to 6; 7 is never a digit of a cell at res), the rest stay 7.
 */
export function descendantRange(cell: string, res: number): [bigint, bigint] {
  const id = BigInt(`0x${cell}`);
  const own = Number((id & RES_MASK) >> RES_SHIFT);
  const atRes = (id & ~RES_MASK) | (BigInt(res) << RES_SHIFT);
  const free = BigInt((res - own) * 3);
  const below = BigInt((15 - res) * 3);
  const lo = atRes & ~(((1n << free) - 1n) << below);
  return [lo, atRes];
}

/** The H3 id as the database stores it (a signed bigint; H3 ids never set the top bit). */
export function h3ToBigint(cell: string): string {
  return BigInt(`0x${cell}`).toString();
}

export function bigintToH3(id: string | bigint): string {
  return BigInt(id).toString(16);
}

/** Whether any two non-adjacent edges of the closed ring cross (O(n^2); rings are capped at 1,000 vertices). */
function selfIntersects(ring: Ring): boolean {
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsCross(ring[i], ring[i + 1], ring[j], ring[j + 1])) return true;
    }
  }
  return false;
}

function segmentsCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(a, c, b)) || (o2 === 0 && onSegment(a, d, b)) || (o3 === 0 && onSegment(c, a, d)) || (o4 === 0 && onSegment(c, b, d));
}

function orient(p: Position, q: Position, r: Position): number {
  const v = (q[1] - p[1]) * (r[0] - q[0]) - (q[0] - p[0]) * (r[1] - q[1]);
  return v === 0 ? 0 : v > 0 ? 1 : 2;
}

function onSegment(p: Position, q: Position, r: Position): boolean {
  return q[0] <= Math.max(p[0], r[0]) && q[0] >= Math.min(p[0], r[0]) && q[1] <= Math.max(p[1], r[1]) && q[1] >= Math.min(p[1], r[1]);
}

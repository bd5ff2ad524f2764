import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import proj4 from 'proj4';

import { parseWkt, type WktNode } from './wkt.util.js';

/**
 * Reprojection of a point cloud's native bounds to WGS84 (issue 12): the CRS comes from the file (an EPSG code, or
 * OGC WKT when the file names no code), its definition from epsg-index (every EPSG CRS with its PROJ string, one JSON
 * file per code, read on demand), and the arithmetic from proj4. Units are the CRS's own (feet, US survey feet, metres):
 * PROJ strings carry +units / +to_meter, and proj4 reads WKT UNIT nodes.
 */

/** One EPSG entry as epsg-index ships it. */
interface EpsgEntry {
  code: string;
  kind: string;
  name: string;
  proj4?: string;
  /** Area of use as [north, west, south, east] degrees. */
  bbox?: [number, number, number, number];
  unit?: string;
}

const require = createRequire(import.meta.url);
const EPSG_DIR = join(dirname(require.resolve('epsg-index/package.json')), 's');

/** Definitions read so far: a file names a handful of codes, so this stays small; capped all the same. */
const entries = new Map<number, EpsgEntry | null>();
const MAX_CACHED = 512;

/** The EPSG registry's entry for `code`, or null when epsg-index does not know it. */
export function epsgEntry(code: number): EpsgEntry | null {
  if (!Number.isInteger(code) || code <= 0 || code > 999_999) return null;
  const cached = entries.get(code);
  if (cached !== undefined) return cached;
  let entry: EpsgEntry | null;
  try {
    entry = JSON.parse(readFileSync(join(EPSG_DIR, `${code}.json`), 'utf8')) as EpsgEntry;
  } catch {
    entry = null; // no file: a code the registry does not have
  }
  if (entries.size >= MAX_CACHED) entries.clear();
  entries.set(code, entry);
  return entry;
}

/** What the file says its horizontal CRS is; the EPSG code wins over the WKT when both are there. */
export interface CrsSource {
  epsg?: number;
  wkt?: string;
}

export type Transformer = {
  /** Native X / Y (easting / northing, or lon / lat) to WGS84 [lon, lat]. */
  toWgs84(x: number, y: number): [number, number];
  /** WGS84 [lon, lat] back to native X / Y: a position that does not come back was outside the projection's domain. */
  fromWgs84(lon: number, lat: number): [number, number];
  /** How the CRS was resolved, e.g. 'EPSG:2994 (NAD83(HARN) / Oregon GIC Lambert (ft))' or 'WKT "..."'. */
  label: string;
  /** Area of use of the EPSG CRS, [minLon, minLat, maxLon, maxLat], when the registry gives one. */
  areaOfUse?: [number, number, number, number];
};

export type TransformerResult = { transformer: Transformer } | { transformer: null; reason: string };

const WGS84 = '+proj=longlat +datum=WGS84 +no_defs';
/** EPSG kinds that have a horizontal position (a vertical, geocentric or engineering CRS has none to map). */
const HORIZONTAL_KINDS = new Set(['CRS-PROJCRS', 'CRS-GEOGCRS', 'CRS-GEOG3DCRS', 'CRS-COMPOUNDCRS', 'CRS-DRVDCRS']);
const KIND_NAMES: Record<string, string> = { 'CRS-VERTCRS': 'vertical', 'CRS-GCENCRS': 'geocentric', 'CRS-ENGCRS': 'engineering' };

function converter(definition: string, label: string): TransformerResult {
  try {
    const convert = proj4(definition, WGS84);
    const toWgs84 = (x: number, y: number): [number, number] => {
      const [lon, lat] = convert.forward([x, y]);
      return [lon, lat];
    };
    const fromWgs84 = (lon: number, lat: number): [number, number] => {
      const [x, y] = convert.inverse([lon, lat]);
      return [x, y];
    };
    return { transformer: { toWgs84, fromWgs84, label } };
  } catch (error) {
    return { transformer: null, reason: `${label} cannot be used by proj4: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The horizontal part of a compound WKT CRS (proj4 reads PROJCS / GEOGCS, not COMPD_CS), as WKT again. */
function horizontalWkt(root: WktNode): WktNode | undefined {
  if (/^(PROJCS|PROJCRS|PROJECTEDCRS|GEOGCS|GEOGCRS|GEOGRAPHICCRS|GEODCRS|GEODETICCRS)$/.test(root.keyword)) return root;
  if (root.keyword !== 'COMPD_CS' && root.keyword !== 'COMPOUNDCRS') return undefined;
  for (const part of root.args) {
    if (typeof part === 'object') {
      const found = horizontalWkt(part);
      if (found) return found;
    }
  }
  return undefined;
}

/** Writes a parsed WKT node back as WKT 1 text (strings quoted, "" for a quote inside, enums bare). */
export function wktText(node: WktNode): string {
  const args = node.args.map((arg) => {
    if (typeof arg === 'object') return wktText(arg);
    if (typeof arg === 'number') return String(arg);
    return /^[A-Z_][A-Z0-9_]*$/i.test(arg) && node.keyword === 'AXIS' ? arg : `"${arg.replace(/"/g, '""')}"`;
  });
  return `${node.keyword}[${args.join(',')}]`;
}

/**
 * A converter from the file's horizontal CRS to WGS84, or the reason there is none: a code the registry does not
 * know, a vertical / geocentric / engineering CRS, a WKT proj4 cannot read.
 */
export function wgs84Transformer(source: CrsSource): TransformerResult {
  if (source.epsg !== undefined) {
    const entry = epsgEntry(source.epsg);
    if (!entry) return { transformer: null, reason: `EPSG:${source.epsg} is not in the EPSG registry this service ships (epsg-index)` };
    if (!HORIZONTAL_KINDS.has(entry.kind)) {
      const kind = KIND_NAMES[entry.kind] ?? entry.kind;
      return { transformer: null, reason: `EPSG:${source.epsg} (${entry.name}) is a ${kind} CRS, with no horizontal position to map` };
    }
    if (!entry.proj4) return { transformer: null, reason: `the EPSG registry has no PROJ definition for EPSG:${source.epsg} (${entry.name})` };
    // WGS84 itself (EPSG:4326, 4979): the coordinates are already lon / lat, to the last digit.
    if (/^\+proj=longlat \+datum=WGS84 /.test(entry.proj4)) {
      const identity = (x: number, y: number): [number, number] => [x, y];
      return { transformer: { toWgs84: identity, fromWgs84: identity, label: `EPSG:${source.epsg} (${entry.name})` } };
    }
    const result = converter(entry.proj4, `EPSG:${source.epsg} (${entry.name})`);
    if (result.transformer && entry.bbox) {
      const [north, west, south, east] = entry.bbox;
      result.transformer.areaOfUse = [west, south, east, north];
    }
    return result;
  }
  if (source.wkt) {
    const root = parseWkt(source.wkt);
    if (!root) return { transformer: null, reason: 'the CRS WKT cannot be parsed' };
    const horizontal = horizontalWkt(root);
    if (!horizontal) return { transformer: null, reason: `the CRS WKT (${root.keyword}) has no horizontal coordinate system` };
    const name = typeof horizontal.args[0] === 'string' ? horizontal.args[0] : horizontal.keyword;
    return converter(horizontal === root ? source.wkt : wktText(horizontal), `WKT "${name}"`);
  }
  return { transformer: null, reason: 'the file names no coordinate reference system' };
}

/** How many points each edge of a bounds rectangle is cut into, so that a curved projection's edges stay honest. */
export const POINTS_PER_EDGE = 16;

/**
 * The rectangle [minX, minY]-[maxX, maxY] in native coordinates as a closed WGS84 ring, each edge densified to
 * POINTS_PER_EDGE points; or the reason it cannot be drawn (a corner outside the projection's domain).
 */
export function reprojectRectangle(
  transformer: Transformer,
  min: [number, number],
  max: [number, number],
  perEdge = POINTS_PER_EDGE,
): { ring: [number, number][] } | { ring: null; reason: string } {
  const [x0, y0] = min;
  const [x1, y1] = max;
  const corners: [number, number][] = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
  const ring: [number, number][] = [];
  for (let edge = 0; edge < 4; edge++) {
    const [ax, ay] = corners[edge];
    const [bx, by] = corners[(edge + 1) % 4];
    for (let i = 0; i < perEdge; i++) {
      const t = i / perEdge;
      const x = ax + (bx - ax) * t;
      const y = ay + (by - ay) * t;
      let point: [number, number];
      let back: [number, number];
      try {
        point = transformer.toWgs84(x, y);
        back = transformer.fromWgs84(point[0], point[1]);
      } catch (error) {
        return {
          ring: null,
          reason: `the bounds cannot be reprojected from ${transformer.label}: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      const [lon, lat] = point;
      // A position outside the projection's domain comes out as some lon / lat all the same; it does not come back.
      const tolerance = 1e-6 * Math.max(1, Math.abs(x), Math.abs(y));
      const returns = Math.abs(back[0] - x) <= tolerance && Math.abs(back[1] - y) <= tolerance;
      if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90 || !returns) {
        return { ring: null, reason: `the bounds lie outside the domain of ${transformer.label} (a corner reprojects to ${lon}, ${lat})` };
      }
      ring.push(point);
    }
  }
  ring.push([...ring[0]]);
  return { ring };
}

/** [minLon, minLat, maxLon, maxLat] of a ring. */
export function ringBBox(ring: readonly [number, number][]): [number, number, number, number] {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const [lon, lat] of ring) {
    minLon = Math.min(minLon, lon);
    minLat = Math.min(minLat, lat);
    maxLon = Math.max(maxLon, lon);
    maxLat = Math.max(maxLat, lat);
  }
  return [minLon, minLat, maxLon, maxLat];
}

/** A footprint ring of native bounds, with the CRS it came from; or why there is none. */
export type BoundsRing = { ring: [number, number][]; crsLabel: string; warnings: string[] } | { ring: null; reason: string };

/**
 * The WGS84 ring of a native bounds rectangle in the CRS `source` names. A ring that lies wholly outside the EPSG
 * area of use of its CRS is kept, with a warning: the file's CRS is probably not the one its coordinates were made in.
 */
export function boundsRing(source: CrsSource, min: [number, number], max: [number, number]): BoundsRing {
  const resolved = wgs84Transformer(source);
  if (!resolved.transformer) return { ring: null, reason: resolved.reason };
  const { transformer } = resolved;
  const projected = reprojectRectangle(transformer, min, max);
  if (!projected.ring) return projected;
  const warnings: string[] = [];
  const area = transformer.areaOfUse;
  if (area && area[0] <= area[2]) {
    const [minLon, minLat, maxLon, maxLat] = ringBBox(projected.ring);
    const slack = 1; // degrees: areas of use are drawn generously, bounds may reach past them a little
    if (maxLon < area[0] - slack || minLon > area[2] + slack || maxLat < area[1] - slack || minLat > area[3] + slack) {
      warnings.push(
        `the bounds reproject to ${minLon.toFixed(4)}..${maxLon.toFixed(4)} E, ${minLat.toFixed(4)}..${maxLat.toFixed(4)} N, outside the area of use of ${transformer.label}`,
      );
    }
  }
  return { ring: projected.ring, crsLabel: transformer.label, warnings };
}

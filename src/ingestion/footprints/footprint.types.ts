/**
 * Where and when a capture was: extracted by the probes from the file's bytes (issue 12). Tracks come from GPS-bearing
 * formats (GPX, NMEA, DJI SRT, GoPro GPMF, CSV / JSON Lines with position columns, NavSatFix / LocationFix messages),
 * a point from a RINEX header's approximate position, a polygon from a point cloud or mesh with a known CRS.
 */

/** The H3 resolution every footprint is indexed at: cells of ~0.74 km^2 (edge ~0.46 km); see README "Footprints". */
export const FOOTPRINT_H3_RES = 8;

/** How many vertices a footprint's map geometry keeps at most (Douglas-Peucker, then evenly thinned). */
export const MAX_MAP_VERTICES = 500;

/** A GeoJSON geometry in WGS84 [lon, lat] (RFC 7946), as drawn on maps. */
export type FootprintGeometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'MultiPoint'; coordinates: [number, number][] }
  | { type: 'LineString'; coordinates: [number, number][] }
  | { type: 'MultiLineString'; coordinates: [number, number][][] }
  | { type: 'Polygon'; coordinates: [number, number][][] };

/** One H3 cell a capture touched, and the time it spent there (null when the capture has no times). */
export interface FootprintCell {
  /** H3 index as 15 lowercase hex digits (h3-js's string form). */
  h3: string;
  /** ISO-8601 UTC of the first and last fix in the cell (for a polygon or a point: the capture's time range). */
  start: string | null;
  end: string | null;
}

export interface CaptureFootprint {
  /** 'point': one place, or separate places (a MultiPoint of waypoints). */
  kind: 'track' | 'point' | 'polygon';
  /** Simplified geometry for maps (at most MAX_MAP_VERTICES vertices); a track split where it has gaps > 1 km / 5 min. */
  geometry: FootprintGeometry;
  /** [minLon, minLat, maxLon, maxLat] of every kept position (not of the simplified geometry). */
  bbox: [number, number, number, number];
  /** Geodesic length of the full track in km (WGS84 ellipsoid, Vincenty inverse; 0 for a point or polygon). */
  lengthKm: number;
  /** Area of the H3 cells covered, km^2. */
  areaKm2: number;
  /** ISO-8601 UTC of the first and last timed position; null when the positions carry no time. */
  start: string | null;
  end: string | null;
  /** Positions kept (a polygon: its vertices before simplification). */
  positions: number;
  /** Positions dropped as impossible: NaN / out of range, (0, 0), a jump faster than 1,000 km/h. */
  dropped: { invalid: number; nullIsland: number; jumps: number };
  h3Resolution: number;
  /** Every cell at FOOTPRINT_H3_RES the capture touched (a track's segments are walked cell by cell), sorted by h3. */
  cells: FootprintCell[];
  /** Where the positions came from, e.g. 'GPX trkpt', 'NMEA GGA/RMC', 'LAS header bounds, EPSG:2994 reprojected'. */
  source: string;
}

/** GNSS fix quality over a capture's epochs, where the format carries it (NMEA GGA, GPX <fix>/<hdop>, GoPro GPSF/GPSP, RINEX). */
export interface GnssQuality {
  /** Epochs (fixes) the shares are over. */
  epochs: number;
  /** Shares 0..1 of epochs by fix type; they add up to 1 over the epochs whose fix type is known. */
  rtkFixed: number;
  rtkFloat: number;
  dgps: number;
  fix3d: number;
  fix2d: number;
  noFix: number;
  /** Median horizontal dilution of precision; null when no epoch carries it. */
  medianHdop: number | null;
  /** Median satellites used; null when no epoch carries it. */
  medianSatellites: number | null;
  /** GNSS systems seen (RINEX: G, R, E, C, J, I, S), when the format says. */
  systems?: string[];
}

/** The footprint extraction captures are processed with now; captures with an older one are re-read by the backfill. */
export const FOOTPRINT_VERSION = 1;

import { cellToLatLng, gridDistance, isValidCell, latLngToCell } from 'h3-js';

import { FootprintBuilder, GnssQualityAccumulator, pointFootprint, polygonFootprint } from './footprint-builder.js';
import { douglasPeucker, ecefToWgs84, geodesicMetres, localMetres } from './geodesy.js';
import { FOOTPRINT_H3_RES, MAX_MAP_VERTICES } from './footprint.types.js';

/** The footprint of an outcome that must have one. */
function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a footprint');
  return value;
}

const T0 = Date.UTC(2026, 2, 14, 8, 0, 0);
const dms = (d: number, m: number, s: number) => Math.sign(d) * (Math.abs(d) + m / 60 + s / 3600);

describe('geodesy', () => {
  it("gives Vincenty's own test line (Flinders Peak to Buninyong, 54,972.271 m) to the millimetre", () => {
    const metres = geodesicMetres(dms(144, 25, 29.5244), dms(-37, 57, 3.7203), dms(143, 55, 35.3839), dms(-37, 39, 10.1561));
    expect(metres).toBeCloseTo(54972.271, 2);
  });

  it('gives one degree of latitude at the equator as 110,574.389 m (WGS84 meridian arc)', () => {
    expect(geodesicMetres(0, 0, 0, 1)).toBeCloseTo(110574.389, 2);
  });

  it('measures steps up to 2 km within a millimetre of Vincenty, from the equator to the Arctic', () => {
    for (const lat of [0, 23.4, 45.75, 60.2, 78.2]) {
      for (const [dLon, dLat] of [
        [0.0001, 0],
        [0, 0.01],
        [0.012, -0.009],
        [-0.02, 0.005],
      ]) {
        expect(Math.abs(localMetres(14, lat, 14 + dLon, lat + dLat) - geodesicMetres(14, lat, 14 + dLon, lat + dLat))).toBeLessThan(0.001);
      }
    }
  });

  it('turns ECEF X / Y / Z into WGS84 lon / lat / height and back', () => {
    const a = 6378137;
    const e2 = (1 / 298.257223563) * (2 - 1 / 298.257223563);
    const [lon, lat, h] = [14.5058, 46.0569, 295.3];
    const rad = Math.PI / 180;
    const n = a / Math.sqrt(1 - e2 * Math.sin(lat * rad) ** 2);
    const x = (n + h) * Math.cos(lat * rad) * Math.cos(lon * rad);
    const y = (n + h) * Math.cos(lat * rad) * Math.sin(lon * rad);
    const z = (n * (1 - e2) + h) * Math.sin(lat * rad);
    const back = ecefToWgs84(x, y, z);
    expect(back.lon).toBeCloseTo(lon, 10);
    expect(back.lat).toBeCloseTo(lat, 10);
    expect(back.height).toBeCloseTo(h, 4);
    // At the North Pole (x = y = 0): latitude 90, height above the ellipsoid's polar radius.
    const pole = ecefToWgs84(0, 0, 6356752.314245 + 100);
    expect(pole.lat).toBeCloseTo(90, 10);
    expect(pole.height).toBeCloseTo(100, 4);
  });

  it('keeps the corner of an L and drops the points on its straight legs', () => {
    const points: [number, number][] = [];
    for (let i = 0; i <= 10; i++) points.push([14 + i * 0.001, 46]);
    for (let i = 1; i <= 10; i++) points.push([14.01, 46 + i * 0.001]);
    expect(douglasPeucker(points, 1)).toEqual([0, 10, 20]);
  });
});

/** A drive heading east along a latitude at `kmh`, one fix a second. */
function drive(builder: FootprintBuilder, lon0: number, lat: number, seconds: number, kmh: number, t0 = T0): number {
  const degPerSecond = kmh / 3.6 / (111320 * Math.cos((lat * Math.PI) / 180));
  for (let s = 0; s <= seconds; s++) builder.add(lon0 + s * degPerSecond, lat, t0 + s * 1000);
  return lon0 + seconds * degPerSecond;
}

describe('FootprintBuilder', () => {
  it('measures a drive, walks its cells in order and gives each the time spent there', () => {
    const builder = new FootprintBuilder('test');
    drive(builder, 11.5, 48.14, 600, 60); // 10 minutes at 60 km/h: 10 km east across Munich
    const { footprint, warnings } = builder.finish();
    expect(warnings).toEqual([]);
    expect(footprint).not.toBeNull();
    const fp = present(footprint);
    expect(fp.kind).toBe('track');
    expect(fp.lengthKm).toBeCloseTo(10, 1);
    expect(fp.start).toBe(new Date(T0).toISOString());
    expect(fp.end).toBe(new Date(T0 + 600_000).toISOString());
    expect(fp.positions).toBe(601);
    expect(fp.h3Resolution).toBe(FOOTPRINT_H3_RES);
    // Res-8 hexagons have ~0.46 km edges: a 10 km line crosses on the order of 15 to 30 of them.
    expect(fp.cells.length).toBeGreaterThan(12);
    expect(fp.cells.length).toBeLessThan(40);
    expect(fp.cells.every((c) => isValidCell(c.h3))).toBe(true);
    expect(fp.cells.map((c) => c.h3)).toEqual([...fp.cells.map((c) => c.h3)].sort());
    const byTime = [...fp.cells].sort((a, b) => String(a.start).localeCompare(String(b.start)));
    expect(byTime.map((c) => cellToLatLng(c.h3)[1])).toEqual([...byTime.map((c) => cellToLatLng(c.h3)[1])].sort((a, b) => a - b));
    for (const c of fp.cells) expect(String(c.start) <= String(c.end)).toBe(true);
    // A straight line simplifies to its ends.
    expect(fp.geometry).toEqual({ type: 'LineString', coordinates: [[11.5, 48.14], expect.any(Array)] });
  });

  it('fills the cells between sparse fixes so a track logged every minute still covers its road', () => {
    const builder = new FootprintBuilder('test');
    for (let m = 0; m <= 10; m++) builder.add(11.5 + m * 0.02, 48.14, T0 + m * 60_000); // ~1.5 km a minute
    const fp = present(builder.finish().footprint);
    const cells = fp.cells.map((c) => c.h3);
    // Every cell but the last has a neighbour in the set: the walk left no holes.
    for (const c of cells) expect(cells.some((o) => o !== c && gridDistance(o, c) === 1)).toBe(true);
    expect(cells).toContain(latLngToCell(48.14, 11.51, FOOTPRINT_H3_RES));
  });

  it('drops NaN, out-of-range and (0, 0) fixes and impossible jumps, counts them and says so', () => {
    const builder = new FootprintBuilder('test');
    const end = drive(builder, 14.3, 45.75, 60, 40);
    builder.add(NaN, 45.75, T0 + 61_000);
    builder.add(14.3, 95, T0 + 62_000);
    builder.add(0, 0, T0 + 63_000);
    builder.add(end + 5, 45.75, T0 + 64_000); // ~390 km in 4 s
    builder.add(end + 0.0005, 45.75, T0 + 65_000);
    const { footprint, warnings } = builder.finish();
    expect(present(footprint).dropped).toEqual({ invalid: 2, nullIsland: 1, jumps: 1 });
    expect(present(footprint).bbox[2]).toBeLessThan(end + 0.001);
    expect(warnings).toEqual([
      '4 position(s) dropped from the footprint: 2 not a valid latitude / longitude, 1 at (0, 0), 1 an impossible jump (faster than 1,000 km/h).',
    ]);
  });

  it('drops a wild first fix instead of everything after it', () => {
    const builder = new FootprintBuilder('test');
    builder.add(-70, 10, T0 - 1000);
    drive(builder, 14.3, 45.75, 30, 40);
    const { footprint } = builder.finish();
    expect(present(footprint).bbox[0]).toBeCloseTo(14.3, 6);
    expect(present(footprint).dropped.jumps).toBe(1);
    expect(present(footprint).positions).toBe(31);
  });

  it('restarts where consistent fixes say the vehicle really is, and breaks the line at a long pause', () => {
    const builder = new FootprintBuilder('test');
    drive(builder, 14.3, 45.75, 30, 40);
    drive(builder, 14.5, 45.75, 30, 40, T0 + 3_600_000); // an hour later, 15 km away
    const fp = present(builder.finish().footprint);
    expect(fp.geometry.type).toBe('MultiLineString');
    expect(fp.positions).toBe(62);
    expect(fp.lengthKm).toBeCloseTo((2 * (30 * 40)) / 3600, 1); // the pause is not driven
  });

  it('keeps memory bounded and the map geometry under its vertex budget for tens of thousands of fixes (the buffer thins past 20,000)', () => {
    const builder = new FootprintBuilder('test');
    let lon = 11.5;
    let lat = 48.1;
    let heading = 0;
    for (let s = 0; s < 60_000; s++) {
      heading += Math.sin(s / 500) * 0.01;
      lon += Math.cos(heading) * 0.00005;
      lat += Math.sin(heading) * 0.00003;
      builder.add(lon, lat, T0 + s * 1000);
    }
    const fp = present(builder.finish().footprint);
    const vertices = fp.geometry.type === 'LineString' ? fp.geometry.coordinates.length : 0;
    expect(vertices).toBeGreaterThan(50);
    expect(vertices).toBeLessThanOrEqual(MAX_MAP_VERTICES);
    expect(fp.positions).toBe(60_000);
  });

  it('says why there is no footprint', () => {
    expect(new FootprintBuilder('test').finish()).toEqual({
      footprint: null,
      reason: 'the file holds no position fixes',
      warnings: [],
      quality: null,
    });
    const zeros = new FootprintBuilder('test');
    zeros.add(0, 0, T0);
    expect(zeros.finish().reason).toBe('every position in the file was invalid or impossible');
  });

  it('draws a single fix as a point and untimed fixes without times', () => {
    const one = new FootprintBuilder('test');
    one.add(14.5, 46.05, null);
    const fp = present(one.finish().footprint);
    expect(fp.kind).toBe('point');
    expect(fp.geometry).toEqual({ type: 'Point', coordinates: [14.5, 46.05] });
    expect(fp.cells).toEqual([{ h3: latLngToCell(46.05, 14.5, FOOTPRINT_H3_RES), start: null, end: null }]);
  });
});

describe('separate places', () => {
  it('keeps waypoints apart: no line, no length, no cells walked between them', () => {
    const builder = new FootprintBuilder('test', { points: true });
    builder.add(14.5, 46.05, T0);
    builder.add(14.6, 46.1, T0 + 1000);
    builder.add(11.58, 48.14, T0 + 2000);
    const fp = present(builder.finish().footprint);
    expect(fp.kind).toBe('point');
    expect(fp.geometry).toEqual({
      type: 'MultiPoint',
      coordinates: [
        [14.5, 46.05],
        [14.6, 46.1],
        [11.58, 48.14],
      ],
    });
    expect(fp.lengthKm).toBe(0);
    expect(fp.cells).toHaveLength(3);
    expect(fp.dropped.jumps).toBe(0);
  });

  it('keeps tens of thousands of places within the map budget', () => {
    const builder = new FootprintBuilder('test', { points: true });
    for (let i = 0; i < 30_000; i++) builder.add(14 + (i % 200) * 0.001, 46 + Math.floor(i / 200) * 0.001, T0 + i * 1000);
    const fp = present(builder.finish().footprint);
    expect(fp.positions).toBe(30_000);
    expect(fp.geometry.type).toBe('MultiPoint');
    const n = fp.geometry.type === 'MultiPoint' ? fp.geometry.coordinates.length : 0;
    expect(n).toBeGreaterThan(100);
    expect(n).toBeLessThanOrEqual(MAX_MAP_VERTICES);
  });
});

describe('GNSS quality', () => {
  it('gives shares by fix type, and median HDOP and satellites', () => {
    const q = new GnssQualityAccumulator();
    for (let i = 0; i < 9; i++) q.add({ fix: 'rtk-fixed', hdop: 0.6 + i * 0.1, satellites: 20 });
    q.add({ fix: 'rtk-float', hdop: 3.2, satellites: 7 });
    expect(q.result(['G', 'E'])).toEqual({
      epochs: 10,
      rtkFixed: 0.9,
      rtkFloat: 0.1,
      dgps: 0,
      fix3d: 0,
      fix2d: 0,
      noFix: 0,
      medianHdop: 1,
      medianSatellites: 20,
      systems: ['E', 'G'],
    });
    expect(new GnssQualityAccumulator().result()).toBeNull();
  });
});

describe('point and polygon footprints', () => {
  it('puts a station in its cell', () => {
    const fp = present(pointFootprint(14.5, 46.05, '2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z', 'RINEX APPROX POSITION XYZ'));
    expect(fp.cells).toEqual([{ h3: latLngToCell(46.05, 14.5, 8), start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T01:00:00.000Z' }]);
    expect(pointFootprint(0, 0, null, null, 'x')).toBeNull();
  });

  it('covers an area with every cell that overlaps it', () => {
    // ~1.1 km x 1.1 km in Eugene, Oregon.
    const ring: [number, number][] = [
      [-123.075, 44.05],
      [-123.061, 44.05],
      [-123.061, 44.06],
      [-123.075, 44.06],
    ];
    const result = polygonFootprint(ring, null, null, 'test');
    expect(result.footprint).not.toBeNull();
    const fp = present(result.footprint);
    expect(fp.kind).toBe('polygon');
    expect(fp.areaKm2).toBeGreaterThan(1.1);
    expect(fp.cells.map((c) => c.h3)).toContain(latLngToCell(44.055, -123.068, 8));
    expect(fp.bbox).toEqual([-123.075, 44.05, -123.061, 44.06]);
  });

  it('refuses polygons that are not a point cloud: invalid, antimeridian-crossing, continent-sized', () => {
    expect(
      polygonFootprint(
        [
          [0, 0],
          [1, 1],
        ],
        null,
        null,
        't',
      ).reason,
    ).toMatch(/fewer than three/);
    expect(
      polygonFootprint(
        [
          [0, 0],
          [1, NaN],
          [1, 1],
        ],
        null,
        null,
        't',
      ).reason,
    ).toMatch(/not valid WGS84/);
    expect(
      polygonFootprint(
        [
          [-179, 0],
          [179, 0],
          [179, 1],
          [-179, 1],
        ],
        null,
        null,
        't',
      ).reason,
    ).toMatch(/antimeridian/);
    expect(
      polygonFootprint(
        [
          [0, 40],
          [20, 40],
          [20, 50],
          [0, 50],
        ],
        null,
        null,
        't',
      ).reason,
    ).toMatch(/km2, more than a point cloud/);
  });
});

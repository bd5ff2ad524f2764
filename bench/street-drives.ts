/**
 * Realistic drives for bench:search: random walks over a city's street grid, run through the real FootprintBuilder,
 * so the search index holds the cells (and the time spent in each) that a real capture of such a drive would have.
 *
 * A city's streets are a grid rotated by a city-specific angle, with blocks of 100-200 m (different along and across).
 * A drive starts at an intersection a few km from the centre (normally distributed), heads along a street, and at every
 * intersection goes straight, turns left or turns right (never back), preferring the ways towards a destination 2-6 km
 * off (a new one once it is within 300 m), as an errand or a delivery run does; it cruises at 30-60 km/h (its own speed, with
 * +-15% from block to block and a slow-down to turn), logs a fix every 1 or 2 s with ~3 m of GNSS noise, and lasts
 * 200-600 fixes. Everything is deterministic in (city, drive number).
 */
import { FootprintBuilder } from '../src/ingestion/footprints/footprint-builder.js';
import type { CaptureFootprint } from '../src/ingestion/footprints/footprint.types.js';
import { h3ToBigint } from '../src/catalog/search-area.js';

/** Deterministic pseudo-random numbers in [0, 1), so two runs seed and query the same data. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A standard normal deviate (Box-Muller). */
function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

const METRES_PER_DEGREE = 111_320;

interface StreetGrid {
  lon: number;
  lat: number;
  /** Grid rotation, radians. */
  angle: number;
  /** Block lengths along the grid's two axes, metres. */
  block: [number, number];
}

function streetGrid(city: number, [lon, lat]: [number, number]): StreetGrid {
  const next = random(1_000_003 * (city + 1));
  return { lon, lat, angle: next() * (Math.PI / 2), block: [100 + next() * 100, 100 + next() * 100] };
}

/** Grid metres (along the rotated axes) to WGS84 degrees. */
function toLonLat(grid: StreetGrid, u: number, v: number): [number, number] {
  const x = u * Math.cos(grid.angle) - v * Math.sin(grid.angle);
  const y = u * Math.sin(grid.angle) + v * Math.cos(grid.angle);
  return [grid.lon + x / (METRES_PER_DEGREE * Math.cos((grid.lat * Math.PI) / 180)), grid.lat + y / METRES_PER_DEGREE];
}

/** One drive's fixes: [lon, lat, milliseconds since t0]. */
export function driveFixes(city: number, centre: [number, number], drive: number): [number, number, number][] {
  const grid = streetGrid(city, centre);
  const next = random(7_919 * (city + 1) + 104_729 * (drive + 1));
  // Start a few km from the centre, at an intersection.
  let i = Math.round((gaussian(next) * 4000) / grid.block[0]);
  let j = Math.round((gaussian(next) * 4000) / grid.block[1]);
  const directions: [number, number][] = [
    [1, 0],
    [0, 1],
    [-1, 0],
    [0, -1],
  ];
  let heading = Math.floor(next() * 4);
  const destination = (): [number, number] => {
    const angle = next() * 2 * Math.PI;
    const distance = 2000 + next() * 4000;
    return [i * grid.block[0] + distance * Math.cos(angle), j * grid.block[1] + distance * Math.sin(angle)];
  };
  let goal = destination();
  const cruise = (30 + next() * 30) / 3.6;
  const interval = next() < 0.5 ? 1000 : 2000;
  const count = 200 + Math.floor(next() * 401);
  const fixes: [number, number, number][] = [];
  // Position along the current block, metres from its start intersection.
  let along = 0;
  let speed = cruise * (0.85 + next() * 0.3);
  for (let n = 0; n < count; n++) {
    const [di, dj] = directions[heading];
    const length = grid.block[di === 0 ? 1 : 0];
    const u = (i + (di * along) / length) * grid.block[0];
    const v = (j + (dj * along) / length) * grid.block[1];
    const [lon, lat] = toLonLat(grid, u + gaussian(next) * 3, v + gaussian(next) * 3);
    fixes.push([lon, lat, n * interval]);
    along += (speed * interval) / 1000;
    while (along >= length) {
      // At the next intersection: straight on (60%), left or right (20% each); slower out of a turn.
      along -= grid.block[directions[heading][0] === 0 ? 1 : 0];
      i += directions[heading][0];
      j += directions[heading][1];
      const [gu, gv] = [goal[0] - i * grid.block[0], goal[1] - j * grid.block[1]];
      if (Math.hypot(gu, gv) < 300) goal = destination();
      // Straight on, left or right, each weighted 1 plus twice how much it points towards the destination.
      const weights = [0, 1, 3].map((turn) => {
        const [ti, tj] = directions[(heading + turn) % 4];
        return 1 + (2 * Math.max(0, ti * gu + tj * gv)) / (Math.hypot(gu, gv) || 1);
      });
      const pick = next() * (weights[0] + weights[1] + weights[2]);
      const turn = pick < weights[0] ? 0 : pick < weights[0] + weights[1] ? 1 : 3;
      heading = (heading + turn) % 4;
      speed = cruise * (turn === 0 ? 0.85 + next() * 0.3 : 0.6);
      along = Math.min(along, grid.block[directions[heading][0] === 0 ? 1 : 0] - 1);
    }
  }
  return fixes;
}

/** The real footprint of a drive started at t0 (ms since the epoch). */
export function driveFootprint(city: number, centre: [number, number], drive: number, t0: number): CaptureFootprint {
  const builder = new FootprintBuilder('bench street drive');
  for (const [lon, lat, t] of driveFixes(city, centre, drive)) builder.add(lon, lat, t0 + t);
  const { footprint, reason } = builder.finish();
  if (footprint === null) throw new Error(`drive ${city}/${drive} has no footprint: ${reason ?? 'no reason'}`);
  return footprint;
}

/** A drive as the seed's pool holds it: res-8 cells (bigint ids) and the seconds after t0 spent in each. */
export interface PooledDrive {
  city: number;
  drive: number;
  cells: string[];
  start: number[];
  end: number[];
  seconds: number;
  lengthKm: number;
  bbox: [number, number, number, number];
}

export function pooledDrive(city: number, centre: [number, number], drive: number): PooledDrive {
  const footprint = driveFootprint(city, centre, drive, 0);
  const seconds = (iso: string | null) => (iso === null ? 0 : Date.parse(iso) / 1000);
  return {
    city,
    drive,
    cells: footprint.cells.map((c) => h3ToBigint(c.h3)),
    start: footprint.cells.map((c) => seconds(c.start)),
    end: footprint.cells.map((c) => seconds(c.end ?? c.start)),
    seconds: seconds(footprint.end),
    lengthKm: footprint.lengthKm,
    bbox: footprint.bbox,
  };
}

/**
 * A city district as a buyer draws it: an irregular 6-8 vertex ring 2-4 km across, a few km from the city's centre
 * (where the drives are), closed on its first vertex.
 */
export function districtRing(next: () => number, [lon, lat]: [number, number]): [number, number][] {
  const metresPerLon = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  const cx = lon + ((next() - 0.5) * 6000) / metresPerLon;
  const cy = lat + ((next() - 0.5) * 6000) / METRES_PER_DEGREE;
  const radius = 1000 + next() * 1000;
  const vertices = 6 + Math.floor(next() * 3);
  // Angles increase around the centre, so the ring is simple (star-shaped) however irregular the radii.
  const ring = Array.from({ length: vertices }, (_, k): [number, number] => {
    const angle = (2 * Math.PI * (k + 0.1 + next() * 0.8)) / vertices;
    const r = radius * (0.6 + next() * 0.4);
    return [Number((cx + (r * Math.cos(angle)) / metresPerLon).toFixed(6)), Number((cy + (r * Math.sin(angle)) / METRES_PER_DEGREE).toFixed(6))];
  });
  ring.push(ring[0]);
  return ring;
}

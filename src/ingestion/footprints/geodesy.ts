/** Geodesy on the WGS84 ellipsoid for footprints: distances, ECEF conversion, line simplification. */

const A = 6378137;
const F = 1 / 298.257223563;
const B = A * (1 - F);
const E2 = F * (2 - F);
const RAD = Math.PI / 180;

/** Great-circle distance in metres on a sphere of the WGS84 mean radius (for speed checks and tolerances). */
export function haversineMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Distance in metres between two nearby points on the WGS84 ellipsoid, from the meridian and prime-vertical radii of
 * curvature at their mean latitude: within a millimetre of Vincenty for the metres-to-kilometres steps between fixes,
 * at a fraction of the cost (one sine, one cosine). Longer steps go to geodesicMetres.
 */
export function localMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const phi = ((lat1 + lat2) / 2) * RAD;
  const sin = Math.sin(phi);
  const w2 = 1 - E2 * sin * sin;
  const n = A / Math.sqrt(w2);
  const m = (n * (1 - E2)) / w2;
  let dLon = lon2 - lon1;
  if (dLon > 180) dLon -= 360;
  else if (dLon < -180) dLon += 360;
  return Math.hypot(m * (lat2 - lat1) * RAD, n * Math.cos(phi) * dLon * RAD);
}

/** Steps between fixes shorter than this are measured by localMetres (within a millimetre of Vincenty). */
export const LOCAL_LIMIT_METRES = 2000;

/**
 * Geodesic distance in metres on the WGS84 ellipsoid (Vincenty's inverse formula, accurate to well under a millimetre).
 * Near-antipodal points where it does not converge fall back to the spherical distance, which no track segment is.
 */
export function geodesicMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  if (lon1 === lon2 && lat1 === lat2) return 0;
  const L = (lon2 - lon1) * RAD;
  const U1 = Math.atan((1 - F) * Math.tan(lat1 * RAD));
  const U2 = Math.atan((1 - F) * Math.tan(lat2 * RAD));
  const sinU1 = Math.sin(U1);
  const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2);
  const cosU2 = Math.cos(U2);
  let lambda = L;
  for (let i = 0; i < 100; i++) {
    const sinLambda = Math.sin(lambda);
    const cosLambda = Math.cos(lambda);
    const sinSigma = Math.sqrt((cosU2 * sinLambda) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cosLambda) ** 2);
    if (sinSigma === 0) return 0;
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
    const sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
    const cos2Alpha = 1 - sinAlpha * sinAlpha;
    const cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha;
    const C = (F / 16) * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha));
    const previous = lambda;
    lambda = L + (1 - C) * F * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda - previous) < 1e-12) {
      const u2 = (cos2Alpha * (A * A - B * B)) / (B * B);
      const bigA = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
      const bigB = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
      const deltaSigma =
        bigB *
        sinSigma *
        (cos2SigmaM +
          (bigB / 4) *
            (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
              (bigB / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
      return B * bigA * (sigma - deltaSigma);
    }
  }
  return haversineMetres(lon1, lat1, lon2, lat2);
}

/** Earth-centred, earth-fixed X / Y / Z in metres (e.g. a RINEX APPROX POSITION XYZ) to WGS84 lon / lat / height. */
export function ecefToWgs84(x: number, y: number, z: number): { lon: number; lat: number; height: number } {
  const lon = Math.atan2(y, x);
  const p = Math.hypot(x, y);
  // Bowring's start, then Newton-style iteration to full double precision.
  let lat = Math.atan2(z, p * (1 - E2));
  let height = 0;
  for (let i = 0; i < 10; i++) {
    const sinLat = Math.sin(lat);
    const n = A / Math.sqrt(1 - E2 * sinLat * sinLat);
    // p cos(lat) + z sin(lat) - a sqrt(1 - e^2 sin^2 lat): the height without dividing by cos(lat), so the poles work.
    height = p * Math.cos(lat) + z * sinLat - A * Math.sqrt(1 - E2 * sinLat * sinLat);
    const next = Math.atan2(z, p * (1 - (E2 * n) / (n + height)));
    if (Math.abs(next - lat) < 1e-14) {
      lat = next;
      break;
    }
    lat = next;
  }
  return { lon: lon / RAD, lat: lat / RAD, height };
}

/** Local planar metres per degree of lon / lat around a latitude (for tolerances on small extents). */
function scales(lat: number): [number, number] {
  return [111320 * Math.cos(lat * RAD), 110574];
}

/** Distance in metres from point i to the segment first..last, on the local plane. */
function offset(points: readonly (readonly [number, number])[], i: number, first: number, last: number, kx: number, ky: number): number {
  const ax = points[first][0] * kx;
  const ay = points[first][1] * ky;
  const dx = points[last][0] * kx - ax;
  const dy = points[last][1] * ky - ay;
  const px = points[i][0] * kx;
  const py = points[i][1] * ky;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function farthest(points: readonly (readonly [number, number])[], first: number, last: number, kx: number, ky: number): [number, number] {
  let worst = -1;
  let worstDistance = -1;
  for (let i = first + 1; i < last; i++) {
    const distance = offset(points, i, first, last, kx, ky);
    if (distance > worstDistance) {
      worst = i;
      worstDistance = distance;
    }
  }
  return [worst, worstDistance];
}

/**
 * Douglas-Peucker on lon / lat treated locally as a plane scaled by cos(lat) (tolerance in metres), iterative so a
 * long track never overflows the stack. Returns the indices kept, first and last always among them.
 */
export function douglasPeucker(points: readonly (readonly [number, number])[], toleranceMetres: number): number[] {
  const n = points.length;
  if (n <= 2) return points.map((_, i) => i);
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const [kx, ky] = scales(points[Math.floor(n / 2)][1]);
  const stack: [number, number][] = [[0, n - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop() as [number, number];
    const [worst, distance] = farthest(points, first, last, kx, ky);
    if (worst >= 0 && distance > toleranceMetres) {
      keep[worst] = 1;
      stack.push([first, worst], [worst, last]);
    }
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) kept.push(i);
  return kept;
}

/**
 * Douglas-Peucker by budget: splits the part with the largest deviation first until `max` vertices are kept (or the
 * rest deviates by under 1 cm). The result is what Douglas-Peucker keeps at the tolerance that gives `max` vertices,
 * found in one pass: O(n x max) at worst, never O(n^2).
 */
export function simplifyTo(points: readonly (readonly [number, number])[], max: number): number[] {
  const n = points.length;
  if (n <= Math.max(2, max)) return points.map((_, i) => i);
  const [kx, ky] = scales(points[Math.floor(n / 2)][1]);
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  let kept = 2;
  // A max-heap of [distance, worst, first, last].
  const heap: [number, number, number, number][] = [];
  const push = (first: number, last: number) => {
    if (last - first < 2) return;
    const [worst, distance] = farthest(points, first, last, kx, ky);
    heap.push([distance, worst, first, last]);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (heap[parent][0] >= heap[i][0]) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  };
  const pop = (): [number, number, number, number] => {
    const top = heap[0];
    const last = heap.pop() as [number, number, number, number];
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l][0] > heap[m][0]) m = l;
        if (r < heap.length && heap[r][0] > heap[m][0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  push(0, n - 1);
  while (kept < max && heap.length > 0) {
    const [distance, worst, first, last] = pop();
    if (distance < 0.01) break;
    keep[worst] = 1;
    kept++;
    push(first, worst);
    push(worst, last);
  }
  const indices: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) indices.push(i);
  return indices;
}

/** Area of a lon / lat ring on the sphere (km^2), by the spherical excess formula d3 and turf use. */
export function sphericalAreaKm2(ring: readonly (readonly [number, number])[]): number {
  const rad = Math.PI / 180;
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [lon1, lat1] = ring[i];
    const [lon2, lat2] = ring[i + 1];
    sum += (lon2 - lon1) * rad * (2 + Math.sin(lat1 * rad) + Math.sin(lat2 * rad));
  }
  return Math.abs((sum * 6371.0088 * 6371.0088) / 2);
}

/**
 * What one DJI SRT subtitle (a frame's text, tags stripped) says, read the same way by the probe (srt.probe.ts) and
 * by the table preview. Firmwares differ: `[latitude: 41.42] [longitude: 2.16] [altitude: 27.3]` (Mini / Air 2,
 * sometimes spelt `longtitude`, with `rel_alt` / `abs_alt`), `GPS(lon,lat,n)` with `HOME(...)` and `BAROMETER:1.9`
 * (Phantom), `GPS (lon, lat, n)` with `D 24.16m, H 6.10m, H.S 0.00m/s, V.S 0.00m/s` (Mavic 2, Mini). Consumer
 * firmwares give the longitude first, and a third value without a unit that is not an altitude (16-19 on real files:
 * never read as one). Enterprise aircraft (Matrice 300 / 30, Mavic 3 Enterprise) write `GPS(lat,lon,altM)
 * BAROMETER:hM`: latitude first, metres marked; the unit tells the variants apart, and a first value beyond 90 can only
 * be a longitude. BAROMETER, `rel_alt` and `H` are heights above the take-off point; `abs_alt`, `[altitude: ]` and the
 * enterprise GPS altitude are altitudes; `D` is the distance from the home point.
 */

const NUMBER = String.raw`[-+]?\d+(?:\.\d+)?`;
const LATITUDE = new RegExp(String.raw`\[\s*latitude\s*:\s*(${NUMBER})\s*\]`, 'i');
const LONGITUDE = new RegExp(String.raw`\[\s*longt?itude\s*:\s*(${NUMBER})\s*\]`, 'i');
const GPS = new RegExp(String.raw`\bGPS\s*\(\s*(${NUMBER})\s*,\s*(${NUMBER})(?:\s*,\s*(${NUMBER})\s*([mM])?)?`);
const ALTITUDE = new RegExp(String.raw`\[\s*altitude\s*:\s*(${NUMBER})|\babs_alt\s*:\s*(${NUMBER})`, 'i');
const RELATIVE = new RegExp(String.raw`\brel_alt\s*:\s*(${NUMBER})|\bH\s+(${NUMBER})\s*m\b|\bBAROMETER\s*:\s*(${NUMBER})`, 'i');
const DISTANCE = new RegExp(String.raw`\bD\s+(${NUMBER})\s*m\b`);
const HORIZONTAL_SPEED = new RegExp(String.raw`\bH\.S\s+(${NUMBER})\s*m/s`);
const VERTICAL_SPEED = new RegExp(String.raw`\bV\.S\s+(${NUMBER})\s*m/s`);
const DATE_TIME = /(\d{4})[-./](\d{1,2})[-./](\d{1,2})[ T]+(\d{1,2}):(\d{2}):(\d{2})(?:[,.](\d{1,3})\d*)?/;
/** Telemetry words that tell a DJI sidecar from a film's subtitles. */
export const DJI_MARKERS = /SrtCnt|\[\s*latitude\s*:|\[\s*longt?itude\s*:|\bGPS\s*\(|\bHOME\s*\(|\[\s*iso\s*:|\bF\/\d[\d.]*,\s*SS\s/i;

export interface SrtFrame {
  lat?: number;
  lon?: number;
  /** How GPS(...) gave the position, when it did: latitude first (enterprise) or longitude first (consumer). */
  gpsOrder?: 'lat,lon' | 'lon,lat';
  /** A consumer GPS(lon, lat, n)'s third value: not an altitude. */
  gpsThirdValue?: number;
  /** Metres above sea level: `[altitude: ]`, `abs_alt`, or an enterprise GPS(lat, lon, altM). */
  altitude?: number;
  /** Metres above the take-off point: `rel_alt`, `H ..m` or `BAROMETER`. */
  heightAboveTakeoff?: number;
  /** Metres from the home point (`D ..m`). */
  distanceFromHome?: number;
  /** Metres per second (`H.S`, `V.S`); absent where the firmware writes n/a. */
  horizontalSpeed?: number;
  verticalSpeed?: number;
  /** The aircraft's local date-time, as epoch ms read as if UTC (the file names no zone). */
  localTime?: number;
  /** Whether the text carries a position, a date or a DJI telemetry word. */
  telemetry: boolean;
}

/** `2022-05-01 15:01:58,531,716` to epoch ms (read as if UTC); undefined for none, or an impossible date. */
function localDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Number(((m.at(7) ?? '') + '000').slice(0, 3));
  const value = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const date = new Date(value);
  if (date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59 || y < 2000 || y > 2100) return undefined;
  return value;
}

/** Epoch ms read as UTC back to ISO-8601 without a zone: the aircraft's local time. */
export const localIso = (ms: number) => new Date(ms).toISOString().replace('Z', '');

const numberIn = (pattern: RegExp, text: string): number | undefined => {
  const m = pattern.exec(text);
  if (!m) return undefined;
  // The first of the pattern's alternatives that matched (an alternative that did not leaves its group undefined).
  for (let i = 1; i < m.length; i += 1) {
    const group = m.at(i);
    if (group !== undefined) return Number(group);
  }
  return undefined;
};

/** Reads one subtitle's text (its markup already stripped). */
export function readSrtFrame(text: string): SrtFrame {
  const frame: SrtFrame = { telemetry: false };
  const latM = LATITUDE.exec(text);
  const lonM = LONGITUDE.exec(text);
  const gps = GPS.exec(text);
  if (latM && lonM) {
    frame.lat = Number(latM[1]);
    frame.lon = Number(lonM[1]);
  } else if (gps) {
    const [first, second] = [Number(gps[1]), Number(gps[2])];
    const third = gps.at(3);
    const metres = gps.at(4) !== undefined;
    // Enterprise: GPS(lat, lon, altM), metres marked; consumer: GPS(lon, lat, n). Past 90 it is a longitude.
    const latFirst = Math.abs(first) <= 90 && (metres || Math.abs(second) > 90);
    [frame.lat, frame.lon] = latFirst ? [first, second] : [second, first];
    frame.gpsOrder = latFirst ? 'lat,lon' : 'lon,lat';
    if (third !== undefined && metres) frame.altitude = Number(third);
    else if (third !== undefined) frame.gpsThirdValue = Number(third);
  }
  frame.altitude = numberIn(ALTITUDE, text) ?? frame.altitude;
  frame.heightAboveTakeoff = numberIn(RELATIVE, text);
  frame.distanceFromHome = numberIn(DISTANCE, text);
  frame.horizontalSpeed = numberIn(HORIZONTAL_SPEED, text);
  frame.verticalSpeed = numberIn(VERTICAL_SPEED, text);
  frame.localTime = localDateTime(text);
  frame.telemetry = frame.lat !== undefined || frame.localTime !== undefined || DJI_MARKERS.test(text);
  return frame;
}

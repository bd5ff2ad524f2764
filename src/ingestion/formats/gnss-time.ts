/**
 * GNSS time scales to UTC. GPS time has run without leap seconds since 1980-01-06, so it is ahead of UTC by the leap
 * seconds inserted since (GPS - UTC = TAI - UTC - 19 s). Galileo (GST), QZSS and NavIC (IRNST) keep GPS's integer
 * offset from UTC; BeiDou time (BDT) started on 2006-01-01 aligned to UTC, when GPS - UTC was 14 s, so BDT = GPS - 14 s.
 * RINEX writes GLONASS epochs in UTC (GLONASS system time is UTC(SU) + 3 h; the RINEX spec has writers remove the
 * 3 h), so `GLO` times are already UTC.
 */

/**
 * GPS - UTC in seconds, newest first, each with the UTC instant it took effect (IERS Bulletin C; the same instants as
 * the IANA tz database's leap-seconds.list). Add a row when the IERS announces a leap second; the list of 2025-2026
 * announces none after 2017-01-01.
 */
export const GPS_MINUS_UTC: readonly (readonly [sinceUtcMs: number, seconds: number])[] = [
  [Date.UTC(2017, 0, 1), 18],
  [Date.UTC(2015, 6, 1), 17],
  [Date.UTC(2012, 6, 1), 16],
  [Date.UTC(2009, 0, 1), 15],
  [Date.UTC(2006, 0, 1), 14],
  [Date.UTC(1999, 0, 1), 13],
  [Date.UTC(1997, 6, 1), 12],
  [Date.UTC(1996, 0, 1), 11],
  [Date.UTC(1994, 6, 1), 10],
  [Date.UTC(1993, 6, 1), 9],
  [Date.UTC(1992, 6, 1), 8],
  [Date.UTC(1991, 0, 1), 7],
  [Date.UTC(1990, 0, 1), 6],
  [Date.UTC(1988, 0, 1), 5],
  [Date.UTC(1985, 6, 1), 4],
  [Date.UTC(1983, 6, 1), 3],
  [Date.UTC(1982, 6, 1), 2],
  [Date.UTC(1981, 6, 1), 1],
];

const GPS_EPOCH_MS = Date.UTC(1980, 0, 6);
/** BDT = GPS - 14 s. */
const BDT_BEHIND_GPS_MS = 14_000;

/**
 * GPS - UTC in seconds at a GPS time given as the milliseconds its calendar reading would have in UTC (2017-01-01
 * 00:00:18 GPS is 2017-01-01 00:00:00 UTC: 18 s). Before 1981-07-01 (and before the GPS epoch) it is 0.
 */
export function gpsMinusUtcSeconds(gpsMs: number): number {
  return GPS_MINUS_UTC.find(([since, seconds]) => gpsMs - seconds * 1000 >= since)?.[1] ?? 0;
}

/** GPS - UTC in seconds at a UTC instant. */
export function gpsMinusUtcAtUtc(utcMs: number): number {
  return GPS_MINUS_UTC.find(([since]) => utcMs >= since)?.[1] ?? 0;
}

/** A GPS calendar time (as milliseconds of the same calendar reading in UTC) to UTC milliseconds. */
export function gpsToUtcMs(gpsMs: number): number {
  return gpsMs - gpsMinusUtcSeconds(gpsMs) * 1000;
}

/** GPS seconds since 1980-01-06 (as LAS and E57 store them) to UTC milliseconds, rounded to the millisecond. */
export function gpsSecondsToUtcMs(gpsSeconds: number): number {
  return gpsToUtcMs(Math.round(GPS_EPOCH_MS + gpsSeconds * 1000));
}

/** RINEX time system identifiers (TIME OF FIRST OBS columns 49-51) this module converts, with their names. */
export const RINEX_TIME_SYSTEMS = {
  GPS: 'GPS time',
  GLO: 'UTC (GLONASS, as RINEX writes it)',
  GAL: 'Galileo System Time',
  QZS: 'QZSS time',
  BDT: 'BeiDou time',
  IRN: 'NavIC/IRNSS time',
} as const;

export type RinexTimeSystem = keyof typeof RINEX_TIME_SYSTEMS;

export function isRinexTimeSystem(code: string): code is RinexTimeSystem {
  return Object.hasOwn(RINEX_TIME_SYSTEMS, code);
}

/** The time system a RINEX file without one in TIME OF FIRST OBS uses, from its satellite system (line 1, column 41). */
export function defaultRinexTimeSystem(satelliteSystem: string): RinexTimeSystem | undefined {
  const bySystem: Partial<Record<string, RinexTimeSystem>> = { G: 'GPS', R: 'GLO', E: 'GAL', J: 'QZS', C: 'BDT', I: 'IRN', S: 'GPS' };
  return bySystem[satelliteSystem];
}

/** A calendar time read in `system` (as milliseconds of the same calendar reading in UTC) to UTC milliseconds. */
export function rinexTimeToUtcMs(system: RinexTimeSystem, ms: number): number {
  switch (system) {
    case 'GLO':
      return ms;
    case 'BDT':
      return gpsToUtcMs(ms + BDT_BEHIND_GPS_MS);
    default:
      return gpsToUtcMs(ms);
  }
}

import { existsSync, readFileSync } from 'node:fs';

import { GPS_MINUS_UTC, gpsMinusUtcAtUtc, gpsSecondsToUtcMs, gpsToUtcMs, rinexTimeToUtcMs } from './gnss-time.js';

const LEAP_SECONDS_LIST = '/usr/share/zoneinfo/leap-seconds.list';
/** leap-seconds.list counts seconds since 1900-01-01 (NTP epoch). */
const NTP_EPOCH_MS = Date.UTC(1900, 0, 1);

describe('GNSS time to UTC', () => {
  it('knows every leap second since the GPS epoch, newest first, one second apart', () => {
    expect(GPS_MINUS_UTC).toHaveLength(18);
    GPS_MINUS_UTC.forEach(([, seconds], i) => {
      expect(seconds).toBe(18 - i);
    });
    expect(GPS_MINUS_UTC.map(([since]) => new Date(since).toISOString().slice(0, 10))).toEqual([
      '2017-01-01',
      '2015-07-01',
      '2012-07-01',
      '2009-01-01',
      '2006-01-01',
      '1999-01-01',
      '1997-07-01',
      '1996-01-01',
      '1994-07-01',
      '1993-07-01',
      '1992-07-01',
      '1991-01-01',
      '1990-01-01',
      '1988-01-01',
      '1985-07-01',
      '1983-07-01',
      '1982-07-01',
      '1981-07-01',
    ]);
  });

  if (existsSync(LEAP_SECONDS_LIST)) {
    it(`agrees with the IANA tz database's ${LEAP_SECONDS_LIST} (TAI - UTC - 19 s) since 1980`, () => {
      const rows = readFileSync(LEAP_SECONDS_LIST, 'utf8')
        .split('\n')
        .filter((line) => /^\d/.test(line))
        .map((line) => line.split(/\s+/).map(Number))
        .map(([ntp, taiMinusUtc]) => [NTP_EPOCH_MS + ntp * 1000, taiMinusUtc - 19] as const)
        .filter(([since]) => since >= Date.UTC(1980, 0, 6))
        .reverse();
      expect(rows).toEqual(GPS_MINUS_UTC.map(([since, seconds]) => [since, seconds]));
    });
  } else {
    it(`${LEAP_SECONDS_LIST}: not present on this machine, the table is not compared with it`, () => {
      process.stdout.write(`skipped: ${LEAP_SECONDS_LIST} is not present\n`);
    });
  }

  it('steps at the leap second: 2017-01-01 00:00:18 GPS is midnight UTC, one second earlier is still 2016', () => {
    expect(new Date(gpsToUtcMs(Date.UTC(2017, 0, 1, 0, 0, 18))).toISOString()).toBe('2017-01-01T00:00:00.000Z');
    expect(new Date(gpsToUtcMs(Date.UTC(2017, 0, 1, 0, 0, 16))).toISOString()).toBe('2016-12-31T23:59:59.000Z');
    expect(new Date(gpsToUtcMs(Date.UTC(2016, 11, 31, 23, 59, 59))).toISOString()).toBe('2016-12-31T23:59:42.000Z');
    expect(gpsMinusUtcAtUtc(Date.UTC(2016, 11, 31, 23, 59, 59))).toBe(17);
    expect(gpsMinusUtcAtUtc(Date.UTC(2017, 0, 1))).toBe(18);
  });

  it('has GPS and UTC equal before the first leap second after 1980-01-06', () => {
    expect(gpsToUtcMs(Date.UTC(1980, 0, 6))).toBe(Date.UTC(1980, 0, 6));
    expect(gpsToUtcMs(Date.UTC(1981, 5, 30, 12))).toBe(Date.UTC(1981, 5, 30, 12));
    expect(gpsToUtcMs(Date.UTC(1986, 0, 1))).toBe(Date.UTC(1986, 0, 1) - 4000);
  });

  it('converts GPS seconds since 1980-01-06 (LAS adjusted GPS time + 1e9) to UTC', () => {
    // pdal_wontcompress3.las in ../shared/samples: 142436000.196574 + 1e9 s = 2016-03-19T15:19:43.197Z (SOURCES.txt).
    expect(new Date(gpsSecondsToUtcMs(142436000.196574 + 1e9)).toISOString()).toBe('2016-03-19T15:19:43.197Z');
  });

  it('converts RINEX time systems: GPS, GAL, QZS, IRN as GPS; BDT 14 s behind GPS; GLO already UTC', () => {
    const reading = Date.UTC(2026, 0, 15, 10);
    expect(rinexTimeToUtcMs('GPS', reading)).toBe(reading - 18_000);
    expect(rinexTimeToUtcMs('GAL', reading)).toBe(reading - 18_000);
    expect(rinexTimeToUtcMs('QZS', reading)).toBe(reading - 18_000);
    expect(rinexTimeToUtcMs('IRN', reading)).toBe(reading - 18_000);
    expect(rinexTimeToUtcMs('BDT', reading)).toBe(reading - 4_000);
    expect(rinexTimeToUtcMs('GLO', reading)).toBe(reading);
    // BDT started at 2006-01-01 00:00:00 UTC.
    expect(rinexTimeToUtcMs('BDT', Date.UTC(2006, 0, 1))).toBe(Date.UTC(2006, 0, 1));
  });
});

import { formatOffset, timeZoneAt, zoneOffsetMinutes, zonedToUtcMs } from './time-zone.util.js';

/** Expected instants are worked out by hand from each zone's rules, never from the machine's own zone. */
describe('time-zone util', () => {
  it('finds the IANA zone of a position from the shipped boundaries, and the nautical zone at sea', () => {
    expect(timeZoneAt(41.420684, 2.162162)).toBe('Europe/Madrid');
    expect(timeZoneAt(48.0771, -121.7476)).toBe('America/Los_Angeles');
    expect(timeZoneAt(27.7172, 85.324)).toBe('Asia/Kathmandu');
    expect(timeZoneAt(0, -30)).toBe('Etc/GMT+2');
    expect(timeZoneAt(91, 0)).toBeUndefined();
    expect(timeZoneAt(Number.NaN, 0)).toBeUndefined();
  });

  it('converts wall-clock readings to UTC with the offset in force, summer and winter, whole and partial hours', () => {
    const local = (y: number, mo: number, d: number, h: number, mi: number, s = 0, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, s, ms);
    // PST (-08:00) in January, PDT (-07:00) in July.
    expect(new Date(zonedToUtcMs(local(2024, 1, 15, 9, 30, 0, 250), 'America/Los_Angeles')).toISOString()).toBe('2024-01-15T17:30:00.250Z');
    expect(new Date(zonedToUtcMs(local(2024, 7, 15, 9, 30), 'America/Los_Angeles')).toISOString()).toBe('2024-07-15T16:30:00.000Z');
    // Nepal: +05:45.
    expect(new Date(zonedToUtcMs(local(2023, 3, 1, 12, 0), 'Asia/Kathmandu')).toISOString()).toBe('2023-03-01T06:15:00.000Z');
    expect(zoneOffsetMinutes('Asia/Kathmandu', Date.UTC(2023, 2, 1))).toBe(345);
    expect(formatOffset(345)).toBe('+05:45');
    expect(formatOffset(-420)).toBe('-07:00');
    // Across the date line: Pacific/Auckland, NZDT (+13:00) on 1 January.
    expect(new Date(zonedToUtcMs(local(2024, 1, 1, 8, 0), 'Pacific/Auckland')).toISOString()).toBe('2023-12-31T19:00:00.000Z');
  });

  it('takes a repeated hour at its first occurrence and a skipped one with the offset before the change', () => {
    // Madrid went back from 03:00 CEST to 02:00 CET on 2022-10-30: 02:30 happened at 00:30Z and again at 01:30Z.
    expect(new Date(zonedToUtcMs(Date.UTC(2022, 9, 30, 2, 30), 'Europe/Madrid')).toISOString()).toBe('2022-10-30T00:30:00.000Z');
    // Madrid jumped from 02:00 CET to 03:00 CEST on 2022-03-27: 02:30 never happened; read with CET (+01:00).
    expect(new Date(zonedToUtcMs(Date.UTC(2022, 2, 27, 2, 30), 'Europe/Madrid')).toISOString()).toBe('2022-03-27T01:30:00.000Z');
  });
});

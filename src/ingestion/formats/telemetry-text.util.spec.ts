import fc from 'fast-check';

import { ProbeError } from './probe.types.js';
import {
  LineSplitter,
  parseIsoTime,
  parseTimestamp,
  pickLatLonFields,
  pickTimeField,
  type TextEncoding,
  unitFromName,
} from './telemetry-text.util.js';

describe('parseIsoTime', () => {
  it('agrees with Date for every instant it prints, 1980-2100', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1980, 0, 1), max: Date.UTC(2099, 11, 31) }), (ms) => {
        expect(parseIsoTime(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it('reads zones, fractions, a space separator and dates without time', () => {
    const base = Date.UTC(2026, 1, 10, 6, 30, 0);
    expect(parseIsoTime('2026-02-10T06:30:00Z')).toBe(base);
    expect(parseIsoTime('2026-02-10 06:30:00')).toBe(base);
    expect(parseIsoTime('2026-02-10T12:00:00+05:30')).toBe(base);
    expect(parseIsoTime('2026-02-09T22:30:00-0800')).toBe(base);
    expect(parseIsoTime('2026-02-10T08:30+02')).toBe(base);
    expect(parseIsoTime('2026-02-10T06:30:00.5Z')).toBe(base + 500);
    expect(parseIsoTime('2026-02-10T06:30:00,123456789Z')).toBe(base + 123);
    expect(parseIsoTime(' 2026-02-10T06:30:00Z ')).toBe(base);
    expect(parseIsoTime('2026-02-10')).toBe(Date.UTC(2026, 1, 10));
    expect(parseIsoTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('refuses dates off the calendar, bad times, junk and years outside 1980-2100', () => {
    for (const text of [
      '2023-02-29',
      '2026-13-01',
      '2026-04-31',
      '2026-01-01T24:00',
      '2026-01-01T10:60',
      '2026-01-01T10:00:00Q',
      '2026-01-01T10:00:00Z junk',
      '1970-01-01T00:00:00Z',
      '2150-01-01',
      'yesterday',
      '',
      '2026/01/01',
    ]) {
      expect([text, parseIsoTime(text)]).toEqual([text, undefined]);
    }
  });
});

describe('parseTimestamp', () => {
  const t = Date.UTC(2026, 1, 10, 6, 30, 0);
  it('guesses seconds, ms, µs and ns from the magnitude, and honours a unit hint', () => {
    expect(parseTimestamp(t / 1000)).toBe(t);
    expect(parseTimestamp(String(t / 1000))).toBe(t);
    expect(parseTimestamp(t)).toBe(t);
    expect(parseTimestamp(t * 1000)).toBe(t);
    expect(parseTimestamp(`${t}000000`)).toBe(t);
    expect(parseTimestamp(t / 1000, 'ms')).toBeUndefined();
  });

  it('refuses relative clocks, negatives and non-numbers', () => {
    expect(parseTimestamp(12.5)).toBeUndefined();
    expect(parseTimestamp(-t)).toBeUndefined();
    expect(parseTimestamp(null)).toBeUndefined();
    expect(parseTimestamp({})).toBeUndefined();
    expect(parseTimestamp('NaN')).toBeUndefined();
  });
});

describe('field picking', () => {
  it('finds time columns and their units, and lat/lon columns', () => {
    expect(pickTimeField(['rpm', 'Timestamp', 'time'])).toBe(1);
    expect(pickTimeField(['rpm', 'gps_time_s'])).toBe(1);
    expect(pickTimeField(['rpm', 'speed'])).toBe(-1);
    expect(unitFromName('time_ms')).toBe('ms');
    expect(unitFromName('timestamp (us)')).toBe('us');
    expect(unitFromName('ts_ns')).toBe('ns');
    expect(unitFromName('timestamp')).toBeUndefined();
    expect(pickLatLonFields(['Lat', 'Lng'])).toEqual({ lat: 0, lon: 1 });
    expect(pickLatLonFields(['x', 'GPS Latitude (deg)', 'GPS Longitude (deg)'])).toEqual({ lat: 1, lon: 2 });
    expect(pickLatLonFields(['flatness', 'plongeon'])).toEqual({ lat: -1, lon: -1 });
  });
});

describe('LineSplitter', () => {
  const splitter = (chunks: Buffer[], encoding: TextEncoding = 'utf8', maxLineBytes?: number) => {
    const lines: Array<[string, number, boolean]> = [];
    const made = new LineSplitter({ encoding, label: 'test', maxLineBytes }, (line, n, terminated) => lines.push([line, n, terminated]));
    for (const c of chunks) made.push(c);
    made.end();
    return { lines, notUtf8FromLine: made.notUtf8FromLine };
  };
  const split = (chunks: Buffer[], encoding: TextEncoding = 'utf8', maxLineBytes?: number) => splitter(chunks, encoding, maxLineBytes).lines;

  it('drops CR and the first line BOM, keeps a BOM-like character elsewhere, and marks the unterminated last line', () => {
    const bytes = Buffer.from('\uFEFFa,b\r\n\uFEFFc\r\nlast');
    for (const size of [1, 2, 3, 5, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(split(chunks)).toEqual([
        ['a,b', 1, true],
        ['\uFEFFc', 2, true],
        ['last', 3, false],
      ]);
    }
  });

  it("with 'utf8-or-windows-1252', reads UTF-8 up to the first line that is not, and that line and the rest as Windows-1252", () => {
    // Line 2 holds a UTF-8 'é'; line 3 a Windows-1252 'é' (0xE9) and '€' (0x80); line 4 a UTF-8 'é' again, read as Windows-1252.
    const bytes = Buffer.concat([
      Buffer.from('a,b\nr\u00e9gime,1\n'),
      Buffer.from([0x72, 0xe9, 0x67, 0x2c, 0x80, 0x0a]),
      Buffer.from('r\u00e9gime,2'),
    ]);
    for (const size of [1, 2, 7, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(splitter(chunks, 'utf8-or-windows-1252')).toEqual({
        lines: [
          ['a,b', 1, true],
          ['r\u00e9gime,1', 2, true],
          ['r\u00e9g,\u20ac', 3, true],
          ['r\u00c3\u00a9gime,2', 4, false],
        ],
        notUtf8FromLine: 3,
      });
    }
    expect(splitter([Buffer.from('a,b\n')], 'utf8-or-windows-1252').notUtf8FromLine).toBeUndefined();
  });

  it('names the line of invalid UTF-8 and of a NUL byte, and caps the carry-over', () => {
    expect(() => split([Buffer.from('ok\nok\n'), Buffer.from([0x61, 0xc3]), Buffer.from([0x28, 0x0a])])).toThrow(/line 3 is not valid UTF-8/);
    expect(() => split([Buffer.from('ok\n'), Buffer.from([0x61, 0x00])])).toThrow(/NUL byte\) at byte 4/);
    expect(() => split([Buffer.from('ok\n'), Buffer.alloc(40, 0x61), Buffer.alloc(40, 0x61)], 'utf8', 64)).toThrow(ProbeError);
    expect(() => split([Buffer.from(`${'b'.repeat(100)}\n`)], 'latin1', 64)).toThrow(/line 1 is longer than/);
  });
});

import { readFileSync } from 'node:fs';

import { csvTelemetry } from '../../../test/support/fixtures.js';
import { expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { describeSample } from '../../../test/support/samples.js';
import { csvProbe, parseDateAndTime, splitRecord } from './csv.probe.js';

const fixture = readFileSync(new URL('../../../test/fixtures/csv/obd.csv', import.meta.url));
const text = fixture.toString('utf8');
const csv = (body: string) => Buffer.from(body);

describe('csvProbe', () => {
  describe('splitRecord', () => {
    it('follows RFC 4180 quoting and reports open quotes and stray quotes', () => {
      expect(splitRecord('a,"b,c","d ""e""",', ',')).toEqual(['a', 'b,c', 'd "e"', '']);
      expect(splitRecord('a, "b"', ',')).toEqual(['a', 'b']);
      expect(splitRecord('a,"b\nc', ',')).toBe('open');
      expect(splitRecord('a,b"c', ',')).toBe('malformed');
      expect(splitRecord('a,"b"c', ',')).toBe('malformed');
    });
  });

  describe('sniff', () => {
    it('claims a header row of names followed by rows of as many fields, with any of , ; tab |', () => {
      expect(csvProbe.sniff(fixture)).toBe(true);
      expect(csvProbe.sniff(csv("time;driver's id;speed\n1;2;3\n"))).toBe(true);
      expect(csvProbe.sniff(csv('time\trpm\n1\t2\n'))).toBe(true);
      expect(csvProbe.sniff(csv('can_id|dlc|data\n0x1F0|8|0011223344556677\n'))).toBe(true);
      // A European Excel export: Windows-1252 bytes (ß, °), not UTF-8.
      expect(csvProbe.sniff(Buffer.from('Straße;Temperatur (°C)\nHauptstraße;12,5\n', 'latin1'))).toBe(true);
    });

    it('refuses JSON lines, NMEA, XML, SRT, RINEX, a lone header, numeric headers and binary data', () => {
      expect(csvProbe.sniff(csv('{"a":1,"b":2}\n{"a":3,"b":4}\n'))).toBe(false);
      expect(csvProbe.sniff(csv('$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,M,,0000*7D\n$GPGSA,A,3,17,28*33\n'))).toBe(false);
      expect(csvProbe.sniff(csv('<?xml version="1.0"?>\n<gpx version="1.1" creator="a,b">\n'))).toBe(false);
      expect(csvProbe.sniff(csv('1\n00:00:00,000 --> 00:00:00,033\n[latitude: 1, longitude: 2]\n'))).toBe(false);
      expect(csvProbe.sniff(csv('     3.04           OBSERVATION DATA    M (MIXED)           RINEX VERSION / TYPE\n'))).toBe(false);
      expect(csvProbe.sniff(csv('timestamp,lat,lon\n'))).toBe(false);
      expect(csvProbe.sniff(csv('1,2,3\n4,5,6\n'))).toBe(false);
      // Control bytes are binary, whatever the encoding.
      expect(csvProbe.sniff(Buffer.concat([csv('time,r\xe9gime\n1,2\n'), Buffer.from([0xff, 0x01, 0x02, 0x0a])]))).toBe(false);
      expect(csvProbe.sniff(Buffer.from([0x4c, 0x41, 0x53, 0x46, 0x2c, 0x00, 0x0a, 0x31, 0x2c, 0x32, 0x0a]))).toBe(false);
    });
  });

  describe('a good CSV', () => {
    // 7-byte chunks split rows, the BOM, the quoted line break and the doubled quotes.
    it.each([1, 7, 64, 1 << 20])('counts rows, finds time and lat/lon columns with %i-byte chunks', async (chunkSize) => {
      const { footprint, ...result } = await runProbe(csvProbe, fixture, { chunkSize });
      // The 9 positions, timed by their rows; the (0, 0) row is a logger without a fix, dropped and counted.
      expect(footprint).toMatchObject({
        kind: 'track',
        positions: 9,
        bbox: [13.405, 52.52, 13.4081, 52.5218],
        dropped: { invalid: 0, nullIsland: 1, jumps: 0 },
        source: 'CSV latitude / longitude columns',
      });
      expect(result).toEqual({
        format: 'csv',
        warnings: ['1 position(s) dropped from the footprint: 1 at (0, 0).'],
        counts: { rows: 11 },
        modality: 'telemetry',
        // ISO with Z, with +01:00, without zone (read as UTC), epoch seconds and epoch milliseconds, all in one column.
        timeRange: { start: '2026-02-10T06:30:00.000Z', end: '2026-02-10T06:30:11.000Z' },
        bbox: [13.405, 52.52, 13.4081, 52.5218],
        durationSeconds: 11,
        metadata: {
          delimiter: ',',
          columns: ['Timestamp', 'GPS Latitude (deg)', 'GPS Longitude (deg)', 'Engine RPM', 'Speed, km/h', 'Note'],
          columnCount: 6,
          rows: 11,
          malformedRows: 1,
          firstMalformedLine: 12,
          commentLines: 1,
          timeColumn: 'Timestamp',
          // One epoch-seconds and one epoch-milliseconds cell: each value's magnitude says its unit.
          epochUnit: { unit: 'mixed', from: 'magnitude', values: { s: 1, ms: 1 } },
          invalidTimes: 1,
          latitudeColumn: 'GPS Latitude (deg)',
          longitudeColumn: 'GPS Longitude (deg)',
          // 0,0 (no fix) and empty cells are not positions.
          positions: 9,
          invalidPositions: 0,
        },
      });
    });

    it('reads the shared fixture generator and a time column with a unit suffix', async () => {
      const generated = await runProbe(csvProbe, csvTelemetry(500), { chunkSize: 1000 });
      expect(generated.metadata).toMatchObject({
        rows: 500,
        malformedRows: 0,
        timeColumn: 'timestamp',
        latitudeColumn: 'lat',
        longitudeColumn: 'lon',
      });
      expect(generated.timeRange).toEqual({ start: '2026-11-27T08:00:00.000Z', end: '2026-11-27T08:08:19.000Z' });
      // The unit in the column name wins over the magnitude guess: 1770705000 as ms is 1970, outside the accepted years.
      const millis = await runProbe(csvProbe, csv('time (ms);lng;latitude\n1770705000;13.4;52.5\n1770705001;13.5;52.6\n'));
      expect(millis.timeRange).toBeUndefined();
      expect(millis.metadata).toMatchObject({ delimiter: ';', timeColumn: 'time (ms)', invalidTimes: 2 });
      const micros = await runProbe(csvProbe, csv('timestamp_us;lng;latitude\n1770705000000000;13.4;52.5\n1770705001500000;13.4001;52.5001\n'));
      expect(micros.timeRange).toEqual({ start: '2026-02-10T06:30:00.000Z', end: '2026-02-10T06:30:01.500Z' });
      expect(micros.bbox).toEqual([13.4, 52.5, 13.4001, 52.5001]);
      expect(micros.footprint).toMatchObject({ positions: 2, start: '2026-02-10T06:30:00.000Z', end: '2026-02-10T06:30:01.500Z' });
    });
  });

  describe('variants real loggers and datasets write (issue 15)', () => {
    it('takes the column names from a # line when the first uncommented line is data (EuRoC / ASL)', async () => {
      const body = csv('# recorded by rig 3\n#timestamp [ns], p_x [m], p_y [m]\n1520531124177875537,0.8,-0.2\n1520531124186208537,0.9,-0.3\n');
      expect(csvProbe.sniff(body)).toBe(true);
      const result = await runProbe(csvProbe, body, { chunkSize: 5 });
      expect(result.counts).toEqual({ rows: 2 });
      expect(result.timeRange).toEqual({ start: '2018-03-08T17:45:24.177Z', end: '2018-03-08T17:45:24.186Z' });
      expect(result.metadata).toMatchObject({
        columns: ['timestamp [ns]', 'p_x [m]', 'p_y [m]'],
        headerLine: 'a # comment line',
        commentLines: 1,
        timeColumn: 'timestamp [ns]',
        epochUnit: { unit: 'ns', from: 'column name', values: { ns: 2 } },
      });
      // A # line of names followed by rows of another width is a comment, and the data line is no header.
      expect(csvProbe.sniff(csv('#a,b,c\n1,2\n3,4\n'))).toBe(false);
    });

    it('decides the epoch unit from the magnitude when the column name does not say it, and reports it', async () => {
      const cases: [string, string][] = [
        ['1770705000', 's'],
        ['1770705000000', 'ms'],
        ['1770705000000000', 'us'],
        ['1770705000000000000', 'ns'],
      ];
      for (const [value, unit] of cases) {
        const result = await runProbe(csvProbe, csv(`time,value\n${value},1\n`));
        expect(result.timeRange).toEqual({ start: '2026-02-10T06:30:00.000Z', end: '2026-02-10T06:30:00.000Z' });
        expect(result.metadata.epochUnit).toEqual({ unit, from: 'magnitude', values: { [unit]: 1 } });
      }
    });

    it('joins separate DATE and TIME columns, signs unsigned coordinates by N/S and E/W columns, drops a trailing delimiter', async () => {
      expect(parseDateAndTime('2005/05/01', '10:12:47')).toBe(Date.UTC(2005, 4, 1, 10, 12, 47));
      expect(parseDateAndTime('20050501', '10:12:47.5')).toBe(Date.UTC(2005, 4, 1, 10, 12, 47, 500));
      expect(parseDateAndTime('2005/13/01', '10:12:47')).toBeUndefined();
      // A day apart: 11,500 km between the two rows is no glitch at that pace.
      const body = csv('DATE;TIME;LAT;N/S;LON;E/W;\n2005/05/01;23:59:59;51,5;S;12,25;W;\n2005/05/03;00:00:01;51,25;N;12,5;E;\n');
      expect(csvProbe.sniff(body)).toBe(true);
      const result = await runProbe(csvProbe, body);
      expect(result.timeRange).toEqual({ start: '2005-05-01T23:59:59.000Z', end: '2005-05-03T00:00:01.000Z' });
      // Decimal commas are read when the delimiter is not a comma.
      expect(result.bbox).toEqual([-12.25, -51.5, 12.5, 51.25]);
      expect(result.metadata).toMatchObject({
        delimiter: ';',
        trailingDelimiter: true,
        columnCount: 6,
        timeColumn: 'TIME',
        dateColumn: 'DATE',
        timeZone: 'none in the file: date and time read as UTC',
        latitudeHemisphereColumn: 'N/S',
        longitudeHemisphereColumn: 'E/W',
        positions: 2,
        malformedRows: 0,
      });
      // A hemisphere cell that is not a letter of its axis makes the position invalid, not a guess.
      const bad = await runProbe(csvProbe, csv('lat\tns\tlon\tew\n51.5\tX\t12.2\tE\n51.5\tN\t12.2\tE\n'));
      expect(bad.metadata).toMatchObject({ delimiter: '\t', positions: 1, invalidPositions: 1 });
    });

    it('reads HDOP and satellites columns beside the positions into the GNSS quality', async () => {
      const body = csv(
        'time,lat,lon,hdop,sats\n2026-02-10T06:30:00Z,52.5,13.4,0.8,12\n2026-02-10T06:30:01Z,52.50001,13.40001,1.4,9\n2026-02-10T06:30:02Z,52.50002,13.40002,,\n',
      );
      const result = await runProbe(csvProbe, body);
      expect(result.gnssQuality).toMatchObject({ epochs: 2, medianHdop: 0.8, medianSatellites: 9 });
      expect(result.footprint).toMatchObject({ positions: 3 });
    });

    it('reads quoted fields holding the delimiter and quoted numbers', async () => {
      const result = await runProbe(csvProbe, csv('"time","lat","lon","note"\n"2026-02-10T06:30:00Z","52.5","13.4","a, b"\n'));
      expect(result.bbox).toEqual([13.4, 52.5, 13.4, 52.5]);
      expect(result.timeRange?.start).toBe('2026-02-10T06:30:00.000Z');
    });
  });

  describeSample('openvins_tumvi_room4_groundtruth.csv', (path) => {
    it('reads the EuRoC/ASL # header, ns timestamps and all rows (figures from SOURCES.txt, python3 csv)', async () => {
      const result = await runProbe(csvProbe, path, { chunkSize: 64 * 1024 });
      expect(result.counts).toEqual({ rows: 13075 });
      expect(result.timeRange).toEqual({ start: '2018-03-08T17:45:24.177Z', end: '2018-03-08T17:47:15.544Z' });
      // A local mocap frame in metres: no latitude / longitude columns, so no bbox and no footprint.
      expect(result.bbox).toBeUndefined();
      expect(result.footprint).toBeNull();
      expect(result.footprintReason).toBe('the table has no latitude and longitude columns');
      expect(result.metadata).toMatchObject({
        columnCount: 8,
        headerLine: 'a # comment line',
        commentLines: 0,
        malformedRows: 0,
        timeColumn: 'timestamp [ns]',
        epochUnit: { unit: 'ns', from: 'column name', values: { ns: 13075 } },
        invalidTimes: 0,
      });
    });
  });

  describeSample('gpsbabel_iblue747.csv', (path) => {
    it('reads DATE + TIME, hemispheres and the trailing delimiter (figures from gpsbabel 1.8.0 -i iblue747, SOURCES.txt)', async () => {
      const result = await runProbe(csvProbe, path, { chunkSize: 4096 });
      expect(result.counts).toEqual({ rows: 747 });
      expect(result.timeRange).toEqual({ start: '2005-05-01T10:12:47.000Z', end: '2005-05-01T14:54:00.000Z' });
      expect(result.bbox).toEqual([12.371504, 50.857472, 12.510077, 51.315169]);
      expect(result.metadata).toMatchObject({
        columnCount: 12,
        trailingDelimiter: true,
        malformedRows: 0,
        dateColumn: 'DATE',
        timeColumn: 'TIME',
        invalidTimes: 0,
        latitudeColumn: 'LATITUDE',
        longitudeColumn: 'LONGITUDE',
        positions: 747,
        invalidPositions: 0,
      });
      expect(result.footprint).toMatchObject({
        kind: 'track',
        positions: 747,
        start: '2005-05-01T10:12:47.000Z',
        end: '2005-05-01T14:54:00.000Z',
        dropped: { invalid: 0, nullIsland: 0, jumps: 0 },
      });
    });
  });

  describe('text that is not UTF-8 (spreadsheet exports on Western Windows)', () => {
    it('reads a Windows-1252 CSV, names and cells as written, and says which encoding it read', async () => {
      const bytes = Buffer.concat([
        Buffer.from('Zeit;Straße;Breite;Länge;Preis\n', 'latin1'),
        Buffer.from('2024-05-01T10:00:00Z;Hauptstraße;48,1374;11,5755;', 'latin1'),
        Buffer.from([0x80, 0x20, 0x31, 0x32, 0x0a]), // "€ 12": 0x80 is the euro sign in Windows-1252
      ]);
      const result = await runProbe(csvProbe, bytes);
      // python3 csv on the bytes decoded as cp1252 (delimiter ';'): these 5 names and 1 row, its last cell '€ 12'; as
      // UTF-8 the bytes fail at byte 9 (the ß).
      expect(result.warnings).toEqual(["the file is not UTF-8 text: read as Windows-1252 (a spreadsheet export's encoding)"]);
      expect(result.metadata).toMatchObject({ textEncoding: 'Windows-1252', columns: ['Zeit', 'Straße', 'Breite', 'Länge', 'Preis'] });
      expect(result.counts).toEqual({ rows: 1 });
    });

    it('reads on where a UTF-8 file turns to Windows-1252, and says from which line', async () => {
      const big = csvTelemetry(2000);
      const result = await runProbe(csvProbe, Buffer.concat([big, Buffer.from('2026-11-27T09:00:00Z,48.1,11.5,r\xe9gime\n', 'latin1')]));
      expect(result.warnings).toEqual(["the file is not UTF-8 text from line 2002: read as Windows-1252 (a spreadsheet export's encoding)"]);
      expect(result.metadata.textEncoding).toBe('UTF-8, then Windows-1252 from line 2002');
    });
  });

  describe('truncated and malformed CSV', () => {
    it('reports a last row cut short as truncated', async () => {
      const cut = fixture.subarray(0, fixture.length - 12);
      await expectProbeFailure(
        csvProbe,
        cut,
        'truncated',
        /the last row \(line 15\) has 3 of 6 fields and no line end: the file was cut; 10 rows were read/,
        { chunkSize: 7 },
      );
    });

    it('reports a file cut inside a quoted field as truncated', async () => {
      const cut = fixture.subarray(0, Buffer.byteLength(text.slice(0, text.indexOf('line note'))));
      await expectProbeFailure(csvProbe, cut, 'truncated', /ends inside a quoted field opened on line 5; 2 rows were read/);
    });

    it('rejects a file whose rows mostly do not fit the header', async () => {
      // The first 20 rows fit, so the sniffer claims it; then the table falls apart.
      const lying = csv(`a,b,c\n${'1,2,3\n'.repeat(20)}${'1,2\n'.repeat(5)}${'4,5,6,7\n'.repeat(5)}`);
      await expectProbeFailure(csvProbe, lying, 'corrupt', /10 of 30 rows do not have the header's 3 fields \(first at line 22\)/);
    });

    it('rejects a header without data rows and binary data', async () => {
      await expectProbeFailure(csvProbe, csv('time,lat,lon\n\n'), 'corrupt', /header row but no data rows/, { skipSniff: true });
      await expectProbeFailure(csvProbe, Buffer.concat([csvTelemetry(2000), Buffer.from([0x00, 0x01])]), 'corrupt', /NUL byte/);
    });

    it('rejects a quoted field that never closes instead of buffering the rest of the file', async () => {
      const endless = Buffer.concat([csvTelemetry(30), csv('2026-11-27T09:00:00Z,"'), Buffer.from('x\n'.repeat(600 * 1024))]);
      await expectProbeFailure(csvProbe, endless, 'corrupt', /quoted field opened on line 32 runs on for more than 1 MiB/, { chunkSize: 256 * 1024 });
    });
  });
});

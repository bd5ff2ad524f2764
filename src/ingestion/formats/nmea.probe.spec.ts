import { readFileSync } from 'node:fs';

import { nmeaLog } from '../../../test/support/fixtures.js';
import { driveProbe, expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { describeSample } from '../../../test/support/samples.js';
import { nmeaChecksum, nmeaProbe, readNmeaEpochs } from './nmea.probe.js';

const fixture = readFileSync(new URL('../../../test/fixtures/nmea/midnight.nmea', import.meta.url));
const text = fixture.toString('latin1');
const sentence = (body: string) => `$${body}*${nmeaChecksum(body).toString(16).toUpperCase().padStart(2, '0')}\r\n`;

describe('nmeaProbe', () => {
  describe('sniff', () => {
    it('claims a log of checksummed sentences, comments allowed', () => {
      expect(nmeaProbe.sniff(fixture)).toBe(true);
    });

    it('refuses fewer than three sentences, prose around sentences, and binary data', () => {
      expect(nmeaProbe.sniff(Buffer.from(sentence('GPGGA,1,2') + sentence('GPRMC,1,2')))).toBe(false);
      expect(nmeaProbe.sniff(Buffer.from(`${text}\nsome prose\nmore prose\nand more\n`.replace(/\$/g, 'x')))).toBe(false);
      expect(nmeaProbe.sniff(Buffer.concat([fixture.subarray(0, 200), Buffer.from([0, 1, 2, 3])]))).toBe(false);
      expect(nmeaProbe.sniff(Buffer.from('timestamp,lat,lon\n1,2,3\n'))).toBe(false);
    });
  });

  describe('a good log across midnight', () => {
    // 7-byte chunks split every sentence; the whole-file chunk proves nothing depends on the split.
    it.each([7, 64, 1 << 20])('extracts fixes, bbox and dated time range with %i-byte chunks', async (chunkSize) => {
      const result = await runProbe(nmeaProbe, fixture, { chunkSize });
      expect(result.format).toBe('nmea');
      expect(result.modality).toBe('gnss');
      // The first GGA precedes any RMC: it is dated by the first RMC; GGA at 00:00:00 rolls over to the new day.
      expect(result.timeRange).toEqual({ start: '2025-12-31T23:59:58.000Z', end: '2026-01-01T00:00:02.000Z' });
      expect(result.durationSeconds).toBe(4);
      const [minLon, minLat, maxLon, maxLat] = result.bbox ?? [NaN, NaN, NaN, NaN];
      expect(minLon).toBeCloseTo(-(58 + 22.24 / 60), 9);
      expect(maxLon).toBeCloseTo(-(58 + 22 / 60), 9);
      expect(minLat).toBeCloseTo(-(34 + 36.24 / 60), 9);
      expect(maxLat).toBeCloseTo(-34.6, 9);
      expect(result.metadata).toEqual({
        sentences: 14,
        validSentences: 13,
        badChecksumSentences: 1,
        otherLines: 0,
        commentLines: 1,
        sentenceTypes: { GGA: 5, RMC: 5, GSA: 1, GSV: 1, PGRMZ: 1 },
        talkers: { GP: 12, P: 1 },
        // 5 epochs with a fix: the last one has only the GGA (its RMC says V, no fix).
        fixCount: 5,
        rmcFixes: 4,
        ggaFixes: 5,
        altitudeRangeMeters: { min: 25, max: 29 },
      });
    });

    it('reads a log whose sentences carry no checksum, unchecked and with a warning, as gpsbabel does', async () => {
      // The fixture without its checksums: the one sentence with a wrong checksum is read too, there is nothing to check.
      const bare = Buffer.from(text.replace(/\*[0-9A-F]{2}$/gm, ''), 'latin1');
      expect(nmeaProbe.sniff(bare)).toBe(true);
      const result = await runProbe(nmeaProbe, bare, { chunkSize: 7 });
      expect(result.warnings).toEqual(['14 sentences carry no checksum: read without checking (as gpsbabel reads such logs)']);
      expect(result.metadata).toMatchObject({ sentences: 14, validSentences: 14, badChecksumSentences: 0, uncheckedSentences: 14 });
      expect(result.timeRange).toEqual({ start: '2025-12-31T23:59:58.000Z', end: '2026-01-01T00:00:02.000Z' });
    });

    it('leaves out a sentence without checksum among checksummed ones, and takes a last one without as cut', async () => {
      const lines = text.split('\n');
      const secondGga = lines.findIndex((line, i) => line.startsWith('$GPGGA') && i > lines.findIndex((l) => l.startsWith('$GPGGA')));
      const stripped = lines.map((line, i) => (i === secondGga ? line.replace(/\*[0-9A-F]{2}(?=\r?$)/, '') : line)).join('\n');
      // After checksummed sentences, the second GGA without its checksum is one more bad sentence of the log: 2 of 14,
      // more than the 10% the probe allows. (The first sentence of a log, with none before it, would be read unchecked.)
      await expectProbeFailure(nmeaProbe, Buffer.from(stripped, 'latin1'), 'corrupt', /2 of 14 NMEA sentences fail or lack their checksum/);
      const cut = Buffer.from(`${text.trimEnd()}\n$GPGGA,000003.00,3436.2400,S`, 'latin1');
      await expectProbeFailure(nmeaProbe, cut, 'truncated', /ends in the middle of a sentence/);
    });

    it('accepts a last sentence without a trailing newline', async () => {
      const result = await runProbe(nmeaProbe, Buffer.from(text.trimEnd(), 'latin1'), { chunkSize: 5 });
      expect(result.metadata.validSentences).toBe(13);
    });
  });

  describe('truncated and corrupt logs', () => {
    it('reports a log cut inside a sentence as truncated, saying how much was readable', async () => {
      const cut = fixture.subarray(0, fixture.lastIndexOf('$GPRMC') + 20);
      await expectProbeFailure(nmeaProbe, cut, 'truncated', /ends in the middle of a sentence \(line 15\); 12 valid sentences/, { chunkSize: 7 });
    });

    it('rejects a log whose checksums are mostly wrong', async () => {
      const lying = Buffer.from(text.replace(/\*([0-9A-F]{2})/g, '*00'), 'latin1');
      await expectProbeFailure(nmeaProbe, lying, 'corrupt', /none of the 14 NMEA sentences has a valid checksum/);
      const someBad = Buffer.from(text.replace(/(\$GPGGA[^*]*)\*([0-9A-F]{2})/g, '$1*00'), 'latin1');
      await expectProbeFailure(nmeaProbe, someBad, 'corrupt', /6 of 14 NMEA sentences fail or lack their checksum/);
    });

    // nmeaLog(1000) is ~140 KB of good sentences: the damage lies past the head the sniffer sees.
    it('rejects binary data after a good start', async () => {
      const garbage = Buffer.concat([nmeaLog(1000), Buffer.from([0x00, 0xff, 0x13, 0x37]), fixture]);
      await expectProbeFailure(nmeaProbe, garbage, 'corrupt', /binary data \(a NUL byte\) at byte \d+/, { chunkSize: 7 });
    });

    it('rejects a log that is mostly other lines', async () => {
      const mixed = Buffer.concat([nmeaLog(1000), Buffer.from('not nmea\n'.repeat(300))]);
      await expectProbeFailure(nmeaProbe, mixed, 'corrupt', /300 of 2300 lines are not NMEA sentences/);
    });

    it('rejects a single endless line without buffering it whole', async () => {
      const endless = Buffer.concat([fixture, Buffer.alloc(2 * 1024 * 1024, 0x41)]);
      const run = await driveProbe(nmeaProbe, endless, { chunkSize: 64 * 1024 });
      expect(run.error).toMatchObject({ reason: 'corrupt', message: expect.stringMatching(/longer than 1024 KiB/) as unknown });
    });
  });

  describeSample('bu353s4.log', (path) => {
    it('describes the GlobalSat BU-353-S4 log (figures checked with a separate Python count)', async () => {
      const result = await runProbe(nmeaProbe, path, { chunkSize: 100 });
      expect(result.metadata).toMatchObject({
        sentences: 90,
        validSentences: 90,
        badChecksumSentences: 0,
        commentLines: 6,
        sentenceTypes: { GGA: 25, GSA: 25, RMC: 25, GSV: 15 },
        fixCount: 25,
        rmcFixes: 25,
        ggaFixes: 25,
        altitudeRangeMeters: { min: 59.8, max: 60.8 },
      });
      expect(result.timeRange).toEqual({ start: '2014-12-31T03:07:19.000Z', end: '2014-12-31T03:07:43.000Z' });
      const [minLon, minLat, maxLon, maxLat] = result.bbox ?? [NaN, NaN, NaN, NaN];
      expect(minLon).toBeCloseTo(175.314888333, 8);
      expect(minLat).toBeCloseTo(-37.784798333, 8);
      expect(maxLon).toBeCloseTo(175.314903333, 8);
      expect(maxLat).toBeCloseTo(-37.784788333, 8);
    });

    it('reads the log stripped of its checksums unchecked, with the same 25-point track gpsbabel 1.8.0 reads from it', async () => {
      // gpsbabel -t -i nmea -o unicsv on the stripped copy: 25 points, 03:07:19..03:07:43, as from the original.
      const bare = Buffer.from(readFileSync(path, 'latin1').replace(/\*[0-9A-Fa-f]{2}(?=\r?$)/gm, ''), 'latin1');
      const result = await runProbe(nmeaProbe, bare, { chunkSize: 100 });
      expect(result.warnings).toEqual(['90 sentences carry no checksum: read without checking (as gpsbabel reads such logs)']);
      expect(result.metadata).toMatchObject({ sentences: 90, validSentences: 90, uncheckedSentences: 90, fixCount: 25 });
      expect(result.footprint).toMatchObject({ kind: 'track', positions: 25, start: '2014-12-31T03:07:19.000Z', end: '2014-12-31T03:07:43.000Z' });
    });

    it('gives the track footprint and GNSS quality gpsbabel 1.8.0 reads (`-t -i nmea -o unicsv`: 25 points, all "3d", HDOP 1.10)', async () => {
      const result = await runProbe(nmeaProbe, path, { chunkSize: 100 });
      const footprint = result.footprint;
      expect(footprint).toMatchObject({
        kind: 'track',
        positions: 25,
        start: '2014-12-31T03:07:19.000Z',
        end: '2014-12-31T03:07:43.000Z',
        dropped: { invalid: 0, nullIsland: 0, jumps: 0 },
        source: 'NMEA GGA/RMC',
      });
      expect(result.bbox).toEqual(footprint?.bbox);
      // GGA satellites: 14 epochs with 7, 11 with 8 (the lower median is 7).
      expect(result.gnssQuality).toEqual({
        epochs: 25,
        rtkFixed: 0,
        rtkFloat: 0,
        dgps: 0,
        fix3d: 1,
        fix2d: 0,
        noFix: 0,
        medianHdop: 1.1,
        medianSatellites: 7,
      });
    });
  });

  describe('footprint and GNSS quality', () => {
    const epoch = (time: string, quality: number, satellites: number, hdop: string, gsaMode: number, lat = '4603.4140') =>
      sentence(`GPGGA,${time},${lat},N,01430.3480,E,${quality},${String(satellites).padStart(2, '0')},${hdop},295.0,M,44.0,M,,`) +
      sentence(`GPGSA,A,${gsaMode},01,02,03,04,,,,,,,,,2.0,${hdop},1.5`) +
      sentence(`GPRMC,${time},A,${lat},N,01430.3480,E,0.0,0.0,140326,,,A`);

    it('maps GGA fix quality 0..8 and GSA 2D / 3D to fix types, one sample per epoch, with HDOP and satellites', async () => {
      const log =
        epoch('080000.00', 4, 12, '0.6', 3) +
        epoch('080001.00', 4, 12, '0.6', 3, '4603.4141') +
        epoch('080002.00', 5, 11, '0.8', 3, '4603.4142') +
        epoch('080003.00', 2, 9, '1.0', 3, '4603.4143') +
        epoch('080004.00', 1, 6, '1.9', 3, '4603.4144') +
        epoch('080005.00', 1, 4, '3.5', 2, '4603.4145') +
        // Quality 0: no fix and no position, but the epoch counts (its RMC is void here).
        sentence('GPGGA,080006.00,,,,,0,03,9.9,,M,,M,,') +
        sentence('GPGSA,A,1,,,,,,,,,,,,,9.9,9.9,9.9') +
        sentence('GPRMC,080006.00,V,,,,,,,140326,,,N') +
        // Quality 6 (dead reckoning) places nothing.
        sentence('GPGGA,080007.00,4603.4146,N,01430.3480,E,6,00,,295.0,M,44.0,M,,');
      const result = await runProbe(nmeaProbe, Buffer.from(log), { chunkSize: 13 });
      expect(result.gnssQuality).toEqual({
        epochs: 8,
        rtkFixed: 2 / 8,
        rtkFloat: 1 / 8,
        dgps: 1 / 8,
        fix3d: 1 / 8,
        fix2d: 1 / 8,
        noFix: 2 / 8,
        // HDOPs 0.6 0.6 0.8 1.0 1.9 3.5 9.9: the lower median is 1.0; satellites 12 12 11 9 6 4 3 0: 6.
        medianHdop: 1,
        medianSatellites: 6,
      });
      expect(result.footprint).toMatchObject({ kind: 'track', positions: 6, start: '2026-03-14T08:00:00.000Z', end: '2026-03-14T08:00:05.000Z' });
    });

    it('dates the fixes before the first RMC by that RMC, as gpsbabel does, in the footprint as in the time range', async () => {
      // A receiver that starts with GGA alone (two epochs before 00:00 UTC), then GGA and RMC from the new day on.
      const gga = (time: string, lat: string) => sentence(`GPGGA,${time},${lat},N,01430.3480,E,1,08,1.0,295.0,M,44.0,M,,`);
      const log =
        gga('235958.00', '4603.4140') +
        gga('235959.00', '4603.4141') +
        gga('000000.00', '4603.4142') +
        sentence('GPRMC,000000.00,A,4603.4142,N,01430.3480,E,0.0,0.0,010126,,,A') +
        gga('000001.00', '4603.4143') +
        sentence('GPRMC,000001.00,A,4603.4143,N,01430.3480,E,0.0,0.0,010126,,,A');
      for (const chunkSize of [11, 1 << 20]) {
        const result = await runProbe(nmeaProbe, Buffer.from(log), { chunkSize });
        expect(result.timeRange).toEqual({ start: '2025-12-31T23:59:58.000Z', end: '2026-01-01T00:00:01.000Z' });
        expect(result.footprint).toMatchObject({ kind: 'track', positions: 4, start: '2025-12-31T23:59:58.000Z', end: '2026-01-01T00:00:01.000Z' });
      }
      // gpsbabel 1.8.0 (`-t -i nmea -o unicsv`) gives the same four points: 2025/12/31 23:59:58 and 23:59:59, then
      // 2026/01/01 00:00:00 and 00:00:01. The preview's reader gets the same dates.
      expect(readNmeaEpochs(Buffer.from(log)).map((e) => (e.ms === undefined ? undefined : new Date(e.ms).toISOString()))).toEqual([
        '2025-12-31T23:59:58.000Z',
        '2025-12-31T23:59:59.000Z',
        '2026-01-01T00:00:00.000Z',
        '2026-01-01T00:00:01.000Z',
      ]);
    });

    it('hands on the fixes of a log without any RMC undated, in order, however many there are', async () => {
      const count = 10_005;
      const log = Array.from({ length: count }, (_, i) => {
        const s = 8 * 3600 + i;
        const time = `${String(Math.floor(s / 3600)).padStart(2, '0')}${String(Math.floor(s / 60) % 60).padStart(2, '0')}${String(s % 60).padStart(2, '0')}.00`;
        return sentence(`GPGGA,${time},4603.${String(i % 10_000).padStart(4, '0')},N,01430.3480,E,1,08,1.0,295.0,M,44.0,M,,`);
      }).join('');
      const epochs = readNmeaEpochs(Buffer.from(log));
      expect(epochs).toHaveLength(count);
      expect(epochs.every((e) => e.ms === undefined)).toBe(true);
      expect(epochs.map((e) => e.tod)).toEqual(Array.from({ length: count }, (_, i) => (8 * 3600 + i) * 1000));
      const result = await runProbe(nmeaProbe, Buffer.from(log));
      expect(result.timeRange).toBeUndefined();
      expect(result.footprint).toMatchObject({ kind: 'track', positions: count, start: null, end: null });
    });

    it('drops an off-globe fix and a (0, 0) fix from the footprint with a warning, and keeps the rest', async () => {
      const log =
        epoch('080000.00', 1, 8, '1.0', 3) +
        epoch('080001.00', 1, 8, '1.0', 3, '9503.4140') +
        epoch('080002.00', 1, 8, '1.0', 3, '4603.4142') +
        sentence('GPGGA,080003.00,0000.0000,N,00000.0000,E,1,08,1.0,0.0,M,0.0,M,,');
      const result = await runProbe(nmeaProbe, Buffer.from(log));
      expect(result.footprint).toMatchObject({ positions: 2, dropped: { invalid: 1, nullIsland: 1, jumps: 0 } });
      expect(result.warnings).toEqual(['2 position(s) dropped from the footprint: 1 not a valid latitude / longitude, 1 at (0, 0).']);
      expect(result.bbox).toEqual(result.footprint?.bbox);
    });

    it('reads GNS (multi-constellation) fixes and RMC mode indicators when there is no GGA', async () => {
      const log =
        // GNS modes per constellation (GPS, GLONASS, Galileo, BeiDou): the best one counts.
        sentence('GPRMC,080000.00,A,4603.4140,N,01430.3480,E,0.0,0.0,140326,,,R') +
        sentence('GNGNS,080000.00,4603.4140,N,01430.3480,E,RRNN,18,0.6,295.0,44.0,1.0,0000,V') +
        sentence('GNGNS,080001.00,4603.4141,N,01430.3480,E,FANN,16,0.7,295.0,44.0,1.0,0000,V') +
        sentence('GNRMC,080001.00,A,4603.4141,N,01430.3480,E,0.0,0.0,140326,,,F') +
        // RMC alone, differential.
        sentence('GNRMC,080002.00,A,4603.4142,N,01430.3480,E,0.0,0.0,140326,,,D') +
        // GNS with no fix in any constellation: an epoch without position.
        sentence('GNGNS,080003.00,,,,,NNNN,03,9.9,,,,,V');
      const result = await runProbe(nmeaProbe, Buffer.from(log), { chunkSize: 9 });
      expect(result.gnssQuality).toMatchObject({ epochs: 4, rtkFixed: 1 / 4, rtkFloat: 1 / 4, dgps: 1 / 4, noFix: 1 / 4, medianSatellites: 16 });
      expect(result.footprint).toMatchObject({ positions: 3, start: '2026-03-14T08:00:00.000Z', end: '2026-03-14T08:00:02.000Z' });
      expect(result.metadata).toMatchObject({ gnsFixes: 2, rmcFixes: 3 });
    });

    it('says why a log without fixes has no footprint, and keeps its quality', async () => {
      const log = sentence('GPGGA,080006.00,,,,,0,03,9.9,,M,,M,,').repeat(3);
      const result = await runProbe(nmeaProbe, Buffer.from(log));
      expect(result.footprint).toBeNull();
      expect(result.footprintReason).toBe('the file holds no position fixes');
      expect(result.bbox).toBeUndefined();
      expect(result.gnssQuality).toMatchObject({ epochs: 1, noFix: 1, medianSatellites: 3 });
    });
  });
});

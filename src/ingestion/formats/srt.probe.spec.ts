import { readFileSync } from 'node:fs';

import { expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { describeSample } from '../../../test/support/samples.js';
import { srtProbe } from './srt.probe.js';

const fixture = readFileSync(new URL('../../../test/fixtures/srt/mini3.srt', import.meta.url));
const text = fixture.toString('latin1');

/** Phantom 4 style: HOME(lon,lat) date, GPS(lon,lat,alt). */
const phantom = [
  '1\n00:00:00,000 --> 00:00:01,000\nHOME(149.0251,-20.2532) 2017.08.05 14:11:51\nGPS(149.0251,-20.2533,16) BAROMETER:1.9\nISO:100 Shutter:60 EV:0 Fnum:2.2\n',
  '2\n00:00:01,000 --> 00:00:02,000\nHOME(149.0251,-20.2532) 2017.08.05 14:11:52\nGPS(149.0253,-20.2535,17) BAROMETER:2.5\nISO:100 Shutter:60 EV:0 Fnum:2.2\n',
].join('\n');

/** Mavic 2 style: GPS (lon, lat, alt) and H (height above home) on one line, no date. */
const mavic2 =
  '1\n00:00:00,000 --> 00:00:00,040\n<font size="36">F/2.8, SS 320.0, ISO 100, EV 0, GPS (8.6499, 53.1665, 18), D 24.26m, H 6.10m, H.S 0.00m/s, V.S 0.00m/s </font>\n\n' +
  '2\n00:00:00,040 --> 00:00:00,080\n<font size="36">F/2.8, SS 320.0, ISO 100, EV 0, GPS (8.6501, 53.1667, 19), D 25.01m, H 6.50m, H.S 0.00m/s, V.S 0.00m/s </font>\n';

describe('srtProbe', () => {
  describe('sniff', () => {
    it('claims DJI sidecars of the three telemetry styles', () => {
      expect(srtProbe.sniff(fixture)).toBe(true);
      expect(srtProbe.sniff(Buffer.from(phantom))).toBe(true);
      expect(srtProbe.sniff(Buffer.from(mavic2))).toBe(true);
    });

    it('refuses film subtitles, a timing line without the block number, and binary data', () => {
      expect(srtProbe.sniff(Buffer.from('1\n00:00:01,000 --> 00:00:04,000\nWhere are we going?\n\n2\n00:00:05,000 --> 00:00:06,000\nNorth.\n'))).toBe(
        false,
      );
      expect(srtProbe.sniff(Buffer.from('00:00:00,000 --> 00:00:00,033\n[latitude: 1] [longitude: 2]\n'))).toBe(false);
      expect(srtProbe.sniff(Buffer.concat([fixture.subarray(0, 100), Buffer.from([0, 159, 146, 150])]))).toBe(false);
    });
  });

  describe('good sidecars', () => {
    it.each([7, 100, 1 << 20])(
      'describes a Mini-style sidecar (no fix in the first frames, a "longtitude" typo) with %i-byte chunks',
      async (chunkSize) => {
        const { footprint, ...result } = await runProbe(srtProbe, fixture, { chunkSize });
        // The 4 frames with a fix, timed in UTC; the 2 frames at (0, 0) before the fix are not positions.
        expect(footprint).toMatchObject({
          kind: 'track',
          positions: 4,
          bbox: [14.4994, 46.05, 14.5, 46.0503],
          start: '2026-03-01T08:15:10.666Z',
          end: '2026-03-01T08:15:11.666Z',
          source: 'DJI SRT frames',
        });
        expect(result).toEqual({
          format: 'dji-srt',
          counts: { frames: 6 },
          modality: 'telemetry',
          // Local time 09:15:10 at 46.05 N 14.5 E (Ljubljana): Europe/Ljubljana, CET (+01:00) on 1 March, by hand.
          timeRange: { start: '2026-03-01T08:15:10.000Z', end: '2026-03-01T08:15:11.666Z' },
          bbox: [14.4994, 46.05, 14.5, 46.0503],
          durationSeconds: 0.198,
          // The frames before the fix write (0, 0): dropped from the footprint and counted, as issue 12 asks.
          warnings: ['2 position(s) dropped from the footprint: 2 at (0, 0).'],
          metadata: {
            frames: 6,
            framesWithPosition: 4,
            framesWithoutPosition: 2,
            framesOutOfSequence: 0,
            timelineSeconds: { start: 0, end: 0.198 },
            altitudeRangeMeters: { min: 301.25, max: 306.25 },
            relativeAltitudeRangeMeters: { min: 1.5, max: 6.5 },
            fields: ['iso', 'shutter', 'fnum', 'ev', 'color_md', 'focal_len', 'latitude', 'longitude', 'rel_alt', 'ct', 'longtitude'],
            clock:
              'aircraft local time, no zone in the file: Europe/Ljubljana from the first position (time-zone boundaries of @photostructure/tz-lookup)',
            localTime: { start: '2026-03-01T09:15:10.000', end: '2026-03-01T09:15:11.666' },
            timeZone: 'Europe/Ljubljana',
            utcOffset: { start: '+01:00', end: '+01:00' },
          },
        });
      },
    );

    it('reads GPS(lon,lat,n) as longitude first (Phantom style) with its dotted date, and BAROMETER as the height', async () => {
      const result = await runProbe(srtProbe, Buffer.from(phantom), { chunkSize: 7 });
      // The unitless third GPS value is not an altitude.
      expect(result.metadata.altitudeRangeMeters).toBeUndefined();
      expect(result).toMatchObject({
        bbox: [149.0251, -20.2535, 149.0253, -20.2533],
        // Queensland coast: Australia/Brisbane, +10:00 all year (no daylight saving), by hand.
        timeRange: { start: '2017-08-05T04:11:51.000Z', end: '2017-08-05T04:11:52.000Z' },
        warnings: [],
        metadata: {
          frames: 2,
          gpsOrder: 'lon,lat',
          timeZone: 'Australia/Brisbane',
          gpsThirdValueRange: { min: 16, max: 17 },
          relativeAltitudeRangeMeters: { min: 1.9, max: 2.5 },
        },
      });
    });

    it('reads the enterprise GPS(lat,lon,altM) latitude first (Matrice 300 style), with BAROMETER:hM as the height', async () => {
      // The layout of DJI_SRT_Parser's samples/matrice_300.srt (a Matrice 300 near Cadiz), values of our own.
      const enterprise =
        '1\n00:00:00,000 --> 00:00:01,000\n2022.06.21 16:06:17\nGPS(36.6146,-6.1120,52.5M) BAROMETER:0.3M\n\n' +
        '2\n00:00:01,000 --> 00:00:02,000\n2022.06.21 16:06:18\nGPS(36.6150,-6.1126,60.1M) BAROMETER:8.4M\n';
      expect(await runProbe(srtProbe, Buffer.from(enterprise), { chunkSize: 7 })).toMatchObject({
        bbox: [-6.1126, 36.6146, -6.112, 36.615],
        // Cadiz: Europe/Madrid, CEST (+02:00) in June, by hand.
        timeRange: { start: '2022-06-21T14:06:17.000Z', end: '2022-06-21T14:06:18.000Z' },
        warnings: [],
        metadata: {
          frames: 2,
          localTime: { start: '2022-06-21T16:06:17.000', end: '2022-06-21T16:06:18.000' },
          timeZone: 'Europe/Madrid',
          gpsOrder: 'lat,lon',
          altitudeRangeMeters: { min: 52.5, max: 60.1 },
          relativeAltitudeRangeMeters: { min: 0.3, max: 8.4 },
        },
      });
    });

    it('takes a first GPS value beyond 90 as the longitude, and warns when frames disagree on the order', async () => {
      const mixed =
        '1\n00:00:00,000 --> 00:00:01,000\nGPS(36.6146,-6.1120,0.0M) BAROMETER:0.3M\n\n' +
        '2\n00:00:01,000 --> 00:00:02,000\nGPS(149.0251,-20.2533,16) BAROMETER:1.9\n';
      const result = await runProbe(srtProbe, Buffer.from(mixed));
      expect(result.bbox).toEqual([-6.112, -20.2533, 149.0251, 36.6146]);
      expect(result.metadata).toMatchObject({ gpsOrder: 'mixed' });
      expect(result.warnings).toEqual(['1 frame give GPS(...) latitude first (enterprise) and 1 longitude first (consumer)']);
    });

    it('keeps local times without a position in the metadata, with a warning, and stores no UTC range', async () => {
      const unplaced = '1\n00:00:00,000 --> 00:00:01,000\n2022-05-01 15:01:58,531\n[iso : 100] [latitude: 0.0] [longitude: 0.0]\n';
      const result = await runProbe(srtProbe, Buffer.from(unplaced));
      expect(result.timeRange).toBeUndefined();
      expect(result.metadata).toMatchObject({ localTime: { start: '2022-05-01T15:01:58.531', end: '2022-05-01T15:01:58.531' } });
      expect(result.metadata.timeZone).toBeUndefined();
      expect(result.warnings).toEqual([
        'the frames carry local times but no position to find their time zone: no UTC time range is stored',
        '1 position(s) dropped from the footprint: 1 at (0, 0).',
      ]);
      expect(result.footprint).toBeNull();
    });

    it('reads GPS (lon, lat, alt) and the height above home (Mavic 2 style), without a date', async () => {
      const result = await runProbe(srtProbe, Buffer.from(mavic2), { chunkSize: 7 });
      expect(result.bbox).toEqual([8.6499, 53.1665, 8.6501, 53.1667]);
      expect(result.timeRange).toBeUndefined();
      expect(result.durationSeconds).toBe(0.08);
      expect(result.metadata).toMatchObject({
        frames: 2,
        gpsOrder: 'lon,lat',
        gpsThirdValueRange: { min: 18, max: 19 },
        relativeAltitudeRangeMeters: { min: 6.1, max: 6.5 },
      });
      expect(result.metadata.altitudeRangeMeters).toBeUndefined();
    });
  });

  describe('truncated and broken sidecars', () => {
    it('reports a file cut inside a block as truncated', async () => {
      const cut = fixture.subarray(0, text.lastIndexOf('[focal_len'));
      await expectProbeFailure(srtProbe, cut, 'truncated', /ends inside block 6 \(line 31\); 5 complete frames before it/, { chunkSize: 7 });
      const afterNumber = fixture.subarray(0, text.lastIndexOf('\r\n6\r\n') + 5);
      await expectProbeFailure(srtProbe, afterNumber, 'truncated', /ends after the number of block 6; 5 complete frames/);
      // Cut at a line end inside the block: the <font> it opened is never closed.
      const atLineEnd = fixture.subarray(0, text.lastIndexOf('11.666\r\n') + 8);
      await expectProbeFailure(srtProbe, atLineEnd, 'truncated', /ends inside block 6 \(line 31\)/);
    });

    it('rejects a block without a timing line, an empty block and a timeline going backwards', async () => {
      const noTiming = text.replace('00:00:00,066 --> 00:00:00,099', 'sometime');
      await expectProbeFailure(srtProbe, Buffer.from(noTiming), 'corrupt', /block 3 \(line 13\) has no valid 'hh:mm:ss,mmm --> hh:mm:ss,mmm' line/);
      const empty = text.replace(/(00:00:00,066 --> 00:00:00,099\r\n)[\s\S]*?\r\n\r\n/, '$1\r\n');
      await expectProbeFailure(srtProbe, Buffer.from(empty), 'corrupt', /block 3 \(line 13\) is empty/);
      const backwards = text.replace('00:00:00,099 --> 00:00:00,132', '00:00:00,010 --> 00:00:00,020');
      await expectProbeFailure(srtProbe, Buffer.from(backwards), 'corrupt', /block 4 .* the timeline goes backwards/);
    });

    it('drops a position off the globe with a warning (issue 12), and rejects a file of plain subtitles', async () => {
      const offGlobe = await runProbe(srtProbe, Buffer.from(text.replace('[latitude: 46.050300]', '[latitude: 146.050300]')));
      expect(offGlobe.footprint).toMatchObject({ positions: 3, dropped: { invalid: 1, nullIsland: 2, jumps: 0 } });
      expect(offGlobe.warnings).toEqual(['3 position(s) dropped from the footprint: 1 not a valid latitude / longitude, 2 at (0, 0).']);
      expect(offGlobe.metadata).toMatchObject({ framesWithPosition: 3, framesWithoutPosition: 3 });
      // skipSniff: the sniffer would already refuse it; the session must not describe it either.
      const film = Buffer.from('1\n00:00:01,000 --> 00:00:04,000\nWhere are we going?\n');
      await expectProbeFailure(srtProbe, film, 'corrupt', /none of the 1 block carries DJI telemetry/, { skipSniff: true });
    });

    it('rejects binary data in place of a block', async () => {
      const binary = Buffer.concat([fixture, Buffer.from('\r\n7\r\n'), Buffer.from([0xff, 0x00, 0x12])]);
      // skipSniff: as if the binary tail lay beyond the 64 KiB head the sniffer sees.
      await expectProbeFailure(srtProbe, binary, 'corrupt', /NUL byte/, { skipSniff: true });
      await expectProbeFailure(
        srtProbe,
        Buffer.concat([fixture, Buffer.from('\r\n\x89PNG garbage\r\n')]),
        'corrupt',
        /line 37 should number a subtitle block/,
      );
    });
  });

  describeSample('mavic_air2.srt', (path) => {
    it('describes the Mavic Air 2 sidecar (figures checked with a separate Python regex count)', async () => {
      const result = await runProbe(srtProbe, path, { chunkSize: 7 });
      expect(result).toMatchObject({
        // Barcelona: Europe/Madrid, CEST (+02:00) on 1 May 2022, by hand: local 15:01:58.531 = 13:01:58.531 UTC.
        timeRange: { start: '2022-05-01T13:01:58.531Z', end: '2022-05-01T13:01:58.931Z' },
        bbox: [2.162162, 41.420684, 2.162162, 41.420686],
        durationSeconds: 0.416,
      });
      expect(result.metadata).toMatchObject({
        frames: 25,
        framesWithPosition: 25,
        framesOutOfSequence: 0,
        altitudeRangeMeters: { min: 27.3, max: 29.2 },
        fields: ['iso', 'shutter', 'fnum', 'ev', 'ct', 'color_md', 'focal_len', 'latitude', 'longitude', 'altitude'],
      });
    });
  });

  describeSample('dji_mavic_mini.SRT', (path) => {
    // Figures from SOURCES.txt: dji_srt_parser 1.2.4 (smoothing 0) and a regex parse: 117 packets, longitude first.
    it('reads the consumer GPS (lon, lat, n) longitude first, H as the height, and no altitude from the third value', async () => {
      const result = await runProbe(srtProbe, path);
      expect(result.counts).toEqual({ frames: 117 });
      expect(result.timeRange).toBeUndefined();
      expect(result.warnings).toEqual([]);
      const [minLon, minLat, maxLon, maxLat] = result.bbox ?? [];
      expect([minLat, maxLat]).toEqual([48.0771, 48.0776]);
      expect([minLon, maxLon]).toEqual([-121.7476, -121.7454]);
      // No clock in the file: the track has positions but no times.
      expect(result.footprint).toMatchObject({ kind: 'track', positions: 117, start: null, end: null });
      expect(result.metadata).toMatchObject({
        gpsOrder: 'lon,lat',
        gpsThirdValueRange: { min: 16, max: 17 },
        relativeAltitudeRangeMeters: { min: 200.5, max: 201 },
      });
      expect(result.metadata.altitudeRangeMeters).toBeUndefined();
    });
  });

  describeSample('dji_mavic3.srt', (path) => {
    // Figures from SOURCES.txt: dji_srt_parser 1.2.4 (smoothing 0): 12318 packets, the bracket layout Mavic 3
    // Enterprise also writes, with rel_alt and abs_alt.
    it('reads the bracket layout with rel_alt as the height and abs_alt as the altitude', async () => {
      const result = await runProbe(srtProbe, path, { chunkSize: 1 << 16 });
      expect(result.counts).toEqual({ frames: 12318 });
      // At sea in the Gulf of Guinea: the nautical zone Etc/GMT (+00:00), so UTC reads as the clock (SOURCES.txt dates).
      expect(result.timeRange).toEqual({ start: '2021-12-25T12:27:52.373Z', end: '2021-12-25T12:31:58.710Z' });
      expect(result.metadata).toMatchObject({
        localTime: { start: '2021-12-25T12:27:52.373', end: '2021-12-25T12:31:58.710' },
        timeZone: 'Etc/GMT',
        utcOffset: { start: '+00:00', end: '+00:00' },
      });
      expect(result.bbox).toEqual([-3.37937, 3.4109, -3.37242, 3.41601]);
      // Every one of the 12318 frames has a position and a clock reading (dji_srt_parser: 12318 packets).
      expect(result.footprint).toMatchObject({
        kind: 'track',
        positions: 12318,
        start: '2021-12-25T12:27:52.373Z',
        end: '2021-12-25T12:31:58.710Z',
        dropped: { invalid: 0, nullIsland: 0, jumps: 0 },
      });
      expect(result.metadata).toMatchObject({
        relativeAltitudeRangeMeters: { min: -5.3, max: 11.2 },
        altitudeRangeMeters: { min: -2.499, max: 14.001 },
      });
    });
  });
});

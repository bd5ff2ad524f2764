import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describeSample } from '../../../test/support/samples.js';
import { assertSurvivesMutations, driveProbe, expectProbeFailure, headOf, runProbe } from '../../../test/support/probe-harness.js';
import { GpmfGpsCollector } from './gpmf.decoder.js';
import { parseIso6709 } from './mp4-location.js';
import { mp4Probe } from './mp4.probe.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/mp4');
// Made with ffmpeg's lavfi testsrc (see the report); figures below were cross-checked with ffprobe 5.1.
const MP4 = readFileSync(join(FIXTURES, 'testsrc-160x120-1s.mp4')); // faststart: ftyp, moov, free, mdat
const MOV = readFileSync(join(FIXTURES, 'testsrc-160x120.mov')); // ftyp 'qt  ', wide, mdat, moov at the end

// ---- ISO BMFF / GPMF builders, so tests can make GoPro-like files with exactly the telemetry they need ----

const u8 = (n: number) => Buffer.from([n]);
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const box = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
};
const full = (type: string, version: number, flags: number, ...parts: Buffer[]) =>
  box(type, u8(version), Buffer.from([flags >> 16, (flags >> 8) & 255, flags & 255]), ...parts);

/** GPMF KLV item, payload padded to 4 bytes. */
function klv(key: string, type: string, size: number, repeat: number, data: Buffer): Buffer {
  const pad = (4 - (data.length % 4)) % 4;
  return Buffer.concat([
    Buffer.from(key, 'latin1'),
    Buffer.from([type === '\0' ? 0 : type.charCodeAt(0), size]),
    u16(repeat),
    data,
    Buffer.alloc(pad),
  ]);
}
const nest = (key: string, ...items: Buffer[]) => {
  const d = Buffer.concat(items);
  return klv(key, '\0', 4, d.length / 4, d);
};

/** One GoPro GPS5 payload (1 s): fix, UTC time of the first sample, scale, and [lat, lon, alt, s2d, s3d] samples. */
function gps5Payload(gpsu: string, fix: number, points: Array<[number, number, number]>, precision = 150): Buffer {
  const scal = [10_000_000, 10_000_000, 1000, 1000, 100];
  const data = Buffer.concat(
    points.flatMap(([lat, lon, alt]) => [
      i32(Math.round(lat * scal[0])),
      i32(Math.round(lon * scal[1])),
      i32(Math.round(alt * scal[2])),
      i32(1500),
      i32(160),
    ]),
  );
  return nest(
    'DEVC',
    klv('DVID', 'L', 4, 1, u32(1)),
    klv('DVNM', 'c', 1, 11, Buffer.from('HERO7 Black')),
    nest(
      'STRM',
      klv('STNM', 'c', 1, 20, Buffer.from('GPS (Lat., Long., Alt'.slice(0, 20))),
      klv('GPSF', 'L', 4, 1, u32(fix)),
      klv('GPSP', 'S', 2, 1, u16(precision)),
      klv('GPSU', 'U', 16, 1, Buffer.from(gpsu, 'latin1')),
      klv('SCAL', 'l', 4, 5, Buffer.concat(scal.map(i32))),
      klv('GPS5', 'l', 20, points.length, data),
    ),
  );
}

/** One HERO11-style GPS9 payload: TYPE 'lllllllSS' with per-sample days since 2000 and seconds since midnight. */
function gps9Payload(days: number, secs: number, points: Array<[number, number, number]>): Buffer {
  const scal = [10_000_000, 10_000_000, 1000, 1000, 100, 1, 1000, 100, 1];
  const data = Buffer.concat(
    points.flatMap(([lat, lon, alt], i) => [
      i32(Math.round(lat * 1e7)),
      i32(Math.round(lon * 1e7)),
      i32(Math.round(alt * 1000)),
      i32(0),
      i32(0),
      i32(days),
      i32((secs + i * 0.1) * 1000),
      u16(150),
      u16(3),
    ]),
  );
  return nest(
    'DEVC',
    nest(
      'STRM',
      klv('TYPE', 'c', 1, 9, Buffer.from('lllllllSS')),
      klv('SCAL', 'l', 4, 9, Buffer.concat(scal.map(i32))),
      klv('GPS9', '?', 32, points.length, data),
    ),
  );
}

interface TrackSpec {
  handler: string;
  format: string;
  samples: Buffer[];
}

/** ftyp + mdat (all samples, one chunk per sample) + moov (mvhd + one trak per spec). */
function buildMp4(tracks: TrackSpec[], opts: { brand?: string; creation?: number; stszOverride?: Buffer; moovExtra?: Buffer[] } = {}): Buffer {
  const ftyp = box('ftyp', Buffer.from(opts.brand ?? 'mp41', 'latin1'), u32(0), Buffer.from('mp41isom', 'latin1'));
  const mdatPayload = Buffer.concat(tracks.flatMap((t) => t.samples));
  const mdat = box('mdat', mdatPayload);
  let at = ftyp.length + 8;
  const traks = tracks.map((t, i) => {
    const offsets = t.samples.map((s) => {
      const o = at;
      at += s.length;
      return o;
    });
    const stbl = box(
      'stbl',
      full('stsd', 0, 0, u32(1), box(t.format, Buffer.alloc(6), u16(1))),
      full('stts', 0, 0, u32(1), u32(t.samples.length), u32(1000)),
      full('stsc', 0, 0, u32(1), u32(1), u32(1), u32(1)),
      opts.stszOverride ?? full('stsz', 0, 0, u32(0), u32(t.samples.length), ...t.samples.map((s) => u32(s.length))),
      full('stco', 0, 0, u32(offsets.length), ...offsets.map(u32)),
    );
    return box(
      'trak',
      full(
        'tkhd',
        0,
        1,
        u32(0),
        u32(0),
        u32(i + 1),
        u32(0),
        u32(t.samples.length * 1000),
        Buffer.alloc(8),
        Buffer.alloc(8),
        Buffer.alloc(36),
        u32(0),
        u32(0),
      ),
      box(
        'mdia',
        full('mdhd', 0, 0, u32(0), u32(0), u32(1000), u32(t.samples.length * 1000), u16(0x55c4), u16(0)),
        full('hdlr', 0, 0, u32(0), Buffer.from(t.handler, 'latin1'), Buffer.alloc(12), Buffer.from('GoPro MET\0')),
        box('minf', stbl),
      ),
    );
  });
  const seconds = Math.max(...tracks.map((t) => t.samples.length));
  const mvhd = full(
    'mvhd',
    0,
    0,
    u32(opts.creation ?? 0),
    u32(0),
    u32(1000),
    u32(seconds * 1000),
    u32(0x10000),
    u16(0x100),
    Buffer.alloc(10),
    Buffer.alloc(36),
    Buffer.alloc(24),
    u32(tracks.length + 1),
  );
  return Buffer.concat([ftyp, mdat, box('moov', mvhd, ...traks, ...(opts.moovExtra ?? []))]);
}

/** An iPhone's QuickTime metadata: moov/meta with an mdta handler, keys, and the ilst entry of each key (1-based). */
function appleMeta(entries: Array<[string, string]>): Buffer {
  const keys = entries.map(([key]) => box('mdta', Buffer.from(key, 'utf8')));
  const items = entries.map(([, value], i) =>
    Buffer.concat([u32(Buffer.from(value).length + 24), u32(i + 1), box('data', u32(1), u32(0), Buffer.from(value))]),
  );
  return box(
    'meta',
    full('hdlr', 0, 0, u32(0), Buffer.from('mdta', 'latin1'), Buffer.alloc(12), u8(0)),
    full('keys', 0, 0, u32(entries.length), ...keys),
    box('ilst', ...items),
  );
}

const macSeconds = (iso: string) => Date.parse(iso) / 1000 + 2_082_844_800;

describe('mp4Probe', () => {
  describe('sniff', () => {
    it('recognises ftyp files and old QuickTime files from their first box', () => {
      expect(mp4Probe.sniff(headOf(MP4))).toBe(true);
      expect(mp4Probe.sniff(headOf(MOV))).toBe(true);
      expect(mp4Probe.sniff(Buffer.concat([u32(8), Buffer.from('wide'), u32(100), Buffer.from('mdat')]))).toBe(true);
    });

    it('rejects other formats, HEIF stills and text', () => {
      expect(mp4Probe.sniff(Buffer.from('ply\nformat ascii 1.0\nelement vertex 1\n'))).toBe(false);
      expect(mp4Probe.sniff(Buffer.from('LASF\0\0\0\0\0\0\0\0\0\0\0\0'))).toBe(false);
      expect(mp4Probe.sniff(box('ftyp', Buffer.from('heic'), u32(0), Buffer.from('mif1heic')))).toBe(false);
      expect(mp4Probe.sniff(Buffer.from('{"asset":{"version":"2.0"}}'))).toBe(false);
      expect(mp4Probe.sniff(Buffer.alloc(0))).toBe(false);
      // Text with a QuickTime box name at bytes 4-8 is not a movie.
      expect(mp4Probe.sniff(Buffer.from('sku,free_text,price\n1,a,2\n'))).toBe(false);
      expect(mp4Probe.sniff(Buffer.from('raw mdat dump follows\n'))).toBe(false);
      // A 'free' box followed by garbage instead of another box.
      expect(mp4Probe.sniff(Buffer.concat([u32(16), Buffer.from('free'), Buffer.alloc(8), u32(8), Buffer.from('zzzz')]))).toBe(false);
    });
  });

  describe('good files', () => {
    it('describes an H.264 + AAC MP4 (moov first) like ffprobe does', async () => {
      const result = await runProbe(mp4Probe, MP4);
      expect(result).toMatchObject({
        format: 'mp4',
        modality: 'video',
        durationSeconds: 1,
        timeRange: { start: '2024-05-06T07:08:09.000Z', end: '2024-05-06T07:08:10.000Z' },
        metadata: {
          brand: 'isom',
          width: 160,
          height: 120,
          frameRate: 25,
          videoCodec: 'avc1.64000b',
          topLevelBoxes: ['ftyp', 'moov', 'free', 'mdat'],
        },
      });
      expect(result.metadata.tracks).toEqual([
        expect.objectContaining({ handler: 'vide', codec: 'avc1.64000b', width: 160, height: 120, frameRate: 25, sampleCount: 25 }),
        expect.objectContaining({ handler: 'soun', codec: 'mp4a.40.2', channels: 1, sampleRate: 44100, sampleCount: 45 }),
      ]);
      expect(result.bbox).toBeUndefined();
    });

    it('describes a QuickTime MOV whose moov is at the end, without buffering the media', async () => {
      const run = await driveProbe(mp4Probe, MOV, { chunkSize: 4096 });
      expect(run.error).toBeUndefined();
      expect(run.result).toMatchObject({
        format: 'mov',
        durationSeconds: 1.001,
        timeRange: { start: '2023-01-02T03:04:05.000Z' },
        metadata: { brand: 'qt  ', width: 160, height: 120, frameRate: 29.97, videoCodec: 'jpeg', topLevelBoxes: ['ftyp', 'wide', 'mdat', 'moov'] },
      });
      // Only box headers, ftyp and moov are read: never the 127 kB of media.
      expect(Math.max(...run.reads.map((r) => r.length))).toBeLessThan(1024);
    });

    it('decodes GoPro GPS5 telemetry (scaled by SCAL, timed by GPSU, no-fix payloads dropped) into bbox and time range', async () => {
      const file = buildMp4(
        [
          {
            handler: 'meta',
            format: 'gpmd',
            samples: [
              gps5Payload('240506070809.000', 0, [[0, 0, 0]]), // no lock yet: must not pull the bbox to 0/0
              gps5Payload('240506070810.000', 3, [
                [45.5, 6.25, 1000.5],
                [45.5001, 6.2502, 1001],
              ]),
              gps5Payload('240506070811.000', 3, [[45.4999, 6.2499, 999]], 230),
            ],
          },
        ],
        { creation: macSeconds('2020-01-01T00:00:00Z') },
      );
      const result = await runProbe(mp4Probe, file);
      expect(result.bbox).toEqual([6.2499, 45.4999, 6.2502, 45.5001]);
      expect(result.timeRange).toEqual({ start: '2024-05-06T07:08:10.000Z', end: '2024-05-06T07:08:11.000Z' });
      expect(result.metadata).toMatchObject({
        timeRangeSource: 'gps',
        hasVideo: false,
        gpmf: { samples: 3, samplesRead: 3, malformedSamples: 0, devices: ['HERO7 Black'] },
        gps: { source: 'GPS5', points: 3, rejected: 1, altitude: { min: 999, max: 1001 } },
      });
      // The track: a payload's samples spread over its second; GPSF 3 = 3D, GPSP = DOP x 100; the no-lock epoch counts.
      expect(result.footprint).toMatchObject({
        kind: 'track',
        source: 'GoPro GPMF GPS5',
        positions: 3,
        start: '2024-05-06T07:08:10.000Z',
        end: '2024-05-06T07:08:11.000Z',
        bbox: [6.2499, 45.4999, 6.2502, 45.5001],
      });
      expect(result.footprint?.geometry.type).toBe('LineString');
      expect(result.gnssQuality).toEqual({
        epochs: 4,
        rtkFixed: 0,
        rtkFloat: 0,
        dgps: 0,
        fix3d: 0.75,
        fix2d: 0,
        noFix: 0.25,
        medianHdop: 1.5,
        medianSatellites: null,
      });
    });

    it('decodes HERO11 GPS9 samples with their own per-sample UTC times', async () => {
      const days = (Date.UTC(2023, 6, 14) - Date.UTC(2000, 0, 1)) / 86_400_000;
      const file = buildMp4([
        {
          handler: 'meta',
          format: 'gpmd',
          samples: [
            gps9Payload(days, 3600, [
              [-33.9, 151.2, 5],
              [-33.8999, 151.2001, 6],
            ]),
          ],
        },
      ]);
      const result = await runProbe(mp4Probe, file);
      expect(result.bbox).toEqual([151.2, -33.9, 151.2001, -33.8999]);
      expect(result.footprint).toMatchObject({
        source: 'GoPro GPMF GPS9',
        positions: 2,
        start: '2023-07-14T01:00:00.000Z',
        end: '2023-07-14T01:00:00.100Z',
      });
      expect(result.gnssQuality).toMatchObject({ epochs: 2, fix3d: 1, medianHdop: 1.5 });
      expect(result.timeRange).toEqual({ start: '2023-07-14T01:00:00.000Z', end: '2023-07-14T01:00:00.100Z' });
      expect(result.metadata.gps).toMatchObject({ source: 'GPS9', points: 2 });
    });

    it('falls back to the creation time when there is no GPS, and ignores 1904 zero dates', async () => {
      const dated = buildMp4([{ handler: 'meta', format: 'gpmd', samples: [Buffer.alloc(8)] }], { creation: macSeconds('2021-03-04T05:06:07Z') });
      expect((await runProbe(mp4Probe, dated)).timeRange).toEqual({ start: '2021-03-04T05:06:07.000Z', end: '2021-03-04T05:06:08.000Z' });
      const undated = buildMp4([{ handler: 'meta', format: 'gpmd', samples: [Buffer.alloc(8)] }], { creation: 0 });
      const result = await runProbe(mp4Probe, undated);
      expect(result.timeRange).toBeUndefined();
      expect(result.metadata.creationTime).toBeNull();
      expect(result).toMatchObject({ footprint: null, footprintReason: 'the GoPro telemetry holds no GPS stream' });
    });
  });

  describe('truncated files', () => {
    it('rejects an MP4 cut inside its mdat, naming the missing bytes', async () => {
      await expectProbeFailure(
        mp4Probe,
        MP4.subarray(0, MP4.length - 1000),
        'truncated',
        /box 'mdat' at offset 2122 declares 9167 bytes but the file ends 1000 bytes short/,
      );
    });

    it('rejects a MOV cut before its moov (an unfinalised recording)', async () => {
      await expectProbeFailure(mp4Probe, MOV.subarray(0, 127_600), 'truncated', /no moov box among the top-level boxes \(ftyp, wide, mdat\)/);
    });

    it('rejects a MOV cut inside its moov', async () => {
      await expectProbeFailure(mp4Probe, MOV.subarray(0, MOV.length - 100), 'truncated', /box 'moov' at offset 127600 declares 826 bytes/);
    });
  });

  describe('lying and hostile files', () => {
    it('rejects a 64-bit box size of 2^63 without reading it', async () => {
      const file = Buffer.concat([
        box('ftyp', Buffer.from('isom'), u32(0)),
        u32(1),
        Buffer.from('mdat'),
        Buffer.from('8000000000000000', 'hex'),
        Buffer.alloc(64),
      ]);
      const run = await driveProbe(mp4Probe, file);
      expect(run.error).toMatchObject({ reason: 'corrupt', message: expect.stringMatching(/impossible size of 9223372036854775808/) as unknown });
      expect(Math.max(...run.reads.map((r) => r.length))).toBeLessThanOrEqual(256);
    });

    it('rejects garbage after a valid ftyp', async () => {
      const file = Buffer.concat([
        box('ftyp', Buffer.from('isom'), u32(0)),
        Buffer.from([0x00, 0x00, 0x10, 0x00, 0x01, 0x02, 0x03, 0x04]),
        Buffer.alloc(4096, 0xff),
      ]);
      await expectProbeFailure(mp4Probe, file, 'corrupt', /bytes at offset 16 are not an MP4 box \(type 01020304\) after ftyp/);
    });

    it('rejects a box that declares less than its own header', async () => {
      const file = Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), u32(4), Buffer.from('free'), Buffer.alloc(16)]);
      await expectProbeFailure(mp4Probe, file, 'corrupt', /box 'free' at offset 16 declares 4 bytes, less than its own 8-byte header/);
    });

    it('rejects a sample table that claims 2^32-1 samples it does not hold', async () => {
      const file = buildMp4([{ handler: 'meta', format: 'gpmd', samples: [Buffer.alloc(8)] }], {
        stszOverride: full('stsz', 0, 0, u32(0), u32(0xffffffff), u32(8)),
      });
      await expectProbeFailure(mp4Probe, file, 'corrupt', /stsz declares 4294967295 samples but holds 1/);
    });

    it('rejects chunk offsets that point past the end of the file', async () => {
      const file = buildMp4([{ handler: 'meta', format: 'gpmd', samples: [Buffer.alloc(8)] }]);
      // Rewrite the stco entry (the last 4 bytes of the file) to a far offset.
      file.writeUInt32BE(0x7fff0000, file.length - 4);
      await expectProbeFailure(mp4Probe, file, 'truncated', /chunk 1 of 1 starts at offset 2147418112 but the file has only \d+ bytes/);
    });

    it('rejects a moov box whose children overrun it', async () => {
      const mvhd = full('mvhd', 0, 0, Buffer.alloc(96));
      mvhd.writeUInt32BE(5000, 0); // mvhd claims 5000 bytes inside a ~110-byte moov
      const file = Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), box('moov', mvhd)]);
      await expectProbeFailure(mp4Probe, file, 'corrupt', /box 'mvhd' in moov declares 5000 bytes but its parent has only 108 left/);
    });

    it('keeps decoding GPS when a telemetry payload is malformed, and counts it', async () => {
      const broken = klv('DEVC', '\0', 4, 2, Buffer.concat([Buffer.from('STRM'), Buffer.from([0, 4]), u16(200)])); // nested length past its parent
      const file = buildMp4([{ handler: 'meta', format: 'gpmd', samples: [broken, gps5Payload('240506070810.000', 3, [[10, 20, 30]])] }]);
      const result = await runProbe(mp4Probe, file);
      expect(result.metadata.gpmf).toMatchObject({ samples: 2, malformedSamples: 1 });
      expect(result.bbox).toEqual([20, 10, 20, 10]);
    });
  });

  it('survives random byte edits and cuts of good files with a ProbeError or a result', async () => {
    await assertSurvivesMutations(mp4Probe, MP4, { headerBytes: 2200 }); // ftyp + moov come first
    await assertSurvivesMutations(mp4Probe, MOV.subarray(0, 4096), { runs: 50 });
    const gopro = buildMp4([
      { handler: 'meta', format: 'gpmd', samples: [gps5Payload('240506070810.000', 3, [[45.5, 6.25, 1000]]), gps9Payload(8600, 60, [[1, 2, 3]])] },
    ]);
    await assertSurvivesMutations(mp4Probe, gopro, { headerBytes: gopro.length });
  });

  describeSample('karma.mp4', (path) => {
    // Facts checked independently: ffprobe 5.1 (streams, size, rate, duration, creation_time) and a Python GPMF dump
    // of the 13 gpmd samples (ffmpeg -map 0:3 -c copy -f data): no GPS5, but 47 GPRI and 47 GLPI positions.
    it('gives the GoPro Karma video facts and the GPS bbox from its GPRI telemetry', async () => {
      const result = await runProbe(mp4Probe, path);
      expect(result).toMatchObject({
        format: 'mp4',
        modality: 'video',
        durationSeconds: 12.078733,
        timeRange: { start: '2017-04-17T19:27:57.000Z', end: '2017-04-17T19:28:09.079Z' },
        metadata: { brand: 'mp41', width: 854, height: 480, frameRate: 29.97, timeRangeSource: 'creation_time' },
      });
      expect(
        (result.metadata.tracks as Array<{ handler: string; format: string; sampleCount: number }>).map((t) => [t.handler, t.format, t.sampleCount]),
      ).toEqual([
        ['vide', 'avc1', 362],
        ['soun', 'mp4a', 566],
        ['tmcd', 'tmcd', 1],
        ['meta', 'gpmd', 13],
        ['meta', 'fdsc', 943],
      ]);
      expect(result.metadata.gpmf).toMatchObject({ samples: 13, samplesRead: 13, malformedSamples: 0, devices: ['Camera', 'GoPro Karma v1.0'] });
      expect(result.metadata.gps).toMatchObject({
        source: 'GPRI',
        points: 47,
        rejected: 0,
        streams: { GLPI: expect.objectContaining({ points: 47 }) as unknown },
      });
      // GPRI carries time since boot only: an untimed track, all 3D fixes.
      expect(result.footprint).toMatchObject({ kind: 'track', source: 'GoPro GPMF GPRI', positions: 47, start: null, end: null });
      expect(result.gnssQuality).toMatchObject({ epochs: 47, fix3d: 1 });
      const [minLon, minLat, maxLon, maxLat] = result.bbox ?? [NaN, NaN, NaN, NaN];
      expect(minLon).toBeCloseTo(-117.3314762, 7);
      expect(minLat).toBeCloseTo(33.125368, 7);
      expect(maxLon).toBeCloseTo(-117.3310641, 7);
      expect(maxLat).toBeCloseTo(33.126003, 7);
    });

    it('rejects the same file with its last kilobyte (inside moov) cut off', async () => {
      const bytes = readFileSync(path);
      await expectProbeFailure(mp4Probe, bytes.subarray(0, bytes.length - 1024), 'truncated', /box 'moov' at offset 4115984 declares 18663 bytes/);
    });
  });

  describeSample('gopro_hero11_gpmf.raw', (path) => {
    // A HERO11 Black's raw GPMF (what a gpmd track's samples hold), decoded as the probe decodes each gpmd sample.
    it('prefers GPS9 over GPS5 and gives its track, per-sample UTC times, fix and DOP', () => {
      const gpmf = new GpmfGpsCollector();
      gpmf.addSample(readFileSync(path));
      expect(gpmf.malformed).toBe(0);
      const summaries = Object.fromEntries(gpmf.summaries());
      // SOURCES.txt (gopro-telemetry 1.2.11): GPS9 and GPS5 110 samples each, lat 42.4261373..42.4261529,
      // lon -8.6499984..-8.6499795, alt 33.982..34.778 m, fix 3, DOP 1.43..2.74.
      expect(summaries.GPS9).toMatchObject({
        points: 110,
        rejected: 0,
        bbox: [-8.6499984, 42.4261373, -8.6499795, 42.4261529],
        altitude: { min: 33.982, max: 34.778 },
      });
      expect(summaries.GPS5).toMatchObject({ points: 110, rejected: 0 });
      const track = gpmf.footprint();
      expect(track?.stream).toBe('GPS9');
      // gopro-telemetry prints 13:29:36.898Z..13:29:47.798Z; the first sample's raw seconds field is 48576899 ms
      // (python3 struct dump of the GPS9 record), so the exact times are 1 ms later: that tool truncates a float.
      expect(track?.outcome.footprint).toMatchObject({
        kind: 'track',
        source: 'GoPro GPMF GPS9',
        positions: 110,
        start: '2022-09-20T13:29:36.899Z',
        end: '2022-09-20T13:29:47.799Z',
        bbox: [-8.6499984, 42.4261373, -8.6499795, 42.4261529],
      });
      expect(track?.outcome.quality).toMatchObject({ epochs: 110, fix3d: 1, noFix: 0 });
      const dop = track?.outcome.quality?.medianHdop ?? NaN;
      expect(dop).toBeGreaterThanOrEqual(1.43);
      expect(dop).toBeLessThanOrEqual(2.74);
    });
  });

  describe('phone recording locations (ISO 6709)', () => {
    it('parses decimal degrees, degrees and minutes, degrees minutes seconds, altitude and a CRS suffix', () => {
      expect(parseIso6709('+33.9951-118.4762/')).toEqual({ lat: 33.9951, lon: -118.4762 });
      expect(parseIso6709('+48.8584+002.2945+035.000/')).toEqual({ lat: 48.8584, lon: 2.2945, altitude: 35 });
      expect(parseIso6709('+4851.504+00217.670CRSWGS_84/')).toEqual({ lat: 48 + 51.504 / 60, lon: 2 + 17.67 / 60 });
      expect(parseIso6709('-335424.5+1511231/')).toEqual({ lat: -(33 + 54 / 60 + 24.5 / 3600), lon: 151 + 12 / 60 + 31 / 3600 });
      expect(parseIso6709('+91.0000+000.0000/')).toBeUndefined();
      expect(parseIso6709('somewhere')).toBeUndefined();
    });

    it("places an iPhone video at its 'com.apple.quicktime.location.ISO6709' key, over its creation time", async () => {
      const meta = appleMeta([
        ['com.apple.quicktime.make', 'Apple'],
        ['com.apple.quicktime.location.ISO6709', '+48.8584+002.2945+035.000/'],
      ]);
      const file = buildMp4([{ handler: 'vide', format: 'avc1', samples: [Buffer.alloc(10), Buffer.alloc(10)] }], {
        brand: 'qt  ',
        creation: macSeconds('2024-07-01T10:00:00Z'),
        moovExtra: [meta],
      });
      const result = await runProbe(mp4Probe, file);
      expect(result.footprint).toMatchObject({
        kind: 'point',
        geometry: { type: 'Point', coordinates: [2.2945, 48.8584] },
        start: '2024-07-01T10:00:00.000Z',
        end: '2024-07-01T10:00:02.000Z',
        source: 'MP4 mdta com.apple.quicktime.location.ISO6709 (ISO 6709 "+48.8584+002.2945+035.000/")',
      });
      expect(result.bbox).toEqual([2.2945, 48.8584, 2.2945, 48.8584]);
      expect(result.metadata.location).toMatchObject({ lat: 48.8584, lon: 2.2945, altitude: 35 });
    });

    it('leaves a plain video without telemetry or location without a footprint', async () => {
      const result = await runProbe(mp4Probe, buildMp4([{ handler: 'vide', format: 'avc1', samples: [Buffer.alloc(10)] }]));
      expect(result.footprint).toBeUndefined();
      expect(result.footprintReason).toBeUndefined();
    });
  });

  describeSample('jcodec_android_keyed.mp4', (path) => {
    // SOURCES.txt: ffprobe 5.1.9 tag location "+33.9951-118.4762/", exiftool GPSCoordinates 33.9951 -118.4762; the
    // jcodec test stripped the media (sample offsets run past the end; ffprobe: "partial file").
    it('rejects the stripped file as truncated, as ffprobe finds it partial', async () => {
      await expectProbeFailure(mp4Probe, path, 'truncated', /chunk 1 of 11 starts at offset 417902 but the file has only 405249 bytes/);
    });

    it("places the Android video at its udta '©xyz' location once its media bytes are back (zeros in a grown mdat)", async () => {
      const bytes = readFileSync(path);
      // The 12-byte mdat is the last box: grow it with zeros past the last chunk offset (31044817, from its stco).
      const pad = 32 * 1024 * 1024 - bytes.length;
      const grown = Buffer.concat([bytes, Buffer.alloc(pad)]);
      grown.writeUInt32BE(12 + pad, bytes.length - 12);
      const result = await runProbe(mp4Probe, grown);
      expect(result.metadata.location).toEqual({ lat: 33.9951, lon: -118.4762, iso6709: '+33.9951-118.4762/', source: 'udta ©xyz' });
      // creation_time 2017-07-13T19:16:41Z and duration 11.371 s (ffprobe) are the point's time span.
      expect(result.footprint).toMatchObject({
        kind: 'point',
        geometry: { type: 'Point', coordinates: [-118.4762, 33.9951] },
        start: '2017-07-13T19:16:41.000Z',
        source: 'MP4 udta ©xyz (ISO 6709 "+33.9951-118.4762/")',
      });
      expect(result.bbox).toEqual([-118.4762, 33.9951, -118.4762, 33.9951]);
    });
  });
});

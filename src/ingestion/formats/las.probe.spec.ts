import { readFileSync } from 'node:fs';

import { describeSample } from '../../../test/support/samples.js';
import { assertSurvivesMutations, driveProbe, expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { lasProbe } from './las.probe.js';

// ---- LAS / LAZ builders: a header as the spec lays it out, VLRs, and point bytes ----

interface LasSpec {
  minor?: number;
  pointFormat?: number;
  compressed?: boolean;
  recordLength?: number;
  points?: number;
  /** 64-bit count of LAS 1.4 (defaults to `points`). */
  count64?: bigint;
  legacyCount?: number;
  scale?: [number, number, number];
  offset?: [number, number, number];
  min?: [number, number, number];
  max?: [number, number, number];
  vlrs?: Buffer[];
  /** Bytes after the point data offset (defaults to points x record length zeros). */
  pointData?: Buffer;
  globalEncoding?: number;
  vlrCountOverride?: number;
}

function vlr(userId: string, recordId: number, body: Buffer, lengthOverride?: number): Buffer {
  const head = Buffer.alloc(54);
  head.write(userId, 2, 'latin1');
  head.writeUInt16LE(recordId, 18);
  head.writeUInt16LE(lengthOverride ?? body.length, 20);
  head.write('test record', 22, 'latin1');
  return Buffer.concat([head, body]);
}

function geoKeys(keys: Array<[number, number, number, number]>): Buffer {
  const out = Buffer.alloc(8 + keys.length * 8);
  [1, 1, 0, keys.length].forEach((v, i) => out.writeUInt16LE(v, i * 2));
  keys.forEach((k, i) => {
    k.forEach((v, j) => out.writeUInt16LE(v, 8 + i * 8 + j * 2));
  });
  return out;
}

/** A LASF_Projection GeoKeyDirectory VLR with these keys. */
const geoKeysVlr = (...keys: Array<[number, number, number, number]>): Buffer => vlr('LASF_Projection', 34735, geoKeys(keys));

function buildLas(spec: LasSpec = {}): Buffer {
  const minor = spec.minor ?? 2;
  const headerSize = minor >= 4 ? 375 : minor === 3 ? 235 : 227;
  const pointFormat = spec.pointFormat ?? 1;
  const recordLength = spec.recordLength ?? [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67][pointFormat];
  const points = spec.points ?? 3;
  const vlrs = Buffer.concat(spec.vlrs ?? []);
  const h = Buffer.alloc(headerSize);
  h.write('LASF', 0, 'latin1');
  h.writeUInt16LE(spec.globalEncoding ?? 0, 6);
  h[24] = 1;
  h[25] = minor;
  h.write('TEST', 26, 'latin1');
  h.write('probe spec builder', 58, 'latin1');
  h.writeUInt16LE(100, 90);
  h.writeUInt16LE(2024, 92);
  h.writeUInt16LE(headerSize, 94);
  h.writeUInt32LE(headerSize + vlrs.length, 96);
  h.writeUInt32LE(spec.vlrCountOverride ?? (spec.vlrs ?? []).length, 100);
  h[104] = pointFormat | (spec.compressed ? 0x80 : 0);
  h.writeUInt16LE(recordLength, 105);
  h.writeUInt32LE(spec.legacyCount ?? (minor >= 4 && pointFormat >= 6 ? 0 : points), 107);
  const [sx, sy, sz] = spec.scale ?? [0.01, 0.01, 0.01];
  const [ox, oy, oz] = spec.offset ?? [0, 0, 0];
  const [minX, minY, minZ] = spec.min ?? [100, 200, 10];
  const [maxX, maxY, maxZ] = spec.max ?? [110, 220, 30];
  [sx, sy, sz, ox, oy, oz, maxX, minX, maxY, minY, maxZ, minZ].forEach((v, i) => h.writeDoubleLE(v, 131 + i * 8));
  if (minor >= 4) h.writeBigUInt64LE(spec.count64 ?? BigInt(points), 247);
  const data = spec.pointData ?? Buffer.alloc(points * recordLength);
  return Buffer.concat([h, vlrs, data]);
}

/** LASzip VLR (compressor 2 = pointwise chunked) with a chunk size. */
function laszipVlr(chunkSize: number, compressor = 2): Buffer {
  const body = Buffer.alloc(34 + 6);
  body.writeUInt16LE(compressor, 0);
  body[4] = 3;
  body[5] = 4;
  body.writeUInt32LE(chunkSize, 12);
  body.writeBigInt64LE(-1n, 16);
  body.writeBigInt64LE(-1n, 24);
  body.writeUInt16LE(1, 32);
  return vlr('laszip encoded', 22204, body);
}

/** LAZ point data: chunk table offset, some "compressed" bytes, the chunk table header (version 0, n chunks). */
function lazData(chunks: number, pointOffset: number, compressedBytes = 100): Buffer {
  const out = Buffer.alloc(8 + compressedBytes + 8);
  out.writeBigInt64LE(BigInt(pointOffset + 8 + compressedBytes), 0);
  out.writeUInt32LE(0, 8 + compressedBytes);
  out.writeUInt32LE(chunks, 8 + compressedBytes + 4);
  return out;
}

const WKT_UTM33 =
  'PROJCS["WGS 84 / UTM zone 33N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",15],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","32633"]]';

describe('lasProbe', () => {
  describe('sniff', () => {
    it('recognises LASF and nothing else', () => {
      expect(lasProbe.sniff(buildLas())).toBe(true);
      expect(lasProbe.sniff(Buffer.from('LAS 1.2 text export'))).toBe(false);
      expect(lasProbe.sniff(Buffer.from('ASTM-E57'))).toBe(false);
      expect(lasProbe.sniff(Buffer.from('LAS'))).toBe(false);
    });
  });

  describe('good files', () => {
    it('describes LAS 1.2 in EPSG:4326 with a WGS84 bbox from the GeoTIFF keys', async () => {
      const file = buildLas({
        points: 3,
        scale: [1e-7, 1e-7, 0.001],
        min: [2.29, 48.85, 30],
        max: [2.3, 48.86, 70],
        vlrs: [
          vlr(
            'LASF_Projection',
            34735,
            geoKeys([
              [1024, 0, 1, 2],
              [2048, 0, 1, 4326],
            ]),
          ),
        ],
      });
      const result = await runProbe(lasProbe, file);
      expect(result).toMatchObject({
        format: 'las',
        modality: 'pointcloud',
        bbox: [2.29, 48.85, 2.3, 48.86],
        footprint: { kind: 'polygon', source: 'LAS header bounds in EPSG:4326 (WGS 84)', bbox: [2.29, 48.85, 2.3, 48.86], start: null, end: null },
        metadata: {
          version: '1.2',
          pointFormat: 1,
          pointRecordLength: 28,
          compressed: false,
          pointCount: 3,
          scale: [1e-7, 1e-7, 0.001],
          bounds: { min: [2.29, 48.85, 30], max: [2.3, 48.86, 70] },
          crs: { source: 'geotiff', kind: 'geographic', epsg: 4326 },
          creationDate: '2024-04-09',
          systemIdentifier: 'TEST',
        },
      });
    });

    it('keeps native bounds and the CRS of a projected LAS 1.4 (64-bit count, WKT), with the bounds reprojected to WGS84', async () => {
      const file = buildLas({
        minor: 4,
        pointFormat: 6,
        points: 5,
        min: [500000, 5000000, 0],
        max: [500100, 5000100, 10],
        vlrs: [vlr('LASF_Projection', 2112, Buffer.from(`${WKT_UTM33}\0`))],
        globalEncoding: 0x11,
      });
      const result = await runProbe(lasProbe, file);
      // gdaltransform (GDAL 3.6.2) -s_srs EPSG:32633 -t_srs EPSG:4326 of the corners: 15 E at the central meridian.
      const expected = [15, 45.1534771762706, 15.0012722102072, 45.1543773517013];
      expected.forEach((v, i) => {
        expect(result.bbox?.[i]).toBeCloseTo(v, 8);
      });
      expect(result.footprint?.source).toBe('LAS header bounds in EPSG:32633 (WGS 84 / UTM zone 33N)');
      expect(result.metadata).toMatchObject({
        version: '1.4',
        pointFormat: 6,
        pointCount: 5,
        gpsTime: 'adjusted-standard',
        crs: { source: 'wkt', kind: 'projected', name: 'WGS 84 / UTM zone 33N', epsg: 32633 },
        bounds: { min: [500000, 5000000, 0], max: [500100, 5000100, 10] },
      });
    });

    it('accepts a LAS 1.4 file whose legacy point count disagrees with the 64-bit one, with a warning', async () => {
      const file = buildLas({ minor: 4, pointFormat: 1, points: 5, legacyCount: 4, min: [0, 0, 0], max: [1, 1, 1] });
      const result = await runProbe(lasProbe, file);
      expect(result.counts).toEqual({ points: 5 });
      expect(result.warnings).toEqual(['legacy point count 4 differs from the 64-bit count 5']);
      expect(result.metadata).not.toHaveProperty('warnings');
    });

    it('assumes lon/lat only when there is no CRS and the scale is degree-sized', async () => {
      const lonLat = await runProbe(lasProbe, buildLas({ scale: [1e-7, 1e-7, 0.01], min: [-122.5, 37.7, 0], max: [-122.4, 37.8, 5] }));
      expect(lonLat.bbox).toEqual([-122.5, 37.7, -122.4, 37.8]);
      expect(lonLat.footprint?.source).toMatch(/assumed lon\/lat/);
      // Same numbers at centimetre scale are a local metric frame, not degrees.
      const local = await runProbe(lasProbe, buildLas({ scale: [0.01, 0.01, 0.01], min: [-122.5, 37.7, 0], max: [-122.4, 37.8, 5] }));
      expect(local.bbox).toBeUndefined();
      expect(local).toMatchObject({ footprint: null, footprintReason: 'the LAS file names no CRS (no WKT or GeoTIFF keys record)' });
    });

    it('describes a COPC file: LAZ, chunk table checked, hierarchy position and GPS time range', async () => {
      const copc = Buffer.alloc(160);
      [100, 200, 50, 64, 1].forEach((v, i) => copc.writeDoubleLE(v, i * 8));
      const headerAndVlrs = 375 + 54 + 160 + 54 + 40;
      const data = lazData(1, headerAndVlrs);
      copc.writeBigUInt64LE(BigInt(headerAndVlrs + 8), 40); // root hierarchy inside the file
      copc.writeBigUInt64LE(32n, 48);
      // Adjusted standard GPS time (GPS seconds - 1e9) of 2021-01-01T00:00:00Z and one hour later.
      const t0 = (Date.UTC(2021, 0, 1) - Date.UTC(1980, 0, 6)) / 1000 + 18 - 1e9;
      copc.writeDoubleLE(t0, 56);
      copc.writeDoubleLE(t0 + 3600, 64);
      const file = buildLas({
        minor: 4,
        pointFormat: 6,
        compressed: true,
        points: 10,
        globalEncoding: 1,
        vlrs: [vlr('copc', 1, copc), laszipVlr(0xffffffff, 3)],
        pointData: data,
      });
      const result = await runProbe(lasProbe, file);
      expect(result).toMatchObject({
        format: 'laz',
        timeRange: { start: '2021-01-01T00:00:00.000Z', end: '2021-01-01T01:00:00.000Z' },
        metadata: {
          compressed: true,
          pointCount: 10,
          laszip: { compressor: 3, chunks: 1 },
          copc: { center: [100, 200, 50], halfSize: 64, rootHierarchySize: 32 },
        },
      });
    });

    it('without adjusted GPS time ignores pushed chunks and reads only the header and VLRs', async () => {
      const file = buildLas({ points: 50_000 });
      const run = await driveProbe(lasProbe, file, { chunkSize: 64 * 1024 });
      expect(run.error).toBeUndefined();
      expect(run.pushes).toBeGreaterThan(10);
      expect(run.reads.reduce((n, r) => n + r.returned, 0)).toBeLessThan(1024);
    });
  });

  describe('GPS time from the point records', () => {
    /** Point records with their GPS time field set (offset 20 in formats 1 / 3, 22 in formats 6-10). */
    function timedPoints(pointFormat: number, times: number[]): Buffer {
      const recordLength = [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67][pointFormat];
      const at = pointFormat >= 6 ? 22 : 20;
      const out = Buffer.alloc(times.length * recordLength);
      times.forEach((t, i) => out.writeDoubleLE(t, i * recordLength + at));
      return out;
    }
    /** Adjusted standard GPS time (GPS seconds - 1e9) of a UTC instant after 2017 (GPS - UTC = 18 s). */
    const adjusted = (utcMs: number) => (utcMs - Date.UTC(1980, 0, 6)) / 1000 + 18 - 1e9;
    const t0 = adjusted(Date.UTC(2024, 5, 1, 12, 0, 0));

    it('reads min / max of every record as the file streams past, fields cut by chunk boundaries included', async () => {
      const times = Array.from({ length: 500 }, (_, i) => t0 + ((i * 37) % 500) * 0.5);
      const file = buildLas({ minor: 4, pointFormat: 6, points: 500, globalEncoding: 0x11, pointData: timedPoints(6, times) });
      for (const chunkSize of [7, 4096, 1 << 20]) {
        const result = await runProbe(lasProbe, file, { chunkSize });
        expect(result.timeRange).toEqual({ start: '2024-06-01T12:00:00.000Z', end: '2024-06-01T12:04:09.500Z' });
        expect(result.durationSeconds).toBe(249.5);
        expect(result.metadata).toMatchObject({ gpsTimeRange: [t0, t0 + 249.5], gpsTimeSource: 'point records (500 read)' });
      }
    });

    it('reads format 1 records (GPS time at byte 20) and converts across a leap second', async () => {
      // 2016-12-31T23:59:50Z..2017-01-01T00:00:10Z: GPS - UTC is 17 s before the leap second and 18 s after.
      const a = (Date.UTC(2016, 11, 31, 23, 59, 50) - Date.UTC(1980, 0, 6)) / 1000 + 17 - 1e9;
      const b = (Date.UTC(2017, 0, 1, 0, 0, 10) - Date.UTC(1980, 0, 6)) / 1000 + 18 - 1e9;
      const file = buildLas({ pointFormat: 1, points: 3, globalEncoding: 1, pointData: timedPoints(1, [b, a, (a + b) / 2]) });
      const result = await runProbe(lasProbe, file, { chunkSize: 100 });
      expect(result.timeRange).toEqual({ start: '2016-12-31T23:59:50.000Z', end: '2017-01-01T00:00:10.000Z' });
    });

    it('takes no time range from GPS week seconds, and warns about adjusted times that make no plausible date', async () => {
      const week = await runProbe(lasProbe, buildLas({ pointFormat: 1, points: 2, pointData: timedPoints(1, [100, 200]) }));
      expect(week.timeRange).toBeUndefined();
      expect(week.metadata.gpsTimeRange).toBeUndefined();
      const bogus = await runProbe(lasProbe, buildLas({ pointFormat: 1, points: 2, globalEncoding: 1, pointData: timedPoints(1, [-1e9, -1e9 + 5]) }));
      expect(bogus.timeRange).toBeUndefined();
      expect(bogus.warnings).toEqual(['the adjusted GPS times -1000000000..-999999995 s do not make a plausible capture time']);
    });

    it('says that a LAZ time range was not read (the records are compressed and the header has no time bounds)', async () => {
      const headerAndVlrs = 227 + 54 + 40;
      const file = buildLas({
        pointFormat: 1,
        compressed: true,
        points: 10,
        globalEncoding: 1,
        vlrs: [laszipVlr(50_000)],
        pointData: lazData(1, headerAndVlrs),
      });
      const result = await runProbe(lasProbe, file);
      expect(result.timeRange).toBeUndefined();
      expect(result.metadata.gpsTimeSource).toBe('not read: LAZ point records are compressed and LAS headers carry no time bounds');
    });
  });

  describe('footprints', () => {
    it('reprojects US survey feet from the GeoTIFF keys (EPSG:2286, NAD83 / Washington South (ftUS))', async () => {
      const keys = geoKeysVlr([1024, 0, 1, 1], [3072, 0, 1, 2286]);
      const file = buildLas({ points: 3, min: [1640416.67, 400000, 0], max: [1650416.67, 410000, 10], vlrs: [keys] });
      const result = await runProbe(lasProbe, file);
      // gdaltransform (GDAL 3.6.2) -s_srs EPSG:2286 -t_srs EPSG:4326 of the four corners.
      const expected = [-120.499999988102, 46.4302296860642, -120.460320569076, 46.4576588315799];
      expected.forEach((v, i) => {
        expect(result.bbox?.[i]).toBeCloseTo(v, 8);
      });
      expect(result.footprint?.source).toBe('LAS header bounds in EPSG:2286 (NAD83 / Washington South (ftUS))');
    });

    it('has no footprint when the reprojected bounds are larger than a point cloud can be (a wrong CRS or header)', async () => {
      const keys = geoKeysVlr([1024, 0, 1, 2], [2048, 0, 1, 4326]);
      const result = await runProbe(lasProbe, buildLas({ scale: [1e-7, 1e-7, 0.01], min: [0, 40, 0], max: [10, 50, 1], vlrs: [keys] }));
      expect(result.footprint).toBeNull();
      expect(result.footprintReason).toMatch(
        /^the footprint covers [\d,]+ km2, more than a point cloud can: the CRS or the header bounds are wrong$/,
      );
      expect(result.bbox).toBeUndefined();
    });

    it('has no footprint, with the reason, for a CRS the registry does not know or a user-defined projection without WKT', async () => {
      const unknown = buildLas({ vlrs: [geoKeysVlr([1024, 0, 1, 1], [3072, 0, 1, 9999])] });
      expect(await runProbe(lasProbe, unknown)).toMatchObject({
        footprint: null,
        footprintReason: 'EPSG:9999 is not in the EPSG registry this service ships (epsg-index)',
        metadata: { crs: { kind: 'projected', epsg: 9999 } },
      });
      const userDefined = buildLas({ vlrs: [geoKeysVlr([1024, 0, 1, 1], [3072, 0, 1, 32767], [3075, 0, 1, 8])] });
      expect(await runProbe(lasProbe, userDefined)).toMatchObject({
        footprint: null,
        footprintReason: 'the GeoTIFF keys define a user-defined projection (no EPSG code) and the file has no WKT record',
      });
    });
  });

  describe('truncated files', () => {
    it('rejects a LAS 1.4 file whose point records are cut off, with the figures', async () => {
      const file = buildLas({ minor: 4, pointFormat: 3, points: 1200 }).subarray(0, 20_000);
      await expectProbeFailure(
        lasProbe,
        file,
        'truncated',
        /^LAS header declares 1200 points of 34 bytes after offset 375 but the file has only 20000 bytes: truncated$/,
      );
    });

    it('rejects a LAZ file whose chunk table (at the end) is missing', async () => {
      const full = buildLas({ compressed: true, pointFormat: 3, points: 100, vlrs: [laszipVlr(50)], pointData: lazData(2, 227 + 94) });
      await runProbe(lasProbe, full); // the uncut file is fine: 100 points in chunks of 50 = 2 chunks
      await expectProbeFailure(
        lasProbe,
        full.subarray(0, full.length - 8),
        'truncated',
        /LAZ chunk table should be at offset 429 but the file has only 429 bytes: truncated/,
      );
    });

    it('rejects a file shorter than a LAS header', async () => {
      await expectProbeFailure(lasProbe, buildLas().subarray(0, 100), 'truncated', /needs at least 227 bytes but the file has only 100/);
    });
  });

  describe('lying and hostile files', () => {
    it('rejects a 1.4 header claiming 2^63 points', async () => {
      await expectProbeFailure(
        lasProbe,
        buildLas({ minor: 4, pointFormat: 6, count64: 2n ** 63n }),
        'corrupt',
        /impossible 9223372036854775808 points/,
      );
    });

    it('rejects a header claiming 10^12 points in a small file as truncated, without reading them', async () => {
      const run = await driveProbe(lasProbe, buildLas({ minor: 4, pointFormat: 6, count64: 10n ** 12n, points: 2 }));
      expect(run.error).toMatchObject({
        reason: 'truncated',
        message: expect.stringMatching(/declares 1000000000000 points of 30 bytes/) as unknown,
      });
      expect(Math.max(...run.reads.map((r) => r.length))).toBeLessThanOrEqual(375);
    });

    it('rejects more VLRs than fit before the point data', async () => {
      await expectProbeFailure(
        lasProbe,
        buildLas({ vlrCountOverride: 4_000_000_000 }),
        'corrupt',
        /declares 4000000000 VLRs but only 0 bytes lie between/,
      );
    });

    it('rejects a VLR whose length runs into the point data', async () => {
      const file = buildLas({ vlrs: [vlr('LASF_Projection', 34735, Buffer.alloc(16), 60000)] });
      await expectProbeFailure(lasProbe, file, 'corrupt', /VLR 1 \(LASF_Projection 34735\) declares 60000 bytes, running past the point data offset/);
    });

    it('rejects a compressed mark without a LASzip VLR, and a chunk table that does not match the point count', async () => {
      await expectProbeFailure(lasProbe, buildLas({ compressed: true, pointData: lazData(1, 227) }), 'corrupt', /no LASzip VLR/);
      const lying = buildLas({ compressed: true, pointFormat: 3, points: 1_000_000, vlrs: [laszipVlr(50_000)], pointData: lazData(2, 227 + 94) });
      await expectProbeFailure(lasProbe, lying, 'corrupt', /chunk table lists 2 chunks but 1000000 points in chunks of 50000 need 20/);
    });

    it('rejects undefined point formats, future versions, short headers and zero scales', async () => {
      await expectProbeFailure(lasProbe, buildLas({ pointFormat: 42, recordLength: 100 }), 'unsupported', /point data format 42 is not defined/);
      const v2 = buildLas();
      v2[24] = 2;
      await expectProbeFailure(lasProbe, v2, 'unsupported', /version 2\.2 is not supported/);
      const short = buildLas();
      short.writeUInt16LE(100, 94);
      await expectProbeFailure(lasProbe, short, 'corrupt', /header size is 100 bytes, less than the 227/);
      await expectProbeFailure(lasProbe, buildLas({ scale: [0, 0.01, 0.01] }), 'corrupt', /scale factors 0, 0.01, 0.01 are not usable/);
      await expectProbeFailure(
        lasProbe,
        buildLas({ pointFormat: 3, recordLength: 20 }),
        'corrupt',
        /format 3 records need at least 34 bytes but the header says 20/,
      );
    });

    it('rejects garbage after the LASF magic', async () => {
      const garbage = Buffer.concat([Buffer.from('LASF'), Buffer.alloc(400, 0xa5)]);
      await expectProbeFailure(lasProbe, garbage, 'unsupported', /LAS version 165\.165 is not supported/);
    });
  });

  it('survives random byte edits and cuts of good files with a ProbeError or a result', async () => {
    await assertSurvivesMutations(
      lasProbe,
      buildLas({ minor: 4, pointFormat: 6, points: 20, vlrs: [vlr('LASF_Projection', 2112, Buffer.from(WKT_UTM33))] }),
      { headerBytes: 800 },
    );
    await assertSurvivesMutations(
      lasProbe,
      buildLas({
        compressed: true,
        pointFormat: 3,
        points: 100,
        vlrs: [
          laszipVlr(50),
          vlr(
            'LASF_Projection',
            34735,
            geoKeys([
              [1024, 0, 1, 2],
              [2048, 0, 1, 4326],
            ]),
          ),
        ],
        pointData: lazData(2, 227 + 94 + 54 + 24),
      }),
    );
  });

  describeSample('autzen_trim.laz', (path) => {
    // Facts checked with a Python struct dump of the header and VLRs (see the report), independent of this probe.
    it('gives the LAZ header facts, the LASzip chunk table and the projected CRS, reprojected to Eugene, Oregon', async () => {
      const result = await runProbe(lasProbe, path);
      expect(result).toMatchObject({
        format: 'laz',
        modality: 'pointcloud',
        metadata: {
          version: '1.2',
          pointFormat: 3,
          pointRecordLength: 34,
          compressed: true,
          pointCount: 110000,
          scale: [0.01, 0.01, 0.01],
          offset: [0, 0, 0],
          bounds: { min: [636001.76, 848935.2000000001, 406.26], max: [637179.2200000001, 849497.9, 520.51] },
          generatingSoftware: 'PDAL 1.0.0 (9e8465)',
          creationDate: '2015-09-10',
          laszip: { compressor: 2, chunkSize: 50000, chunks: 3, chunkTableOffset: 603333 },
          crs: { source: 'wkt', kind: 'projected', name: 'NAD_1983_HARN_Lambert_Conformal_Conic' },
          geoKeys: { modelType: 1, citation: 'NAD_1983_HARN_Lambert_Conformal_Conic' },
        },
      });
      // Its WKT carries no EPSG code of its own (the last AUTHORITY in the text is the foot unit's, 9002).
      expect((result.metadata.crs as { epsg?: number }).epsg).toBeUndefined();
      // So the WKT itself is reprojected. gdaltransform (GDAL 3.6.2) of the header's corners with EPSG:2994's PROJ
      // string (the same CRS, in international feet): lon -123.073448053447..-123.068903781333, lat
      // 44.0499007710565..44.0515450961584 - the Autzen stadium in Eugene, Oregon.
      const expected = [-123.073448053447, 44.0499007710565, -123.068903781333, 44.0515450961584];
      expected.forEach((v, i) => {
        expect(result.bbox?.[i]).toBeCloseTo(v, 8);
      });
      expect(result.footprint).toMatchObject({ kind: 'polygon', source: 'LAS header bounds in WKT "NAD_1983_HARN_Lambert_Conformal_Conic"' });
      expect(result.footprint?.geometry.type).toBe('Polygon');
      // About 360 m x 170 m of stadium and streets: a handful of res-8 cells (0.74 km2 each).
      expect(result.footprint?.cells.length).toBeGreaterThan(0);
      expect(result.footprint?.cells.length).toBeLessThan(6);
      // Its GPS time is GPS week seconds (global encoding 0): no absolute time range.
      expect(result.timeRange).toBeUndefined();
    });

    it('rejects the same file without its last 20 bytes (the chunk table)', async () => {
      const bytes = readFileSync(path);
      await expectProbeFailure(
        lasProbe,
        bytes.subarray(0, bytes.length - 20),
        'truncated',
        /LAZ chunk table should be at offset 603333 but the file has only 603333 bytes/,
      );
    });
  });

  describeSample('pdal_wontcompress3.las', (path) => {
    it('reprojects UTM 19N to Puerto Rico and reads the adjusted GPS time of its 1000 points', async () => {
      const result = await runProbe(lasProbe, path);
      // SOURCES.txt (own point reader, python3 + numpy): GPS time 142436000.196574..142436001.090078 (adjusted) =
      // 2016-03-19T15:19:43.197Z..15:19:44.090Z UTC (GPS - UTC 17 s).
      expect(result.timeRange).toEqual({ start: '2016-03-19T15:19:43.197Z', end: '2016-03-19T15:19:44.090Z' });
      const [lo, hi] = result.metadata.gpsTimeRange as number[];
      expect(lo).toBeCloseTo(142436000.196574, 6);
      expect(hi).toBeCloseTo(142436001.090078, 6);
      expect(result.metadata.gpsTimeSource).toBe('point records (1000 read)');
      // gdaltransform (GDAL 3.6.2) EPSG:26919 -> EPSG:4326 of the header's corners; the header bounds equal the
      // points' (SOURCES.txt), whose WGS84 bbox lon -66.4612679..-66.4607391, lat 18.3315170..18.3318203 lies inside.
      const expected = [-66.4612679412071, 18.331510774935, -66.4607352168481, 18.3318207030287];
      expected.forEach((v, i) => {
        expect(result.bbox?.[i]).toBeCloseTo(v, 8);
      });
      expect(result.footprint).toMatchObject({
        kind: 'polygon',
        source: 'LAS header bounds in EPSG:26919 (NAD83 / UTM zone 19N)',
        start: '2016-03-19T15:19:43.197Z',
        end: '2016-03-19T15:19:44.090Z',
        positions: 65,
        cells: [{ h3: expect.any(String) as unknown, start: '2016-03-19T15:19:43.197Z', end: '2016-03-19T15:19:44.090Z' }],
      });
      expect(result.warnings).toEqual([]);
    });
  });
});

import { readFileSync } from 'node:fs';

import { describeSample } from '../../../test/support/samples.js';
import { assertSurvivesMutations, driveProbe, expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { crc32c, e57Probe } from './e57.probe.js';

// ---- E57 builder: logical bytes (header, binary sections, XML) cut into 1024-byte pages with CRC-32C ----

const PAGE = 1024;
const PAYLOAD = PAGE - 4;
const toPhysical = (logical: number) => Math.floor(logical / PAYLOAD) * PAGE + (logical % PAYLOAD);

interface ScanSpec {
  name: string;
  records: number | string;
  binaryBytes: number;
  bounds?: [number, number, number, number, number, number];
  acquisition?: [number, number];
  fileOffsetOverride?: string;
  sectionLengthOverride?: bigint;
  /** Translation (x, y, z) and rotation quaternion (w, x, y, z) of the scan; default a shift of (10, 20, 0). */
  pose?: { translation: [number, number, number]; rotation?: [number, number, number, number] };
}

/** The pose element of a scan. */
function poseXml(pose: ScanSpec['pose'] = { translation: [10, 20, 0] }): string {
  const floats = (keys: string[], values: number[]) => keys.map((k, j) => `<${k} type="Float">${values[j]}</${k}>`).join('');
  const rotation = pose.rotation ? `<rotation type="Structure">${floats(['w', 'x', 'y', 'z'], pose.rotation)}</rotation>` : '';
  return `<pose type="Structure">${rotation}<translation type="Structure">${floats(['x', 'y', 'z'], pose.translation)}</translation></pose>`;
}

/** GPS seconds for a UTC instant (18 leap seconds since 2017). */
const gps = (isoTime: string) => (Date.parse(isoTime) - Date.UTC(1980, 0, 6)) / 1000 + 18;

function buildE57(
  scans: ScanSpec[],
  opts: { xmlOverride?: string; xmlLengthOverride?: bigint; physicalOverride?: bigint; coordinateMetadata?: string } = {},
): Buffer {
  // Binary sections first (after the 48-byte header), then the XML.
  const sections: Buffer[] = [];
  const offsets: number[] = [];
  let logical = 48;
  for (const s of scans) {
    const sec = Buffer.alloc(32 + s.binaryBytes, 0x5a);
    sec.fill(0, 0, 32);
    sec[0] = 1;
    sec.writeBigUInt64LE(s.sectionLengthOverride ?? BigInt(sec.length), 8);
    sec.writeBigUInt64LE(BigInt(toPhysical(logical + 32)), 16);
    offsets.push(toPhysical(logical));
    sections.push(sec);
    logical += sec.length;
  }
  const dt = (tag: string, t?: number) =>
    t === undefined ? '' : `<${tag} type="Structure"><dateTimeValue type="Float">${t}</dateTimeValue></${tag}>`;
  const xml =
    opts.xmlOverride ??
    `<?xml version="1.0" encoding="UTF-8"?>\n<e57Root type="Structure" xmlns="http://www.astm.org/COMMIT/E57/2010-e57-v1.0">` +
      `<formatName type="String"><![CDATA[ASTM E57 3D Imaging Data File]]></formatName><guid type="String">{FILE&#45;GUID} &lt;1&gt;</guid>` +
      `<versionMajor type="Integer">1</versionMajor><versionMinor type="Integer"/><e57LibraryVersion type="String"><![CDATA[probe spec & builder]]></e57LibraryVersion>` +
      `<coordinateMetadata type="String"><![CDATA[${opts.coordinateMetadata ?? 'EPSG:25832'}]]></coordinateMetadata>${dt('creationDateTime', gps('2024-02-03T04:05:06Z'))}` +
      `<data3D type="Vector" allowHeterogeneousChildren="1">` +
      scans
        .map((s, i) => {
          const b = s.bounds ?? [0, 1, 0, 1, 0, 1];
          return (
            `<vectorChild type="Structure"><guid type="String"><![CDATA[{SCAN-${i}}]]></guid><name type="String"><![CDATA[${s.name}]]></name>` +
            `<cartesianBounds type="Structure">${['xMinimum', 'xMaximum', 'yMinimum', 'yMaximum', 'zMinimum', 'zMaximum'].map((k, j) => `<${k} type="Float">${b[j]}</${k}>`).join('')}</cartesianBounds>` +
            poseXml(s.pose) +
            (s.acquisition ? dt('acquisitionStart', s.acquisition[0]) + dt('acquisitionEnd', s.acquisition[1]) : '') +
            `<points type="CompressedVector" fileOffset="${s.fileOffsetOverride ?? offsets[i]}" recordCount="${s.records}"><prototype type="Structure">` +
            `<cartesianX type="Float"/><cartesianY type="Float"/><cartesianZ type="Float"/></prototype><codecs type="Vector"/></points></vectorChild>`
          );
        })
        .join('') +
      `</data3D><images2D type="Vector" allowHeterogeneousChildren="1"><vectorChild type="Structure"/></images2D></e57Root>\n`;
  const xmlBuf = Buffer.from(xml);
  const xmlLogical = logical;
  const body = Buffer.concat([Buffer.alloc(48), ...sections, xmlBuf]);
  const pages = Math.ceil(body.length / PAYLOAD);
  body.write('ASTM-E57', 0, 'latin1');
  body.writeUInt32LE(1, 8);
  body.writeUInt32LE(0, 12);
  body.writeBigUInt64LE(opts.physicalOverride ?? BigInt(pages * PAGE), 16);
  body.writeBigUInt64LE(BigInt(toPhysical(xmlLogical)), 24);
  body.writeBigUInt64LE(opts.xmlLengthOverride ?? BigInt(xmlBuf.length), 32);
  body.writeBigUInt64LE(BigInt(PAGE), 40);
  const out = Buffer.alloc(pages * PAGE);
  for (let p = 0; p < pages; p++) {
    body.copy(out, p * PAGE, p * PAYLOAD, Math.min(body.length, (p + 1) * PAYLOAD));
    out.writeUInt32BE(crc32c(out, p * PAGE, p * PAGE + PAYLOAD), p * PAGE + PAYLOAD);
  }
  return out;
}

/** Re-seals every page's CRC after a test edits bytes, so only the intended lie remains. */
function reseal(buf: Buffer): Buffer {
  for (let p = 0; p < buf.length / PAGE; p++) buf.writeUInt32BE(crc32c(buf, p * PAGE, p * PAGE + PAYLOAD), p * PAGE + PAYLOAD);
  return buf;
}

const TWO_SCANS: ScanSpec[] = [
  {
    name: 'station 1',
    records: 1500,
    binaryBytes: 3000,
    bounds: [-5, 5, -6, 6, -1, 3],
    acquisition: [gps('2024-02-01T10:00:00Z'), gps('2024-02-01T10:05:00Z')],
  },
  {
    name: 'station 2',
    records: 800,
    binaryBytes: 500,
    bounds: [1, 9, 2, 8, 0, 2],
    acquisition: [gps('2024-02-01T10:20:00Z'), gps('2024-02-01T10:24:30Z')],
  },
];

describe('e57Probe', () => {
  describe('sniff', () => {
    it('recognises the ASTM-E57 signature only', () => {
      expect(e57Probe.sniff(buildE57(TWO_SCANS))).toBe(true);
      expect(e57Probe.sniff(Buffer.from('ASTM-E5'))).toBe(false);
      expect(e57Probe.sniff(Buffer.from('LASF'))).toBe(false);
      expect(e57Probe.sniff(Buffer.from('<?xml version="1.0"?><e57Root/>'))).toBe(false);
    });
  });

  describe('good files', () => {
    it('describes every scan (name, records, bounds, pose, acquisition times) from the paged XML', async () => {
      const run = await driveProbe(e57Probe, buildE57(TWO_SCANS), { chunkSize: 1000 });
      expect(run.error).toBeUndefined();
      expect(run.result).toMatchObject({
        format: 'e57',
        modality: 'pointcloud',
        timeRange: { start: '2024-02-01T10:00:00.000Z', end: '2024-02-01T10:24:30.000Z' },
        metadata: {
          version: '1.0',
          pageSize: 1024,
          formatName: 'ASTM E57 3D Imaging Data File',
          library: 'probe spec & builder', // CDATA: taken literally
          guid: '{FILE-GUID} <1>', // text: entities decoded
          coordinateMetadata: 'EPSG:25832',
          creationTime: '2024-02-03T04:05:06.000Z',
          xmlVersion: '1.0',
          scanCount: 2,
          imageCount: 1,
          pointCount: 2300,
          scans: [
            {
              name: 'station 1',
              recordCount: 1500,
              fields: ['cartesianX', 'cartesianY', 'cartesianZ'],
              cartesianBounds: { xMinimum: -5, xMaximum: 5, zMaximum: 3 },
              pose: { translation: { x: 10, y: 20, z: 0 } },
            },
            { name: 'station 2', recordCount: 800, acquisitionEnd: '2024-02-01T10:24:30.000Z' },
          ],
        },
      });
      // Scans posed at (10, 20) m in ETRS89 / UTM 32N lie on the equator, far from the CRS's area of use: a warning.
      expect(run.result?.warnings).toEqual([expect.stringMatching(/outside the area of use of EPSG:25832 \(ETRS89 \/ UTM zone 32N\)$/)]);
      expect(run.result?.metadata.pagesChecked).toBeGreaterThan(1);
    });
  });

  describe('footprints', () => {
    const munich: ScanSpec[] = [
      { ...TWO_SCANS[0], pose: { translation: [691000, 5335000, 500] } },
      // Turned 90 degrees about z: its x 1..9, y 2..8 become x -8..-2, y 1..9 before the shift.
      { ...TWO_SCANS[1], pose: { translation: [691100, 5335100, 500], rotation: [Math.SQRT1_2, 0, 0, Math.SQRT1_2] } },
    ];

    it('poses every scan box into the file frame and reprojects the extent from coordinateMetadata', async () => {
      const result = await runProbe(e57Probe, buildE57(munich));
      // File-frame extent x 690995..691098, y 5334994..5335109; gdaltransform (GDAL 3.6.2) -s_srs EPSG:25832
      // -t_srs EPSG:4326 of its corners: central Munich.
      const expected = [11.56743139644, 48.1394749984807, 11.5688661218603, 48.1405395343418];
      expected.forEach((v, i) => {
        expect(result.bbox?.[i]).toBeCloseTo(v, 8);
      });
      expect(result.footprint?.source).toBe("E57 scans' cartesianBounds (posed) in EPSG:25832 (ETRS89 / UTM zone 32N)");
      expect(result.warnings).toEqual([]);
    });

    it('reads WKT and URN forms of coordinateMetadata', async () => {
      const wkt =
        'PROJCS["ETRS89 / UTM zone 32N",GEOGCS["ETRS89",DATUM["European_Terrestrial_Reference_System_1989",SPHEROID["GRS 1980",6378137,298.257222101]]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",9],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],UNIT["metre",1],AUTHORITY["EPSG","25832"]]';
      for (const coordinateMetadata of [wkt, 'urn:ogc:def:crs:EPSG::25832']) {
        const result = await runProbe(e57Probe, buildE57(munich, { coordinateMetadata }));
        expect(result.bbox?.[0]).toBeCloseTo(11.56743139644, 8);
      }
    });

    it('has no footprint, with the reason, without coordinateMetadata or with one it cannot read', async () => {
      expect(await runProbe(e57Probe, buildE57(munich, { coordinateMetadata: '' }))).toMatchObject({
        footprint: null,
        footprintReason: 'the E57 file names no coordinate reference system (coordinateMetadata is empty): its coordinates are local',
      });
      expect(await runProbe(e57Probe, buildE57(munich, { coordinateMetadata: 'site grid B' }))).toMatchObject({
        footprint: null,
        footprintReason: 'the E57 coordinateMetadata "site grid B" is neither an EPSG code nor WKT',
      });
    });
  });

  describe('images without points', () => {
    it('labels a file with images2D and no scan as imagery, not a point cloud', async () => {
      const result = await runProbe(e57Probe, buildE57([]));
      expect(result).toMatchObject({ format: 'e57', modality: 'imagery', counts: {}, metadata: { scanCount: 0, imageCount: 1, pointCount: 0 } });
    });

    it('labels a file with images and only empty scans as imagery too', async () => {
      const result = await runProbe(e57Probe, buildE57([{ ...TWO_SCANS[0], records: 0 }]));
      expect(result).toMatchObject({ modality: 'imagery', metadata: { scanCount: 1, imageCount: 1, pointCount: 0 } });
    });
  });

  describe('truncated files', () => {
    it('rejects a file shorter than its declared physical length', async () => {
      const file = buildE57(TWO_SCANS);
      await expectProbeFailure(
        e57Probe,
        file.subarray(0, file.length - PAGE),
        'truncated',
        new RegExp(`physical length of ${file.length} bytes but the file has only ${file.length - PAGE}: truncated`),
      );
      await expectProbeFailure(e57Probe, file.subarray(0, 30), 'truncated', /needs 48 bytes but the file has only 30/);
    });
  });

  describe('lying and hostile files', () => {
    it('rejects absurd header values: 2^63 length, huge XML, extra bytes', async () => {
      await expectProbeFailure(
        e57Probe,
        buildE57(TWO_SCANS, { physicalOverride: 2n ** 63n }),
        'corrupt',
        /physical length is an impossible 9223372036854775808/,
      );
      const run = await driveProbe(e57Probe, buildE57(TWO_SCANS, { xmlLengthOverride: 2n ** 40n }));
      expect(run.error).toMatchObject({
        reason: 'unsupported',
        message: expect.stringMatching(/XML section of 1099511627776 bytes exceeds the 16 MiB limit/) as unknown,
      });
      expect(run.reads.every((r) => r.length <= 48)).toBe(true);
      const file = buildE57(TWO_SCANS);
      await expectProbeFailure(e57Probe, Buffer.concat([file, Buffer.alloc(PAGE)]), 'corrupt', /\(1024 extra bytes\)/);
    });

    it('rejects an XML section that runs past the file', async () => {
      await expectProbeFailure(
        e57Probe,
        buildE57(TWO_SCANS, { xmlLengthOverride: 1_000_000n }),
        'corrupt',
        /XML section \(1000000 bytes at offset \d+\) runs past the file's physical length/,
      );
    });

    it('rejects a page whose CRC-32C does not match (bit rot in the XML)', async () => {
      const file = buildE57(TWO_SCANS);
      const at = file.indexOf('station 2');
      file[at] ^= 0x20;
      await expectProbeFailure(e57Probe, file, 'corrupt', new RegExp(`E57 page ${Math.floor(at / PAGE)} .* fails its CRC-32C check`));
    });

    it('rejects recordCounts and offsets that are not real', async () => {
      await expectProbeFailure(
        e57Probe,
        buildE57([{ ...TWO_SCANS[0], records: '1e400' }]),
        'corrupt',
        /data3D scan 0 \(station 1\) has an unusable recordCount "1e400"/,
      );
      await expectProbeFailure(e57Probe, buildE57([{ ...TWO_SCANS[0], records: -3 }]), 'corrupt', /unusable recordCount "-3"/);
      await expectProbeFailure(
        e57Probe,
        buildE57([{ ...TWO_SCANS[0], fileOffsetOverride: '99999999999' }]),
        'corrupt',
        /points at fileOffset 99999999999, outside the file/,
      );
      await expectProbeFailure(
        e57Probe,
        buildE57([{ ...TWO_SCANS[0], sectionLengthOverride: 10n ** 12n }]),
        'corrupt',
        /binary section at offset 48 declares 1000000000000 bytes, past the end of the file/,
      );
    });

    it('rejects XML that does not parse, or is not an E57 tree', async () => {
      await expectProbeFailure(
        e57Probe,
        buildE57([], { xmlOverride: '<e57Root><data3D></e57Root>' }),
        'corrupt',
        /does not parse: end tag <\/e57Root> does not close <data3D>/,
      );
      await expectProbeFailure(e57Probe, buildE57([], { xmlOverride: '<!DOCTYPE x [<!ENTITY a "aaaa">]><e57Root/>' }), 'corrupt', /DOCTYPE/);
      await expectProbeFailure(e57Probe, buildE57([], { xmlOverride: '<html><body/></html>' }), 'corrupt', /root is <html>, not <e57Root>/);
    });

    it('rejects garbage after the signature', async () => {
      const garbage = Buffer.concat([Buffer.from('ASTM-E57'), Buffer.alloc(2040, 0x7b)]);
      await expectProbeFailure(e57Probe, garbage, 'corrupt', /E57 header physical length is an impossible/);
      const v2 = reseal(buildE57(TWO_SCANS));
      v2.writeUInt32LE(2, 8);
      await expectProbeFailure(e57Probe, reseal(v2), 'unsupported', /E57 version 2\.0 is not supported/);
    });
  });

  it('survives random byte edits and cuts of good files with a ProbeError or a result', async () => {
    const file = buildE57(TWO_SCANS);
    await assertSurvivesMutations(e57Probe, file);
    // With CRCs re-sealed after each edit, mutations reach the XML and section parsers instead of the CRC check.
    await assertSurvivesMutations(e57Probe, file, { headerBytes: file.length, runs: 150, prepare: reseal });
  });

  describeSample('bunnyInt32.e57', (path) => {
    // Facts checked with a Python reader of the header and the paged XML (CRC-32C verified on pages 0, 1, 365):
    // one scan "bunny", 30571 records, bounds from its cartesianBounds, creationDateTime 987365417.097 GPS s.
    it('gives the header, the single scan and its bounds', async () => {
      const result = await runProbe(e57Probe, path);
      expect(result).toMatchObject({
        // Its coordinateMetadata is absent: local coordinates, never placed on the map.
        footprint: null,
        footprintReason: 'the E57 file names no coordinate reference system (coordinateMetadata is empty): its coordinates are local',
        format: 'e57',
        modality: 'pointcloud',
        metadata: {
          version: '1.0',
          pageSize: 1024,
          physicalLength: 374784,
          xmlOffset: 372332,
          xmlLength: 2216,
          library: 'InteliSum-LD3-Studio-V5.1-E57RefImpl-1.0.154-x86-windows',
          creationTime: '2011-04-20T20:10:02.097Z',
          xmlVersion: '1.0',
          scanCount: 1,
          imageCount: 0,
          pointCount: 30571,
          scans: [
            {
              name: 'bunny',
              recordCount: 30571,
              fileOffset: 48,
              sectionLength: 370832,
              fields: ['cartesianX', 'cartesianY', 'cartesianZ', 'cartesianInvalidState'],
              // The numbers exactly as the XML writes them.
              cartesianBounds: {
                xMinimum: -9.4688999999999995e-2,
                xMaximum: 6.1008999999999994e-2,
                yMinimum: 4.0010999999999998e-2,
                yMaximum: 1.8732099999999999e-1,
                zMinimum: -6.1872999999999997e-2,
                zMaximum: 5.8798999999999997e-2,
              },
            },
          ],
        },
      });
      expect(result.timeRange).toBeUndefined(); // no acquisitionStart / End in the file
    });

    it('rejects the same file without its last page', async () => {
      const bytes = readFileSync(path);
      await expectProbeFailure(
        e57Probe,
        bytes.subarray(0, bytes.length - 1024),
        'truncated',
        /physical length of 374784 bytes but the file has only 373760: truncated/,
      );
    });
  });
});

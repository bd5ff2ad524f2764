import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

import { McapWriter, TempBuffer } from '@mcap/core';

import { assertSurvivesMutations, headOf } from '../../../test/support/probe-harness.js';
import { describeSample } from '../../../test/support/samples.js';
import { FORMAT_PROBES, probeFor } from './probe-registry.js';
import { ProbeError, type FormatProbe, type ProbeSession } from './probe.types.js';
import { telemetryProbes } from './telemetry-probes.js';

const fixture = (path: string) => readFileSync(new URL(`../../../test/fixtures/${path}`, import.meta.url));

async function smallMcap(): Promise<Buffer> {
  const buffer = new TempBuffer();
  const writer = new McapWriter({ writable: buffer, chunkSize: 256 });
  await writer.start({ profile: '', library: 'telemetry-probes.spec' });
  const channel = await writer.registerChannel({ topic: '/t', messageEncoding: 'json', schemaId: 0, metadata: new Map() });
  for (let i = 0; i < 20; i += 1) {
    await writer.addMessage({
      channelId: channel,
      sequence: i,
      logTime: BigInt(i),
      publishTime: BigInt(i),
      data: new TextEncoder().encode(`{"i":${i}}`),
    });
  }
  await writer.end();
  return Buffer.from(buffer.get());
}

const DB3_HEAD = Buffer.concat([
  Buffer.from('SQLite format 3\0', 'latin1'),
  Buffer.alloc(100),
  Buffer.from('CREATE TABLE topics(id INTEGER PRIMARY KEY)CREATE TABLE messages(id INTEGER PRIMARY KEY)'),
]);

/** One file per telemetry format, and the probe id that must claim it. */
const OWN: Array<[string, () => Buffer | Promise<Buffer>, string]> = [
  ['MCAP', smallMcap, 'mcap'],
  ['ROS 1 bag head', () => Buffer.concat([Buffer.from('#ROSBAG V2.0\n'), Buffer.from([0x45, 0, 0, 0, 0x10, 0, 0, 0])]), 'rosbag1'],
  ['ROS 2 SQLite bag head', () => DB3_HEAD, 'rosbag2-db3'],
  ['gzip-wrapped RINEX 2', () => gzipSync(fixture('rinex/probe-v2.26o')), 'compressed'],
  ['Unix-compressed NMEA', () => fixture('compress/gptxt-b10.nmea.Z'), 'compressed'],
  ['RINEX 3', () => fixture('rinex/ljub-v3.26o'), 'rinex'],
  ['RINEX 2', () => fixture('rinex/probe-v2.26o'), 'rinex'],
  ['DJI SRT', () => fixture('srt/mini3.srt'), 'dji-srt'],
  ['GPX', () => fixture('gpx/ride.gpx'), 'gpx'],
  ['NMEA', () => fixture('nmea/midnight.nmea'), 'nmea'],
  ['JSON Lines (DIMO)', () => fixture('jsonl/dimo.jsonl'), 'jsonl'],
  ['CSV', () => fixture('csv/obd.csv'), 'csv'],
];

/** Seeded pseudo-random bytes: the same "garbage" on every run. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Files no telemetry probe may claim: other formats' magics and plain garbage. */
const FOREIGN: Array<[string, Buffer]> = [
  ['random bytes', noise(4096, 7)],
  ['zeros', Buffer.alloc(4096)],
  ['empty', Buffer.alloc(0)],
  ['PNG', Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), noise(200, 3)])],
  ['ZIP', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), noise(200, 4)])],
  ['PDF', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1')],
  ['gzip', Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), noise(200, 5)])],
  ['gzip of plain text', gzipSync(Buffer.from('a plain text file that is gzipped\n'.repeat(50)))],
  ['Unix compress of noise', Buffer.concat([Buffer.from([0x1f, 0x9d, 0x90]), noise(200, 9)])],
  ['LAS', Buffer.concat([Buffer.from('LASF'), noise(400, 6)])],
  ['PLY', Buffer.from('ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nend_header\n1\n2\n')],
  [
    'PCD',
    Buffer.from(
      '# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 1\nHEIGHT 1\nPOINTS 1\nDATA ascii\n1 2 3\n',
    ),
  ],
  ['glTF JSON', Buffer.from('{\n  "asset": { "version": "2.0" }\n}\n')],
  ['MP4', Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), noise(100, 8)])],
  ['KML', Buffer.from('<?xml version="1.0"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark/></kml>\n')],
  ['film subtitles', Buffer.from('1\n00:00:01,000 --> 00:00:04,000\nHello.\n\n2\n00:00:05,000 --> 00:00:06,000\nBye.\n')],
  ['prose', Buffer.from('Dear reader:\nthis file is a letter.\nIt has no table in it.\n')],
];

const claimants = (head: Buffer) => telemetryProbes.filter((p) => p.sniff(headOf(head))).map((p) => p.id);

/**
 * Fails the mutation check when a session leaks a JavaScript bug dressed as a ProbeError (the sessions turn every
 * throw into 'corrupt', as the driver does; the check must still see a TypeError for what it is).
 */
function strict(probe: FormatProbe): FormatProbe {
  const internal = /Cannot read propert|is not a function|is not iterable|Maximum call stack|Invalid array length|undefined/;
  return {
    id: probe.id,
    sniff: (head) => probe.sniff(head),
    open: (input): ProbeSession => {
      const session = probe.open(input);
      return {
        push: (chunk) => session.push?.(chunk),
        finish: async () => {
          try {
            return await session.finish();
          } catch (error) {
            if (error instanceof ProbeError && internal.test(error.message))
              throw new TypeError(`internal error leaked: ${error.message}`, { cause: error });
            throw error;
          }
        },
      };
    },
  };
}

describe('telemetryProbes', () => {
  it('lists binary magics first and the generic text formats last, CSV at the very end', () => {
    expect(telemetryProbes.map((p) => p.id)).toEqual([
      'mcap',
      'rosbag1',
      'rosbag2-db3',
      'rosbag2-metadata',
      'compressed',
      'rinex',
      'dji-srt',
      'gpx',
      'nmea',
      'jsonl',
      'csv',
    ]);
  });

  it.each(OWN)('%s is claimed by exactly one telemetry probe, and by the registry as a whole', async (_name, make, id) => {
    const head = headOf(await make());
    expect(claimants(head)).toEqual([id]);
    // The spatial probes come first in the registry: none of them may take a telemetry file.
    expect(probeFor(head, FORMAT_PROBES)?.id).toBe(id);
  });

  it.each(FOREIGN)('no telemetry probe claims %s', (_name, bytes) => {
    expect(claimants(bytes)).toEqual([]);
  });

  for (const [name, id] of [
    ['talker.mcap', 'mcap'],
    ['example-lz4.bag', 'rosbag1'],
    ['demo3.10o', 'rinex'],
    ['mavic_air2.srt', 'dji-srt'],
    ['cerknicko-jezero.gpx', 'gpx'],
    ['bu353s4.log', 'nmea'],
    ['karma.mp4', undefined],
    ['autzen_trim.laz', undefined],
    ['bunny.ply', undefined],
    ['car6.pcd', undefined],
    ['bunnyInt32.e57', undefined],
    ['BoxTextured.glb', undefined],
  ] as const) {
    describeSample(name, (path) => {
      it(id ? `is claimed by '${id}' alone` : 'is claimed by no telemetry probe', () => {
        expect(claimants(headOf(readFileSync(path)))).toEqual(id ? [id] : []);
      });
    });
  }

  describe('hostile edits and cuts never crash, hang or read absurd ranges', () => {
    it('has a strict check that does catch a JavaScript error dressed as a ProbeError', async () => {
      const leaky: FormatProbe = {
        id: 'leaky',
        sniff: () => true,
        open: () => ({
          push: () => undefined,
          finish: () => Promise.reject(new ProbeError('corrupt', "Cannot read properties of undefined (reading 'length')")),
        }),
      };
      // Without the wrapper the leak passes as a ProbeError; with it, the property fails.
      await expect(assertSurvivesMutations(leaky, Buffer.from('abcdefgh'), { runs: 5 })).resolves.toBeUndefined();
      await expect(assertSurvivesMutations(strict(leaky), Buffer.from('abcdefgh'), { runs: 5 })).rejects.toThrow(
        /Property failed[\s\S]*Counterexample/,
      );
    });

    // Random byte edits (header first) and cuts, driven exactly like the driver; sniffing is skipped on purpose.
    it.each(OWN.filter(([, , id]) => id !== 'rosbag1' && id !== 'rosbag2-db3'))('%s', async (_name, make, id) => {
      const probe = telemetryProbes.find((p) => p.id === id) as FormatProbe;
      await assertSurvivesMutations(strict(probe), await make(), { runs: 120, chunkSize: 97 });
    });

    describeSample('example-lz4.bag', (path) => {
      it('ROS 1 bag', async () => {
        const probe = telemetryProbes.find((p) => p.id === 'rosbag1') as FormatProbe;
        await assertSurvivesMutations(strict(probe), readFileSync(path), { runs: 60, headerBytes: 4200, chunkSize: 64 * 1024 });
      });
    });
  });
});

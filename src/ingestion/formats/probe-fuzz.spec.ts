import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fuzzProbe, type FuzzOptions } from '../../../test/support/probe-harness.js';
import { samplePath } from '../../../test/support/samples.js';
import { csvTelemetry, lasHeader, nmeaLog, zstdBombMcap } from '../../../test/support/fixtures.js';
import { FORMAT_PROBES } from './probe-registry.js';
import { type FormatProbe, ProbeError } from './probe.types.js';

const fixture = (path: string) => readFileSync(new URL(`../../../test/fixtures/${path}`, import.meta.url));

/** A LAS 1.2 file of `points` 20-byte records after its header, as test/support/fixtures.ts describes. */
const lasFile = (points: number) => {
  const size = 227 + points * 20;
  return Buffer.concat([lasHeader(size), Buffer.alloc(points * 20, 3)]);
};

interface Seed {
  name: string;
  bytes: () => Buffer | Promise<Buffer>;
  options?: FuzzOptions;
}

/**
 * Every probe, fuzzed from real files: the samples in ../shared/samples where present (named by their file name),
 * else the repository's fixtures and files made in code. Big seeds get fewer runs and larger pushes, so each probe
 * takes a few seconds.
 */
const SEEDS: Record<string, Seed[]> = {
  las: [
    { name: 'made in code: LAS 1.2, 100 points', bytes: () => lasFile(100) },
    { name: 'pdal_wontcompress3.las', bytes: () => readFileSync(samplePath('pdal_wontcompress3.las')) },
    { name: 'autzen_trim.laz', bytes: () => readFileSync(samplePath('autzen_trim.laz')), options: { runs: 25, chunkSize: 64 * 1024 } },
  ],
  e57: [{ name: 'bunnyInt32.e57', bytes: () => readFileSync(samplePath('bunnyInt32.e57')), options: { runs: 25, chunkSize: 64 * 1024 } }],
  mp4: [
    { name: 'fixture testsrc-160x120-1s.mp4', bytes: () => fixture('mp4/testsrc-160x120-1s.mp4') },
    { name: 'fixture testsrc-160x120.mov', bytes: () => fixture('mp4/testsrc-160x120.mov') },
    {
      name: 'jcodec_android_keyed.mp4',
      bytes: () => readFileSync(samplePath('jcodec_android_keyed.mp4')),
      options: { runs: 25, chunkSize: 64 * 1024 },
    },
  ],
  gltf: [{ name: 'BoxTextured.glb', bytes: () => readFileSync(samplePath('BoxTextured.glb')) }],
  ply: [{ name: 'bunny.ply', bytes: () => readFileSync(samplePath('bunny.ply')), options: { runs: 20, chunkSize: 64 * 1024 } }],
  pcd: [{ name: 'car6.pcd', bytes: () => readFileSync(samplePath('car6.pcd')), options: { runs: 30, chunkSize: 16 * 1024 } }],
  mcap: [
    { name: 'talker.mcap', bytes: () => readFileSync(samplePath('talker.mcap')) },
    { name: 'rosbag2_only_topics.mcap', bytes: () => readFileSync(samplePath('rosbag2_only_topics.mcap')) },
    { name: 'made in code: a zstd chunk expanding 8 MiB from a few KiB (a small bomb)', bytes: () => zstdBombMcap(8), options: { runs: 20 } },
  ],
  rosbag1: [
    {
      name: 'example-lz4.bag',
      bytes: () => readFileSync(samplePath('example-lz4.bag')),
      options: { runs: 15, chunkSize: 64 * 1024, headerBytes: 4200 },
    },
    {
      name: 'example-bz2.bag',
      bytes: () => readFileSync(samplePath('example-bz2.bag')),
      options: { runs: 10, chunkSize: 64 * 1024, headerBytes: 4200 },
    },
  ],
  'rosbag2-db3': [{ name: 'rosbag2_cdr_test_0.db3', bytes: () => readFileSync(samplePath('rosbag2_cdr_test_0.db3')) }],
  'rosbag2-metadata': [{ name: 'rosbag2_cdr_test_metadata.yaml', bytes: () => readFileSync(samplePath('rosbag2_cdr_test_metadata.yaml')) }],
  rinex: [
    { name: 'fixture ljub-v3.26o', bytes: () => fixture('rinex/ljub-v3.26o') },
    { name: 'fixture probe-v2.26o', bytes: () => fixture('rinex/probe-v2.26o') },
    { name: 'demo3.10o', bytes: () => readFileSync(samplePath('demo3.10o')) },
    {
      name: 'georinex_P43300USA_R_20190012056_17M_15S_MO.crx',
      bytes: () => readFileSync(samplePath('georinex_P43300USA_R_20190012056_17M_15S_MO.crx')),
      options: { runs: 25, chunkSize: 16 * 1024 },
    },
  ],
  compressed: [
    { name: 'fixture compress/gptxt-b10.nmea.Z', bytes: () => fixture('compress/gptxt-b10.nmea.Z') },
    { name: 'made in code: gzip of fixture probe-v2.26o', bytes: () => gzipSync(fixture('rinex/probe-v2.26o')) },
    { name: 'georinex_ac660270.18o.Z', bytes: () => readFileSync(samplePath('georinex_ac660270.18o.Z')), options: { runs: 25 } },
  ],
  'dji-srt': [
    { name: 'fixture mini3.srt', bytes: () => fixture('srt/mini3.srt') },
    { name: 'mavic_air2.srt', bytes: () => readFileSync(samplePath('mavic_air2.srt')) },
  ],
  gpx: [
    { name: 'fixture ride.gpx', bytes: () => fixture('gpx/ride.gpx') },
    { name: 'cerknicko-jezero.gpx', bytes: () => readFileSync(samplePath('cerknicko-jezero.gpx')), options: { runs: 25 } },
  ],
  nmea: [
    { name: 'fixture midnight.nmea', bytes: () => fixture('nmea/midnight.nmea') },
    { name: 'made in code: 30 RMC + GGA fixes', bytes: () => nmeaLog(30) },
    { name: 'bu353s4.log', bytes: () => readFileSync(samplePath('bu353s4.log')) },
  ],
  jsonl: [{ name: 'fixture dimo.jsonl', bytes: () => fixture('jsonl/dimo.jsonl') }],
  csv: [
    { name: 'fixture obd.csv', bytes: () => fixture('csv/obd.csv') },
    { name: 'made in code: 200 rows', bytes: () => csvTelemetry(200) },
    { name: 'gpsbabel_iblue747.csv', bytes: () => readFileSync(samplePath('gpsbabel_iblue747.csv')), options: { runs: 25, chunkSize: 16 * 1024 } },
  ],
};

/** Seeds named by a bare file name come from ../shared/samples; the others are the repository's own. */
const isSample = (seed: Seed) => !seed.name.startsWith('fixture ') && !seed.name.startsWith('made in code');

describe('probe fuzzing: truncations, bit flips and huge declared sizes end in a result or a clear ProbeError', () => {
  it('fails a probe that reads what a header declares, or lets a TypeError through as its reason', async () => {
    const trusting: FormatProbe = {
      id: 'trusting',
      sniff: () => true,
      open: (input) => ({
        finish: async () => {
          const declared = input.head.length >= 4 ? input.head.readUInt32LE(0) : 0;
          await input.read(0, declared);
          return { format: 'x', modality: 'telemetry', metadata: {}, warnings: [] };
        },
      }),
    };
    await expect(fuzzProbe(trusting, Buffer.alloc(4), { runs: 20 })).rejects.toThrow(/probe asked to read \d+ bytes/);
    const leaky: FormatProbe = {
      id: 'leaky',
      sniff: () => true,
      open: () => ({
        finish: () => Promise.reject(new ProbeError('corrupt', "Cannot read properties of undefined (reading 'length')")),
      }),
    };
    await expect(fuzzProbe(leaky, Buffer.alloc(64), { runs: 5 })).rejects.toThrow(/an internal error leaked as the reason/);
  });

  it('covers every probe in the registry', () => {
    expect(Object.keys(SEEDS).sort()).toEqual(FORMAT_PROBES.map((probe) => probe.id).sort());
  });

  for (const probe of FORMAT_PROBES) {
    describe(probe.id, () => {
      for (const seed of SEEDS[probe.id] ?? []) {
        if (isSample(seed) && !existsSync(samplePath(seed.name))) {
          it(`real sample ../shared/samples/${seed.name}: not present on this machine, not run`, () => {
            process.stdout.write(`skipped: ../shared/samples/${seed.name} is not present\n`);
          });
          continue;
        }
        it(isSample(seed) ? `real sample ../shared/samples/${seed.name}` : seed.name, async () => {
          await fuzzProbe(probe, await seed.bytes(), seed.options);
        });
      }
    });
  }
});

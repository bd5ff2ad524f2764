import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describeSample } from '../../../test/support/samples.js';
import { assertSurvivesMutations, headOf } from '../../../test/support/probe-harness.js';
import { FormatProbe } from './probe.types.js';
import { spatialProbes } from './spatial-probes.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/mp4');

/** Ids of the probes whose sniff accepts these bytes: each file must be claimed by exactly one. */
const claimants = (bytes: Buffer) => spatialProbes.filter((p) => p.sniff(headOf(bytes))).map((p) => p.id);

describe('spatialProbes', () => {
  it('lists each family once, magic-byte formats before text headers', () => {
    expect(spatialProbes.map((p) => p.id)).toEqual(['las', 'e57', 'mp4', 'gltf', 'ply', 'pcd']);
  });

  it('has a mutation check that does catch a probe crashing on a bad byte (so the per-probe checks can fail)', async () => {
    const fragile: FormatProbe = {
      id: 'fragile',
      sniff: () => true,
      open: (input) => ({
        push: () => undefined,
        finish: () => {
          if (input.head[3] !== 3) return Promise.reject(new TypeError('unexpected byte')); // a crash, not a ProbeError
          return Promise.resolve({ format: 'x', modality: 'mesh', metadata: {}, warnings: [] });
        },
      }),
    };
    await expect(assertSurvivesMutations(fragile, Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]), { runs: 50 })).rejects.toThrow(
      /Property failed[\s\S]*Counterexample/,
    );
  });

  it('claims each kind of file with exactly one probe', () => {
    expect(claimants(readFileSync(join(FIXTURES, 'testsrc-160x120-1s.mp4')))).toEqual(['mp4']);
    expect(claimants(readFileSync(join(FIXTURES, 'testsrc-160x120.mov')))).toEqual(['mp4']);
    expect(claimants(Buffer.from('ply\nformat ascii 1.0\nelement vertex 0\nend_header\n'))).toEqual(['ply']);
    expect(claimants(Buffer.from('# .PCD v0.7\nVERSION 0.7\nFIELDS x y z\n'))).toEqual(['pcd']);
    expect(claimants(Buffer.from('{\n  "asset": { "generator": "x", "version": "2.0" }\n}'))).toEqual(['gltf']);
  });

  it('claims none of the formats that belong to other probes', () => {
    const others = [
      Buffer.from('\x89MCAP0\r\n\x01'),
      Buffer.from('#ROSBAG V2.0\n'),
      Buffer.from('SQLite format 3\0'),
      Buffer.from('     2.11           OBSERVATION DATA    M (MIXED)           RINEX VERSION / TYPE\n'),
      Buffer.from('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n'),
      Buffer.from('<?xml version="1.0"?>\n<gpx version="1.1">'),
      Buffer.from('1\n00:00:00,000 --> 00:00:00,033\n'),
      Buffer.from('timestamp,lat,lon\n1,2,3\n'),
      Buffer.from('{"id":"1","source":"dimo","data":{"signals":[]}}\n{"id":"2"}\n'),
      Buffer.alloc(64),
    ];
    for (const bytes of others) expect(claimants(bytes)).toEqual([]);
  });

  for (const [name, id] of [
    ['karma.mp4', 'mp4'],
    ['autzen_trim.laz', 'las'],
    ['bunny.ply', 'ply'],
    ['car6.pcd', 'pcd'],
    ['bunnyInt32.e57', 'e57'],
    ['BoxTextured.glb', 'gltf'],
  ]) {
    describeSample(name, (path) => {
      it(`is claimed by the ${id} probe only`, () => {
        expect(claimants(readFileSync(path))).toEqual([id]);
      });
    });
  }

  // Samples of the other engineers' formats must not be claimed by a spatial probe.
  for (const name of ['talker.mcap', 'example-lz4.bag', 'demo3.10o', 'bu353s4.log', 'cerknicko-jezero.gpx', 'mavic_air2.srt']) {
    describeSample(name, (path) => {
      it('is claimed by no spatial probe', () => {
        expect(claimants(readFileSync(path))).toEqual([]);
      });
    });
  }
});

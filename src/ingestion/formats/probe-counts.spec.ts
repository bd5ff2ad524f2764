import { runProbe } from '../../../test/support/probe-harness.js';
import { describeSample } from '../../../test/support/samples.js';
import { FORMAT_PROBES } from './probe-registry.js';
import type { ProbeCounts } from './probe.types.js';

/** Typed counts on the real samples, against the figures ../shared/samples/SOURCES.txt gives from reference tools. */
const FACTS: Array<[file: string, probe: string, counts: ProbeCounts]> = [
  ['pdal_wontcompress3.las', 'las', { points: 1000 }],
  ['example-lz4.bag', 'rosbag1', { messages: 8647 }],
  ['example-bz2.bag', 'rosbag1', { messages: 8647 }],
  ['georinex_ab430140.18o', 'rinex', { epochs: 9 }],
  ['dji_mavic_mini.SRT', 'dji-srt', { frames: 117 }],
  ['dji_mavic3.srt', 'dji-srt', { frames: 12318 }],
];

describe('typed counts on real files', () => {
  for (const [file, id, counts] of FACTS) {
    describeSample(file, (path) => {
      it(`counts ${JSON.stringify(counts)}`, async () => {
        const probe = FORMAT_PROBES.find((candidate) => candidate.id === id);
        if (!probe) throw new Error(`no probe ${id}`);
        expect((await runProbe(probe, path)).counts).toEqual(counts);
      });
    });
  }
});

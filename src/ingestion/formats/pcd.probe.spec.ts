import { readFileSync } from 'node:fs';

import { describeSample } from '../../../test/support/samples.js';
import { assertSurvivesMutations, driveProbe, expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { pcdProbe } from './pcd.probe.js';

// ---- PCD builders ----

function header(opts: {
  fields?: string;
  size?: string;
  type?: string;
  count?: string;
  width: number | string;
  height?: number | string;
  points?: number | string;
  data: string;
}): string {
  return [
    '# .PCD v0.7 - Point Cloud Data file format',
    'VERSION 0.7',
    `FIELDS ${opts.fields ?? 'x y z'}`,
    `SIZE ${opts.size ?? '4 4 4'}`,
    `TYPE ${opts.type ?? 'F F F'}`,
    `COUNT ${opts.count ?? '1 1 1'}`,
    `WIDTH ${opts.width}`,
    `HEIGHT ${opts.height ?? 1}`,
    'VIEWPOINT 0 0 0 1 0 0 0',
    `POINTS ${opts.points ?? Number(opts.width) * Number(opts.height ?? 1)}`,
    `DATA ${opts.data}`,
    '',
  ].join('\n');
}

const POINTS: Array<[number, number, number]> = Array.from({ length: 600 }, (_, i) => [i * 0.25 - 20, (i % 10) - 5, Math.floor(i / 100)]);

/** x y z float + rgb uint32, row-major. */
function binaryPcd(points = POINTS, declared?: { width?: number | string; points?: number | string }): Buffer {
  const body = Buffer.alloc(points.length * 16);
  points.forEach(([x, y, z], i) => {
    body.writeFloatLE(x, i * 16);
    body.writeFloatLE(y, i * 16 + 4);
    body.writeFloatLE(z, i * 16 + 8);
    body.writeUInt32LE(0xff8000, i * 16 + 12);
  });
  const h = header({
    fields: 'x y z rgb',
    size: '4 4 4 4',
    type: 'F F F U',
    count: '1 1 1 1',
    width: declared?.width ?? points.length,
    points: declared?.points,
    data: 'binary',
  });
  return Buffer.concat([Buffer.from(h), body]);
}

/** Greedy LZF compressor (3-byte hash, 8 KiB window), so tests exercise literals and back-references. */
function lzf(input: Buffer): Buffer {
  const out: number[] = [];
  const table = new Map<number, number>();
  let lit: number[] = [];
  const flushLit = () => {
    for (let i = 0; i < lit.length; i += 32) {
      const run = lit.slice(i, i + 32);
      out.push(run.length - 1, ...run);
    }
    lit = [];
  };
  let i = 0;
  while (i < input.length) {
    const key = i + 2 < input.length ? (input[i] << 16) | (input[i + 1] << 8) | input[i + 2] : -1;
    const ref = key >= 0 ? table.get(key) : undefined;
    if (key >= 0) table.set(key, i);
    if (ref !== undefined && i - ref - 1 < 8192) {
      let len = 0;
      while (len < 264 && i + len < input.length && input[ref + len] === input[i + len]) len++;
      if (len >= 3) {
        flushLit();
        const off = i - ref - 1;
        const l = len - 2;
        if (l < 7) out.push((l << 5) | (off >> 8), off & 255);
        else out.push((7 << 5) | (off >> 8), l - 7, off & 255);
        i += len;
        continue;
      }
    }
    lit.push(input[i]);
    i++;
  }
  flushLit();
  return Buffer.from(out);
}

/** x y z float, column-major, LZF-compressed, behind the u32 compressed / uncompressed sizes. */
function compressedPcd(points = POINTS, opts: { uncompressedOverride?: number; compressedOverride?: number; padding?: number } = {}): Buffer {
  const raw = Buffer.alloc(points.length * 12);
  points.forEach((p, i) => {
    p.forEach((v, axis) => raw.writeFloatLE(v, axis * points.length * 4 + i * 4));
  });
  const packed = lzf(raw);
  const sizes = Buffer.alloc(8);
  sizes.writeUInt32LE(opts.compressedOverride ?? packed.length, 0);
  sizes.writeUInt32LE(opts.uncompressedOverride ?? raw.length, 4);
  return Buffer.concat([Buffer.from(header({ width: points.length, data: 'binary_compressed' })), sizes, packed, Buffer.alloc(opts.padding ?? 0)]);
}

const ASCII = Buffer.from(header({ width: 3, height: 2, data: 'ascii' }) + '1 2 3\n-1 0.5 nan\n4 -2 3\nnan nan nan\n0 0 -7\n2 2 2');

describe('pcdProbe', () => {
  describe('sniff', () => {
    it('recognises VERSION / FIELDS after comments, and nothing else', () => {
      expect(pcdProbe.sniff(ASCII)).toBe(true);
      expect(pcdProbe.sniff(Buffer.from('FIELDS x y z\nSIZE 4 4 4\n'))).toBe(true);
      expect(pcdProbe.sniff(Buffer.from('# a comment\nhello world\n'))).toBe(false);
      expect(pcdProbe.sniff(Buffer.from('ply\nformat ascii 1.0\n'))).toBe(false);
      expect(pcdProbe.sniff(Buffer.from('VERSIONS'))).toBe(false);
    });
  });

  describe('good files', () => {
    it('describes an organized ascii cloud; NaN points do not move the bounds', async () => {
      const result = await runProbe(pcdProbe, ASCII, { chunkSize: 5 });
      expect(result).toMatchObject({
        format: 'pcd',
        modality: 'pointcloud',
        metadata: {
          version: '0.7',
          data: 'ascii',
          width: 3,
          height: 2,
          points: 6,
          organized: true,
          viewpoint: [0, 0, 0, 1, 0, 0, 0],
          fields: [{ name: 'x', size: 4, type: 'F', count: 1 }, { name: 'y' }, { name: 'z' }],
          bounds: { min: [0, -2, -7], max: [4, 2, 3] },
        },
      });
    });

    it('describes a binary cloud the same whatever the chunking', async () => {
      for (const chunkSize of [7, 1000, 1 << 20]) {
        const result = await runProbe(pcdProbe, binaryPcd(), { chunkSize });
        expect(result.metadata).toMatchObject({ data: 'binary', points: 600, pointSize: 16, bounds: { min: [-20, -5, 0], max: [129.75, 4, 5] } });
        expect(result.metadata.trailingBytes).toBeUndefined();
      }
    });

    it('decompresses binary_compressed data as it streams and checks its declared sizes', async () => {
      const file = compressedPcd(POINTS, { padding: 100 });
      for (const chunkSize of [3, 4096]) {
        const result = await runProbe(pcdProbe, file, { chunkSize });
        expect(result.metadata).toMatchObject({
          data: 'binary_compressed',
          uncompressedSize: 7200,
          trailingBytes: 100,
          trailingNonZeroBytes: 0,
          bounds: { min: [-20, -5, 0], max: [129.75, 4, 5] },
        });
        expect(result.metadata.compressedSize).toBeLessThan(7200); // the fixture really uses back-references
      }
    });

    it('decodes a compressed block larger than the 64 KiB output window', async () => {
      const many: Array<[number, number, number]> = Array.from({ length: 20_000 }, (_, i) => [Math.cos(i) * 50, Math.sin(i) * 50, i / 1000]);
      const result = await runProbe(pcdProbe, compressedPcd(many));
      const { min, max } = result.metadata.bounds as { min: number[]; max: number[] };
      expect(min[2]).toBe(0);
      expect(max[2]).toBeCloseTo(19.999, 3);
      expect(max[0]).toBeCloseTo(50, 3);
      expect(min[1]).toBeCloseTo(-50, 3);
    });
  });

  describe('truncated files', () => {
    it('rejects a binary payload shorter than POINTS x point size', async () => {
      const file = binaryPcd();
      await expectProbeFailure(
        pcdProbe,
        file.subarray(0, file.length - 16),
        'truncated',
        /declares 600 points of 16 bytes \(9600 bytes\) after the \d+-byte header but the file has only \d+ bytes: truncated/,
      );
    });

    it('rejects an ascii payload missing points, and one whose last line is cut', async () => {
      await expectProbeFailure(pcdProbe, ASCII.subarray(0, ASCII.length - 6), 'truncated', /declares 6 points but the ascii payload has only 5/);
      await expectProbeFailure(pcdProbe, ASCII.subarray(0, ASCII.length - 2), 'truncated', /ends inside point 5 of 6/);
    });

    it('rejects a compressed block cut short, and a file cut in its header', async () => {
      const file = compressedPcd();
      await expectProbeFailure(
        pcdProbe,
        file.subarray(0, file.length - 50),
        'truncated',
        /declares \d+ compressed bytes after the \d+-byte header but the file has only/,
      );
      await expectProbeFailure(pcdProbe, file.subarray(0, 60), 'truncated', /ends inside its header/);
    });
  });

  describe('lying and hostile files', () => {
    it('rejects POINTS of 10^12 without allocating for them', async () => {
      const run = await driveProbe(pcdProbe, binaryPcd(POINTS.slice(0, 4), { width: 1_000_000_000_000, points: 1_000_000_000_000 }));
      expect(run.error).toMatchObject({
        reason: 'truncated',
        message: expect.stringMatching(/declares 1000000000000 points of 16 bytes \(16000000000000 bytes\)/) as unknown,
      });
    });

    it('rejects POINTS that is not WIDTH x HEIGHT, and counts that are not numbers', async () => {
      await expectProbeFailure(pcdProbe, binaryPcd(POINTS, { points: 10 }), 'corrupt', /POINTS 10 is not WIDTH x HEIGHT \(600 x 1 = 600\)/);
      await expectProbeFailure(pcdProbe, binaryPcd(POINTS, { width: '6e2' }), 'unreadable_header', /WIDTH "6e2" is not a count/);
    });

    it('rejects compressed blocks whose sizes lie', async () => {
      await expectProbeFailure(
        pcdProbe,
        compressedPcd(POINTS, { uncompressedOverride: 4_000_000_000 }),
        'corrupt',
        /says 4000000000 bytes uncompressed but 600 points of 12 bytes need 7200/,
      );
      await expectProbeFailure(
        pcdProbe,
        compressedPcd(POINTS, { compressedOverride: 0xffffffff }),
        'truncated',
        /declares 4294967295 compressed bytes/,
      );
      // Decoded data shorter than declared: the same block declared for more points.
      const short = compressedPcd(POINTS.slice(0, 300));
      const relabelled = Buffer.from(short.toString('latin1').replace('WIDTH 300', 'WIDTH 600').replace('POINTS 300', 'POINTS 600'), 'latin1');
      relabelled.writeUInt32LE(7200, relabelled.indexOf('binary_compressed\n') + 18 + 4);
      await expectProbeFailure(pcdProbe, relabelled, 'corrupt', /decodes to 3600 bytes, not the declared 7200/);
    });

    it('rejects an LZF back-reference before the start of the data', async () => {
      const h = Buffer.from(header({ width: 1, data: 'binary_compressed' }));
      const sizes = Buffer.alloc(8);
      sizes.writeUInt32LE(3, 0);
      sizes.writeUInt32LE(12, 4);
      await expectProbeFailure(
        pcdProbe,
        Buffer.concat([h, sizes, Buffer.from([0x3f, 0xff, 0x00])]),
        'corrupt',
        /refers 8192 bytes back at output position 0/,
      );
    });

    it('rejects garbage after the magic and inconsistent field lists', async () => {
      const garbage = Buffer.concat([Buffer.from('VERSION 0.7\n'), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 53) % 256))]);
      await expectProbeFailure(pcdProbe, garbage, 'unreadable_header', /PCD header line 2 is not a header line/);
      await expectProbeFailure(
        pcdProbe,
        Buffer.from(header({ size: '4 4', width: 1, data: 'ascii' }) + '1 2 3\n'),
        'unreadable_header',
        /SIZE lists 2 values for 3 FIELDS/,
      );
      await expectProbeFailure(pcdProbe, Buffer.from(header({ width: 1, data: 'binary_lzma' })), 'unsupported', /DATA "binary_lzma"/);
      await expectProbeFailure(
        pcdProbe,
        Buffer.from(header({ width: 2, data: 'ascii' }) + '1 2\n1 2 3\n'),
        'corrupt',
        /point 0 has 2 values where the 3 fields need 3/,
      );
    });
  });

  it('survives random byte edits and cuts of good files with a ProbeError or a result', async () => {
    await assertSurvivesMutations(pcdProbe, compressedPcd(POINTS.slice(0, 200)), { chunkSize: 33 });
    await assertSurvivesMutations(pcdProbe, binaryPcd(POINTS.slice(0, 50)), { chunkSize: 17 });
    await assertSurvivesMutations(pcdProbe, ASCII, { chunkSize: 11 });
  });

  describeSample('car6.pcd', (path) => {
    // Facts checked with a Python LZF decoder written for the purpose: 10031 points, 61534 compressed /
    // 120372 uncompressed bytes, then 3913 zero bytes of padding; x in [-40.169, -33.95], y in [-68.56, -61.88],
    // z in [-6.99, -5.43].
    it('decompresses the PCL binary_compressed cloud and gives its facts', async () => {
      const result = await runProbe(pcdProbe, path, { chunkSize: 16 * 1024 });
      expect(result).toMatchObject({
        format: 'pcd',
        modality: 'pointcloud',
        metadata: {
          version: '0.7',
          data: 'binary_compressed',
          width: 10031,
          height: 1,
          points: 10031,
          organized: false,
          fields: ['x', 'y', 'z'].map((name) => ({ name, size: 4, type: 'F', count: 1 })),
          compressedSize: 61534,
          uncompressedSize: 120372,
          trailingBytes: 3913,
          trailingNonZeroBytes: 0,
        },
      });
      const { min, max } = result.metadata.bounds as { min: number[]; max: number[] };
      [-40.169, -68.56, -6.99].forEach((v, i) => {
        expect(min[i]).toBeCloseTo(v, 3);
      });
      [-33.95, -61.88, -5.43].forEach((v, i) => {
        expect(max[i]).toBeCloseTo(v, 3);
      });
    });

    it('rejects the same file cut inside its compressed block', async () => {
      const bytes = readFileSync(path);
      await expectProbeFailure(
        pcdProbe,
        bytes.subarray(0, 40_000),
        'truncated',
        /declares 61534 compressed bytes after the 191-byte header but the file has only 40000 bytes/,
      );
    });
  });
});

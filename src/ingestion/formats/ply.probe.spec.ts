import { readFileSync } from 'node:fs';

import { describeSample } from '../../../test/support/samples.js';
import { assertSurvivesMutations, driveProbe, expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { plyProbe } from './ply.probe.js';

// ---- PLY builders ----

/** Binary point cloud: x y z float + red green blue uchar (15-byte rows). */
function binaryCloud(points: Array<[number, number, number]>, le = true, countOverride?: string): Buffer {
  const header = Buffer.from(
    `ply\nformat binary_${le ? 'little' : 'big'}_endian 1.0\ncomment made by the probe spec\nelement vertex ${countOverride ?? points.length}\n` +
      'property float x\nproperty float y\nproperty float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n',
  );
  const body = Buffer.alloc(points.length * 15);
  points.forEach(([x, y, z], i) => {
    const w = (v: number, at: number) => (le ? body.writeFloatLE(v, at) : body.writeFloatBE(v, at));
    w(x, i * 15);
    w(y, i * 15 + 4);
    w(z, i * 15 + 8);
    body.fill(200, i * 15 + 12, i * 15 + 15);
  });
  return Buffer.concat([header, body]);
}

/** Binary big-endian mesh: vertices (x y z double) and faces (list uchar int vertex_indices). */
function binaryMesh(vertices: Array<[number, number, number]>, faces: number[][], faceCount = faces.length): Buffer {
  const header = Buffer.from(
    `ply\r\nformat binary_big_endian 1.0\r\nelement vertex ${vertices.length}\r\nproperty double x\r\nproperty double y\r\nproperty double z\r\n` +
      `element face ${faceCount}\r\nproperty list uchar int vertex_indices\r\nend_header\r\n`,
  );
  const v = Buffer.alloc(vertices.length * 24);
  vertices.forEach((p, i) => {
    p.forEach((c, k) => v.writeDoubleBE(c, i * 24 + k * 8));
  });
  const f = Buffer.concat(
    faces.map((face) => {
      const b = Buffer.alloc(1 + face.length * 4);
      b[0] = face.length;
      face.forEach((idx, k) => b.writeInt32BE(idx, 1 + k * 4));
      return b;
    }),
  );
  return Buffer.concat([header, v, f]);
}

const ASCII_MESH = Buffer.from(
  'ply\nformat ascii 1.0\ncomment author: probe spec\nobj_info a unit square\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\n' +
    'element face 2\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n1 1 0.5\n0 1 -0.5\n3 0 1 2\n3 0 2 3\n',
);

const CLOUD_POINTS: Array<[number, number, number]> = Array.from({ length: 1000 }, (_, i) => [i * 0.5 - 100, Math.sin(i) * 10, i % 7]);

describe('plyProbe', () => {
  describe('sniff', () => {
    it('recognises ply\\n and ply\\r\\n only', () => {
      expect(plyProbe.sniff(ASCII_MESH)).toBe(true);
      expect(plyProbe.sniff(binaryMesh([[0, 0, 0]], []))).toBe(true);
      expect(plyProbe.sniff(Buffer.from('plyx\nformat ascii 1.0'))).toBe(false);
      expect(plyProbe.sniff(Buffer.from('# .PCD v0.7\nVERSION 0.7\n'))).toBe(false);
      expect(plyProbe.sniff(Buffer.from('pl'))).toBe(false);
    });
  });

  describe('good files', () => {
    it('describes a binary little-endian point cloud the same whatever the chunking', async () => {
      const file = binaryCloud(CLOUD_POINTS);
      // Chunks of 7 bytes split rows and floats across pushes; the result must not change.
      for (const chunkSize of [7, 4096, 1 << 20]) {
        const result = await runProbe(plyProbe, file, { chunkSize });
        expect(result).toMatchObject({
          format: 'ply',
          modality: 'pointcloud',
          metadata: {
            encoding: 'binary_little_endian',
            vertexCount: 1000,
            faceCount: 0,
            comments: ['made by the probe spec'],
            elements: [
              {
                name: 'vertex',
                count: 1000,
                properties: expect.arrayContaining([
                  { name: 'x', type: 'float' },
                  { name: 'blue', type: 'uchar' },
                ]) as unknown,
              },
            ],
          },
        });
        const bounds = result.metadata.bounds as { min: number[]; max: number[] };
        expect(bounds.min[0]).toBe(-100);
        expect(bounds.max[0]).toBe(399.5);
        expect(bounds.max[2]).toBe(6);
      }
    });

    it('describes a binary big-endian mesh with face lists (CRLF header)', async () => {
      const file = binaryMesh(
        [
          [0, 0, 0],
          [2, 0, 0],
          [2, 3, 0],
          [0, 3, -1],
        ],
        [
          [0, 1, 2],
          [0, 2, 3],
          [0, 1, 2, 3],
        ],
      );
      const result = await runProbe(plyProbe, file, { chunkSize: 5 });
      expect(result).toMatchObject({
        modality: 'mesh',
        metadata: {
          encoding: 'binary_big_endian',
          vertexCount: 4,
          faceCount: 3,
          bounds: { min: [0, 0, -1], max: [2, 3, 0] },
          elements: [
            { name: 'vertex' },
            { name: 'face', properties: [{ name: 'vertex_indices', type: 'list', countType: 'uchar', itemType: 'int' }] },
          ],
        },
      });
      expect(result.metadata.trailingBytes).toBeUndefined();
    });

    it('describes an ascii mesh with comments and obj_info', async () => {
      const result = await runProbe(plyProbe, ASCII_MESH, { chunkSize: 3 });
      expect(result).toMatchObject({
        modality: 'mesh',
        metadata: {
          encoding: 'ascii',
          vertexCount: 4,
          faceCount: 2,
          comments: ['author: probe spec'],
          objInfo: ['a unit square'],
          bounds: { min: [0, 0, -0.5], max: [1, 1, 0.5] },
        },
      });
    });

    it('reports bytes after the last element instead of failing', async () => {
      const result = await runProbe(plyProbe, Buffer.concat([binaryCloud(CLOUD_POINTS.slice(0, 3)), Buffer.from('\n\n')]));
      expect(result.metadata).toMatchObject({ trailingBytes: 2 });
      expect(result.warnings).toEqual(['2 bytes follow the last element']);
    });
  });

  describe('truncated files', () => {
    it('rejects a fixed-size binary payload shorter than the counts say', async () => {
      const file = binaryCloud(CLOUD_POINTS);
      await expectProbeFailure(
        plyProbe,
        file.subarray(0, file.length - 100),
        'truncated',
        /declares 1000 vertex \(15000 bytes of binary_little_endian payload after the 209-byte header\) but the file has only 15109 bytes: truncated/,
      );
    });

    it('rejects a mesh cut inside its face lists, saying where', async () => {
      const file = binaryMesh(
        [
          [0, 0, 0],
          [1, 0, 0],
          [1, 1, 0],
        ],
        [
          [0, 1, 2],
          [0, 1, 2],
          [0, 1, 2],
        ],
      );
      await expectProbeFailure(
        plyProbe,
        file.subarray(0, file.length - 20),
        'truncated',
        /declares 3 vertex, 3 face but the payload ends in face row 1 of 3/,
      );
    });

    it('rejects an ascii file missing rows, and a file that ends inside its header', async () => {
      await expectProbeFailure(plyProbe, ASCII_MESH.subarray(0, ASCII_MESH.length - 8), 'truncated', /payload ends in face row 1 of 2/);
      await expectProbeFailure(plyProbe, ASCII_MESH.subarray(0, 40), 'truncated', /ends inside its header/);
    });
  });

  describe('lying and hostile files', () => {
    it('rejects a header claiming 10^12 vertices without allocating or reading for them', async () => {
      const file = binaryCloud(CLOUD_POINTS.slice(0, 10), true, '1000000000000');
      const run = await driveProbe(plyProbe, file);
      expect(run.error).toMatchObject({
        reason: 'truncated',
        message: expect.stringMatching(/declares 1000000000000 vertex \(15000000000000 bytes/) as unknown,
      });
      expect(run.reads).toEqual([]);
      const ascii = Buffer.from(ASCII_MESH.toString().replace('element vertex 4', 'element vertex 1000000000000'));
      // The face rows that follow the 4 real vertices do not fit vertex rows: the lie is caught there.
      await expectProbeFailure(plyProbe, ascii, 'corrupt', /vertex row 4 \(payload line 5\) has 4 values where its properties need 3/);
      const onlyVertices = Buffer.from('ply\nformat ascii 1.0\nelement vertex 1000000000000\nproperty float x\nend_header\n1\n2\n3\n');
      await expectProbeFailure(plyProbe, onlyVertices, 'truncated', /payload ends in vertex row 3 of 1000000000000/);
    });

    it('rejects counts beyond any real file', async () => {
      const file = binaryCloud(CLOUD_POINTS.slice(0, 2), true, '99999999999999999999');
      await expectProbeFailure(plyProbe, file, 'corrupt', /impossible count of 99999999999999999999/);
    });

    it('rejects a face list that claims more indices than the file holds', async () => {
      const file = binaryMesh(
        [
          [0, 0, 0],
          [1, 0, 0],
          [1, 1, 0],
        ],
        [[0, 1, 2]],
      );
      file[file.length - 13] = 250; // first face now says 250 indices
      await expectProbeFailure(plyProbe, file, 'truncated', /declares 3 vertex, 1 face but the payload ends in face row 0 of 1/);
    });

    it('rejects ascii rows with the wrong number of values, or non-numbers', async () => {
      await expectProbeFailure(
        plyProbe,
        Buffer.from(ASCII_MESH.toString().replace('1 0 0\n', '1 0\n')),
        'corrupt',
        /vertex row 1 \(payload line 2\) has 2 values where its properties need 3/,
      );
      await expectProbeFailure(
        plyProbe,
        Buffer.from(ASCII_MESH.toString().replace('3 0 1 2', '4 0 1 2')),
        'corrupt',
        /face row 0 .* has 4 values where its properties need 5/,
      );
      await expectProbeFailure(plyProbe, Buffer.from(ASCII_MESH.toString().replace('1 1 0.5', '1 one 0.5')), 'corrupt', /non-numeric value "one"/);
    });

    it('rejects garbage after the magic, unknown keywords and a header without end', async () => {
      const garbage = Buffer.concat([Buffer.from('ply\n'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 37) % 256))]);
      await expectProbeFailure(plyProbe, garbage, 'unreadable_header', /PLY header line 2 is not a header line/);
      await expectProbeFailure(
        plyProbe,
        Buffer.from('ply\nformat ascii 1.0\nelemnt vertex 3\nend_header\n'),
        'unreadable_header',
        /line 3 is not a header line \("elemnt vertex 3"\)/,
      );
      await expectProbeFailure(
        plyProbe,
        Buffer.from('ply\nformat ascii 1.0\nelement vertex 3 3\nend_header\n'),
        'unreadable_header',
        /line 3 \("element vertex 3 3"\): expected "element <name> <count>"/,
      );
      await expectProbeFailure(
        plyProbe,
        Buffer.from('ply\nelement vertex 1\nproperty float x\nend_header\n1\n'),
        'unreadable_header',
        /no format line/,
      );
      const endless = Buffer.concat([Buffer.from('ply\nformat ascii 1.0\n'), Buffer.from('comment padding padding padding\n'.repeat(40_000))]);
      await expectProbeFailure(plyProbe, endless, 'unreadable_header', /no end_header line within its first 1 MiB/);
    });
  });

  it('survives random byte edits and cuts of good files with a ProbeError or a result', async () => {
    await assertSurvivesMutations(
      plyProbe,
      binaryMesh(
        [
          [0, 0, 0],
          [2, 0, 0],
          [2, 3, 0],
          [0, 3, -1],
        ],
        [
          [0, 1, 2],
          [0, 2, 3],
        ],
      ),
      { chunkSize: 7 },
    );
    await assertSurvivesMutations(plyProbe, ASCII_MESH, { chunkSize: 13 });
    await assertSurvivesMutations(plyProbe, binaryCloud(CLOUD_POINTS.slice(0, 50), false), { chunkSize: 64 });
  });

  describeSample('bunny.ply', (path) => {
    // Facts checked with a Python/numpy read of the file: 8171 vertices (x y z confidence intensity), 16301
    // triangle rows, x in [-0.0945716, 0.0609346], y in [0.0333891, 0.186643], z in [-0.0618736, 0.0586895].
    it('gives the Stanford bunny header facts and vertex bounds', async () => {
      const result = await runProbe(plyProbe, path, { chunkSize: 64 * 1024 });
      expect(result).toMatchObject({
        format: 'ply',
        modality: 'mesh',
        metadata: {
          encoding: 'ascii',
          version: '1.0',
          vertexCount: 8171,
          faceCount: 16301,
          comments: ['zipper output'],
          elements: [
            { name: 'vertex', count: 8171, properties: ['x', 'y', 'z', 'confidence', 'intensity'].map((name) => ({ name, type: 'float' })) },
            { name: 'face', count: 16301, properties: [{ name: 'vertex_indices', type: 'list', countType: 'uchar', itemType: 'int' }] },
          ],
        },
      });
      const { min, max } = result.metadata.bounds as { min: number[]; max: number[] };
      [-0.0945716, 0.0333891, -0.0618736].forEach((v, i) => {
        expect(min[i]).toBeCloseTo(v, 6);
      });
      [0.0609346, 0.186643, 0.0586895].forEach((v, i) => {
        expect(max[i]).toBeCloseTo(v, 6);
      });
    });

    it('rejects the same file without its last 1000 bytes', async () => {
      const bytes = readFileSync(path);
      await expectProbeFailure(
        plyProbe,
        bytes.subarray(0, bytes.length - 1000),
        'truncated',
        /PLY ascii payload ends inside face row 162\d\d of 16301 \(its last line is cut short\): truncated/,
      );
    });
  });
});

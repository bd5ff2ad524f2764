import { readFileSync } from 'node:fs';

import { describeSample } from '../../../test/support/samples.js';
import { assertSurvivesMutations, driveProbe, expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { gltfProbe } from './gltf.probe.js';

// ---- glTF builders: one triangle (3 float VEC3 positions + 3 ushort indices) ----

/** 36 bytes of positions then 6 bytes of indices, padded to 44. */
function triangleBin(): Buffer {
  const bin = Buffer.alloc(44);
  [
    [0, 0, 0],
    [2, 0, -1],
    [0, 3, 1],
  ]
    .flat()
    .forEach((v, i) => bin.writeFloatLE(v, i * 4));
  [0, 1, 2].forEach((v, i) => bin.writeUInt16LE(v, 36 + i * 2));
  return bin;
}

function triangleDoc(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    asset: { version: '2.0', generator: 'probe spec' },
    extensionsUsed: ['KHR_materials_unlit'],
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0 }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 }, indices: 1, material: 0 }] }],
    materials: [{ pbrMetallicRoughness: { baseColorTexture: { index: 0 } } }],
    textures: [{ source: 0 }],
    images: [{ uri: 'textures/albedo.png' }],
    accessors: [
      { bufferView: 0, componentType: 5126, count: 3, type: 'VEC3', min: [0, 0, -1], max: [2, 3, 1] },
      { bufferView: 1, componentType: 5123, count: 3, type: 'SCALAR' },
    ],
    bufferViews: [
      { buffer: 0, byteOffset: 0, byteLength: 36 },
      { buffer: 0, byteOffset: 36, byteLength: 6 },
    ],
    buffers: [{ byteLength: 42 }],
    ...over,
  };
}

function glb(
  doc: Record<string, unknown>,
  bin: Buffer | null = triangleBin(),
  opts: { version?: number; lengthDelta?: number; jsonLengthOverride?: number } = {},
): Buffer {
  let json = Buffer.from(JSON.stringify(doc));
  json = Buffer.concat([json, Buffer.alloc((4 - (json.length % 4)) % 4, 0x20)]);
  const chunk = (type: string, data: Buffer, lengthOverride?: number) => {
    const h = Buffer.alloc(8);
    h.writeUInt32LE(lengthOverride ?? data.length, 0);
    h.write(type, 4, 'latin1');
    return Buffer.concat([h, data]);
  };
  const body = Buffer.concat([chunk('JSON', json, opts.jsonLengthOverride), ...(bin ? [chunk('BIN\0', bin)] : [])]);
  const h = Buffer.alloc(12);
  h.write('glTF', 0, 'latin1');
  h.writeUInt32LE(opts.version ?? 2, 4);
  h.writeUInt32LE(12 + body.length + (opts.lengthDelta ?? 0), 8);
  return Buffer.concat([h, body]);
}

const gltfJson = (doc: Record<string, unknown>) => Buffer.from(JSON.stringify(doc, null, 2));
const dataUri = (buf: Buffer) => `data:application/octet-stream;base64,${buf.toString('base64')}`;

describe('gltfProbe', () => {
  describe('sniff', () => {
    it('recognises GLB by magic and .gltf JSON by its asset block', () => {
      expect(gltfProbe.sniff(glb(triangleDoc()))).toBe(true);
      expect(gltfProbe.sniff(gltfJson(triangleDoc()))).toBe(true);
    });

    it('rejects JSON Lines, other JSON and other binaries', () => {
      expect(gltfProbe.sniff(Buffer.from('{"asset":{"version":"1.0"},"v":1}\n{"asset":{"version":"1.0"},"v":2}\n'))).toBe(false);
      expect(gltfProbe.sniff(Buffer.from('{"type":"FeatureCollection","features":[]}'))).toBe(false);
      expect(gltfProbe.sniff(Buffer.from('glTX\x02\0\0\0'))).toBe(false);
      expect(gltfProbe.sniff(Buffer.from('ply\nformat ascii 1.0\n'))).toBe(false);
    });
  });

  describe('good files', () => {
    it('describes a GLB: generator, counts, extensions, bounds, external images', async () => {
      const run = await driveProbe(gltfProbe, glb(triangleDoc()));
      expect(run.error).toBeUndefined();
      expect(run.result).toMatchObject({
        format: 'glb',
        modality: 'mesh',
        metadata: {
          container: 'glb',
          version: '2.0',
          generator: 'probe spec',
          counts: { scenes: 1, nodes: 1, meshes: 1, primitives: 1, materials: 1, textures: 1, images: 1, accessors: 2, bufferViews: 2, buffers: 1 },
          vertexCount: 3,
          triangleCount: 1,
          extensionsUsed: ['KHR_materials_unlit'],
          extensionsRequired: [],
          positionBounds: { min: [0, 0, -1], max: [2, 3, 1] },
          externalResources: ['textures/albedo.png'],
          chunks: [{ type: 'JSON' }, { type: 'BIN', length: 44 }],
        },
      });
      expect(run.result?.bbox).toBeUndefined(); // glTF coordinates are not geographic
    });

    it('describes a plain .gltf with an embedded data: buffer', async () => {
      const doc = triangleDoc({ buffers: [{ byteLength: 42, uri: dataUri(triangleBin().subarray(0, 42)) }] });
      const result = await runProbe(gltfProbe, gltfJson(doc), { chunkSize: 100 });
      expect(result).toMatchObject({
        format: 'gltf',
        modality: 'mesh',
        metadata: { container: 'json', vertexCount: 3, positionBounds: { min: [0, 0, -1] } },
      });
    });
  });

  describe('truncated files', () => {
    it('rejects a GLB shorter than its declared length', async () => {
      const file = glb(triangleDoc());
      await expectProbeFailure(
        gltfProbe,
        file.subarray(0, file.length - 10),
        'truncated',
        new RegExp(`GLB header declares ${file.length} bytes but the file has only ${file.length - 10}: truncated`),
      );
    });

    it('rejects a .gltf cut inside its JSON', async () => {
      const file = gltfJson(triangleDoc());
      await expectProbeFailure(gltfProbe, file.subarray(0, file.length - 30), 'truncated', /glTF JSON ends before the JSON is complete/);
    });
  });

  describe('lying and hostile files', () => {
    it('rejects a JSON chunk length past the end of the file', async () => {
      const run = await driveProbe(gltfProbe, glb(triangleDoc(), triangleBin(), { jsonLengthOverride: 0xfffffff0 }));
      expect(run.error).toMatchObject({
        reason: 'corrupt',
        message: expect.stringMatching(/JSON chunk declares 4294967280 bytes but only \d+ follow its header/) as unknown,
      });
      expect(Math.max(...run.reads.map((r) => r.length))).toBeLessThanOrEqual(20);
    });

    it('rejects a declared length other than the file size', async () => {
      await expectProbeFailure(gltfProbe, glb(triangleDoc(), triangleBin(), { lengthDelta: -8 }), 'corrupt', /\(8 bytes after the end\)/);
      await expectProbeFailure(
        gltfProbe,
        glb(triangleDoc(), triangleBin(), { lengthDelta: 2 ** 31 }),
        'truncated',
        /declares 2147484\d+ bytes but the file has only \d+: truncated/,
      );
    });

    it('rejects accessors, views and buffers that claim more data than exists', async () => {
      const bigAccessor = triangleDoc();
      (bigAccessor.accessors as Array<Record<string, unknown>>)[0].count = 1e12;
      await expectProbeFailure(
        gltfProbe,
        glb(bigAccessor),
        'corrupt',
        /accessor 0 declares 1000000000000 elements of 12 bytes \(12000000000000 bytes\) but bufferView 0 has only 36/,
      );
      await expectProbeFailure(
        gltfProbe,
        glb(triangleDoc({ buffers: [{ byteLength: 4096 }] })),
        'corrupt',
        /buffer 0 declares 4096 bytes but the GLB BIN chunk holds 44/,
      );
      const view = triangleDoc({
        bufferViews: [
          { buffer: 0, byteOffset: 40, byteLength: 36 },
          { buffer: 0, byteOffset: 36, byteLength: 6 },
        ],
      });
      await expectProbeFailure(gltfProbe, glb(view), 'corrupt', /bufferView 0 spans bytes 40-76 of buffer 0, which has only 42/);
      await expectProbeFailure(gltfProbe, glb(triangleDoc(), null), 'corrupt', /buffer 0 has no uri and the file has no BIN chunk/);
      const shortUri = triangleDoc({ buffers: [{ byteLength: 42, uri: dataUri(Buffer.alloc(10)) }] });
      await expectProbeFailure(gltfProbe, gltfJson(shortUri), 'corrupt', /buffer 0 declares 42 bytes but its data URI holds 10/);
    });

    it('rejects other versions, missing asset and garbage JSON', async () => {
      await expectProbeFailure(gltfProbe, glb(triangleDoc(), triangleBin(), { version: 1 }), 'unsupported', /container version 1/);
      await expectProbeFailure(gltfProbe, glb(triangleDoc({ asset: { version: '1.0' } })), 'unsupported', /asset version 1\.0/);
      await expectProbeFailure(gltfProbe, glb(triangleDoc({ asset: undefined })), 'corrupt', /no asset\.version/);
      const garbage = Buffer.concat([
        Buffer.from('glTF'),
        Buffer.from([2, 0, 0, 0, 40, 0, 0, 0, 20, 0, 0, 0]),
        Buffer.from('JSON'),
        Buffer.from('{{{{{{{{{{[[[[[[[[[['),
      ]);
      await expectProbeFailure(gltfProbe, garbage, 'corrupt', /GLB JSON chunk is not valid JSON/);
    });
  });

  it('survives random byte edits and cuts of good files with a ProbeError or a result', async () => {
    const file = glb(triangleDoc());
    await assertSurvivesMutations(gltfProbe, file, { headerBytes: file.length });
    const json = gltfJson(triangleDoc());
    await assertSurvivesMutations(gltfProbe, json, { headerBytes: json.length });
  });

  describeSample('BoxTextured.glb', (path) => {
    // Facts checked with a Python json / struct read of the chunks: COLLADA2GLTF 2.0, JSON 1368 + BIN 24360 bytes,
    // 1 mesh / 2 nodes / 1 material / 1 texture / 1 image / 4 accessors, POSITION 24 x VEC3 in [-0.5, 0.5], 36 indices.
    it('gives the generator, counts and bounds of the textured box', async () => {
      const result = await runProbe(gltfProbe, path);
      expect(result).toMatchObject({
        format: 'glb',
        modality: 'mesh',
        metadata: {
          version: '2.0',
          generator: 'COLLADA2GLTF',
          chunks: [
            { type: 'JSON', length: 1368 },
            { type: 'BIN', length: 24360 },
          ],
          counts: {
            meshes: 1,
            nodes: 2,
            materials: 1,
            textures: 1,
            images: 1,
            accessors: 4,
            bufferViews: 4,
            buffers: 1,
            samplers: 1,
            scenes: 1,
            animations: 0,
          },
          vertexCount: 24,
          triangleCount: 12,
          extensionsUsed: [],
          positionBounds: { min: [-0.5, -0.5, -0.5], max: [0.5, 0.5, 0.5] },
          externalResources: [],
        },
      });
    });

    it('rejects the same file without its last 100 bytes', async () => {
      const bytes = readFileSync(path);
      await expectProbeFailure(
        gltfProbe,
        bytes.subarray(0, bytes.length - 100),
        'truncated',
        /GLB header declares 25756 bytes but the file has only 25656: truncated/,
      );
    });
  });
});

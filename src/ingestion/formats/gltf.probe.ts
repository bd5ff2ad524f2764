import { FormatProbe, ProbeInput, ProbeResult, ProbeSession } from './probe.types.js';
import { MiB, fail, guard, readExactly } from './spatial.util.js';

/**
 * glTF 2.0: binary GLB (12-byte header, JSON chunk, optional BIN chunk) and plain .gltf JSON. Header-only: the
 * JSON is read by offset, parsed, and its buffers / bufferViews / accessors are checked against each other and
 * against the BIN chunk, so counts that claim more data than exists are caught without touching the data.
 */

const MAX_JSON_BYTES = 64 * MiB;
const MAX_CHUNKS = 1024;
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;

const COMPONENT_SIZES: Record<number, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };
const TYPE_COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 };

/** Byte size of one accessor element, with the column padding glTF requires for small matrix components. */
function elementSize(componentType: number, type: string): number | undefined {
  const c = COMPONENT_SIZES[componentType];
  const n = TYPE_COMPONENTS[type];
  if (!c || !n) return undefined;
  if (type === 'MAT2' && c === 1) return 8;
  if (type === 'MAT3' && c === 1) return 12;
  if (type === 'MAT3' && c === 2) return 24;
  return c * n;
}

type Json = Record<string, unknown>;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const isIndex = (v: unknown, length: number): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < length;
const nonNegInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Decoded length of a base64 data: URI, without decoding it. */
function dataUriLength(uri: string): number | undefined {
  const m = /^data:[^,]*;base64,/.exec(uri);
  if (!m) return undefined;
  const b64 = uri.slice(m[0].length).replace(/\s/g, '');
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - pad;
}

/** Describes a parsed glTF document; `binLength` is the GLB BIN chunk's length (undefined for .gltf / no chunk). */
/** The vertex count `describe` put in the metadata. */
function vertexCountOf(metadata: Record<string, unknown>): number {
  return typeof metadata.vertexCount === 'number' ? metadata.vertexCount : 0;
}

function describe(doc: Json, binLength: number | undefined): Record<string, unknown> {
  const asset = obj(doc.asset);
  if (!asset || typeof asset.version !== 'string') throw fail('corrupt', 'glTF JSON has no asset.version');
  const major = Number(asset.version.split('.')[0]);
  if (major !== 2) throw fail('unsupported', `glTF asset version ${asset.version} is not supported (2.x is)`);

  const buffers = arr(doc.buffers).map(obj);
  const bufferViews = arr(doc.bufferViews).map(obj);
  const accessors = arr(doc.accessors).map(obj);
  const external: string[] = [];
  const bufferLengths: number[] = [];
  buffers.forEach((b, i) => {
    if (!b || !nonNegInt(b.byteLength)) throw fail('corrupt', `glTF buffer ${i} has no valid byteLength`);
    bufferLengths.push(b.byteLength);
    if (typeof b.uri === 'string') {
      const decoded = dataUriLength(b.uri);
      if (decoded !== undefined && decoded < b.byteLength) {
        throw fail('corrupt', `glTF buffer ${i} declares ${b.byteLength} bytes but its data URI holds ${decoded}`);
      }
      if (decoded === undefined && !b.uri.startsWith('data:') && external.length < 100) external.push(b.uri.slice(0, 512));
    } else if (i === 0 && binLength !== undefined) {
      // The GLB-stored buffer: the BIN chunk may be padded by up to 3 bytes, never shorter.
      if (b.byteLength > binLength) throw fail('corrupt', `glTF buffer 0 declares ${b.byteLength} bytes but the GLB BIN chunk holds ${binLength}`);
    } else {
      throw fail(
        'corrupt',
        `glTF buffer ${i} has no uri and ${i === 0 ? 'the file has no BIN chunk' : 'only buffer 0 may live in the GLB BIN chunk'}`,
      );
    }
  });
  bufferViews.forEach((v, i) => {
    if (!v || !isIndex(v.buffer, bufferLengths.length)) throw fail('corrupt', `glTF bufferView ${i} refers to a missing buffer`);
    const offset = v.byteOffset ?? 0;
    if (!nonNegInt(offset) || !nonNegInt(v.byteLength)) throw fail('corrupt', `glTF bufferView ${i} has an invalid byteOffset / byteLength`);
    if (offset + v.byteLength > bufferLengths[v.buffer]) {
      throw fail(
        'corrupt',
        `glTF bufferView ${i} spans bytes ${offset}-${offset + v.byteLength} of buffer ${v.buffer}, which has only ${bufferLengths[v.buffer]}`,
      );
    }
  });
  accessors.forEach((a, i) => {
    if (!a || !nonNegInt(a.count)) throw fail('corrupt', `glTF accessor ${i} has no valid count`);
    const size = elementSize(Number(a.componentType), String(a.type));
    if (size === undefined)
      throw fail('corrupt', `glTF accessor ${i} has an unknown componentType / type (${String(a.componentType)} ${String(a.type)})`);
    if (a.bufferView === undefined) return; // all zeros (or sparse only): no bytes to check
    if (!isIndex(a.bufferView, bufferViews.length)) throw fail('corrupt', `glTF accessor ${i} refers to a missing bufferView`);
    const view = bufferViews[a.bufferView];
    // Checked above: every bufferView is an object with a valid byteLength.
    if (!view) throw fail('corrupt', `glTF accessor ${i} refers to a missing bufferView`);
    const offset = a.byteOffset ?? 0;
    const stride = view.byteStride ?? size;
    if (!nonNegInt(offset) || !nonNegInt(stride)) throw fail('corrupt', `glTF accessor ${i} has an invalid byteOffset / byteStride`);
    const needed = a.count === 0 ? 0 : offset + stride * (a.count - 1) + size;
    if (needed > (view.byteLength as number)) {
      throw fail(
        'corrupt',
        `glTF accessor ${i} declares ${a.count} elements of ${size} bytes (${needed} bytes) but bufferView ${a.bufferView} has only ${view.byteLength as number}`,
      );
    }
  });

  // Geometry: POSITION accessors' min / max (mesh-local coordinates, before node transforms).
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  let vertices = 0;
  let triangles = 0;
  let primitives = 0;
  for (const mesh of arr(doc.meshes).map(obj)) {
    for (const prim of arr(mesh?.primitives).map(obj)) {
      primitives += 1;
      const pos = obj(prim?.attributes)?.POSITION;
      const acc = isIndex(pos, accessors.length) ? accessors[pos] : undefined;
      if (acc) {
        vertices += acc.count as number;
        const lo = arr(acc.min);
        const hi = arr(acc.max);
        if (lo.length === 3 && hi.length === 3 && [...lo, ...hi].every((v) => typeof v === 'number' && Number.isFinite(v))) {
          for (let k = 0; k < 3; k++) {
            min[k] = Math.min(min[k], lo[k] as number);
            max[k] = Math.max(max[k], hi[k] as number);
          }
        }
      }
      const mode = prim?.mode ?? 4;
      const idx = isIndex(prim?.indices, accessors.length) ? accessors[prim.indices] : undefined;
      const count = idx ? (idx.count as number) : ((acc?.count as number | undefined) ?? 0);
      if (mode === 4) triangles += Math.floor(count / 3);
      else if ((mode === 5 || mode === 6) && count >= 3) triangles += count - 2;
    }
  }
  for (const img of arr(doc.images).map(obj)) {
    if (typeof img?.uri === 'string' && !img.uri.startsWith('data:') && external.length < 100) external.push(img.uri.slice(0, 512));
  }
  const strings = (v: unknown) =>
    arr(v)
      .filter((s): s is string => typeof s === 'string')
      .slice(0, 100);
  const count = (k: string) => arr(doc[k]).length;
  return {
    version: asset.version,
    generator: typeof asset.generator === 'string' ? asset.generator.slice(0, 256) : null,
    copyright: typeof asset.copyright === 'string' ? asset.copyright.slice(0, 512) : null,
    counts: {
      scenes: count('scenes'),
      nodes: count('nodes'),
      meshes: count('meshes'),
      primitives,
      materials: count('materials'),
      textures: count('textures'),
      images: count('images'),
      samplers: count('samplers'),
      accessors: count('accessors'),
      bufferViews: count('bufferViews'),
      buffers: count('buffers'),
      animations: count('animations'),
      skins: count('skins'),
      cameras: count('cameras'),
    },
    vertexCount: vertices,
    triangleCount: triangles,
    extensionsUsed: strings(doc.extensionsUsed),
    extensionsRequired: strings(doc.extensionsRequired),
    positionBounds: min.every((m, k) => m <= max[k]) ? { min, max, space: 'mesh-local (node transforms not applied)' } : null,
    externalResources: external,
  };
}

function parseJson(text: string, what: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    // A JSON document that simply stops (the parser fails at its very end) is a cut file, not a malformed one.
    const position = Number(/at position (\d+)/.exec(message)?.[1] ?? NaN);
    if (/end of (JSON )?input/i.test(message) || position >= text.trimEnd().length) {
      throw fail('truncated', `${what} ends before the JSON is complete (${message}): truncated`);
    }
    throw fail('corrupt', `${what} is not valid JSON: ${message}`);
  }
  const root = obj(doc);
  if (!root) throw fail('corrupt', `${what} is not a JSON object`);
  return root;
}

async function probeGlb(input: ProbeInput): Promise<ProbeResult> {
  const size = input.size;
  if (size < 20) throw fail('truncated', `GLB needs a 12-byte header and an 8-byte chunk header but the file has only ${size} bytes: truncated`);
  const h = await readExactly(input, 0, 20, 'GLB header');
  const version = h.readUInt32LE(4);
  const length = h.readUInt32LE(8);
  if (version !== 2) throw fail('unsupported', `GLB container version ${version} is not supported (2 is)`);
  if (length > size) throw fail('truncated', `GLB header declares ${length} bytes but the file has only ${size}: truncated`);
  if (length < size) throw fail('corrupt', `GLB header declares ${length} bytes but the file has ${size} (${size - length} bytes after the end)`);
  const jsonLength = h.readUInt32LE(12);
  if (h.readUInt32LE(16) !== CHUNK_JSON) throw fail('corrupt', `GLB first chunk is 0x${h.readUInt32LE(16).toString(16)}, not JSON`);
  if (20 + jsonLength > length) throw fail('corrupt', `GLB JSON chunk declares ${jsonLength} bytes but only ${length - 20} follow its header`);
  if (jsonLength > MAX_JSON_BYTES) throw fail('unsupported', `GLB JSON chunk of ${jsonLength} bytes exceeds the ${MAX_JSON_BYTES / MiB} MiB limit`);
  const json = await readExactly(input, 20, jsonLength, 'GLB JSON chunk');
  // Chunks after JSON: the first may be BIN, others are unknown extensions to skip.
  let at = 20 + jsonLength;
  let binLength: number | undefined;
  const chunks = [{ type: 'JSON', length: jsonLength }];
  const warnings: string[] = [];
  if (jsonLength % 4 !== 0) warnings.push('JSON chunk length is not a multiple of 4');
  while (at < length) {
    if (chunks.length >= MAX_CHUNKS) throw fail('unsupported', `more than ${MAX_CHUNKS} GLB chunks`);
    if (at + 8 > length) throw fail('corrupt', `GLB has ${length - at} stray bytes after chunk ${chunks.length}`);
    const ch = await readExactly(input, at, 8, 'GLB chunk header');
    const chunkLength = ch.readUInt32LE(0);
    const type = ch.readUInt32LE(4);
    if (at + 8 + chunkLength > length) {
      throw fail('corrupt', `GLB chunk ${chunks.length} at offset ${at} declares ${chunkLength} bytes but only ${length - at - 8} follow its header`);
    }
    if (type === CHUNK_BIN && chunks.length === 1) binLength = chunkLength;
    chunks.push({ type: type === CHUNK_BIN ? 'BIN' : `0x${type.toString(16)}`, length: chunkLength });
    at += 8 + chunkLength;
  }
  const doc = parseJson(json.toString('utf8'), 'GLB JSON chunk');
  const metadata = { container: 'glb', chunks, ...describe(doc, binLength) } as Record<string, unknown>;
  return { format: 'glb', modality: 'mesh', counts: { vertices: vertexCountOf(metadata) }, metadata, warnings };
}

async function probeGltfJson(input: ProbeInput): Promise<ProbeResult> {
  if (input.size > MAX_JSON_BYTES) throw fail('unsupported', `glTF JSON of ${input.size} bytes exceeds the ${MAX_JSON_BYTES / MiB} MiB limit`);
  const text = await readExactly(input, 0, input.size, 'glTF JSON');
  const doc = parseJson(text.toString('utf8').replace(/^\uFEFF/, ''), 'glTF JSON');
  const metadata = { container: 'json', ...describe(doc, undefined) };
  return { format: 'gltf', modality: 'mesh', counts: { vertices: vertexCountOf(metadata) }, metadata, warnings: [] };
}

/** A .gltf starts with '{' and says "asset": { ... "version": "2.x" } early on (exporters write asset first or near it). */
const GLTF_JSON_SNIFF = /"asset"\s*:\s*\{[^{}]*"version"\s*:\s*"\d+\.\d+"/;

export const gltfProbe: FormatProbe = {
  id: 'gltf',
  sniff(head: Buffer): boolean {
    if (head.length >= 12 && head.toString('latin1', 0, 4) === 'glTF') return true;
    const text = head
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (!text.startsWith('{') || !GLTF_JSON_SNIFF.test(text)) return false;
    // JSON Lines (one object per line) is another family even when a record has an "asset" field.
    const lines = text.split('\n', 3);
    if (lines.length >= 2 && lines[1].trimStart().startsWith('{')) {
      try {
        JSON.parse(lines[0]);
        return false;
      } catch {
        return true;
      }
    }
    return true;
  },
  open(input: ProbeInput): ProbeSession {
    const binary = input.head.length >= 4 && input.head.toString('latin1', 0, 4) === 'glTF';
    return {
      // Header-only, so no push: everything needed is read by offset.
      finish: () => guard(binary ? 'GLB' : 'glTF', () => (binary ? probeGlb(input) : probeGltfJson(input))),
    };
  },
};

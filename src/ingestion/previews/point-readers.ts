import { createLazPerf } from 'laz-perf';
import { readE57 } from './e57-points.js';

/**
 * Point readers for previews: the positions (and colours or intensities where the file has them) of LAS, LAZ, PLY, PCD
 * and glTF binary files, read from the bytes in memory (E57 in e57-points.ts). At most `maxPoints` points are kept, evenly
 * spread over the file's. A file whose points cannot be read throws `PointsUnreadable`, and the preview says why.
 */

export interface ReadPoints {
  /** Points kept (<= maxPoints). */
  count: number;
  /** Points the file holds. */
  total: number;
  xyz: Float64Array;
  /** r, g, b 0..255 per point, when the file has colours. */
  rgb: Uint8Array | null;
  /** 0..1 per point, when the file has intensities and no colours. */
  intensity: Float32Array | null;
  /** True when the bytes read end before the file's last point (the points are the first ones). */
  partial?: boolean;
}

export class PointsUnreadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PointsUnreadable';
  }
}

/** Collects every `step`-th point into fixed arrays. */
export class Keeper {
  readonly xyz: Float64Array;
  /** As the file gives them: 0-255, or 0-65535 (LAS), scaled down in result(). */
  readonly rgb: Uint16Array;
  readonly intensity: Float32Array;
  count = 0;
  hasRgb = false;
  hasIntensity = false;
  readonly step: number;

  constructor(
    readonly total: number,
    maxPoints: number,
  ) {
    this.step = Math.max(1, Math.ceil(total / maxPoints));
    const kept = Math.ceil(total / this.step);
    this.xyz = new Float64Array(kept * 3);
    this.rgb = new Uint16Array(kept * 3);
    this.intensity = new Float32Array(kept);
  }

  wants(index: number): boolean {
    return index % this.step === 0 && this.count < this.intensity.length;
  }

  add(x: number, y: number, z: number, rgb?: [number, number, number], intensity?: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return;
    const i = this.count;
    this.xyz[i * 3] = x;
    this.xyz[i * 3 + 1] = y;
    this.xyz[i * 3 + 2] = z;
    if (rgb) this.rgb.set(rgb, i * 3);
    if (intensity !== undefined) this.intensity[i] = intensity;
    this.count += 1;
  }

  result(): ReadPoints {
    if (this.count === 0) throw new PointsUnreadable('the file holds no readable points');
    return {
      count: this.count,
      total: this.total,
      xyz: this.xyz.subarray(0, this.count * 3),
      rgb: this.hasRgb ? to8Bit(this.rgb.subarray(0, this.count * 3)) : null,
      intensity: this.hasIntensity && !this.hasRgb ? normalise(this.intensity.subarray(0, this.count)) : null,
    };
  }
}

/**
 * Colours to 0-255. LAS colours are 16-bit by the specification, but many writers store 8-bit values in them (autzen's
 * are all below 256): only colours that use the high byte are shifted down.
 */
function to8Bit(values: Uint16Array): Uint8Array {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const shift = max > 255 ? 8 : 0;
  return Uint8Array.from(values, (v) => v >> shift);
}

function normalise(values: Float32Array): Float32Array {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (max > 0) for (let i = 0; i < values.length; i += 1) values[i] /= max;
  return values;
}

function need(bytes: Buffer, end: number, what: string): void {
  if (end > bytes.length) throw new PointsUnreadable(`${what} runs past the end of the file (${end} > ${bytes.length} bytes)`);
}

/** Byte offset of the RGB fields in a LAS point record, by point data format. */
const LAS_RGB_OFFSET: Partial<Record<number, number>> = { 2: 20, 3: 28, 5: 28, 7: 30, 8: 30, 10: 30 };

interface LasHeader {
  compressed: boolean;
  offset: number;
  recordLength: number;
  total: number;
  scale: number[];
  origin: number[];
  /** Offset of the RGB fields in a record, null when the point format has none. */
  rgbAt: number | null;
}

function lasHeader(bytes: Buffer): LasHeader {
  need(bytes, 227, 'the LAS header');
  if (bytes.toString('latin1', 0, 4) !== 'LASF') throw new PointsUnreadable('not a LAS file');
  const format = bytes[104];
  const recordLength = bytes.readUInt16LE(105);
  let total = bytes.readUInt32LE(107);
  if (bytes[25] >= 4 && bytes.length >= 255) total = Number(bytes.readBigUInt64LE(247)) || total;
  const rgbAt = LAS_RGB_OFFSET[format & 0x3f];
  return {
    // LASzip marks compressed point formats with bit 7 (or 6, in old writers).
    compressed: (format & 0xc0) !== 0,
    offset: bytes.readUInt32LE(96),
    recordLength,
    total,
    scale: [bytes.readDoubleLE(131), bytes.readDoubleLE(139), bytes.readDoubleLE(147)],
    origin: [bytes.readDoubleLE(155), bytes.readDoubleLE(163), bytes.readDoubleLE(171)],
    rgbAt: rgbAt !== undefined && rgbAt + 6 <= recordLength ? rgbAt : null,
  };
}

/** One LAS point record at `at` in `bytes`, scaled and offset, into `keep`. */
function keepLasRecord(keep: Keeper, header: LasHeader, bytes: Buffer, at: number): void {
  const { scale, origin, rgbAt } = header;
  const rgb: [number, number, number] | undefined =
    rgbAt === null ? undefined : [bytes.readUInt16LE(at + rgbAt), bytes.readUInt16LE(at + rgbAt + 2), bytes.readUInt16LE(at + rgbAt + 4)];
  keep.add(
    bytes.readInt32LE(at) * scale[0] + origin[0],
    bytes.readInt32LE(at + 4) * scale[1] + origin[1],
    bytes.readInt32LE(at + 8) * scale[2] + origin[2],
    rgb,
    bytes.readUInt16LE(at + 12),
  );
}

export function readLas(bytes: Buffer, maxPoints: number): ReadPoints {
  const header = lasHeader(bytes);
  if (header.compressed) throw new PointsUnreadable('the point records are LASzip-compressed: a LAZ file');
  const total = Math.min(header.total, Math.floor((bytes.length - header.offset) / Math.max(header.recordLength, 1)));
  const keep = new Keeper(total, maxPoints);
  keep.hasRgb = header.rgbAt !== null;
  keep.hasIntensity = true;
  for (let i = 0; i < total; i += 1) if (keep.wants(i)) keepLasRecord(keep, header, bytes, header.offset + i * header.recordLength);
  return keep.result();
}

/**
 * LAZ points decompressed in order by laz-perf (LASzip compiled to WebAssembly), at most MAX_LAZ_DECODED of them (a
 * LASzip chunk is read from its start, so a subsample still decodes every point before it; `total` says how many the
 * file holds).
 */
export const MAX_LAZ_DECODED = 1_000_000;
let lazPerf: ReturnType<typeof createLazPerf> | undefined;

export async function readLaz(bytes: Buffer, maxPoints: number): Promise<ReadPoints> {
  const header = lasHeader(bytes);
  const module = await (lazPerf ??= createLazPerf());
  const file = module._malloc(bytes.length);
  const zip = new module.LASZip();
  let record = 0;
  try {
    module.HEAPU8.set(bytes, file);
    zip.open(file, bytes.length);
    const total = zip.getCount();
    const length = zip.getPointLength();
    record = module._malloc(length);
    const decoded = Math.min(total, MAX_LAZ_DECODED);
    const keep = new Keeper(decoded, maxPoints);
    keep.hasRgb = header.rgbAt !== null;
    keep.hasIntensity = true;
    for (let i = 0; i < decoded; i += 1) {
      zip.getPoint(record);
      // The heap may have grown (and moved) since the last point: view it afresh.
      if (keep.wants(i)) keepLasRecord(keep, header, Buffer.from(module.HEAPU8.buffer, record, length), 0);
    }
    return { ...keep.result(), total };
  } finally {
    zip.delete();
    module._free(file);
    if (record) module._free(record);
  }
}

const PLY_SIZES: Partial<Record<string, [number, 'i' | 'u' | 'f']>> = {
  char: [1, 'i'],
  int8: [1, 'i'],
  uchar: [1, 'u'],
  uint8: [1, 'u'],
  short: [2, 'i'],
  int16: [2, 'i'],
  ushort: [2, 'u'],
  uint16: [2, 'u'],
  int: [4, 'i'],
  int32: [4, 'i'],
  uint: [4, 'u'],
  uint32: [4, 'u'],
  float: [4, 'f'],
  float32: [4, 'f'],
  double: [8, 'f'],
  float64: [8, 'f'],
};

function readScalar(bytes: Buffer, at: number, size: number, kind: 'i' | 'u' | 'f', little: boolean): number {
  if (kind === 'f')
    return size === 4 ? (little ? bytes.readFloatLE(at) : bytes.readFloatBE(at)) : little ? bytes.readDoubleLE(at) : bytes.readDoubleBE(at);
  if (size === 1) return kind === 'i' ? bytes.readInt8(at) : bytes[at];
  if (size === 2)
    return kind === 'i' ? (little ? bytes.readInt16LE(at) : bytes.readInt16BE(at)) : little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at);
  return kind === 'i' ? (little ? bytes.readInt32LE(at) : bytes.readInt32BE(at)) : little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at);
}

export function readPly(bytes: Buffer, maxPoints: number): ReadPoints {
  const end = bytes.indexOf('end_header');
  if (end < 0) throw new PointsUnreadable('the PLY header has no end_header');
  const headerEnd = bytes.indexOf(0x0a, end) + 1;
  const lines = bytes.toString('latin1', 0, headerEnd).split(/\r?\n/);
  const format = lines.find((l) => l.startsWith('format '))?.split(/\s+/)[1];
  const firstElement = lines.findIndex((l) => l.startsWith('element '));
  const [, name, countText] = (lines[firstElement] ?? '').split(/\s+/);
  if (name !== 'vertex') throw new PointsUnreadable('the first PLY element is not the vertices');
  const total = Number(countText);
  const props: { name: string; size: number; kind: 'i' | 'u' | 'f' }[] = [];
  for (const line of lines.slice(firstElement + 1)) {
    if (!line.startsWith('property ')) break;
    const parts = line.split(/\s+/);
    if (parts[1] === 'list') throw new PointsUnreadable('PLY vertices with list properties are not read for previews');
    const scalar = PLY_SIZES[parts[1]];
    if (!scalar) throw new PointsUnreadable(`unknown PLY property type ${parts[1]}`);
    props.push({ name: parts[2], size: scalar[0], kind: scalar[1] });
  }
  const index = (n: string) => props.findIndex((p) => p.name === n);
  const [ix, iy, iz] = [index('x'), index('y'), index('z')];
  if (ix < 0 || iy < 0 || iz < 0) throw new PointsUnreadable('the PLY vertices have no x, y, z');
  const colour = [index('red'), index('green'), index('blue')];
  const intensityAt = index('intensity');
  const keep = new Keeper(total, maxPoints);
  keep.hasRgb = colour.every((c) => c >= 0);
  keep.hasIntensity = intensityAt >= 0;
  const emit = (i: number, value: (p: number) => number) => {
    if (!keep.wants(i)) return;
    const scaleColour = (p: number) => (props[p].size === 1 ? value(p) : Math.round(value(p) / 257));
    keep.add(
      value(ix),
      value(iy),
      value(iz),
      keep.hasRgb ? [scaleColour(colour[0]), scaleColour(colour[1]), scaleColour(colour[2])] : undefined,
      intensityAt >= 0 ? value(intensityAt) : undefined,
    );
  };
  if (format === 'ascii') {
    let at = headerEnd;
    for (let i = 0; i < total && at < bytes.length; i += 1) {
      let next = bytes.indexOf(0x0a, at);
      if (next < 0) next = bytes.length;
      if (keep.wants(i)) {
        const fields = bytes.toString('latin1', at, next).trim().split(/\s+/).map(Number);
        emit(i, (p) => fields[p]);
      }
      at = next + 1;
    }
  } else if (format === 'binary_little_endian' || format === 'binary_big_endian') {
    const little = format === 'binary_little_endian';
    const offsets: number[] = [];
    let stride = 0;
    for (const p of props) {
      offsets.push(stride);
      stride += p.size;
    }
    const available = Math.min(total, Math.floor((bytes.length - headerEnd) / stride));
    for (let i = 0; i < available; i += 1) {
      const row = headerEnd + i * stride;
      emit(i, (p) => readScalar(bytes, row + offsets[p], props[p].size, props[p].kind, little));
    }
  } else {
    throw new PointsUnreadable(`unknown PLY format ${format}`);
  }
  return keep.result();
}

/** LZF decompression (liblzf's format, as PCL's binary_compressed uses). */
export function lzfDecompress(input: Buffer, outputLength: number): Buffer {
  const out = Buffer.alloc(outputLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > outputLength || ip + run > input.length) throw new PointsUnreadable('LZF literal run past the end');
      input.copy(out, op, ip, ip + run);
      ip += run;
      op += run;
    } else {
      let length = ctrl >> 5;
      if (length === 7) length += input[ip++];
      const ref = op - ((ctrl & 0x1f) << 8) - input[ip++] - 1;
      length += 2;
      if (ref < 0 || op + length > outputLength) throw new PointsUnreadable('LZF back reference out of range');
      for (let k = 0; k < length; k += 1) out[op++] = out[ref + k];
    }
  }
  if (op !== outputLength) throw new PointsUnreadable(`LZF data decompressed to ${op} bytes, not the ${outputLength} announced`);
  return out;
}

export function readPcd(bytes: Buffer, maxPoints: number): ReadPoints {
  const header: Partial<Record<string, string[]>> = {};
  let at = 0;
  while (at < bytes.length) {
    let next = bytes.indexOf(0x0a, at);
    if (next < 0) next = bytes.length;
    const line = bytes.toString('latin1', at, next).trim();
    at = next + 1;
    if (!line || line.startsWith('#')) continue;
    const [key, ...values] = line.split(/\s+/);
    header[key.toUpperCase()] = values;
    if (key.toUpperCase() === 'DATA') break;
  }
  const fields = header.FIELDS ?? [];
  const sizes = (header.SIZE ?? []).map(Number);
  const types = header.TYPE ?? [];
  const counts = (header.COUNT ?? fields.map(() => '1')).map(Number);
  const total = Number(header.POINTS?.[0] ?? Number(header.WIDTH?.[0]) * Number(header.HEIGHT?.[0] ?? 1));
  const data = header.DATA?.[0];
  const [ix, iy, iz] = ['x', 'y', 'z'].map((f) => fields.indexOf(f));
  if (ix < 0 || iy < 0 || iz < 0 || !Number.isFinite(total)) throw new PointsUnreadable('the PCD header has no x, y, z fields or point count');
  const intensityAt = fields.indexOf('intensity');
  const rgbAt = fields.indexOf('rgb') >= 0 ? fields.indexOf('rgb') : fields.indexOf('rgba');
  const keep = new Keeper(total, maxPoints);
  keep.hasRgb = rgbAt >= 0;
  keep.hasIntensity = intensityAt >= 0;
  const kindOf = (f: number): 'i' | 'u' | 'f' => (types[f] === 'F' ? 'f' : types[f] === 'I' ? 'i' : 'u');
  const emit = (i: number, value: (f: number) => number, packed: (f: number) => number) => {
    if (!keep.wants(i)) return;
    let rgb: [number, number, number] | undefined;
    if (rgbAt >= 0) {
      const c = packed(rgbAt);
      rgb = [(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff];
    }
    keep.add(value(ix), value(iy), value(iz), rgb, intensityAt >= 0 ? value(intensityAt) : undefined);
  };
  if (data === 'ascii') {
    // Column positions: a field of COUNT n spans n columns.
    const column = fields.map((_, f) => counts.slice(0, f).reduce((a, b) => a + b, 0));
    const scratch = Buffer.alloc(4);
    for (let i = 0; i < total && at < bytes.length; i += 1) {
      let next = bytes.indexOf(0x0a, at);
      if (next < 0) next = bytes.length;
      if (keep.wants(i)) {
        const cols = bytes.toString('latin1', at, next).trim().split(/\s+/).map(Number);
        emit(
          i,
          (f) => cols[column[f]],
          (f) => {
            scratch.writeFloatLE(cols[column[f]], 0);
            return scratch.readUInt32LE(0);
          },
        );
      }
      at = next + 1;
    }
    return keep.result();
  }
  const offsets: number[] = [];
  let stride = 0;
  fields.forEach((_, f) => {
    offsets.push(stride);
    stride += sizes[f] * counts[f];
  });
  if (data === 'binary') {
    const available = Math.min(total, Math.floor((bytes.length - at) / stride));
    for (let i = 0; i < available; i += 1) {
      const row = at + i * stride;
      emit(
        i,
        (f) => readScalar(bytes, row + offsets[f], sizes[f], kindOf(f), true),
        (f) => bytes.readUInt32LE(row + offsets[f]),
      );
    }
    return keep.result();
  }
  if (data === 'binary_compressed') {
    need(bytes, at + 8, 'the PCD compressed block sizes');
    const compressed = bytes.readUInt32LE(at);
    const raw = bytes.readUInt32LE(at + 4);
    need(bytes, at + 8 + compressed, 'the PCD compressed block');
    if (raw !== total * stride) throw new PointsUnreadable(`the PCD compressed block holds ${raw} bytes, not ${total} points of ${stride}`);
    const block = lzfDecompress(bytes.subarray(at + 8, at + 8 + compressed), raw);
    // Fields are stored one after another (all x, then all y, ...), not point by point.
    const fieldStart = offsets.map((o) => o * total);
    for (let i = 0; i < total; i += 1) {
      emit(
        i,
        (f) => readScalar(block, fieldStart[f] + i * sizes[f] * counts[f], sizes[f], kindOf(f), true),
        (f) => block.readUInt32LE(fieldStart[f] + i * sizes[f] * counts[f]),
      );
    }
    return keep.result();
  }
  throw new PointsUnreadable(`unknown PCD DATA kind ${data}`);
}

interface GltfAccessor {
  bufferView?: number;
  byteOffset?: number;
  componentType: number;
  count: number;
  type: string;
}

interface GltfJson {
  meshes?: { primitives?: { attributes?: Record<string, number> }[] }[];
  accessors?: GltfAccessor[];
  bufferViews?: { buffer: number; byteOffset?: number; byteLength: number; byteStride?: number }[];
}

/** Vertices of every mesh primitive's POSITION accessor in a binary glTF (GLB); node transforms are not applied. */
export function readGlb(bytes: Buffer, maxPoints: number): ReadPoints {
  need(bytes, 20, 'the GLB header');
  if (bytes.toString('latin1', 0, 4) !== 'glTF') throw new PointsUnreadable('not a binary glTF (GLB) file');
  const jsonLength = bytes.readUInt32LE(12);
  need(bytes, 20 + jsonLength, 'the GLB JSON chunk');
  const gltf = JSON.parse(bytes.toString('utf8', 20, 20 + jsonLength)) as GltfJson;
  const binAt = 20 + jsonLength;
  need(bytes, binAt + 8, 'the GLB BIN chunk');
  const bin = bytes.subarray(binAt + 8, binAt + 8 + bytes.readUInt32LE(binAt));
  const accessors = (gltf.meshes ?? [])
    .flatMap((m) => m.primitives ?? [])
    .map((p) => p.attributes?.POSITION)
    .filter((a): a is number => a !== undefined)
    .map((a) => gltf.accessors?.[a])
    .filter((a): a is GltfAccessor & { bufferView: number } => a?.componentType === 5126 && a.type === 'VEC3' && a.bufferView !== undefined);
  const total = accessors.reduce((sum, a) => sum + a.count, 0);
  const keep = new Keeper(total, maxPoints);
  let index = 0;
  for (const accessor of accessors) {
    const view = gltf.bufferViews?.[accessor.bufferView];
    if (!view) continue;
    const stride = view.byteStride ?? 12;
    const start = (view.byteOffset ?? 0) + (accessor.byteOffset ?? 0);
    for (let i = 0; i < accessor.count; i += 1, index += 1) {
      const at = start + i * stride;
      if (at + 12 > bin.length) throw new PointsUnreadable('a glTF position accessor runs past its buffer');
      // glTF is y-up; previews are z-up.
      if (keep.wants(index)) keep.add(bin.readFloatLE(at), -bin.readFloatLE(at + 8), bin.readFloatLE(at + 4));
    }
  }
  return keep.result();
}

/** The reader for a capture format, or null when there is none. */
export function pointReaderFor(format: string): ((bytes: Buffer, maxPoints: number) => ReadPoints | Promise<ReadPoints>) | null {
  switch (format) {
    case 'las':
      return readLas;
    case 'laz':
      return readLaz;
    case 'ply':
      return readPly;
    case 'pcd':
      return readPcd;
    case 'glb':
      return readGlb;
    case 'e57':
      return readE57;
    default:
      return null;
  }
}

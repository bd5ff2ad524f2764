import { childNamed, parseXml, type XmlElement } from '../formats/xml.util.js';
import { Keeper, PointsUnreadable, type ReadPoints } from './point-readers.js';

/**
 * E57 points for previews. The file is paged (each page ends with a 4-byte CRC, dropped here to get the logical bytes);
 * the XML section names each scan's CompressedVector section and its record prototype; the section's data packets
 * hold one byte stream per prototype field. Bitpack (the default and only common codec) is read: Integer and
 * ScaledInteger fields take ceil(log2(max - min + 1)) bits each, Float fields 32 or 64 bits, least significant bit
 * first. Anything else (another codec, string fields) says why the points are not read.
 */

const HEADER_BYTES = 48;
const SECTION_HEADER_BYTES = 32;
const DATA_PACKET = 1;
const INDEX_PACKET = 0;
const EMPTY_PACKET = 2;

interface Field {
  name: string;
  kind: 'integer' | 'float';
  bits: number;
  minimum: number;
  scale: number;
  offset: number;
}

/** Reads the bits of one byte stream, least significant first, across the buffers of every packet. */
class BitStream {
  private buffer = Buffer.alloc(0);
  private position = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  /** Adds a packet's buffer, dropping the bytes already read (so a stream holds about a packet, not the section). */
  append(part: Buffer): void {
    this.buffer = Buffer.concat([this.buffer.subarray(this.position >> 3), part]);
    this.position &= 7;
  }

  get available(): number {
    return this.buffer.length * 8 - this.position;
  }

  /** An unsigned integer of `bits` bits (at most 53). */
  uint(bits: number): number {
    // Whole bytes on a byte boundary (most files: 8, 16 or 32-bit fields, no bit packing) are read as they are.
    const at = this.position >> 3;
    if ((this.position & 7) === 0 && (bits & 7) === 0 && bits > 0 && bits <= 48 && at + (bits >> 3) <= this.buffer.length) {
      this.position += bits;
      return this.buffer.readUIntLE(at, bits >> 3);
    }
    let value = 0;
    let got = 0;
    while (got < bits) {
      const byte = this.buffer[this.position >> 3];
      const skip = this.position & 7;
      const take = Math.min(8 - skip, bits - got);
      value += ((byte >> skip) & ((1 << take) - 1)) * 2 ** got;
      got += take;
      this.position += take;
    }
    return value;
  }

  float(bits: number): number {
    if (bits === 32) {
      this.scratch.setUint32(0, this.uint(32), true);
      return this.scratch.getFloat32(0, true);
    }
    this.scratch.setUint32(0, this.uint(32), true);
    this.scratch.setUint32(4, this.uint(32), true);
    return this.scratch.getFloat64(0, true);
  }
}

/** The file's bytes without the page CRCs, and the physical-to-logical offset mapping. */
function logical(bytes: Buffer): { data: Buffer; at: (physical: number) => number; pageSize: number } {
  if (bytes.length < HEADER_BYTES || bytes.toString('latin1', 0, 8) !== 'ASTM-E57') throw new PointsUnreadable('not an E57 file');
  const pageSize = Number(bytes.readBigUInt64LE(40));
  if (!Number.isSafeInteger(pageSize) || pageSize < 64 || pageSize > 1024 * 1024 || pageSize % 4 !== 0)
    throw new PointsUnreadable(`the E57 page size ${pageSize} is not usable`);
  const payload = pageSize - 4;
  const pages = Math.ceil(bytes.length / pageSize);
  const data = Buffer.alloc(pages * payload);
  let length = 0;
  for (let p = 0; p < pages; p += 1) {
    const end = Math.min(p * pageSize + payload, bytes.length);
    length += bytes.copy(data, length, p * pageSize, end);
  }
  return { data: data.subarray(0, length), at: (physical) => Math.floor(physical / pageSize) * payload + (physical % pageSize), pageSize };
}

const attrNumber = (el: XmlElement, name: string, fallback: number): number => {
  const text = el.attrs[name];
  if (text === undefined || text.trim() === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new PointsUnreadable(`the E57 field ${el.name} has an unusable ${name} "${text.slice(0, 40)}"`);
  return n;
};

/** An Integer / ScaledInteger bound, exactly (int64 bounds do not fit a double). */
const attrInteger = (el: XmlElement, name: string, fallback: bigint): bigint => {
  const text = el.attrs[name]?.trim();
  if (!text) return fallback;
  if (/^-?\d{1,20}$/.test(text)) return BigInt(text);
  const n = Number(text);
  if (!Number.isFinite(n)) throw new PointsUnreadable(`the E57 field ${el.name} has an unusable ${name} "${text.slice(0, 40)}"`);
  return BigInt(Math.round(n));
};

/** The record layout from a scan's prototype: one byte stream per field, in order. */
function fieldsOf(prototype: XmlElement | undefined): Field[] {
  if (!prototype || prototype.attrs.type !== 'Structure') throw new PointsUnreadable('an E57 scan has no record prototype');
  return prototype.children.map((el): Field => {
    const type = el.attrs.type;
    if (type === 'Float') {
      const single = el.attrs.precision === 'single';
      return { name: el.name, kind: 'float', bits: single ? 32 : 64, minimum: 0, scale: 1, offset: 0 };
    }
    if (type === 'Integer' || type === 'ScaledInteger') {
      const minimum = attrInteger(el, 'minimum', -(2n ** 63n));
      const maximum = attrInteger(el, 'maximum', 2n ** 63n - 1n);
      if (maximum < minimum) throw new PointsUnreadable(`the E57 field ${el.name} has its maximum below its minimum`);
      // Exact in integers: floating-point log2 rounds 2^60 + 1 values down to 60 bits.
      const bits = maximum === minimum ? 0 : (maximum - minimum).toString(2).length;
      if (bits > 53) throw new PointsUnreadable(`the E57 field ${el.name} takes ${bits} bits a value, more than previews read (53)`);
      const scaled = type === 'ScaledInteger';
      return {
        name: el.name,
        kind: 'integer',
        bits,
        minimum: Number(minimum),
        scale: scaled ? attrNumber(el, 'scale', 1) : 1,
        offset: scaled ? attrNumber(el, 'offset', 0) : 0,
      };
    }
    throw new PointsUnreadable(`the E57 field ${el.name} is of type ${type ?? 'unknown'}, which previews do not read`);
  });
}

/** Pose of a scan: unit quaternion rotation then translation into the file's frame. */
function poseOf(scan: XmlElement): (x: number, y: number, z: number) => [number, number, number] {
  const pose = childNamed(scan, 'pose');
  const value = (el: XmlElement | undefined, name: string, fallback: number) => {
    const n = Number(childNamed(el, name)?.text.trim() || fallback);
    return Number.isFinite(n) ? n : fallback;
  };
  const rotation = childNamed(pose, 'rotation');
  const translation = childNamed(pose, 'translation');
  const [qw, qx, qy, qz] = [value(rotation, 'w', 1), value(rotation, 'x', 0), value(rotation, 'y', 0), value(rotation, 'z', 0)];
  const [tx, ty, tz] = [value(translation, 'x', 0), value(translation, 'y', 0), value(translation, 'z', 0)];
  const norm = Math.hypot(qw, qx, qy, qz) || 1;
  const [w, x, y, z] = [qw / norm, qx / norm, qy / norm, qz / norm];
  return (px, py, pz) => [
    (1 - 2 * (y * y + z * z)) * px + 2 * (x * y - w * z) * py + 2 * (x * z + w * y) * pz + tx,
    2 * (x * y + w * z) * px + (1 - 2 * (x * x + z * z)) * py + 2 * (y * z - w * x) * pz + ty,
    2 * (x * z - w * y) * px + 2 * (y * z + w * x) * py + (1 - 2 * (x * x + y * y)) * pz + tz,
  ];
}

/**
 * A scan's data packets, one at a time: each data packet's buffers are appended to the bit stream of their field, then
 * it yields. Ends early where the bytes read end (the records left undecoded say the points are partial).
 */
function* readPackets(data: Buffer, start: number, end: number, streams: BitStream[]): Generator<void, void> {
  let at = start;
  while (at < end) {
    if (at + 4 > data.length) return;
    const type = data[at];
    const length = data.readUInt16LE(at + 2) + 1;
    if (at + length > data.length) return;
    if (type === DATA_PACKET) {
      const count = data.readUInt16LE(at + 4);
      if (count !== streams.length)
        throw new PointsUnreadable(`an E57 data packet holds ${count} byte streams, not the ${streams.length} of its prototype`);
      let buffer = at + 6 + count * 2;
      for (let i = 0; i < count; i += 1) {
        const size = data.readUInt16LE(at + 6 + i * 2);
        if (buffer + size > at + length) throw new PointsUnreadable('an E57 data packet buffer runs past its packet');
        streams[i].append(data.subarray(buffer, buffer + size));
        buffer += size;
      }
      yield;
    } else if (type !== INDEX_PACKET && type !== EMPTY_PACKET) {
      throw new PointsUnreadable(`an E57 packet of unknown type ${type} at logical offset ${at}`);
    }
    at += length;
  }
}

/** Points of every scan of an E57 file (posed into the file's frame), at most `maxPoints`, evenly spread. */
export function readE57(bytes: Buffer, maxPoints: number): ReadPoints {
  const file = logical(bytes);
  const xmlOffset = Number(bytes.readBigUInt64LE(24));
  const xmlLength = Number(bytes.readBigUInt64LE(32));
  const xmlStart = file.at(xmlOffset);
  if (!Number.isSafeInteger(xmlStart) || !Number.isSafeInteger(xmlLength) || xmlStart + xmlLength > file.data.length)
    throw new PointsUnreadable('the E57 XML section lies outside the bytes read');
  const root = parseXml(file.data.toString('utf8', xmlStart, xmlStart + xmlLength));
  const scans = childNamed(root, 'data3D')?.children ?? [];
  const vectors = scans.map((scan) => ({ scan, points: childNamed(scan, 'points') }));
  const total = vectors.reduce((sum, v) => sum + Math.max(0, Number(v.points?.attrs.recordCount ?? 0) || 0), 0);
  if (total === 0) throw new PointsUnreadable('the E57 file holds no points');
  const keep = new Keeper(total, maxPoints);
  let index = 0;
  let cut = false;
  for (const { scan, points } of vectors) {
    if (!points) continue;
    if ((childNamed(points, 'codecs')?.children.length ?? 0) > 0)
      throw new PointsUnreadable('an E57 scan names codecs other than the default bitpack, which previews do not read');
    const fields = fieldsOf(childNamed(points, 'prototype'));
    const slot = (name: string) => fields.findIndex((f) => f.name === name);
    const cartesian = ['cartesianX', 'cartesianY', 'cartesianZ'].map(slot);
    const spherical = ['sphericalRange', 'sphericalAzimuth', 'sphericalElevation'].map(slot);
    const useCartesian = cartesian.every((i) => i >= 0);
    if (!useCartesian && !spherical.every((i) => i >= 0)) throw new PointsUnreadable('an E57 scan has neither cartesian nor spherical coordinates');
    const invalid = slot(useCartesian ? 'cartesianInvalidState' : 'sphericalInvalidState');
    const colour = ['colorRed', 'colorGreen', 'colorBlue'].map(slot);
    const intensityAt = slot('intensity');
    keep.hasRgb = colour.every((i) => i >= 0);
    keep.hasIntensity = intensityAt >= 0;
    const colourScale = colour.map((i) => (i >= 0 ? 255 / Math.max(1, 2 ** fields[i].bits - 1) : 0));
    const records = Math.max(0, Number(points.attrs.recordCount ?? 0) || 0);
    const sectionAt = Number(points.attrs.fileOffset ?? NaN);
    if (!Number.isSafeInteger(sectionAt) || sectionAt < HEADER_BYTES) throw new PointsUnreadable('an E57 scan points at no binary section');
    const section = file.at(sectionAt);
    if (section + SECTION_HEADER_BYTES > file.data.length) throw new PointsUnreadable('an E57 binary section lies outside the bytes read');
    if (file.data[section] !== 1) throw new PointsUnreadable(`the E57 binary section at offset ${sectionAt} is not a CompressedVector`);
    const sectionEnd = section + Number(file.data.readBigUInt64LE(section + 8));
    const dataStart = file.at(Number(file.data.readBigUInt64LE(section + 16)));
    if (!(dataStart >= section + SECTION_HEADER_BYTES && dataStart <= sectionEnd))
      throw new PointsUnreadable(`the E57 binary section at offset ${sectionAt} puts its data outside itself`);
    const streams = fields.map(() => new BitStream());
    const packets = readPackets(file.data, dataStart, sectionEnd, streams);
    const ready = () => fields.every((f, i) => f.bits === 0 || streams[i].available >= f.bits);
    const place = poseOf(scan);
    const values = new Array<number>(fields.length).fill(0);
    for (let r = 0; r < records; r += 1, index += 1) {
      // Packets are read as the records need them: a record's fields may start in one packet and end in the next.
      while (!ready()) if (packets.next().done) break;
      if (!ready()) {
        cut = true;
        break;
      }
      fields.forEach((f, i) => {
        const raw = f.bits === 0 ? 0 : f.kind === 'float' ? streams[i].float(f.bits) : streams[i].uint(f.bits);
        values[i] = f.kind === 'float' ? raw : (raw + f.minimum) * f.scale + f.offset;
      });
      if (!keep.wants(index) || (invalid >= 0 && values[invalid] !== 0)) continue;
      let [x, y, z] = cartesian.map((i) => values[i]);
      if (!useCartesian) {
        const [range, azimuth, elevation] = spherical.map((i) => values[i]);
        [x, y, z] = [range * Math.cos(elevation) * Math.cos(azimuth), range * Math.cos(elevation) * Math.sin(azimuth), range * Math.sin(elevation)];
      }
      const rgb = keep.hasRgb
        ? (colour.map((i, c) => Math.round((values[i] - fields[i].minimum) * colourScale[c])) as [number, number, number])
        : undefined;
      keep.add(...place(x, y, z), rgb, intensityAt >= 0 ? values[intensityAt] - fields[intensityAt].minimum : undefined);
    }
  }
  const result = keep.result();
  return { ...result, partial: cut };
}

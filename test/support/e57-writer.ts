import { crc32c } from '../../src/ingestion/formats/e57.probe.js';

/**
 * A small ASTM E57 writer for tests, after the standard's layout (and libE57's): a 48-byte header, a CompressedVector
 * section (32-byte header, data packets of one bitpacked byte stream per prototype field, least significant bit
 * first), the XML section, all cut into 1024-byte pages whose last 4 bytes are a big-endian CRC-32C.
 */

export interface E57FieldSpec {
  name: string;
  type: 'Integer' | 'ScaledInteger' | 'Float';
  minimum?: number;
  maximum?: number;
  scale?: number;
  offset?: number;
  precision?: 'single' | 'double';
  /** One value per record, as stored (the raw integer before scale and offset for a ScaledInteger). */
  values: number[];
}

export interface E57ScanSpec {
  fields: E57FieldSpec[];
  /** Pose: unit quaternion [w, x, y, z] and translation [x, y, z]. */
  rotation?: [number, number, number, number];
  translation?: [number, number, number];
  /** Extra XML inside <codecs> (a codec other than bitpack). */
  codecs?: string;
  /** Records per data packet (an index packet and an empty packet are put after the first). */
  perPacket?: number;
  /** The recordCount the XML claims, when it should not be the number of values written. */
  claimedRecords?: number;
}

const PAGE = 1024;
const PAYLOAD = PAGE - 4;
const toPhysical = (logical: number) => Math.floor(logical / PAYLOAD) * PAGE + (logical % PAYLOAD);

class BitWriter {
  private bytes: number[] = [];
  private bit = 0;
  write(value: number, bits: number): void {
    for (let i = 0; i < bits; i += 1) {
      const byte = this.bit >> 3;
      if (byte >= this.bytes.length) this.bytes.push(0);
      if (Math.floor(value / 2 ** i) % 2 === 1) this.bytes[byte] |= 1 << (this.bit & 7);
      this.bit += 1;
    }
  }
  /** The whole bytes written since the last take (a record may straddle: its tail stays for the next packet). */
  take(all: boolean): Buffer {
    const whole = all ? this.bytes.length : this.bit >> 3;
    const out = Buffer.from(this.bytes.slice(0, whole));
    this.bytes = this.bytes.slice(whole);
    this.bit -= whole * 8;
    return out;
  }
}

const bitsOf = (f: E57FieldSpec) =>
  f.type === 'Float' ? (f.precision === 'single' ? 32 : 64) : Math.ceil(Math.log2((f.maximum ?? 0) - (f.minimum ?? 0) + 1));

function encode(f: E57FieldSpec, value: number, out: BitWriter): void {
  if (f.type === 'Float') {
    const b = Buffer.alloc(8);
    if (f.precision === 'single') {
      b.writeFloatLE(value);
      out.write(b.readUInt32LE(0), 32);
    } else {
      b.writeDoubleLE(value);
      out.write(b.readUInt32LE(0), 32);
      out.write(b.readUInt32LE(4), 32);
    }
  } else {
    out.write(value - (f.minimum ?? 0), bitsOf(f));
  }
}

function dataPacket(buffers: Buffer[]): Buffer {
  const head = Buffer.alloc(6 + buffers.length * 2);
  head[0] = 1;
  head.writeUInt16LE(buffers.length, 4);
  buffers.forEach((b, i) => head.writeUInt16LE(b.length, 6 + i * 2));
  let body = Buffer.concat([head, ...buffers]);
  body = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  body.writeUInt16LE(body.length - 1, 2);
  return body;
}

function fieldXml(f: E57FieldSpec): string {
  if (f.type === 'Float') return `<${f.name} type="Float" precision="${f.precision ?? 'double'}"/>`;
  const scaled = f.type === 'ScaledInteger' ? ` scale="${f.scale ?? 1}" offset="${f.offset ?? 0}"` : '';
  return `<${f.name} type="${f.type}" minimum="${f.minimum ?? 0}" maximum="${f.maximum ?? 0}"${scaled}/>`;
}

/** An E57 file of the given scans. */
export function writeE57(scans: E57ScanSpec[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(48)];
  let logical = 48;
  const scanXml: string[] = [];
  for (const scan of scans) {
    const records = scan.fields[0]?.values.length ?? 0;
    const perPacket = scan.perPacket ?? 500;
    const writers = scan.fields.map(() => new BitWriter());
    const packets: Buffer[] = [];
    for (let start = 0; start < records; start += perPacket) {
      for (let r = start; r < Math.min(records, start + perPacket); r += 1)
        scan.fields.forEach((f, i) => {
          encode(f, f.values[r], writers[i]);
        });
      const last = start + perPacket >= records;
      packets.push(dataPacket(writers.map((w) => w.take(last))));
      if (start === 0) {
        // An index packet (type 0, 16 bytes) and an empty packet (type 2, 4 bytes): readers skip both.
        const index = Buffer.alloc(16);
        index.writeUInt16LE(15, 2);
        const empty = Buffer.from([2, 0, 3, 0]);
        packets.push(index, empty);
      }
    }
    const sectionAt = logical;
    const section = Buffer.alloc(32);
    section[0] = 1;
    const dataAt = logical + 32;
    const length = 32 + packets.reduce((a, p) => a + p.length, 0);
    section.writeBigUInt64LE(BigInt(length), 8);
    section.writeBigUInt64LE(BigInt(toPhysical(dataAt)), 16);
    parts.push(section, ...packets);
    logical += length;
    const pose =
      scan.rotation || scan.translation
        ? `<pose type="Structure"><rotation type="Structure">${['w', 'x', 'y', 'z'].map((k, i) => `<${k} type="Float">${(scan.rotation ?? [1, 0, 0, 0])[i]}</${k}>`).join('')}</rotation><translation type="Structure">${['x', 'y', 'z'].map((k, i) => `<${k} type="Float">${(scan.translation ?? [0, 0, 0])[i]}</${k}>`).join('')}</translation></pose>`
        : '';
    scanXml.push(
      `<vectorChild type="Structure"><name type="String"><![CDATA[scan]]></name>${pose}<points type="CompressedVector" fileOffset="${toPhysical(sectionAt)}" recordCount="${scan.claimedRecords ?? records}"><prototype type="Structure">${scan.fields.map(fieldXml).join('')}</prototype><codecs type="Vector" allowHeterogeneousChildren="1">${scan.codecs ?? ''}</codecs></points></vectorChild>`,
    );
  }
  const xml = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<e57Root type="Structure" xmlns="http://www.astm.org/COMMIT/E57/2010-e57-v1.0"><formatName type="String"><![CDATA[ASTM E57 3D Imaging Data File]]></formatName><versionMajor type="Integer">1</versionMajor><versionMinor type="Integer"/><coordinateMetadata type="String"/><data3D type="Vector" allowHeterogeneousChildren="1">${scanXml.join('')}</data3D><images2D type="Vector" allowHeterogeneousChildren="1"/></e57Root>`,
  );
  const xmlAt = logical;
  parts.push(xml);
  let data = Buffer.concat(parts);
  data = Buffer.concat([data, Buffer.alloc((PAYLOAD - (data.length % PAYLOAD)) % PAYLOAD)]);
  const pages = data.length / PAYLOAD;
  data.write('ASTM-E57', 0, 'latin1');
  data.writeUInt32LE(1, 8);
  data.writeUInt32LE(0, 12);
  data.writeBigUInt64LE(BigInt(pages * PAGE), 16);
  data.writeBigUInt64LE(BigInt(toPhysical(xmlAt)), 24);
  data.writeBigUInt64LE(BigInt(xml.length), 32);
  data.writeBigUInt64LE(BigInt(PAGE), 40);
  return seal(data);
}

/** Logical bytes to pages with their CRC-32C. */
function seal(data: Buffer): Buffer {
  const pages = data.length / PAYLOAD;
  const out = Buffer.alloc(pages * PAGE);
  for (let p = 0; p < pages; p += 1) {
    data.copy(out, p * PAGE, p * PAYLOAD, (p + 1) * PAYLOAD);
    out.writeUInt32BE(crc32c(out, p * PAGE, p * PAGE + PAYLOAD), p * PAGE + PAYLOAD);
  }
  return out;
}

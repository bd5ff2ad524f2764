import { FormatProbe, ProbeError, ProbeInput, ProbeResult, ProbeSession } from './probe.types.js';
import { Bounds3, MiB, big, fail, guard, TextHeaderCollector, toProbeError } from './spatial.util.js';

/**
 * PCD (Point Cloud Library), DATA ascii / binary / binary_compressed. The header comes from the pushed stream and
 * the payload is checked as it streams past: ascii rows counted, binary length checked against POINTS, and
 * binary_compressed data run through a streaming LZF decoder (8 KiB window) so its declared sizes are verified.
 * Per-axis bounds of x / y / z are collected on the way; memory stays fixed whatever the counts claim.
 */

const MAX_HEADER_BYTES = 1 * MiB;
const MAX_ASCII_LINE = 1 * MiB;
const MAX_FIELDS = 1024;
const MAX_POINT_SIZE = 1 * MiB;
const HEADER_KEYS = ['VERSION', 'FIELDS', 'SIZE', 'TYPE', 'COUNT', 'WIDTH', 'HEIGHT', 'VIEWPOINT', 'POINTS', 'DATA'];

type PcdData = 'ascii' | 'binary' | 'binary_compressed';

interface PcdField {
  name: string;
  size: number;
  type: 'I' | 'U' | 'F';
  count: number;
}

interface PcdHeader {
  version?: string;
  fields: PcdField[];
  width: number;
  height: number;
  points: number;
  viewpoint?: number[];
  data: PcdData;
  pointSize: number;
}

function parseHeader(lines: string[]): PcdHeader {
  const values = new Map<string, string[]>();
  for (const [n, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (!HEADER_KEYS.includes(key))
      throw fail('unreadable_header', `PCD header line ${n + 1} ("${line.slice(0, 60)}") has unknown keyword "${key.slice(0, 20)}"`);
    if (values.has(key)) throw fail('unreadable_header', `PCD header repeats ${key}`);
    values.set(key, rest);
  }
  const names = values.get('FIELDS');
  if (!names?.length) throw fail('unreadable_header', 'PCD header has no FIELDS');
  if (names.length > MAX_FIELDS) throw fail('unreadable_header', `PCD header lists ${names.length} fields (limit ${MAX_FIELDS})`);
  const list = (key: string, fallback?: string): string[] => {
    const v = values.get(key) ?? (fallback !== undefined ? names.map(() => fallback) : undefined);
    if (!v) throw fail('unreadable_header', `PCD header has no ${key}`);
    if (v.length !== names.length) throw fail('unreadable_header', `PCD ${key} lists ${v.length} values for ${names.length} FIELDS`);
    return v;
  };
  const sizes = list('SIZE');
  const types = list('TYPE');
  const counts = list('COUNT', '1');
  const fields = names.map((name, i): PcdField => {
    const size = Number(sizes[i]);
    const type = types[i] as PcdField['type'];
    const count = Number(counts[i]);
    if (![1, 2, 4, 8].includes(size)) throw fail('unreadable_header', `PCD field ${name} has SIZE ${sizes[i]} (1, 2, 4 or 8)`);
    if (!['I', 'U', 'F'].includes(type) || (type === 'F' && size < 4))
      throw fail('unreadable_header', `PCD field ${name} has TYPE ${types[i]} with SIZE ${size}`);
    if (!Number.isSafeInteger(count) || count < 1 || count > 1_000_000) throw fail('unreadable_header', `PCD field ${name} has COUNT ${counts[i]}`);
    return { name, size, type, count };
  });
  const int = (key: string, fallback?: number): number => {
    const raw = values.get(key)?.[0];
    if (raw === undefined) {
      if (fallback !== undefined) return fallback;
      throw fail('unreadable_header', `PCD header has no ${key}`);
    }
    if (!/^\d+$/.test(raw)) throw fail('unreadable_header', `PCD ${key} "${raw.slice(0, 30)}" is not a count`);
    const n = Number(raw);
    if (!Number.isSafeInteger(n)) throw fail('corrupt', `PCD ${key} declares an impossible ${raw}`);
    return n;
  };
  const width = int('WIDTH');
  const height = int('HEIGHT', 1);
  const points = int('POINTS', width * height);
  if (points !== width * height) throw fail('corrupt', `PCD POINTS ${points} is not WIDTH x HEIGHT (${width} x ${height} = ${width * height})`);
  const data = values.get('DATA')?.[0];
  if (data !== 'ascii' && data !== 'binary' && data !== 'binary_compressed')
    throw fail('unsupported', `PCD DATA "${data ?? ''}" is not ascii, binary or binary_compressed`);
  const viewpoint = values.get('VIEWPOINT')?.map(Number);
  const pointSize = fields.reduce((s, f) => s + f.size * f.count, 0);
  if (pointSize > MAX_POINT_SIZE) throw fail('unsupported', `PCD points of ${pointSize} bytes exceed the ${MAX_POINT_SIZE / MiB} MiB limit`);
  return {
    version: values.get('VERSION')?.[0],
    fields,
    width,
    height,
    points,
    viewpoint: viewpoint?.length === 7 && viewpoint.every(Number.isFinite) ? viewpoint : undefined,
    data,
    pointSize,
  };
}

function reader(field: PcdField): (buf: Buffer, at: number) => number {
  // PCL writes binary data in the writer's byte order: little-endian on every platform it runs on.
  if (field.type === 'F') return field.size === 4 ? (b, a) => b.readFloatLE(a) : (b, a) => b.readDoubleLE(a);
  if (field.size === 8) return field.type === 'I' ? (b, a) => Number(b.readBigInt64LE(a)) : (b, a) => Number(b.readBigUInt64LE(a));
  if (field.type === 'I')
    return field.size === 1 ? (b, a) => b.readInt8(a) : field.size === 2 ? (b, a) => b.readInt16LE(a) : (b, a) => b.readInt32LE(a);
  return field.size === 1 ? (b, a) => b[a] : field.size === 2 ? (b, a) => b.readUInt16LE(a) : (b, a) => b.readUInt32LE(a);
}

/** x / y / z fields (count 1), as indexes into the field list. */
const xyzFields = (fields: PcdField[]): number[] | undefined => {
  const idx = ['x', 'y', 'z'].map((n) => fields.findIndex((f) => f.name === n && f.count === 1));
  return idx.every((i) => i >= 0) ? idx : undefined;
};

/** Per-axis min / max, for column-major data where x, y and z of a point are far apart. */
class AxisBounds {
  min = [Infinity, Infinity, Infinity];
  max = [-Infinity, -Infinity, -Infinity];
  add(axis: number, v: number): void {
    if (!Number.isFinite(v)) return;
    if (v < this.min[axis]) this.min[axis] = v;
    if (v > this.max[axis]) this.max[axis] = v;
  }
  toJSON() {
    return this.min.every((m, i) => m <= this.max[i]) ? { min: [...this.min], max: [...this.max] } : undefined;
  }
}

/** Binary (row-major) payload: whole points per chunk, a partial point carried to the next push. */
class BinaryWalker {
  received = 0;
  private carry = Buffer.alloc(0);
  private readonly offsets: number[] | undefined;
  private readonly readers: Array<(b: Buffer, a: number) => number> | undefined;

  constructor(
    private readonly header: PcdHeader,
    private readonly bounds: Bounds3,
  ) {
    const xyz = xyzFields(header.fields);
    if (xyz) {
      this.offsets = xyz.map((i) => header.fields.slice(0, i).reduce((s, f) => s + f.size * f.count, 0));
      this.readers = xyz.map((i) => reader(header.fields[i]));
    }
  }

  feed(buf: Buffer): void {
    const expected = this.header.points * this.header.pointSize;
    const before = this.received;
    this.received += buf.length;
    const { offsets, readers } = this;
    if (!offsets || !readers || before >= expected) return;
    const point = (at: Buffer, i: number) => {
      this.bounds.add(readers[0](at, i + offsets[0]), readers[1](at, i + offsets[1]), readers[2](at, i + offsets[2]));
    };
    // Only the bytes that belong to points; the rest are trailing bytes.
    let data = buf.subarray(0, Math.min(buf.length, expected - before));
    const size = this.header.pointSize;
    if (this.carry.length) {
      const need = size - this.carry.length;
      this.carry = Buffer.concat([this.carry, data.subarray(0, need)]);
      data = data.subarray(need);
      if (this.carry.length < size) return;
      point(this.carry, 0);
      this.carry = Buffer.alloc(0);
    }
    const whole = Math.floor(data.length / size);
    for (let i = 0; i < whole; i++) point(data, i * size);
    if (data.length > whole * size) this.carry = Buffer.from(data.subarray(whole * size));
  }
}

const HISTORY = 8192; // LZF back-references reach at most 8 KiB back
const OUT_SPAN = 64 * 1024;

/**
 * Streaming LZF decoder over PCL's binary_compressed block (u32 compressed size, u32 uncompressed size, LZF data,
 * fields stored column by column). Keeps an 8 KiB history plus a 64 KiB output window; decoded values of x / y / z
 * are folded into per-axis bounds as they appear.
 */
class CompressedWalker {
  compressedSize?: number;
  uncompressedSize?: number;
  private sizeBytes = Buffer.alloc(8);
  private sizeLen = 0;
  consumed = 0; // compressed bytes consumed
  produced = 0; // decompressed bytes produced
  trailing = 0;
  trailingNonZero = 0;
  error?: ProbeError;
  private state: 'ctrl' | 'lit' | 'len' | 'off' = 'ctrl';
  private lit = 0;
  private refLen = 0;
  private refHi = 0;
  private readonly out = Buffer.alloc(HISTORY + OUT_SPAN);
  private outLen = 0; // bytes used in `out`
  private outBase = 0; // absolute output position of out[0]
  private readonly regions: Array<{ axis: number; start: number; end: number; size: number; read: (b: Buffer, a: number) => number; next: number }> =
    [];

  constructor(
    private readonly header: PcdHeader,
    private readonly bounds: AxisBounds,
  ) {
    const xyz = xyzFields(header.fields);
    if (xyz) {
      xyz.forEach((fi, axis) => {
        const f = header.fields[fi];
        const start = header.points * header.fields.slice(0, fi).reduce((s, g) => s + g.size * g.count, 0);
        this.regions.push({ axis, start, end: start + header.points * f.size, size: f.size, read: reader(f), next: start });
      });
    }
  }

  feed(buf: Buffer): void {
    let pos = 0;
    if (this.compressedSize === undefined) {
      const take = Math.min(8 - this.sizeLen, buf.length);
      buf.copy(this.sizeBytes, this.sizeLen, 0, take);
      this.sizeLen += take;
      pos = take;
      if (this.sizeLen < 8) return;
      this.compressedSize = this.sizeBytes.readUInt32LE(0);
      this.uncompressedSize = this.sizeBytes.readUInt32LE(4);
      const expected = this.header.points * this.header.pointSize;
      if (this.uncompressedSize !== expected) {
        this.error = fail(
          'corrupt',
          `PCD binary_compressed block says ${this.uncompressedSize} bytes uncompressed but ${this.header.points} points of ${this.header.pointSize} bytes need ${expected}`,
        );
        return;
      }
    }
    if (this.error) return;
    const remaining = this.compressedSize - this.consumed;
    const end = pos + Math.min(remaining, buf.length - pos);
    this.decode(buf, pos, end);
    this.consumed += end - pos;
    for (let i = end; i < buf.length; i++) if (buf[i] !== 0) this.trailingNonZero += 1;
    this.trailing += buf.length - end;
  }

  private emit(byte: number): boolean {
    if (this.produced >= (this.uncompressedSize ?? 0)) {
      this.error = fail('corrupt', `PCD binary_compressed data decodes to more than the declared ${this.uncompressedSize} bytes`);
      return false;
    }
    if (this.outLen === this.out.length) this.slide();
    this.out[this.outLen++] = byte;
    this.produced += 1;
    return true;
  }

  private decode(buf: Buffer, start: number, end: number): void {
    let pos = start;
    while (pos < end && !this.error) {
      const b = buf[pos];
      switch (this.state) {
        case 'ctrl':
          pos += 1;
          if (b < 32) {
            this.lit = b + 1;
            this.state = 'lit';
          } else {
            this.refLen = b >> 5;
            this.refHi = b & 31;
            this.state = this.refLen === 7 ? 'len' : 'off';
          }
          break;
        case 'lit': {
          const n = Math.min(this.lit, end - pos);
          for (let i = 0; i < n; i++) if (!this.emit(buf[pos + i])) return;
          pos += n;
          this.lit -= n;
          if (this.lit === 0) this.state = 'ctrl';
          break;
        }
        case 'len':
          this.refLen += b;
          pos += 1;
          this.state = 'off';
          break;
        case 'off': {
          pos += 1;
          const dist = (this.refHi << 8) + b + 1;
          if (dist > this.produced) {
            this.error = fail('corrupt', `PCD binary_compressed data refers ${dist} bytes back at output position ${this.produced}`);
            return;
          }
          for (let i = 0; i < this.refLen + 2; i++) {
            // The source is always inside the kept history: slide() keeps at least 8 KiB behind outLen.
            if (!this.emit(this.out[this.outLen - dist])) return;
          }
          this.state = 'ctrl';
          break;
        }
      }
    }
  }

  /** Processes the decoded window, keeps the last 8 KiB as history. */
  private slide(): void {
    this.sink();
    const keep = Math.min(HISTORY, this.outLen);
    this.out.copy(this.out, 0, this.outLen - keep, this.outLen);
    this.outBase += this.outLen - keep;
    this.outLen = keep;
  }

  /** Folds every complete x / y / z value decoded so far into the bounds. */
  private sink(): void {
    const upTo = this.outBase + this.outLen;
    for (const r of this.regions) {
      while (r.next < r.end && r.next + r.size <= upTo) {
        this.bounds.add(r.axis, r.read(this.out, r.next - this.outBase));
        r.next += r.size;
      }
    }
  }

  /** Checks the block was complete; returns an error to throw, if any. */
  end(fileSize: number, headerBytes: number): ProbeError | undefined {
    if (this.error) return this.error;
    if (this.compressedSize === undefined) {
      return fail(
        'truncated',
        `PCD binary_compressed file of ${fileSize} bytes ends before its 8-byte size block (header is ${headerBytes} bytes): truncated`,
      );
    }
    if (this.consumed < this.compressedSize) {
      return fail(
        'truncated',
        `PCD binary_compressed block declares ${this.compressedSize} compressed bytes after the ${headerBytes + 8}-byte header but the file has only ${fileSize} bytes: truncated`,
      );
    }
    if (this.state !== 'ctrl' || this.produced !== this.uncompressedSize) {
      return fail('corrupt', `PCD binary_compressed data decodes to ${this.produced} bytes, not the declared ${this.uncompressedSize}`);
    }
    this.sink();
    return undefined;
  }
}

/** ascii payload: one point per line, as many values as the fields' COUNTs add up to. */
class AsciiWalker {
  rows = 0;
  trailingLines = 0;
  private carry = '';
  error?: ProbeError;
  private readonly columns: number;
  private readonly xyzColumns?: number[];

  constructor(
    private readonly header: PcdHeader,
    private readonly bounds: Bounds3,
  ) {
    this.columns = header.fields.reduce((s, f) => s + f.count, 0);
    const xyz = xyzFields(header.fields);
    if (xyz) this.xyzColumns = xyz.map((i) => header.fields.slice(0, i).reduce((s, f) => s + f.count, 0));
  }

  /** A method, not a field read: `line` may set the error between two checks. */
  private failed(): boolean {
    return this.error !== undefined;
  }

  feed(buf: Buffer): void {
    if (this.failed()) return;
    const text = this.carry + buf.toString('latin1');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.line(text.slice(start, nl), false);
      if (this.failed()) return;
      start = nl + 1;
    }
    this.carry = text.slice(start);
    if (this.carry.length > MAX_ASCII_LINE) this.error = fail('corrupt', `PCD ascii payload has a line longer than ${MAX_ASCII_LINE} bytes`);
  }

  end(): void {
    if (!this.error && this.carry.trim()) this.line(this.carry, true);
    this.carry = '';
  }

  private line(raw: string, last: boolean): void {
    const line = raw.trim();
    if (!line) return;
    if (this.rows >= this.header.points) {
      this.trailingLines += 1;
      return;
    }
    const tokens = line.split(/\s+/);
    if (tokens.length !== this.columns) {
      this.error = last
        ? fail('truncated', `PCD ascii payload ends inside point ${this.rows} of ${this.header.points} (its last line is cut short): truncated`)
        : fail(
            'corrupt',
            `PCD ascii point ${this.rows} has ${tokens.length} values where the ${this.header.fields.length} fields need ${this.columns}`,
          );
      return;
    }
    const columns = this.xyzColumns;
    if (columns) {
      const [x, y, z] = columns.map((c) => Number(tokens[c]));
      if ([x, y, z].some((v, k) => Number.isNaN(v) && !/^[-+]?nan$/i.test(tokens[columns[k]]))) {
        this.error = fail('corrupt', `PCD ascii point ${this.rows} has a non-numeric coordinate`);
        return;
      }
      this.bounds.add(x, y, z);
    }
    this.rows += 1;
  }
}

class PcdSession implements ProbeSession {
  private readonly collector = new TextHeaderCollector(
    MAX_HEADER_BYTES,
    (line) => /^\s*DATA(\s|$)/.test(line),
    // A header is comments, blank lines and known keywords; anything else is garbage after a right magic.
    (line) => /^\s*(#|$)/.test(line) || HEADER_KEYS.includes(line.trim().split(/\s+/)[0]),
  );
  private header?: PcdHeader;
  private failure?: ProbeError;
  private binary?: BinaryWalker;
  private compressed?: CompressedWalker;
  private ascii?: AsciiWalker;
  private readonly bounds = new Bounds3();
  private readonly axisBounds = new AxisBounds();
  private streamed = 0;

  constructor(private readonly input: ProbeInput) {}

  push(chunk: Buffer): void {
    this.streamed += chunk.length;
    if (this.failure) return;
    try {
      this.consume(chunk);
    } catch (error) {
      // push must never throw into the driver: a bug or a hostile byte pattern becomes this file's error.
      this.failure = toProbeError('PCD payload could not be read', error);
    }
  }

  private consume(chunk: Buffer): void {
    let rest: Buffer | undefined = chunk;
    if (!this.header) {
      rest = this.collector.feed(chunk);
      if (!this.collector.done) return;
      try {
        const header = parseHeader(this.collector.lines);
        this.header = header;
        if (header.data === 'ascii') this.ascii = new AsciiWalker(header, this.bounds);
        else if (header.data === 'binary') this.binary = new BinaryWalker(header, this.bounds);
        else this.compressed = new CompressedWalker(header, this.axisBounds);
      } catch (error) {
        this.failure = error instanceof ProbeError ? error : fail('unreadable_header', String(error));
        return;
      }
    }
    if (!rest?.length) return;
    this.ascii?.feed(rest);
    this.binary?.feed(rest);
    this.compressed?.feed(rest);
  }

  finish(): Promise<ProbeResult> {
    return guard('PCD', () => this.conclude());
  }

  private conclude(): Promise<ProbeResult> {
    if (this.failure) throw this.failure;
    const header = this.header;
    if (!header) {
      const invalid = this.collector.invalid;
      if (invalid)
        throw fail(
          'unreadable_header',
          `PCD header line ${invalid.index + 1} is not a header line ("${invalid.line.slice(0, 60).replace(/[^\x20-\x7e]/g, '?')}")`,
        );
      if (this.collector.overflow) throw fail('unreadable_header', `PCD header has no DATA line within its first ${MAX_HEADER_BYTES / MiB} MiB`);
      throw fail('truncated', `PCD file of ${this.input.size} bytes ends inside its header (no DATA line): truncated`);
    }
    if (this.streamed < this.input.size) {
      throw fail('truncated', `only ${this.streamed} of the file's ${this.input.size} bytes were streamed to the PCD probe: truncated`);
    }
    const headerBytes = this.collector.headerLength;
    const metadata: Record<string, unknown> = {
      version: header.version ?? null,
      data: header.data,
      fields: header.fields,
      width: header.width,
      height: header.height,
      points: header.points,
      organized: header.height > 1,
      viewpoint: header.viewpoint ?? null,
      pointSize: header.pointSize,
      headerBytes,
    };
    if (this.binary) {
      const expected = header.points * header.pointSize;
      if (this.binary.received < expected) {
        throw fail(
          'truncated',
          `PCD header declares ${big(header.points)} points of ${header.pointSize} bytes (${big(expected)} bytes) after the ${headerBytes}-byte header but the file has only ${this.input.size} bytes: truncated`,
        );
      }
      if (this.binary.received > expected) metadata.trailingBytes = this.binary.received - expected;
      metadata.bounds = this.bounds.toJSON() ?? null;
    } else if (this.compressed) {
      const error = this.compressed.end(this.input.size, headerBytes);
      if (error) throw error;
      metadata.compressedSize = this.compressed.compressedSize;
      metadata.uncompressedSize = this.compressed.uncompressedSize;
      if (this.compressed.trailing > 0) {
        metadata.trailingBytes = this.compressed.trailing;
        metadata.trailingNonZeroBytes = this.compressed.trailingNonZero; // PCL pads with zeros
      }
      metadata.bounds = this.axisBounds.toJSON() ?? null;
    } else if (this.ascii) {
      this.ascii.end();
      if (this.ascii.error) throw this.ascii.error;
      if (this.ascii.rows < header.points) {
        throw fail('truncated', `PCD header declares ${big(header.points)} points but the ascii payload has only ${this.ascii.rows}: truncated`);
      }
      if (this.ascii.trailingLines) metadata.trailingLines = this.ascii.trailingLines;
      metadata.bounds = this.bounds.toJSON() ?? null;
    }
    return Promise.resolve({ format: 'pcd', modality: 'pointcloud', counts: { points: header.points }, metadata, warnings: [] });
  }
}

export const pcdProbe: FormatProbe = {
  id: 'pcd',
  sniff(head: Buffer): boolean {
    // Skip '#' comment lines and blank lines; the first header line must be VERSION or FIELDS.
    const text = head.toString('latin1', 0, Math.min(head.length, 4096));
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      return /^(VERSION|FIELDS)\s+\S/.test(line);
    }
    return false;
  },
  open: (input: ProbeInput): ProbeSession => new PcdSession(input),
};

import { FormatProbe, ProbeError, ProbeInput, ProbeResult, ProbeSession } from './probe.types.js';
import { Bounds3, MiB, big, fail, guard, TextHeaderCollector, toProbeError } from './spatial.util.js';

/**
 * PLY (Stanford polygon format), ascii / binary little / big endian. The header comes from the pushed stream;
 * the payload is walked as it streams past (O(1) memory): counts of every element are checked, list rows
 * included, and the vertex bounds are collected. The file's declared sizes never drive an allocation.
 */

const MAX_HEADER_BYTES = 1 * MiB;
const MAX_ASCII_LINE = 1 * MiB;
const MAX_ELEMENTS = 64;
const MAX_PROPERTIES = 1024;

const SCALARS: Partial<Record<string, { size: number; kind: 'i' | 'u' | 'f' }>> = {
  char: { size: 1, kind: 'i' },
  int8: { size: 1, kind: 'i' },
  uchar: { size: 1, kind: 'u' },
  uint8: { size: 1, kind: 'u' },
  short: { size: 2, kind: 'i' },
  int16: { size: 2, kind: 'i' },
  ushort: { size: 2, kind: 'u' },
  uint16: { size: 2, kind: 'u' },
  int: { size: 4, kind: 'i' },
  int32: { size: 4, kind: 'i' },
  uint: { size: 4, kind: 'u' },
  uint32: { size: 4, kind: 'u' },
  float: { size: 4, kind: 'f' },
  float32: { size: 4, kind: 'f' },
  double: { size: 8, kind: 'f' },
  float64: { size: 8, kind: 'f' },
};

type PlyFormat = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

interface PlyProperty {
  name: string;
  type: string;
  size: number;
  list?: { countType: string; countSize: number; itemType: string; itemSize: number };
}

interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
  /** Bytes per row when every property is a scalar. */
  rowSize?: number;
}

interface PlyHeader {
  format: PlyFormat;
  version: string;
  elements: PlyElement[];
  comments: string[];
  objInfo: string[];
}

function parseHeader(lines: string[]): PlyHeader {
  const bad = (n: number, why: string) => fail('unreadable_header', `PLY header line ${n + 1} ("${lines[n].slice(0, 80)}"): ${why}`);
  if (lines[0].trim() !== 'ply') throw fail('unreadable_header', 'PLY header does not start with a "ply" line');
  let format: PlyFormat | undefined;
  let version = '';
  const elements: PlyElement[] = [];
  const comments: string[] = [];
  const objInfo: string[] = [];
  for (let n = 1; n < lines.length - 1; n++) {
    const line = lines[n].trim();
    const words = line.split(/\s+/);
    switch (words[0]) {
      case '':
        break;
      case 'format':
        if (words.length !== 3 || !['ascii', 'binary_little_endian', 'binary_big_endian'].includes(words[1])) throw bad(n, 'unknown format');
        if (format) throw bad(n, 'second format line');
        format = words[1] as PlyFormat;
        version = words[2];
        break;
      case 'comment':
        if (comments.length < 100) comments.push(line.slice(8, 520));
        break;
      case 'obj_info':
        if (objInfo.length < 100) objInfo.push(line.slice(9, 521));
        break;
      case 'element': {
        if (words.length !== 3 || !/^\d+$/.test(words[2])) throw bad(n, 'expected "element <name> <count>"');
        const count = Number(words[2]);
        if (!Number.isSafeInteger(count)) throw fail('corrupt', `PLY element ${words[1]} declares an impossible count of ${words[2]}`);
        if (elements.length >= MAX_ELEMENTS) throw bad(n, `more than ${MAX_ELEMENTS} elements`);
        elements.push({ name: words[1], count, properties: [] });
        break;
      }
      case 'property': {
        const el = elements.at(-1);
        if (!el) throw bad(n, 'property before any element');
        if (el.properties.length >= MAX_PROPERTIES) throw bad(n, `more than ${MAX_PROPERTIES} properties`);
        if (words[1] === 'list') {
          const countType = SCALARS[words[2]];
          const itemType = SCALARS[words[3]];
          if (words.length !== 5 || !countType || !itemType || countType.kind === 'f')
            throw bad(n, 'expected "property list <integer type> <type> <name>"');
          el.properties.push({
            name: words[4],
            type: 'list',
            size: 0,
            list: { countType: words[2], countSize: countType.size, itemType: words[3], itemSize: itemType.size },
          });
        } else {
          const type = SCALARS[words[1]];
          if (words.length !== 3 || !type) throw bad(n, 'expected "property <type> <name>"');
          el.properties.push({ name: words[2], type: words[1], size: type.size });
        }
        break;
      }
      default:
        throw bad(n, `unknown keyword "${words[0]}"`);
    }
  }
  if (!format) throw fail('unreadable_header', 'PLY header has no format line');
  for (const el of elements) {
    if (el.properties.every((p) => !p.list)) el.rowSize = el.properties.reduce((s, p) => s + p.size, 0);
  }
  return { format, version, elements, comments, objInfo };
}

function reader(type: string, littleEndian: boolean): (buf: Buffer, at: number) => number {
  const le = littleEndian;
  switch (type) {
    case 'char':
    case 'int8':
      return (b, a) => b.readInt8(a);
    case 'uchar':
    case 'uint8':
      return (b, a) => b[a];
    case 'short':
    case 'int16':
      return le ? (b, a) => b.readInt16LE(a) : (b, a) => b.readInt16BE(a);
    case 'ushort':
    case 'uint16':
      return le ? (b, a) => b.readUInt16LE(a) : (b, a) => b.readUInt16BE(a);
    case 'int':
    case 'int32':
      return le ? (b, a) => b.readInt32LE(a) : (b, a) => b.readInt32BE(a);
    case 'uint':
    case 'uint32':
      return le ? (b, a) => b.readUInt32LE(a) : (b, a) => b.readUInt32BE(a);
    case 'float':
    case 'float32':
      return le ? (b, a) => b.readFloatLE(a) : (b, a) => b.readFloatBE(a);
    default:
      return le ? (b, a) => b.readDoubleLE(a) : (b, a) => b.readDoubleBE(a);
  }
}

/** Position of x / y / z among a vertex element's scalar properties (-1 when absent). */
function xyzIndex(el: PlyElement | undefined): number[] | undefined {
  if (!el) return undefined;
  const idx = ['x', 'y', 'z'].map((n) => el.properties.findIndex((p) => p.name === n && !p.list));
  return idx.every((i) => i >= 0) ? idx : undefined;
}

/** Where the payload walk stands, to say where a truncated file ends. */
interface Cursor {
  e: number;
  row: number;
}

/** Walks a binary payload token by token, with a whole-row fast path for fixed-size elements. */
class BinaryWalker {
  e = 0;
  row = 0;
  private p = 0;
  skip = 0;
  /** The row's last property was a list whose items are still being skipped. */
  private rowEndPending = false;
  private pend = Buffer.alloc(8);
  pendLen = 0;
  trailing = 0;
  error?: ProbeError;
  private readonly cur = [NaN, NaN, NaN];
  private readonly readers: Array<Array<(b: Buffer, a: number) => number>>;
  private readonly countReaders: Array<Array<((b: Buffer, a: number) => number) | undefined>>;
  private readonly vertexXyzOffsets?: number[];

  constructor(
    private readonly elements: PlyElement[],
    littleEndian: boolean,
    private readonly bounds: Bounds3,
    private readonly vertex: number,
    private readonly xyz: number[] | undefined,
  ) {
    this.readers = elements.map((el) => el.properties.map((p) => reader(p.list ? p.list.itemType : p.type, littleEndian)));
    this.countReaders = elements.map((el) => el.properties.map((p) => (p.list ? reader(p.list.countType, littleEndian) : undefined)));
    const v = elements.at(vertex);
    if (v?.rowSize !== undefined && xyz) {
      this.vertexXyzOffsets = xyz.map((i) => v.properties.slice(0, i).reduce((s, p) => s + p.size, 0));
    }
    this.settle();
  }

  /** Moves past finished elements and elements whose rows take no bytes. */
  private settle(): void {
    while (this.e < this.elements.length && (this.row >= this.elements[this.e].count || this.elements[this.e].rowSize === 0)) {
      this.e += 1;
      this.row = 0;
      this.p = 0;
    }
  }

  done(): boolean {
    return this.e >= this.elements.length && this.skip === 0 && this.pendLen === 0;
  }

  feed(buf: Buffer): void {
    let pos = 0;
    while (pos < buf.length && !this.error) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - pos);
        this.skip -= n;
        pos += n;
        if (this.skip === 0 && this.rowEndPending) {
          this.rowEndPending = false;
          this.endRow();
        }
        continue;
      }
      if (this.e >= this.elements.length) {
        this.trailing += buf.length - pos;
        return;
      }
      const el = this.elements[this.e];
      if (this.p === 0 && this.pendLen === 0 && el.rowSize !== undefined) {
        const rows = Math.min(el.count - this.row, Math.floor((buf.length - pos) / el.rowSize));
        if (rows > 0) {
          if (this.e === this.vertex && this.vertexXyzOffsets && this.xyz) {
            const [ox, oy, oz] = this.vertexXyzOffsets;
            const [rx, ry, rz] = this.xyz.map((i) => this.readers[this.e][i]);
            for (let r = 0, at = pos; r < rows; r++, at += el.rowSize) this.bounds.add(rx(buf, at + ox), ry(buf, at + oy), rz(buf, at + oz));
          }
          pos += rows * el.rowSize;
          this.row += rows;
          this.settle();
          continue;
        }
      }
      // One property at a time (partial rows across chunks, and rows with lists).
      const prop = el.properties[this.p];
      const need = prop.list ? prop.list.countSize : prop.size;
      let src: Buffer;
      let at: number;
      if (this.pendLen === 0 && buf.length - pos >= need) {
        src = buf;
        at = pos;
        pos += need;
      } else {
        const take = Math.min(need - this.pendLen, buf.length - pos);
        buf.copy(this.pend, this.pendLen, pos, pos + take);
        this.pendLen += take;
        pos += take;
        if (this.pendLen < need) continue;
        src = this.pend;
        at = 0;
        this.pendLen = 0;
      }
      if (prop.list) {
        const countReader = this.countReaders[this.e][this.p];
        if (!countReader) throw new Error(`PLY list property ${prop.name} has no count reader`);
        const count = countReader(src, at);
        if (count < 0) {
          this.error = fail('corrupt', `PLY ${el.name} row ${this.row} has a negative list length (${count})`);
          return;
        }
        this.skip = count * prop.list.itemSize;
      } else if (this.e === this.vertex && this.xyz) {
        const k = this.xyz.indexOf(this.p);
        if (k >= 0) this.cur[k] = this.readers[this.e][this.p](src, at);
      }
      this.p += 1;
      if (this.p === el.properties.length) {
        if (this.skip > 0)
          this.rowEndPending = true; // the row ends once its list items have passed
        else this.endRow();
      }
    }
  }

  private endRow(): void {
    this.p = 0;
    if (this.e === this.vertex && this.xyz) this.bounds.add(this.cur[0], this.cur[1], this.cur[2]);
    this.row += 1;
    this.settle();
  }

  cursor(): Cursor {
    return { e: this.e, row: this.row };
  }
}

/** Walks an ascii payload line by line: one row per line, values counted per property (lists by their length). */
class AsciiWalker {
  e = 0;
  row = 0;
  private carry = '';
  trailingLines = 0;
  error?: ProbeError;

  /** A method, not a field read: `onLine` may set the error between two checks. */
  failed(): boolean {
    return this.error !== undefined;
  }
  private line = 0;

  constructor(
    private readonly elements: PlyElement[],
    private readonly bounds: Bounds3,
    private readonly vertex: number,
    private readonly xyz: number[] | undefined,
  ) {
    this.settle();
  }

  private settle(): void {
    while (this.e < this.elements.length && this.row >= this.elements[this.e].count) {
      this.e += 1;
      this.row = 0;
    }
  }

  done(): boolean {
    return this.e >= this.elements.length;
  }

  feed(buf: Buffer): void {
    if (this.error) return;
    const text = this.carry + buf.toString('latin1');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.onLine(text.slice(start, nl));
      start = nl + 1;
      if (this.failed()) return;
    }
    this.carry = text.slice(start);
    if (this.carry.length > MAX_ASCII_LINE) this.error = fail('corrupt', `PLY ascii payload has a line longer than ${MAX_ASCII_LINE} bytes`);
  }

  /** The last line may lack its newline; when it then does not fit its row, the file was cut inside it. */
  end(): void {
    if (!this.error && this.carry.trim()) {
      this.onLine(this.carry);
      if (this.failed() && this.e < this.elements.length) {
        const el = this.elements[this.e];
        this.error = fail(
          'truncated',
          `PLY ascii payload ends inside ${el.name} row ${this.row} of ${el.count} (its last line is cut short): truncated`,
        );
      }
    }
    this.carry = '';
  }

  private onLine(raw: string): void {
    this.line += 1;
    const line = raw.trim();
    if (!line) return;
    if (this.e >= this.elements.length) {
      this.trailingLines += 1;
      return;
    }
    const el = this.elements[this.e];
    const tokens = line.split(/\s+/);
    let t = 0;
    for (const prop of el.properties) {
      if (prop.list) {
        const n = Number(tokens[t]);
        if (!Number.isInteger(n) || n < 0) {
          this.error = fail(
            'corrupt',
            `PLY ascii ${el.name} row ${this.row} (payload line ${this.line}): list length "${tokens[t] ?? ''}" is not a count`,
          );
          return;
        }
        t += 1 + n;
      } else {
        t += 1;
      }
    }
    if (t !== tokens.length) {
      this.error = fail(
        'corrupt',
        `PLY ascii ${el.name} row ${this.row} (payload line ${this.line}) has ${tokens.length} values where its properties need ${t}`,
      );
      return;
    }
    for (const tok of tokens) {
      if (Number.isNaN(Number(tok)) && !/^[-+]?(nan|inf(inity)?)$/i.test(tok)) {
        this.error = fail(
          'corrupt',
          `PLY ascii ${el.name} row ${this.row} (payload line ${this.line}) has a non-numeric value "${tok.slice(0, 40)}"`,
        );
        return;
      }
    }
    if (this.e === this.vertex && this.xyz) this.bounds.add(Number(tokens[this.xyz[0]]), Number(tokens[this.xyz[1]]), Number(tokens[this.xyz[2]]));
    this.row += 1;
    this.settle();
  }

  cursor(): Cursor {
    return { e: this.e, row: this.row };
  }
}

class PlySession implements ProbeSession {
  private readonly collector = new TextHeaderCollector(
    MAX_HEADER_BYTES,
    (line) => line.trim() === 'end_header',
    // Refuse garbage as soon as a line is not a header keyword, rather than after scanning 1 MiB of it.
    (line, index) => (index === 0 ? line.trim() === 'ply' : /^\s*((format|comment|obj_info|element|property)(\s|$)|end_header\s*$|$)/.test(line)),
  );
  private header?: PlyHeader;
  private failure?: ProbeError;
  private walker?: BinaryWalker | AsciiWalker;
  private readonly bounds = new Bounds3();
  private streamed = 0;

  constructor(private readonly input: ProbeInput) {}

  push(chunk: Buffer): void {
    this.streamed += chunk.length;
    if (this.failure) return;
    try {
      this.consume(chunk);
    } catch (error) {
      // push must never throw into the driver: a bug or a hostile byte pattern becomes this file's error.
      this.failure = toProbeError('PLY payload could not be read', error);
    }
  }

  private consume(chunk: Buffer): void {
    let rest: Buffer | undefined = chunk;
    if (!this.header) {
      rest = this.collector.feed(chunk);
      if (!this.collector.done) return;
      try {
        this.start(parseHeader(this.collector.lines));
      } catch (error) {
        this.failure = error instanceof ProbeError ? error : fail('unreadable_header', String(error));
        return;
      }
    }
    if (rest?.length) this.walker?.feed(rest);
  }

  private start(header: PlyHeader): void {
    this.header = header;
    const vertex = header.elements.findIndex((el) => el.name === 'vertex');
    const xyz = xyzIndex(header.elements[vertex]);
    this.walker =
      header.format === 'ascii'
        ? new AsciiWalker(header.elements, this.bounds, vertex, xyz)
        : new BinaryWalker(header.elements, header.format === 'binary_little_endian', this.bounds, vertex, xyz);
  }

  finish(): Promise<ProbeResult> {
    return guard('PLY', () => this.conclude());
  }

  private conclude(): Promise<ProbeResult> {
    if (this.failure) throw this.failure;
    if (!this.header || !this.walker) {
      const invalid = this.collector.invalid;
      if (invalid) {
        throw fail(
          'unreadable_header',
          `PLY header line ${invalid.index + 1} is not a header line ("${invalid.line.slice(0, 60).replace(/[^\x20-\x7e]/g, '?')}")`,
        );
      }
      if (this.collector.overflow)
        throw fail('unreadable_header', `PLY header has no end_header line within its first ${MAX_HEADER_BYTES / MiB} MiB`);
      throw fail('truncated', `PLY file of ${this.input.size} bytes ends inside its header (no end_header line): truncated`);
    }
    const { header, walker } = this;
    const headerBytes = this.collector.headerLength;
    const describe = () => header.elements.map((el) => `${el.count} ${el.name}`).join(', ');
    if (header.format !== 'ascii' && header.elements.every((el) => el.rowSize !== undefined)) {
      // Fixed-size rows: the payload length follows from the counts alone.
      const expected = header.elements.reduce((s, el) => s + el.count * (el.rowSize ?? 0), 0);
      if (headerBytes + expected > this.input.size) {
        throw fail(
          'truncated',
          `PLY header declares ${describe()} (${big(expected)} bytes of ${header.format} payload after the ${headerBytes}-byte header) but the file has only ${this.input.size} bytes: truncated`,
        );
      }
    }
    if (walker instanceof AsciiWalker) walker.end();
    if (walker.error) throw walker.error;
    if (this.streamed < this.input.size) {
      throw fail('truncated', `only ${this.streamed} of the file's ${this.input.size} bytes were streamed to the PLY probe: truncated`);
    }
    if (!walker.done()) {
      const { e, row } = walker.cursor();
      const el = header.elements.at(e);
      throw fail(
        'truncated',
        `PLY header declares ${describe()} but the payload ends in ${el ? `${el.name} row ${row} of ${el.count}` : 'the middle of a row'} (file of ${this.input.size} bytes): truncated`,
      );
    }
    const faces = header.elements.find((el) => el.name === 'face' || el.name === 'tristrips');
    const vertices = header.elements.find((el) => el.name === 'vertex');
    const warnings: string[] = [];
    const metadata: Record<string, unknown> = {
      encoding: header.format,
      version: header.version,
      headerBytes,
      elements: header.elements.map((el) => ({
        name: el.name,
        count: el.count,
        properties: el.properties.map((p) =>
          p.list ? { name: p.name, type: 'list', countType: p.list.countType, itemType: p.list.itemType } : { name: p.name, type: p.type },
        ),
      })),
      vertexCount: vertices?.count ?? 0,
      faceCount: faces?.count ?? 0,
      comments: header.comments,
      bounds: this.bounds.toJSON() ?? null,
    };
    if (header.objInfo.length) metadata.objInfo = header.objInfo;
    if (walker instanceof BinaryWalker && walker.trailing > 0) {
      metadata.trailingBytes = walker.trailing;
      warnings.push(`${walker.trailing} bytes follow the last element`);
    }
    if (walker instanceof AsciiWalker && walker.trailingLines > 0) {
      metadata.trailingLines = walker.trailingLines;
      warnings.push(`${walker.trailingLines} lines follow the last element`);
    }
    const mesh = faces !== undefined && faces.count > 0;
    // Without faces the vertices are a point cloud's points.
    const vertexCount = vertices?.count ?? 0;
    return Promise.resolve({
      format: 'ply',
      modality: mesh ? 'mesh' : 'pointcloud',
      counts: mesh ? { vertices: vertexCount } : { points: vertexCount },
      metadata,
      warnings,
    });
  }
}

export const plyProbe: FormatProbe = {
  id: 'ply',
  sniff: (head: Buffer): boolean => {
    const start = head.toString('latin1', 0, 5);
    return start === 'ply\r\n' || start.startsWith('ply\n');
  },
  open: (input: ProbeInput): ProbeSession => new PlySession(input),
};

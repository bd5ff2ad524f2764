import { Bag } from '@foxglove/rosbag';
import { loadDecompressHandlers } from '@mcap/support';

import type { FootprintOutcome } from '../footprints/footprint-builder.js';
import { decompressLz4Frame } from './lz4-frame.js';
import { DecompressionBudget, MAX_DECOMPRESSED_BLOCK_BYTES, type Decompressor } from './decompression.js';
import { applyTrackFootprint } from './footprint-result.js';
import { navFixDecoder, NavFixTracks, type NavFixDecoder } from './navsat.js';
import { ProbeError, type FormatProbe, type ProbeInput, type ProbeResult, type ProbeSession } from './probe.types.js';
import { CappedCounter, GuardedSession, plural } from './telemetry-text.util.js';

/**
 * ROS 1 bags (format 2.0). While the file streams past, a framer walks the top-level records (bag header, chunks,
 * index data, connections, chunk infos) without keeping their data: it counts chunks and their compression and
 * checks that the structure holds to the last byte. At the end, @foxglove/rosbag reads the index section (connections
 * and chunk infos) by range, once the header's index position has been checked against the file, and the first chunk
 * is decompressed and its messages counted against the index.
 */

const MAGIC = '#ROSBAG V2.0\n';
const MAGIC_BYTES = Buffer.from(MAGIC);
/** Record headers are a few fields; bigger is not a bag. */
const MAX_RECORD_HEADER = 1024 * 1024;
/** Largest index section and largest chunk read into memory (recorders write chunks of 768 KiB by default). */
const MAX_IN_MEMORY = MAX_DECOMPRESSED_BLOCK_BYTES;
const MAX_CONNECTIONS_LISTED = 1000;

const OP_MESSAGE = 0x02;
const OP_BAG_HEADER = 0x03;
const OP_INDEX_DATA = 0x04;
const OP_CHUNK = 0x05;
const OP_CHUNK_INFO = 0x06;
const OP_CONNECTION = 0x07;

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const timeMs = (t: { sec: number; nsec: number }) => t.sec * 1000 + t.nsec / 1e6;
const timeIso = (t: { sec: number; nsec: number }) => new Date(Math.floor(timeMs(t))).toISOString();

/** `len name=value` fields of a record header. */
function parseFields(header: Buffer, at: number): Map<string, Buffer> {
  const fields = new Map<string, Buffer>();
  let pos = 0;
  while (pos < header.length) {
    if (pos + 4 > header.length) throw new ProbeError('corrupt', `the record header at byte ${at} ends inside a field length`);
    const length = header.readUInt32LE(pos);
    pos += 4;
    if (length > header.length - pos) throw new ProbeError('corrupt', `a field of the record header at byte ${at} runs past the header`);
    const field = header.subarray(pos, pos + length);
    const eq = field.indexOf(0x3d);
    if (eq === -1) throw new ProbeError('corrupt', `a field of the record header at byte ${at} has no '='`);
    fields.set(field.subarray(0, eq).toString('latin1'), field.subarray(eq + 1));
    pos += length;
  }
  return fields;
}

function u32(fields: Map<string, Buffer>, name: string, at: number): number {
  const value = fields.get(name);
  if (!value || value.length < 4) throw new ProbeError('corrupt', `the record at byte ${at} lacks its '${name}' field`);
  return value.readUInt32LE(0);
}

type Decompressors = {
  lz4: Decompressor;
  bz2: Decompressor;
};

let decompressors: Promise<Decompressors> | undefined;

/** LZ4 through decompressLz4Frame (@foxglove/wasm-lz4's build), BZ2 from the WASM set @mcap/support loads. */
function loadDecompressors(): Promise<Decompressors> {
  decompressors ??= loadDecompressHandlers().then((handlers) => ({
    lz4: decompressLz4Frame,
    bz2: (buffer, size) => handlers.bz2(buffer, BigInt(size)),
  }));
  return decompressors;
}

/** The decompressors, each checked against the file's budget before it allocates anything. */
function budgeted(loaded: Decompressors, budget: DecompressionBudget): Decompressors {
  return { lz4: budget.guard('lz4 chunk', loaded.lz4), bz2: budget.guard('bz2 chunk', loaded.bz2) };
}

/** Chunk decompressors (lz4, bz2) for a bag of `fileBytes`, within that file's decompression budget (previews read chunks too). */
export async function bagDecompressors(fileBytes: number): Promise<Decompressors> {
  return budgeted(await loadDecompressors(), new DecompressionBudget(fileBytes));
}

interface BagHeaderFacts {
  indexPos: number;
  connCount: number;
  chunkCount: number;
}

class RosbagSession extends GuardedSession {
  private offset = 0;
  private magicSeen = 0;
  /** Framer: 'len' reads a 4-byte length, 'header' the record header, 'data' skips the record's data. */
  private state: 'magic' | 'headerLen' | 'header' | 'dataLen' | 'data' = 'magic';
  private readonly lenBuf = Buffer.alloc(4);
  private lenFill = 0;
  private header: Buffer = Buffer.alloc(0);
  private headerFill = 0;
  private dataLeft = 0;
  private recordStart = 0;
  private op = 0;
  private bag: BagHeaderFacts | undefined;
  private indexAligned = false;
  private chunks = 0;
  private readonly compression = new CappedCounter(8);
  private uncompressedBytes = 0;
  private firstChunk: { offset: number; size: number; compression: string } | undefined;
  private indexConnections = 0;
  private chunkInfos = 0;
  private indexData = 0;
  private topLevelMessages = 0;

  constructor(private readonly input: ProbeInput) {
    super();
  }

  protected consume(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case 'magic': {
          const n = Math.min(MAGIC.length - this.magicSeen, chunk.length - pos);
          const expected = MAGIC_BYTES.subarray(this.magicSeen, this.magicSeen + n);
          if (!chunk.subarray(pos, pos + n).equals(expected)) {
            const seen = Buffer.concat([MAGIC_BYTES.subarray(0, this.magicSeen), chunk.subarray(pos, pos + n)]).toString('latin1');
            throw new ProbeError('unsupported', `only ROS bag format 2.0 is read; this file starts with '${seen.replace(/\n/g, '\\n')}'`);
          }
          this.magicSeen += n;
          pos += n;
          if (this.magicSeen === MAGIC.length) this.state = 'headerLen';
          break;
        }
        case 'headerLen':
        case 'dataLen': {
          if (this.lenFill === 0 && this.state === 'headerLen') this.recordStart = this.offset + pos;
          const n = Math.min(4 - this.lenFill, chunk.length - pos);
          chunk.copy(this.lenBuf, this.lenFill, pos, pos + n);
          this.lenFill += n;
          pos += n;
          if (this.lenFill === 4) {
            this.lenFill = 0;
            if (this.state === 'headerLen') this.startHeader(this.lenBuf.readUInt32LE(0));
            else this.startData(this.lenBuf.readUInt32LE(0));
          }
          break;
        }
        case 'header': {
          const n = Math.min(this.header.length - this.headerFill, chunk.length - pos);
          chunk.copy(this.header, this.headerFill, pos, pos + n);
          this.headerFill += n;
          pos += n;
          if (this.headerFill === this.header.length) {
            this.recordHeader();
            this.state = 'dataLen';
          }
          break;
        }
        case 'data': {
          const n = Math.min(this.dataLeft, chunk.length - pos);
          this.dataLeft -= n;
          pos += n;
          if (this.dataLeft === 0) this.state = 'headerLen';
          break;
        }
      }
    }
    this.offset += chunk.length;
  }

  private startHeader(length: number): void {
    if (this.bag && this.recordStart === this.bag.indexPos) this.indexAligned = true;
    if (length === 0 || length > MAX_RECORD_HEADER) {
      throw new ProbeError('corrupt', `the record at byte ${this.recordStart} claims a ${length}-byte header: not a ROS bag record`);
    }
    this.header = Buffer.alloc(length);
    this.headerFill = 0;
    this.state = 'header';
  }

  private startData(length: number): void {
    this.dataLeft = length;
    this.state = length === 0 ? 'headerLen' : 'data';
  }

  private recordHeader(): void {
    const at = this.recordStart;
    const fields = parseFields(this.header, at);
    const op = fields.get('op');
    if (!op || op.length !== 1) throw new ProbeError('corrupt', `the record at byte ${at} has no 'op' field`);
    this.op = op.readUInt8(0);
    if (!this.bag) {
      if (this.op !== OP_BAG_HEADER) throw new ProbeError('corrupt', 'the first record is not the bag header');
      const indexPos = fields.get('index_pos');
      if (!indexPos || indexPos.length < 8) throw new ProbeError('unreadable_header', "the bag header lacks its 'index_pos' field");
      const index = indexPos.readBigUInt64LE(0);
      this.bag = {
        indexPos: index > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(index),
        connCount: u32(fields, 'conn_count', at),
        chunkCount: u32(fields, 'chunk_count', at),
      };
      return;
    }
    switch (this.op) {
      case OP_CHUNK: {
        this.chunks += 1;
        const compression = fields.get('compression')?.toString('latin1') ?? '';
        const size = u32(fields, 'size', at);
        this.compression.add(compression);
        this.uncompressedBytes += size;
        this.firstChunk ??= { offset: at, size, compression };
        break;
      }
      case OP_CONNECTION:
        if (at >= this.bag.indexPos) this.indexConnections += 1;
        break;
      case OP_CHUNK_INFO:
        this.chunkInfos += 1;
        break;
      case OP_INDEX_DATA:
        this.indexData += 1;
        break;
      case OP_MESSAGE:
        this.topLevelMessages += 1;
        break;
      case OP_BAG_HEADER:
        throw new ProbeError('corrupt', `a second bag header at byte ${at}`);
      default:
        throw new ProbeError('corrupt', `the record at byte ${at} has an unknown op code ${this.op}`);
    }
  }

  protected async complete(): Promise<ProbeResult> {
    const size = this.input.size;
    if (this.state === 'magic' || !this.bag) throw new ProbeError('truncated', 'the file ends before the end of its bag header');
    const { indexPos, connCount, chunkCount } = this.bag;
    if (indexPos === 0) {
      throw new ProbeError(
        'truncated',
        'the bag header has no index position: the recording was not closed properly (rosbag reindex can rebuild the index)',
      );
    }
    if (indexPos >= size) {
      // A chunk whose data the file cut is counted from its header on: it is not complete.
      const cutChunk = this.op === OP_CHUNK && (this.state === 'dataLen' || this.state === 'data') ? 1 : 0;
      throw new ProbeError(
        'truncated',
        `the bag header says its index starts at byte ${indexPos} but the file has ${size} bytes; ${plural(this.chunks - cutChunk, 'complete chunk')} came before the cut`,
      );
    }
    const midRecord = this.state !== 'headerLen' || this.lenFill !== 0;
    if (midRecord) throw new ProbeError('truncated', `the file ends inside the record that starts at byte ${this.recordStart}`);
    if (!this.indexAligned) throw new ProbeError('corrupt', `the bag header's index position (byte ${indexPos}) does not point at a record`);
    if (this.chunks !== chunkCount)
      throw new ProbeError('corrupt', `the bag header says ${plural(chunkCount, 'chunk')} but the file holds ${this.chunks}`);
    if (this.chunkInfos !== chunkCount)
      throw new ProbeError('corrupt', `the index lists ${plural(this.chunkInfos, 'chunk')} but the bag header says ${chunkCount}`);
    if (this.indexConnections !== connCount) {
      throw new ProbeError('corrupt', `the bag header says ${plural(connCount, 'connection')} but its index lists ${this.indexConnections}`);
    }
    if (size - indexPos > MAX_IN_MEMORY)
      throw new ProbeError('unsupported', `the index section is ${mib(size - indexPos)}, more than the ${mib(MAX_IN_MEMORY)} this probe reads`);

    const decompress = budgeted(await loadDecompressors(), new DecompressionBudget(size));
    const bag = new Bag({ read: async (offset, length) => this.input.read(offset, length), size: () => size }, { decompress, parse: false });
    try {
      await bag.open();
    } catch (error) {
      throw new ProbeError('corrupt', `the bag's index cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }

    const counts = new Map<number, number>();
    let start: { sec: number; nsec: number } | undefined;
    let end: { sec: number; nsec: number } | undefined;
    for (const info of bag.chunkInfos) {
      for (const { conn, count } of info.connections) counts.set(conn, (counts.get(conn) ?? 0) + count);
      if (!start || timeMs(info.startTime) < timeMs(start)) start = info.startTime;
      if (!end || timeMs(info.endTime) > timeMs(end)) end = info.endTime;
    }
    for (const conn of counts.keys()) {
      if (!bag.connections.has(conn)) throw new ProbeError('corrupt', `the index counts messages on connection ${conn}, which it does not define`);
    }
    const verified = await this.verifyFirstChunk(bag, decompress, indexPos);
    const messageCount = [...counts.values()].reduce((a, b) => a + b, 0);
    const connections = [...bag.connections.values()].sort((a, b) => a.conn - b.conn);
    const result: ProbeResult = {
      format: 'rosbag1',
      modality: 'telemetry',
      counts: { messages: messageCount },
      timeRange: start && end ? { start: timeIso(start), end: timeIso(end) } : undefined,
      durationSeconds: start && end ? (timeMs(end) - timeMs(start)) / 1000 : undefined,
      warnings: [],
      metadata: {
        version: '2.0',
        messageCount,
        chunkCount,
        connectionCount: connCount,
        compression: this.compression.keys(),
        uncompressedBytes: this.uncompressedBytes,
        startTime: start ? { sec: start.sec, nsec: start.nsec } : undefined,
        endTime: end ? { sec: end.sec, nsec: end.nsec } : undefined,
        connections: connections.slice(0, MAX_CONNECTIONS_LISTED).map((c) => ({
          id: c.conn,
          topic: c.topic,
          type: c.type ?? null,
          md5sum: c.md5sum ?? null,
          messageCount: counts.get(c.conn) ?? 0,
        })),
        messagesVerifiedInFirstChunk: verified,
        topLevelMessages: this.topLevelMessages,
      },
    };
    applyTrackFootprint(result, await positions(bag));
    return result;
  }

  /**
   * Decompresses the first chunk and counts its messages against its chunk info: a cheap check that the index and
   * the data agree. Skipped (undefined) when the chunk is too large to hold.
   */
  private async verifyFirstChunk(bag: Bag, decompress: Decompressors, indexPos: number): Promise<number | undefined> {
    const info = bag.chunkInfos.at(0);
    const next = bag.chunkInfos.at(1);
    const first = this.firstChunk;
    if (!info || !first) return undefined;
    if (info.chunkPosition !== first.offset) {
      throw new ProbeError('corrupt', `the index puts the first chunk at byte ${info.chunkPosition} but it is at byte ${first.offset}`);
    }
    const span = (next?.chunkPosition ?? indexPos) - info.chunkPosition;
    // A chunk too large to read is left unchecked; its decompressed size is checked by the budget when it is read.
    if (span > MAX_IN_MEMORY) return undefined;
    if (first.compression !== 'none' && !(first.compression in decompress)) {
      throw new ProbeError('unsupported', `chunks are compressed with '${first.compression}', which this probe cannot read`);
    }
    // The library reads from the chunk to the next one (or to the end of the file): bound it to the chunk's span.
    const reader = new Bag(
      { read: async (offset, length) => this.input.read(offset, Math.min(length, span)), size: () => this.input.size },
      { decompress, parse: false },
    );
    const expected = info.connections.reduce((a, c) => a + c.count, 0);
    let messages;
    try {
      messages = await reader.reader.readChunkMessages(
        info,
        [...bag.connections.keys()],
        { sec: 0, nsec: 0 },
        { sec: 0xffffffff, nsec: 999_999_999 },
        decompress,
      );
    } catch (error) {
      if (error instanceof ProbeError) throw error;
      throw new ProbeError(
        'corrupt',
        `the first chunk (byte ${info.chunkPosition}) cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (messages.length !== expected) {
      throw new ProbeError('corrupt', `the index says the first chunk holds ${plural(expected, 'message')} but it holds ${messages.length}`);
    }
    const lo = timeMs(info.startTime);
    const hi = timeMs(info.endTime);
    const outside = messages.filter((m) => timeMs(m.time) < lo || timeMs(m.time) > hi).length;
    if (outside > 0) throw new ProbeError('corrupt', `${plural(outside, 'message')} of the first chunk lie outside the time range its index gives`);
    return messages.length;
  }
}

export const rosbagProbe: FormatProbe = {
  id: 'rosbag1',
  /** `#ROSBAG V` (format 2.0 is read; older formats are refused with a message). */
  sniff(head: Buffer): boolean {
    return head.subarray(0, 9).toString('latin1') === '#ROSBAG V';
  },
  open(input: ProbeInput): ProbeSession {
    return new RosbagSession(input);
  },
};

/**
 * NavSatFix / LocationFix messages of the bag, chunk by chunk in time order (only chunks holding those connections are
 * read; each is decompressed within the file's budget), into the topic's footprint builder.
 */
async function positions(bag: Bag): Promise<FootprintOutcome> {
  const tracks = new NavFixTracks('ROS bag');
  const decoders = new Map<number, { type: string; decode: NavFixDecoder }>();
  for (const c of bag.connections.values()) {
    const decode = navFixDecoder(c.type ?? '', 'ros1');
    if (decode) decoders.set(c.conn, { type: c.type ?? '', decode });
  }
  if (decoders.size === 0) return tracks.finish();
  const topics = [...new Set([...decoders.keys()].map((conn) => bag.connections.get(conn)?.topic ?? ''))];
  try {
    for await (const event of bag.messageIterator({ topics })) {
      const found = decoders.get(event.connectionId);
      if (found) tracks.add(event.topic, found.type, found.decode, event.data, timeMs(event.timestamp));
    }
  } catch (error) {
    if (error instanceof ProbeError) throw error;
    throw new ProbeError('corrupt', `the bag's position messages cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return tracks.finish();
}

/** ROS 2 SQLite bags have their own probe; exported here too, where the registry has always taken it from. */
export { ros2SqliteProbe } from './rosbag2-sqlite.probe.js';

import { McapStreamReader, type DecompressHandlers, type TypedMcapRecord } from '@mcap/core';

import { DecompressionBudget, MAX_DECOMPRESSED_BLOCK_BYTES } from './decompression.js';
import { mcapDecompressHandlers } from './lz4-frame.js';
import { applyTrackFootprint } from './footprint-result.js';
import { navFixDecoder, NavFixTracks, type NavFixDecoder } from './navsat.js';
import { compareRosbag2Metadata, parseRosbag2Metadata, type Rosbag2Metadata } from './rosbag2-metadata.js';
import { ProbeError, type FormatProbe, type ProbeInput, type ProbeResult, type ProbeSession } from './probe.types.js';
import { CappedCounter, GuardedSession, isoFromNs, plural } from './telemetry-text.util.js';

/**
 * MCAP in one pass over the pushed chunks with @mcap/core's streaming reader, which sees every record: header,
 * schemas, channels, messages (inside chunks, decompressed with @mcap/support's zstd / lz4 / bz2), attachments,
 * metadata and the summary. A thin framer in front of the reader reads each record's opcode and length first, so a
 * hostile length is refused before anything is buffered, and attachments (possibly gigabytes) are counted and skipped.
 * Channels may have no messages; rosbag2 (libmcap) writes those (`/rosout`, `/events/write_split`) only in the summary
 * section and leaves them out of the Statistics record's channel count, which is valid. A Statistics record that counts
 * otherwise than the records is a warning: the records are what the file holds.
 */

const MAGIC = Buffer.from([0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a]);
/** Largest record held in memory (compressed chunks included); a chunk's decompressed size is bounded by its budget. */
const MAX_RECORD = MAX_DECOMPRESSED_BLOCK_BYTES;
/** Bytes queued while the WASM decompressors load (they load at import, in milliseconds): a guard, not a budget. */
const MAX_QUEUED = 512 * 1024 * 1024;
const MAX_CHANNELS_LISTED = 1000;
/** Largest rosbag2 metadata document parsed (a few KiB per topic). */
const MAX_ROSBAG2_METADATA = 4 * 1024 * 1024;

const OP_FOOTER = 0x02;
const OP_ATTACHMENT = 0x09;

const OPCODE_NAMES: Record<number, string> = {
  0x01: 'Header',
  0x02: 'Footer',
  0x03: 'Schema',
  0x04: 'Channel',
  0x05: 'Message',
  0x06: 'Chunk',
  0x07: 'MessageIndex',
  0x08: 'ChunkIndex',
  0x09: 'Attachment',
  0x0a: 'AttachmentIndex',
  0x0b: 'Statistics',
  0x0c: 'Metadata',
  0x0d: 'MetadataIndex',
  0x0e: 'SummaryOffset',
  0x0f: 'DataEnd',
};

const mib = (n: number | bigint) => `${(Number(n) / 1024 / 1024).toFixed(1)} MiB`;

/** Decompressors, loading from import time so that they are ready before the first file arrives. */
let handlers: DecompressHandlers | undefined;
let handlersError: unknown;
const handlersReady: Promise<void> = mcapDecompressHandlers().then(
  (loaded) => {
    handlers = loaded;
  },
  (error: unknown) => {
    handlersError = error;
  },
);

/** An error's message, or the value itself when something else was thrown. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : JSON.stringify(error);
}

/** The loaded decompressors, each checked against the file's budget before it allocates anything. */
function budgeted(loaded: DecompressHandlers, budget: DecompressionBudget): DecompressHandlers {
  const guarded: DecompressHandlers = {};
  for (const [name, decompress] of Object.entries(loaded)) {
    const check = budget.guard(`${name} chunk`, (buffer, size) => decompress(buffer, BigInt(size)));
    guarded[name] = (buffer, size) => check(buffer, size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size));
  }
  return guarded;
}

interface ChannelFacts {
  topic: string;
  messageEncoding: string;
  schemaId: number;
  messageCount: bigint;
  /** False for a channel whose Channel record appears only in the summary section (after DataEnd). */
  inDataSection: boolean;
  /** The position decoder of its schema and encoding (NavSatFix, LocationFix); null when it carries none. */
  decoder?: NavFixDecoder | null;
}

class McapSession extends GuardedSession {
  private reader: McapStreamReader | undefined;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  /** Framer state: bytes of the magic still to pass, the record header being read, the body bytes left. */
  private magicLeft = MAGIC.length;
  private readonly recordHeader = Buffer.alloc(9);
  private headerFill = 0;
  private bodyLeft = 0;
  private skipping = false;
  private afterFooter = false;
  private offset = 0;
  private recordStart = 0;
  private forwardedAfterDone = 0;

  private profile: string | undefined;
  private library: string | undefined;
  private readonly schemas = new Map<number, { name: string; encoding: string }>();
  private readonly channels = new Map<number, ChannelFacts>();
  private messages = 0n;
  private startNs: bigint | undefined;
  private endNs: bigint | undefined;
  private chunks = 0;
  private readonly compression = new CappedCounter(16);
  private attachments = 0;
  private attachmentBytes = 0;
  private metadataRecords = 0;
  private readonly metadataNames = new Set<string>();
  private unknownRecords = 0;
  private statistics: Extract<TypedMcapRecord, { type: 'Statistics' }> | undefined;
  private dataEnd = false;
  private summary = false;
  private readonly tracks = new NavFixTracks('MCAP');
  private rosbag2: Rosbag2Metadata | undefined;

  private readonly budget: DecompressionBudget;

  constructor(private readonly input: ProbeInput) {
    super();
    this.budget = new DecompressionBudget(input.size);
  }

  protected consume(chunk: Buffer): void {
    if (!handlers) {
      if (handlersError !== undefined) throw new ProbeError('unsupported', `the MCAP decompressors could not be loaded: ${describe(handlersError)}`);
      this.queue.push(chunk);
      this.queued += chunk.length;
      if (this.queued > MAX_QUEUED) throw new ProbeError('unsupported', 'the MCAP decompressors did not load in time');
      return;
    }
    this.flushQueue();
    this.frame(chunk);
  }

  private flushQueue(): void {
    for (let chunk = this.queue.shift(); chunk; chunk = this.queue.shift()) this.frame(chunk);
    this.queued = 0;
  }

  private getReader(): McapStreamReader {
    if (!handlers) throw new ProbeError('unsupported', 'the MCAP decompressors are not loaded');
    this.reader ??= new McapStreamReader({ includeChunks: true, decompressHandlers: budgeted(handlers, this.budget), validateCrcs: true });
    return this.reader;
  }

  /**
   * Hands the reader every byte except attachment records, checking each record's length first. Bytes go over in
   * runs; a record header cut by a chunk boundary is held back until it is complete, so that an attachment's header
   * never reaches the reader.
   */
  private frame(chunk: Buffer): void {
    let pos = 0;
    let runStart = 0;
    let holdFrom = chunk.length;
    const flush = (end: number) => {
      if (end > runStart) this.append(chunk.subarray(runStart, end));
      runStart = end;
    };
    while (pos < chunk.length) {
      if (this.afterFooter || this.magicLeft > 0) {
        // The opening magic, and after the footer the closing one: the reader checks both, and what follows.
        const n = this.afterFooter ? chunk.length - pos : Math.min(this.magicLeft, chunk.length - pos);
        if (!this.afterFooter) this.magicLeft -= n;
        pos += n;
        continue;
      }
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - pos);
        if (this.skipping) flush(pos);
        pos += n;
        if (this.skipping) runStart = pos;
        this.bodyLeft -= n;
        if (this.bodyLeft === 0) this.endOfRecord();
        continue;
      }
      const startedHere = this.headerFill === 0;
      const headerAt = pos;
      if (startedHere) this.recordStart = this.offset + pos;
      const n = Math.min(9 - this.headerFill, chunk.length - pos);
      chunk.copy(this.recordHeader, this.headerFill, pos, pos + n);
      this.headerFill += n;
      pos += n;
      if (this.headerFill < 9) {
        holdFrom = startedHere ? headerAt : runStart;
        break;
      }
      this.headerFill = 0;
      this.startRecord(
        startedHere,
        () => {
          flush(headerAt);
        },
        () => (runStart = pos),
      );
    }
    flush(Math.min(pos, holdFrom));
    this.offset += chunk.length;
  }

  /** A record header is complete: checks its length and decides whether the reader sees the record. */
  private startRecord(startedHere: boolean, flushBeforeHeader: () => void, restartRunHere: () => void): void {
    const opcode = this.recordHeader[0];
    const length = this.recordHeader.readBigUInt64LE(1);
    const name = OPCODE_NAMES[opcode] ?? `unknown (opcode 0x${opcode.toString(16)})`;
    if (length > BigInt(this.input.size)) {
      throw new ProbeError(
        'corrupt',
        `the ${name} record at byte ${this.recordStart} claims ${length} bytes, more than the whole file (${this.input.size})`,
      );
    }
    this.bodyLeft = Number(length);
    this.skipping = opcode === OP_ATTACHMENT;
    if (this.skipping) {
      // Counted, never buffered: attachments may be as large as the file.
      if (startedHere) flushBeforeHeader();
      restartRunHere();
      this.attachments += 1;
      this.attachmentBytes += this.bodyLeft;
    } else {
      if (this.bodyLeft > MAX_RECORD) {
        throw new ProbeError(
          'unsupported',
          `the ${name} record at byte ${this.recordStart} is ${mib(this.bodyLeft)}, more than the ${mib(MAX_RECORD)} this probe holds`,
        );
      }
      if (!startedHere) {
        // The header's first bytes were held back in the previous chunk: hand over the whole header now.
        this.append(Buffer.from(this.recordHeader));
        restartRunHere();
      }
    }
    this.footerNext = opcode === OP_FOOTER;
    if (this.bodyLeft === 0) this.endOfRecord();
  }

  private footerNext = false;

  private endOfRecord(): void {
    // The closing magic follows the footer.
    if (this.footerNext) this.afterFooter = true;
    this.footerNext = false;
  }

  private append(bytes: Buffer): void {
    const reader = this.getReader();
    if (reader.done()) {
      this.forwardedAfterDone += bytes.length;
      return;
    }
    reader.append(bytes);
    this.drain(reader);
  }

  private drain(reader: McapStreamReader): void {
    for (let record = reader.nextRecord(); record; record = reader.nextRecord()) this.record(record);
  }

  private record(record: TypedMcapRecord): void {
    switch (record.type) {
      case 'Header':
        this.profile = record.profile;
        this.library = record.library;
        break;
      case 'Schema':
        if (!this.schemas.has(record.id)) this.schemas.set(record.id, { name: record.name, encoding: record.encoding });
        break;
      case 'Channel':
        if (!this.channels.has(record.id)) {
          this.channels.set(record.id, {
            topic: record.topic,
            messageEncoding: record.messageEncoding,
            schemaId: record.schemaId,
            messageCount: 0n,
            inDataSection: !this.dataEnd,
          });
        }
        break;
      case 'Message': {
        this.messages += 1n;
        const channel = this.channels.get(record.channelId);
        if (channel) {
          channel.messageCount += 1n;
          this.position(channel, record.data, record.logTime);
        }
        if (this.startNs === undefined || record.logTime < this.startNs) this.startNs = record.logTime;
        if (this.endNs === undefined || record.logTime > this.endNs) this.endNs = record.logTime;
        break;
      }
      case 'Chunk':
        this.chunks += 1;
        this.compression.add(record.compression === '' ? 'none' : record.compression);
        break;
      case 'Metadata': {
        this.metadataRecords += 1;
        if (this.metadataNames.size < 100) this.metadataNames.add(record.name.slice(0, 256));
        // rosbag2 writes its bag metadata here (at open, and again at close): the last one is its final word.
        const serialized = record.name === 'rosbag2' ? record.metadata.get('serialized_metadata') : undefined;
        if (serialized !== undefined && serialized.length <= MAX_ROSBAG2_METADATA) this.rosbag2 = parseRosbag2Metadata(serialized) ?? this.rosbag2;
        break;
      }
      case 'Statistics':
        this.statistics = record;
        break;
      case 'DataEnd':
        this.dataEnd = true;
        break;
      case 'ChunkIndex':
      case 'AttachmentIndex':
      case 'MetadataIndex':
      case 'SummaryOffset':
        this.summary = true;
        break;
      case 'Unknown':
        this.unknownRecords += 1;
        break;
      default:
        break;
    }
  }

  /** A message on a NavSatFix / LocationFix channel feeds that topic's track. */
  private position(channel: ChannelFacts, data: Uint8Array, logTime: bigint): void {
    const schemaName = this.schemas.get(channel.schemaId)?.name ?? '';
    channel.decoder ??= navFixDecoder(schemaName, channel.messageEncoding) ?? null;
    if (channel.decoder) this.tracks.add(channel.topic, schemaName, channel.decoder, data, Number(logTime / 1_000_000n));
  }

  protected async complete(): Promise<ProbeResult> {
    await handlersReady;
    if (!handlers) throw new ProbeError('unsupported', `the MCAP decompressors could not be loaded: ${describe(handlersError)}`);
    this.flushQueue();
    const reader = this.getReader();
    if (this.forwardedAfterDone > 0) throw new ProbeError('corrupt', `${plural(this.forwardedAfterDone, 'byte')} follow the closing magic`);
    if (!reader.done()) {
      const where = this.dataEnd ? 'inside its summary section' : 'before the end of its data section';
      throw new ProbeError(
        'truncated',
        `the MCAP file ends ${where} (no footer and closing magic): ${plural(this.messages, 'message')} on ${plural(this.channels.size, 'channel')} were readable`,
      );
    }
    const warnings = this.checkStatistics();
    const channels = [...this.channels.entries()].sort(([a], [b]) => a - b);
    const messageless = channels.filter(([, c]) => c.messageCount === 0n);
    const result: ProbeResult = {
      format: 'mcap',
      modality: 'telemetry',
      counts: { messages: Number(this.messages) },
      timeRange: this.startNs !== undefined && this.endNs !== undefined ? { start: isoFromNs(this.startNs), end: isoFromNs(this.endNs) } : undefined,
      durationSeconds: this.startNs !== undefined && this.endNs !== undefined ? Number(this.endNs - this.startNs) / 1e9 : undefined,
      warnings,
      metadata: {
        profile: this.profile,
        library: this.library,
        messageCount: Number(this.messages),
        startTimeNs: this.startNs?.toString(),
        endTimeNs: this.endNs?.toString(),
        channelCount: this.channels.size,
        messagelessChannelCount: messageless.length,
        messagelessChannels: messageless.slice(0, MAX_CHANNELS_LISTED).map(([, c]) => c.topic),
        summaryOnlyChannelCount: channels.filter(([, c]) => !c.inDataSection).length,
        schemaCount: this.schemas.size,
        channels: channels.slice(0, MAX_CHANNELS_LISTED).map(([id, c]) => ({
          id,
          topic: c.topic,
          messageEncoding: c.messageEncoding,
          schemaName: this.schemas.get(c.schemaId)?.name ?? null,
          schemaEncoding: this.schemas.get(c.schemaId)?.encoding ?? null,
          messageCount: Number(c.messageCount),
        })),
        chunkCount: this.chunks,
        compression: this.compression.keys(),
        attachmentCount: this.attachments,
        attachmentBytes: this.attachmentBytes,
        metadataCount: this.metadataRecords,
        metadataNames: [...this.metadataNames],
        unknownRecords: this.unknownRecords,
        indexed: this.summary,
        hasStatistics: this.statistics !== undefined,
      },
    };
    if (this.rosbag2) {
      const stored = this.rosbag2;
      result.metadata.rosbag2 = {
        version: stored.version,
        storageIdentifier: stored.storageIdentifier,
        messageCount: Number(stored.messageCount),
        startTimeNs: stored.startNs.toString(),
        durationNs: stored.durationNs.toString(),
        topics: stored.topics.slice(0, MAX_CHANNELS_LISTED).map((t) => ({ topic: t.name, type: t.type, messageCount: Number(t.messageCount) })),
      };
      const byTopic = new Map<string, bigint>();
      for (const c of this.channels.values()) byTopic.set(c.topic, (byTopic.get(c.topic) ?? 0n) + c.messageCount);
      const held = { messageCount: this.messages, first: this.startNs, last: this.endNs, held: (topic: string) => byTopic.get(topic) ?? 0n };
      result.warnings.push(...compareRosbag2Metadata('rosbag2 metadata record', stored, held));
    }
    applyTrackFootprint(result, this.tracks.finish());
    return result;
  }

  /** The summary's Statistics record is a claim about the file: where it counts otherwise than the records, a warning. */
  private checkStatistics(): string[] {
    const s = this.statistics;
    const warnings: string[] = [];
    if (!s) return warnings;
    const check = (what: string, claimed: bigint | number, found: bigint | number) => {
      if (BigInt(claimed) !== BigInt(found)) warnings.push(`the summary's Statistics record claims ${claimed} ${what} but the file holds ${found}`);
    };
    check('messages', s.messageCount, this.messages);
    check('chunks', s.chunkCount, this.chunks);
    check('attachments', s.attachmentCount, this.attachments);
    check('metadata records', s.metadataCount, this.metadataRecords);
    // Counting every channel, or (as libmcap does for rosbag2) only those in the data section, are both right.
    const inData = [...this.channels.values()].filter((c) => c.inDataSection).length;
    if (s.channelCount !== inData) check('channels', s.channelCount, this.channels.size);
    for (const [id, claimed] of s.channelMessageCounts) {
      check(`messages on channel ${id}`, claimed, this.channels.get(id)?.messageCount ?? 0n);
    }
    if (this.messages > 0n && (s.messageStartTime !== this.startNs || s.messageEndTime !== this.endNs)) {
      warnings.push(
        `the summary's Statistics record claims messages from ${s.messageStartTime} to ${s.messageEndTime} ns but the file's run from ${this.startNs} to ${this.endNs} ns`,
      );
    }
    return warnings;
  }
}

export const mcapProbe: FormatProbe = {
  id: 'mcap',
  /** The 8-byte magic `\x89MCAP0\r\n`. */
  sniff(head: Buffer): boolean {
    return head.length >= MAGIC.length && head.subarray(0, MAGIC.length).equals(MAGIC);
  },
  open(input: ProbeInput): ProbeSession {
    return new McapSession(input);
  },
};

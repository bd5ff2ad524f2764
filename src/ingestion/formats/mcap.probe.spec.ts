import { zstdCompressSync } from 'node:zlib';
import { McapWriter, TempBuffer } from '@mcap/core';
// Test-only compressors: @mcap/support (a dependency) brings wasm-zstd; lz4js writes LZ4 frames as MCAP's lz4 wants
// (its frames checked by hand with the lz4 1.9.4 CLI: lz4 -d gives the input back).
// The probe itself only decompresses.
import zstd from '@foxglove/wasm-zstd';
import { compress as lz4Compress } from 'lz4js';

import { driveProbe, expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { navSatFixCdr } from '../../../test/support/navsat-fixtures.js';
import { describeSample } from '../../../test/support/samples.js';
import { mcapProbe } from './mcap.probe.js';

const T0 = BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n;
const MS = 1_000_000n;
const text = (s: string) => new TextEncoder().encode(s);

interface Built {
  bytes: Buffer;
  chunkCount: number;
}

/**
 * 50 /imu messages every 20 ms from 2026-01-01T00:00:00Z, 10 /gps/fix messages, an /idle channel without messages,
 * a 3000-byte attachment and 2 metadata records; small chunks so that there are several.
 */
async function buildMcap(
  options: {
    zstd?: boolean;
    lz4?: boolean;
    compress?: (data: Uint8Array) => Uint8Array;
    chunked?: boolean;
    lie?: (writer: McapWriter) => void;
    extra?: (writer: McapWriter, channelId: number) => Promise<void>;
  } = {},
): Promise<Built> {
  const buffer = new TempBuffer();
  const compression = options.lz4 ? 'lz4' : 'zstd';
  const compress =
    options.compress ??
    (options.lz4 ? (data: Uint8Array) => lz4Compress(data) : options.zstd ? (data: Uint8Array) => zstd.compress(data) : undefined);
  const writer = new McapWriter({
    writable: buffer,
    useChunks: options.chunked ?? true,
    chunkSize: 1024,
    compressChunk: compress ? (data) => ({ compression, compressedData: compress(data) }) : undefined,
  });
  await writer.start({ profile: 'x-probe-tests', library: 'probe-tests 1.0' });
  const fix = await writer.registerSchema({ name: 'foxglove.LocationFix', encoding: 'jsonschema', data: text('{"type":"object"}') });
  const gps = await writer.registerChannel({ topic: '/gps/fix', messageEncoding: 'json', schemaId: fix, metadata: new Map() });
  const imu = await writer.registerChannel({ topic: '/imu', messageEncoding: 'json', schemaId: 0, metadata: new Map([['frame', 'base_link']]) });
  await writer.registerChannel({ topic: '/idle', messageEncoding: 'json', schemaId: fix, metadata: new Map() });
  await writer.addAttachment({ name: 'calib.yaml', logTime: T0, createTime: T0, mediaType: 'application/yaml', data: new Uint8Array(3000).fill(65) });
  for (let i = 0; i < 50; i += 1) {
    const t = T0 + BigInt(i) * 20n * MS;
    await writer.addMessage({
      channelId: imu,
      sequence: i,
      logTime: t,
      publishTime: t,
      data: text(JSON.stringify({ i, ax: i / 10, ay: -i / 10, az: 9.81 })),
    });
    if (i % 5 === 0) {
      await writer.addMessage({
        channelId: gps,
        sequence: i / 5,
        logTime: t + MS,
        publishTime: t + MS,
        // foxglove LocationFix in JSON: 10 fixes walking north at 5.5 m/s.
        data: text(
          JSON.stringify({
            timestamp: { sec: Number((t + MS) / 1_000_000_000n), nsec: Number((t + MS) % 1_000_000_000n) },
            latitude: 46 + i / 1e6,
            longitude: 14,
            altitude: 300,
          }),
        ),
      });
    }
  }
  await options.extra?.(writer, imu);
  await writer.addMetadata({ name: 'device', metadata: new Map([['serial', 'X1']]) });
  await writer.addMetadata({ name: 'license', metadata: new Map([['spdx', 'CC-BY-4.0']]) });
  options.lie?.(writer);
  await writer.end();
  return { bytes: Buffer.from(buffer.get()), chunkCount: writer.statistics?.chunkCount ?? 0 };
}

const expectedChannels = [
  { id: 0, topic: '/gps/fix', messageEncoding: 'json', schemaName: 'foxglove.LocationFix', schemaEncoding: 'jsonschema', messageCount: 10 },
  { id: 1, topic: '/imu', messageEncoding: 'json', schemaName: null, schemaEncoding: null, messageCount: 50 },
  { id: 2, topic: '/idle', messageEncoding: 'json', schemaName: 'foxglove.LocationFix', schemaEncoding: 'jsonschema', messageCount: 0 },
];

/** Byte offset of the first record with this opcode, walking the records after the magic. */
function recordOffset(bytes: Buffer, opcode: number): number {
  let pos = 8;
  while (pos < bytes.length - 8) {
    if (bytes[pos] === opcode) return pos;
    pos += 9 + Number(bytes.readBigUInt64LE(pos + 1));
  }
  throw new Error(`no record with opcode ${opcode}`);
}

beforeAll(async () => {
  await zstd.isLoaded;
});

describe('mcapProbe', () => {
  describe('sniff', () => {
    it('claims the 8-byte magic and nothing shorter or different', () => {
      expect(mcapProbe.sniff(Buffer.from('\x89MCAP0\r\n', 'latin1'))).toBe(true);
      expect(mcapProbe.sniff(Buffer.from('\x89MCAP0\r', 'latin1'))).toBe(false);
      expect(mcapProbe.sniff(Buffer.from('\x89MCAP1\r\n', 'latin1'))).toBe(false);
      expect(mcapProbe.sniff(Buffer.from('#ROSBAG V2.0\n'))).toBe(false);
      expect(mcapProbe.sniff(Buffer.from('timestamp,lat,lon\n'))).toBe(false);
      expect(mcapProbe.sniff(Buffer.alloc(0))).toBe(false);
    });
  });

  describe('good files', () => {
    it.each([
      ['none', 7],
      ['none', 1 << 20],
      ['zstd', 7],
      ['zstd', 333],
      ['zstd', 1 << 20],
      ['lz4', 7],
      ['lz4', 1 << 20],
    ] as const)('describes a file with chunks compressed with %s, pushed in %i-byte chunks', async (compression, chunkSize) => {
      const { bytes, chunkCount } = await buildMcap({ zstd: compression === 'zstd', lz4: compression === 'lz4' });
      const result = await runProbe(mcapProbe, bytes, { chunkSize });
      expect(chunkCount).toBeGreaterThan(2);
      expect(result).toEqual({
        format: 'mcap',
        counts: { messages: 60 },
        modality: 'telemetry',
        timeRange: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:00.980Z' },
        durationSeconds: 0.98,
        warnings: [],
        metadata: {
          profile: 'x-probe-tests',
          library: 'probe-tests 1.0',
          messageCount: 60,
          startTimeNs: T0.toString(),
          endTimeNs: (T0 + 980n * MS).toString(),
          channelCount: 3,
          // @mcap/core writes a channel without messages only in the summary section, and counts it in Statistics.
          messagelessChannelCount: 1,
          messagelessChannels: ['/idle'],
          summaryOnlyChannelCount: 1,
          schemaCount: 1,
          channels: expectedChannels,
          chunkCount,
          compression: [compression],
          attachmentCount: 1,
          attachmentBytes: expect.any(Number) as unknown,
          metadataCount: 2,
          metadataNames: ['device', 'license'],
          unknownRecords: 0,
          indexed: true,
          hasStatistics: true,
        },
        footprint: expect.objectContaining({
          kind: 'track',
          source: 'MCAP foxglove.LocationFix on /gps/fix',
          positions: 10,
          start: '2026-01-01T00:00:00.001Z',
          end: '2026-01-01T00:00:00.901Z',
          bbox: [14, 46, 14, 46.000045],
        }) as unknown,
        bbox: [14, 46, 14, 46.000045],
      });
      // The attachment's 3000 bytes were skipped, not handed to the reader.
      expect(result.metadata.attachmentBytes).toBeGreaterThan(3000);
    });

    it('describes an unchunked file (messages at top level), attachment headers split by 1-byte pushes', async () => {
      const { bytes } = await buildMcap({ chunked: false });
      const result = await runProbe(mcapProbe, bytes, { chunkSize: 1 });
      expect(result.metadata).toMatchObject({ messageCount: 60, chunkCount: 0, compression: [], attachmentCount: 1, channels: expectedChannels });
    });
  });

  describe('truncated files', () => {
    it('reports a file cut in its data section as truncated, with the messages that were readable', async () => {
      const { bytes } = await buildMcap({ zstd: true });
      // Cut 5 bytes before the first metadata record: inside the chunk written just before it.
      const cut = bytes.subarray(0, recordOffset(bytes, 0x0c) - 5);
      const error = await expectProbeFailure(mcapProbe, cut, 'truncated', /ends before the end of its data section/, { chunkSize: 7 });
      const readable = Number(/: (\d+) messages? on \d channels? were readable/.exec(error.message)?.[1]);
      expect(readable).toBeGreaterThan(0);
      expect(readable).toBeLessThan(60);
    });

    it('reports a file cut in its summary as truncated, with every message readable', async () => {
      const { bytes } = await buildMcap();
      await expectProbeFailure(
        mcapProbe,
        bytes.subarray(0, bytes.length - 20),
        'truncated',
        /ends inside its summary section \(no footer and closing magic\): 60 messages on 3 channels were readable/,
      );
    });

    it('reports a file without its closing magic as truncated', async () => {
      const { bytes } = await buildMcap();
      await expectProbeFailure(mcapProbe, bytes.subarray(0, bytes.length - 8), 'truncated', /no footer and closing magic/);
    });
  });

  describe('corrupt and lying files', () => {
    it('accepts a summary whose statistics count otherwise than the records, with warnings and the counts of the records', async () => {
      const { bytes } = await buildMcap({
        lie: (writer) => {
          if (!writer.statistics) return;
          writer.statistics.messageCount += 5n;
          writer.statistics.channelCount = 5;
        },
      });
      const result = await runProbe(mcapProbe, bytes);
      expect(result.counts).toEqual({ messages: 60 });
      expect(result.metadata).toMatchObject({ messageCount: 60, channelCount: 3 });
      expect(result.warnings).toEqual([
        "the summary's Statistics record claims 65 messages but the file holds 60",
        "the summary's Statistics record claims 5 channels but the file holds 3",
      ]);
    });

    it('accepts, without a warning, rosbag2-style statistics that count only the channels in the data section', async () => {
      // libmcap (rosbag2) leaves summary-only channels (no messages) out of Statistics.channelCount: here 2 of 3.
      const { bytes } = await buildMcap({
        lie: (writer) => {
          if (writer.statistics) writer.statistics.channelCount = 2;
        },
      });
      const result = await runProbe(mcapProbe, bytes, { chunkSize: 97 });
      expect(result.warnings).toEqual([]);
      expect(result.metadata).toMatchObject({
        channelCount: 3,
        messagelessChannelCount: 1,
        messagelessChannels: ['/idle'],
        summaryOnlyChannelCount: 1,
        channels: expectedChannels,
      });
    });

    it('rejects a damaged chunk through its CRC', async () => {
      const { bytes } = await buildMcap();
      const damaged = Buffer.from(bytes);
      const chunk = recordOffset(damaged, 0x06);
      damaged[chunk + 200] ^= 0xff;
      await expectProbeFailure(mcapProbe, damaged, 'corrupt', /Incorrect chunk CRC/, { chunkSize: 64 });
    });

    it('rejects a wrong closing magic and bytes after it', async () => {
      const { bytes } = await buildMcap();
      const wrongEnd = Buffer.concat([bytes.subarray(0, bytes.length - 8), Buffer.from('\x89MCAP9\r\n', 'latin1')]);
      await expectProbeFailure(mcapProbe, wrongEnd, 'corrupt', /Expected MCAP magic/);
      await expectProbeFailure(
        mcapProbe,
        Buffer.concat([bytes, Buffer.from('trailing')]),
        'corrupt',
        /8 bytes (remaining after MCAP footer|follow the closing magic)/,
        { chunkSize: 1 << 20 },
      );
      await expectProbeFailure(
        mcapProbe,
        Buffer.concat([bytes, Buffer.from('trailing')]),
        'corrupt',
        /8 bytes (remaining after MCAP footer|follow the closing magic)/,
        { chunkSize: bytes.length },
      );
    });

    it('refuses an absurd record length before buffering anything', async () => {
      const { bytes } = await buildMcap();
      const hostile = Buffer.from(bytes);
      const header = recordOffset(hostile, 0x01);
      hostile.writeBigUInt64LE(1n << 60n, header + 1);
      const run = await driveProbe(mcapProbe, hostile, { chunkSize: 7 });
      expect(run.error).toMatchObject({
        reason: 'corrupt',
        message: expect.stringMatching(/Header record at byte 8 claims 1152921504606846976 bytes, more than the whole file/) as unknown,
      });
    });

    it('refuses a record too large to hold, and a chunk claiming an absurd decompressed size', async () => {
      const { bytes } = await buildMcap({ zstd: true });
      const big = Buffer.from(bytes);
      const chunk = recordOffset(big, 0x06);
      big.writeBigUInt64LE(300n * 1024n * 1024n, chunk + 1);
      // sizeOverride: a 1 GiB file, so that the 300 MiB record fits in it but not in memory.
      await expectProbeFailure(mcapProbe, big, 'unsupported', /Chunk record at byte \d+ is 300.0 MiB, more than the 64.0 MiB/, {
        sizeOverride: 1 << 30,
      });
      const bomb = Buffer.from(bytes);
      // Chunk body: message_start_time, message_end_time, then uncompressed_size.
      bomb.writeBigUInt64LE(1n << 40n, chunk + 9 + 16);
      await expectProbeFailure(
        mcapProbe,
        bomb,
        'decompression_bomb',
        /a zstd chunk claims 1048576.0 MiB once decompressed, more than the 64.0 MiB a block may hold/,
      );
    });

    it('rejects a zstd chunk that declares and really expands to 48 MiB from a few KiB as a decompression bomb', async () => {
      const bomb = await buildMcap({
        compress: (data) => zstdCompressSync(data),
        extra: async (writer, channelId) => {
          await writer.addMessage({ channelId, sequence: 99, logTime: T0, publishTime: T0, data: new Uint8Array(48 * 1024 * 1024) });
        },
      });
      expect(bomb.bytes.length).toBeLessThan(64 * 1024);
      await expectProbeFailure(
        mcapProbe,
        bomb.bytes,
        'decompression_bomb',
        /a zstd chunk of \d+ bytes claims 48\.\d MiB once decompressed: \d+ times its size/,
      );
    });

    it('reads a chunk that legitimately expands a few hundred times (a constant 2 MiB message)', async () => {
      const { bytes } = await buildMcap({
        compress: (data) => zstdCompressSync(data),
        extra: async (writer, channelId) => {
          const data = Buffer.alloc(2 * 1024 * 1024);
          for (let i = 0; i < data.length; i += 4096) data.write(`row ${i} `, i);
          await writer.addMessage({ channelId, sequence: 99, logTime: T0, publishTime: T0, data });
        },
      });
      const result = await runProbe(mcapProbe, bytes);
      expect(result.metadata.messageCount).toBe(61);
    });

    it('rejects garbage after a good magic', async () => {
      const garbage = Buffer.concat([Buffer.from('\x89MCAP0\r\n', 'latin1'), Buffer.from('this is not an mcap record stream at all, just text')]);
      const error = await expectProbeFailure(mcapProbe, garbage, 'corrupt');
      expect(error.message).toMatch(/claims \d+ bytes, more than the whole file/);
    });
  });

  describe('positions', () => {
    async function navSatMcap(fixes: Array<[number, number, number]>, extra?: (writer: McapWriter) => Promise<void>): Promise<Buffer> {
      const buffer = new TempBuffer();
      const writer = new McapWriter({ writable: buffer, chunkSize: 512 });
      await writer.start({ profile: 'ros2', library: 'probe-tests' });
      const schema = await writer.registerSchema({ name: 'sensor_msgs/msg/NavSatFix', encoding: 'ros2msg', data: text('# NavSatFix') });
      const channel = await writer.registerChannel({ topic: '/gnss/fix', messageEncoding: 'cdr', schemaId: schema, metadata: new Map() });
      for (const [i, [status, lat, lon]] of fixes.entries()) {
        const t = T0 + BigInt(i) * 1000n * MS;
        await writer.addMessage({ channelId: channel, sequence: i, logTime: t, publishTime: t, data: navSatFixCdr(t, status, lat, lon) });
      }
      await extra?.(writer);
      await writer.end();
      return Buffer.from(buffer.get());
    }

    it('draws sensor_msgs/NavSatFix (CDR) as a track, with the status as fix type', async () => {
      // One no-fix epoch, then 1 Hz fixes: unaugmented, SBAS, and GBAS (RTK, counted as float).
      const bytes = await navSatMcap([
        [-1, 0, 0],
        [0, 46.05, 14.5],
        [0, 46.0501, 14.5001],
        [1, 46.0502, 14.5002],
        [2, 46.0503, 14.5003],
      ]);
      const result = await runProbe(mcapProbe, bytes, { chunkSize: 100 });
      expect(result.footprint).toMatchObject({
        kind: 'track',
        source: 'MCAP sensor_msgs/msg/NavSatFix on /gnss/fix',
        positions: 4,
        start: '2026-01-01T00:00:01.000Z',
        end: '2026-01-01T00:00:04.000Z',
        bbox: [14.5, 46.05, 14.5003, 46.0503],
      });
      expect(result.gnssQuality).toEqual({
        epochs: 5,
        rtkFixed: 0,
        rtkFloat: 0.2,
        dgps: 0.2,
        fix3d: 0.4,
        fix2d: 0,
        noFix: 0.2,
        medianHdop: null,
        medianSatellites: null,
      });
      expect(result.warnings).toEqual([]);
    });

    it('reads foxglove LocationFix in protobuf (field numbers of foxglove/schemas LocationFix.proto)', async () => {
      /** A protobuf message: tag bytes then values, as protoc would write them. */
      const double = (field: number, value: number) => {
        const b = Buffer.alloc(9);
        b[0] = (field << 3) | 1;
        b.writeDoubleLE(value, 1);
        return b;
      };
      // timestamp = 6 { seconds = 1: 1767225600 (2026-01-01T00:00:00Z), nanos = 2: 0 }, as varints.
      const seconds = [0x80, 0xf2, 0xd6, 0xca, 0x06];
      const timestamp = Buffer.from([(6 << 3) | 2, 1 + seconds.length, 1 << 3, ...seconds]);
      const message = Buffer.concat([timestamp, double(1, 48.1), double(2, 11.5), double(3, 520)]);
      const buffer = new TempBuffer();
      const writer = new McapWriter({ writable: buffer });
      await writer.start({ profile: '', library: 'probe-tests' });
      const schema = await writer.registerSchema({ name: 'foxglove.LocationFix', encoding: 'protobuf', data: new Uint8Array(0) });
      const channel = await writer.registerChannel({ topic: '/location', messageEncoding: 'protobuf', schemaId: schema, metadata: new Map() });
      await writer.addMessage({ channelId: channel, sequence: 0, logTime: T0 + 5n * MS, publishTime: T0, data: message });
      await writer.end();
      const result = await runProbe(mcapProbe, Buffer.from(buffer.get()));
      expect(result.footprint).toMatchObject({ kind: 'point', start: '2026-01-01T00:00:00.000Z', bbox: [11.5, 48.1, 11.5, 48.1] });
    });

    it('says why there is no footprint, and warns about undecodable position messages', async () => {
      // A NavSatFix channel without messages.
      const none = await runProbe(mcapProbe, await navSatMcap([]));
      expect(none).toMatchObject({ footprint: null, footprintReason: 'the log has no sensor_msgs/NavSatFix or foxglove LocationFix messages' });
      const broken = await navSatMcap([[0, 46.05, 14.5]], async (writer) => {
        await writer.addMessage({ channelId: 0, sequence: 9, logTime: T0 + 5000n * MS, publishTime: T0, data: new Uint8Array([0, 1, 0, 0, 7]) });
      });
      const result = await runProbe(mcapProbe, broken);
      expect(result.footprint).toMatchObject({ kind: 'point', positions: 1 });
      expect(result.warnings).toEqual(['1 of 2 position messages on /gnss/fix could not be decoded']);
    });
  });

  describeSample('talker.mcap', (path) => {
    it('describes the rosbag2 talker recording (figures checked against its Statistics record, parsed in Python)', async () => {
      const result = await runProbe(mcapProbe, path, { chunkSize: 1000 });
      expect(result).toMatchObject({
        timeRange: { start: '2020-04-02T22:23:55.112Z', end: '2020-04-02T22:23:59.643Z' },
        metadata: {
          profile: 'ros2',
          library: 'mcap go #(devel)',
          messageCount: 20,
          startTimeNs: '1585866235112411371',
          endTimeNs: '1585866239643508139',
          channelCount: 3,
          messagelessChannelCount: 1,
          messagelessChannels: ['/parameter_events'],
          schemaCount: 3,
          chunkCount: 1,
          compression: ['zstd'],
          attachmentCount: 0,
          metadataCount: 0,
          channels: [
            { id: 1, topic: '/rosout', messageEncoding: 'cdr', schemaName: 'rcl_interfaces/msg/Log', schemaEncoding: 'ros2msg', messageCount: 10 },
            {
              id: 2,
              topic: '/parameter_events',
              messageEncoding: 'cdr',
              schemaName: 'rcl_interfaces/msg/ParameterEvent',
              schemaEncoding: 'ros2msg',
              messageCount: 0,
            },
            { id: 3, topic: '/topic', messageEncoding: 'cdr', schemaName: 'std_msgs/msg/String', schemaEncoding: 'ros2msg', messageCount: 10 },
          ],
        },
      });
      expect(result.durationSeconds).toBeCloseTo(4.531096768, 9);
    });
  });

  describeSample('rosbag2_only_topics.mcap', (path) => {
    // Figures from SOURCES.txt: python mcap 1.4.0 raw record walk, @mcap/core 2.2.2 indexed reader agrees. Its
    // Statistics record says 1 channel and 1 schema; /rosout and /events/write_split exist only in the summary.
    it('accepts the rosbag2 bag whose summary-only channels the Statistics record leaves out, listing them as message-less', async () => {
      const result = await runProbe(mcapProbe, path, { chunkSize: 4096 });
      expect(result.warnings).toEqual([]);
      expect(result.counts).toEqual({ messages: 7 });
      expect(result.timeRange).toEqual({ start: '2023-10-17T05:47:00.031Z', end: '2023-10-17T05:47:00.038Z' });
      expect(result.metadata).toMatchObject({
        profile: 'ros2',
        library: 'libmcap 1.1.0',
        messageCount: 7,
        startTimeNs: '1697521620031724098',
        endTimeNs: '1697521620038262023',
        channelCount: 3,
        messagelessChannelCount: 2,
        summaryOnlyChannelCount: 2,
        schemaCount: 3,
        chunkCount: 1,
        compression: ['none'],
        attachmentCount: 0,
        metadataCount: 2,
        metadataNames: ['rosbag2'],
      });
      const channels = result.metadata.channels as { topic: string; schemaName: string; messageCount: number }[];
      expect(channels.map(({ topic, schemaName, messageCount }) => [topic, schemaName, messageCount])).toEqual(
        expect.arrayContaining([
          ['/parameter_events', 'rcl_interfaces/msg/ParameterEvent', 7],
          ['/rosout', 'rcl_interfaces/msg/Log', 0],
          ['/events/write_split', 'rosbag2_interfaces/msg/WriteSplitEvent', 0],
        ]),
      );
      expect(channels).toHaveLength(3);
      expect([...(result.metadata.messagelessChannels as string[])].sort()).toEqual(['/events/write_split', '/rosout']);
    });
  });
});

import { readFileSync } from 'node:fs';
import { assertSurvivesMutations, driveProbe, expectProbeFailure, probeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { buildBag as writeBag, type BagLies } from '../../../test/support/ros1-bag.js';
import { describeSample } from '../../../test/support/samples.js';
import type { ProbeResult } from './probe.types.js';
import { rosbagProbe } from './rosbag.probe.js';
import { parse } from '@foxglove/rosmsg';
import { MessageWriter } from '@foxglove/rosmsg-serialization';

/** 2026-01-01T00:00:00Z */
const BASE_SEC = Date.UTC(2026, 0, 1) / 1000;

const CONNECTIONS = [
  { conn: 0, topic: '/gps/fix', type: 'sensor_msgs/NavSatFix', md5sum: '2d3a8cd499b9b4a0249fb98fd05cfa48' },
  { conn: 1, topic: '/imu', type: 'sensor_msgs/Imu', md5sum: '6a62c6daae103f4ff57a132d6f95cec2' },
];

/** Messages by chunk: [connection, time in ms after BASE]. Chunk 1: 0-450 ms, chunk 2: 500-900 ms. */
const CHUNKS: Array<Array<[number, number]>> = [
  [
    [1, 0],
    [0, 50],
    [1, 100],
    [1, 200],
    [0, 250],
    [1, 300],
    [1, 400],
    [0, 450],
  ],
  [
    [1, 500],
    [1, 600],
    [0, 650],
    [1, 700],
    [1, 800],
    [0, 850],
    [1, 900],
  ],
];

/** sensor_msgs/NavSatFix as ROS 1 serializes it, from its full definition (what rosbag stores as message_definition). */
const NAVSATFIX_DEFINITION = `Header header
NavSatStatus status
float64 latitude
float64 longitude
float64 altitude
float64[9] position_covariance
uint8 position_covariance_type
================================================================================
MSG: std_msgs/Header
uint32 seq
time stamp
string frame_id
================================================================================
MSG: sensor_msgs/NavSatStatus
int8 status
uint16 service
`;
const navSatFixWriter = new MessageWriter(parse(NAVSATFIX_DEFINITION));

/** The /gps/fix message at `ms`: a fix 1 m further north each 200 ms, written with @foxglove/rosmsg-serialization. */
function navSatFix(ms: number): Buffer {
  const stamp = { sec: BASE_SEC + Math.floor(ms / 1000), nsec: (ms % 1000) * 1_000_000 };
  const message = {
    header: { seq: ms, stamp, frame_id: 'gps' },
    status: { status: ms < 100 ? -1 : 0, service: 1 },
    latitude: 46.05 + ms / 2e7,
    longitude: 14.5,
    altitude: 300,
    position_covariance: new Array<number>(9).fill(0),
    position_covariance_type: 0,
  };
  return Buffer.from(navSatFixWriter.writeMessage(message));
}

/** The test bag: /gps/fix NavSatFix messages and /imu messages (JSON stand-ins) in two chunks. */
const buildBag = (lies: BagLies = {}): Buffer =>
  writeBag({
    baseSec: BASE_SEC,
    connections: CONNECTIONS,
    chunks: CHUNKS,
    body: (conn, ms) => (conn === 0 ? navSatFix(ms) : Buffer.from(JSON.stringify({ conn, ms }))),
    lies,
  });

describe('rosbagProbe', () => {
  describe('sniff', () => {
    it('claims #ROSBAG V and nothing else', () => {
      expect(rosbagProbe.sniff(buildBag())).toBe(true);
      expect(rosbagProbe.sniff(Buffer.from('#ROSBAG V1.2\n'))).toBe(true);
      expect(rosbagProbe.sniff(Buffer.from('#ROSBAG'))).toBe(false);
      expect(rosbagProbe.sniff(Buffer.from('\x89MCAP0\r\n', 'latin1'))).toBe(false);
      expect(rosbagProbe.sniff(Buffer.from('#,ROSBAG V2.0\n1,2\n'))).toBe(false);
    });
  });

  describe('a good bag', () => {
    it.each([7, 4096, 1 << 20])('reads header, chunks and index with %i-byte chunks', async (chunkSize) => {
      const bag = buildBag();
      const run = await driveProbe(rosbagProbe, bag, { chunkSize });
      expect(run.error).toBeUndefined();
      expect(run.result).toEqual({
        format: 'rosbag1',
        warnings: [],
        counts: { messages: 15 },
        modality: 'telemetry',
        timeRange: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:00.900Z' },
        durationSeconds: 0.9,
        metadata: {
          version: '2.0',
          messageCount: 15,
          chunkCount: 2,
          connectionCount: 2,
          compression: ['none'],
          uncompressedBytes: expect.any(Number) as unknown,
          startTime: { sec: BASE_SEC, nsec: 0 },
          endTime: { sec: BASE_SEC, nsec: 900_000_000 },
          connections: [
            { id: 0, topic: '/gps/fix', type: 'sensor_msgs/NavSatFix', md5sum: '2d3a8cd499b9b4a0249fb98fd05cfa48', messageCount: 5 },
            { id: 1, topic: '/imu', type: 'sensor_msgs/Imu', md5sum: '6a62c6daae103f4ff57a132d6f95cec2', messageCount: 10 },
          ],
          messagesVerifiedInFirstChunk: 8,
          topLevelMessages: 0,
        },
        // /gps/fix: a no-fix epoch at 50 ms, then four fixes 1 m apart.
        footprint: expect.objectContaining({
          kind: 'track',
          source: 'ROS bag sensor_msgs/NavSatFix on /gps/fix',
          positions: 4,
          start: '2026-01-01T00:00:00.250Z',
          end: '2026-01-01T00:00:00.850Z',
        }) as unknown,
        bbox: [14.5, expect.closeTo(46.0500125, 9) as unknown, 14.5, expect.closeTo(46.0500425, 9) as unknown],
        gnssQuality: expect.objectContaining({ epochs: 5, fix3d: 0.8, noFix: 0.2 }) as unknown,
      });
      // By range: the header, the index section, the first chunk to verify it and the chunks holding /gps/fix.
      expect(run.reads.reduce((a, r) => a + r.returned, 0)).toBeLessThan(2 * bag.length);
    });
  });

  describe('hostile bags', () => {
    it('survives random edits and cuts of a bag with NavSatFix messages (no checksums in ROS bags) with a result or a ProbeError', async () => {
      await assertSurvivesMutations(rosbagProbe, buildBag(), { headerBytes: 8192, runs: 150 });
    });
  });

  describe('truncated bags', () => {
    it('reports a bag cut before its index as truncated, checking the index position first', async () => {
      const bag = buildBag();
      const cut = bag.subarray(0, 13 + 4096 + 300);
      await expectProbeFailure(
        rosbagProbe,
        cut,
        'truncated',
        /says its index starts at byte \d+ but the file has 4409 bytes; 0 complete chunks came before the cut/,
        { chunkSize: 7 },
      );
    });

    it('reports a bag that was never closed (index position 0) as truncated', async () => {
      await expectProbeFailure(rosbagProbe, buildBag({ indexPos: () => 0 }), 'truncated', /not closed properly \(rosbag reindex/);
    });

    it('reports a bag cut inside its index as truncated', async () => {
      const bag = buildBag();
      await expectProbeFailure(rosbagProbe, bag.subarray(0, bag.length - 10), 'truncated', /ends inside the record that starts at byte \d+/);
    });
  });

  describe('lying and corrupt bags', () => {
    it('rejects a header whose chunk count lies', async () => {
      await expectProbeFailure(rosbagProbe, buildBag({ chunkCount: 3 }), 'corrupt', /bag header says 3 chunks but the file holds 2/);
    });

    it('rejects an index whose message counts do not match the chunk', async () => {
      await expectProbeFailure(
        rosbagProbe,
        buildBag({ extraInfoCount: 4 }),
        'corrupt',
        /the index says the first chunk holds 12 messages but it holds 8/,
      );
    });

    it('rejects an index position that does not point at a record', async () => {
      await expectProbeFailure(
        rosbagProbe,
        buildBag({ indexPos: (real) => real + 3 }),
        'corrupt',
        /index position \(byte \d+\) does not point at a record/,
      );
    });

    it('rejects an absurd record header length and garbage after the magic', async () => {
      const bag = buildBag();
      const hostile = Buffer.from(bag);
      hostile.writeUInt32LE(0xfffffff0, 13 + 4096);
      await expectProbeFailure(rosbagProbe, hostile, 'corrupt', /record at byte 4109 claims a 4294967280-byte header/);
      const garbage = Buffer.concat([Buffer.from('#ROSBAG V2.0\n'), Buffer.from('\x10\x00\x00\x00not=fields at all and more bytes', 'latin1')]);
      await expectProbeFailure(rosbagProbe, garbage, 'corrupt', /record header at byte 13|has no 'op' field/);
    });

    it('refuses other bag versions with a plain message', async () => {
      await expectProbeFailure(
        rosbagProbe,
        Buffer.from('#ROSBAG V1.2\n' + 'x'.repeat(100)),
        'unsupported',
        /only ROS bag format 2.0 is read; this file starts with '#ROSBAG V1/,
      );
    });
  });

  describeSample('example-lz4.bag', (path) => {
    it('describes the lz4 turtlesim bag (figures checked by a Python walk of its uncompressed index)', async () => {
      const run = await driveProbe(rosbagProbe, path, { chunkSize: 4096 });
      expect(run.error).toBeUndefined();
      const result = run.result as ProbeResult;
      expect(result.timeRange).toEqual({ start: '2014-03-31T19:24:47.844Z', end: '2014-03-31T19:25:09.544Z' });
      expect(result.durationSeconds).toBeCloseTo(21.700086256, 6);
      // turtlesim has poses, not GNSS fixes (python3-rosbag: no sensor_msgs/NavSatFix connection).
      expect(result).toMatchObject({ footprint: null, footprintReason: 'the log has no sensor_msgs/NavSatFix or foxglove LocationFix messages' });
      expect(result.metadata).toMatchObject({
        messageCount: 8647,
        chunkCount: 1,
        connectionCount: 9,
        compression: ['lz4'],
        uncompressedBytes: 743449,
        // The one lz4 chunk was decompressed and its 8647 messages found at the offsets its index gives.
        messagesVerifiedInFirstChunk: 8647,
      });
      expect((result.metadata.connections as Array<{ topic: string; messageCount: number }>).map((c) => [c.topic, c.messageCount])).toEqual([
        ['/rosout', 10],
        ['/turtle1/color_sensor', 1351],
        ['/tf_static', 1],
        ['/turtle2/color_sensor', 1344],
        ['/turtle1/pose', 1344],
        ['/turtle2/pose', 1344],
        ['/tf', 2688],
        ['/turtle2/cmd_vel', 208],
        ['/turtle1/cmd_vel', 357],
      ]);
      expect(result.metadata.connections).toContainEqual({
        id: 4,
        topic: '/turtle1/pose',
        type: 'turtlesim/Pose',
        md5sum: '863b248d5016ca62ea2e895ae5265cf9',
        messageCount: 1344,
      });
    });
  });
  describeSample('example-bz2.bag', (path) => {
    /** The sample with its one chunk's declared uncompressed size (the chunk header's `size` field) set to `size`. */
    const withChunkSize = (size: number) => {
      const bytes = readFileSync(path);
      const at = bytes.lastIndexOf('size=', bytes.indexOf('compression=bz2')) + 'size='.length;
      bytes.writeUInt32LE(size, at);
      return bytes;
    };

    it('decompresses its bz2 chunk within the budget (743449 bytes from 135692)', async () => {
      const result = await runProbe(rosbagProbe, path);
      expect(result.metadata).toMatchObject({ messageCount: 8647, compression: ['bz2'], messagesVerifiedInFirstChunk: 8647 });
    });

    it('rejects the chunk as a decompression bomb when it claims 100 MiB, before decompressing anything', async () => {
      await expectProbeFailure(
        rosbagProbe,
        withChunkSize(100 * 1024 * 1024),
        'decompression_bomb',
        /a bz2 chunk claims 100\.0 MiB once decompressed, more than the 64\.0 MiB a block may hold/,
      );
    });

    it('rejects a chunk whose bytes do not decompress to the size it declares', async () => {
      const error = await probeFailure(rosbagProbe, withChunkSize(743449 + 1000));
      expect(error.reason).toBe('corrupt');
    });
  });
});

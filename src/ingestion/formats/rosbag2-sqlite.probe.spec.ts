import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { assertSurvivesMutations, driveProbe, expectProbeFailure, runProbe } from '../../../test/support/probe-harness.js';
import { navSatFixCdr } from '../../../test/support/navsat-fixtures.js';
import { describeSample } from '../../../test/support/samples.js';
import { parseRosbag2Metadata, rosbag2MetadataProbe } from './rosbag2-metadata.js';
import { ros2SqliteProbe } from './rosbag2-sqlite.probe.js';
import { rosbagProbe } from './rosbag.probe.js';
import { processScratchDir } from '../scratch.js';

/** rosbag2's schema 4 tables, as rosbag2_storage_sqlite3 creates them (copied from the sample's sqlite_master). */
const SCHEMA = [
  'CREATE TABLE schema(schema_version INTEGER PRIMARY KEY,ros_distro TEXT NOT NULL)',
  'CREATE TABLE metadata(id INTEGER PRIMARY KEY,metadata_version INTEGER NOT NULL,metadata TEXT NOT NULL)',
  'CREATE TABLE topics(id INTEGER PRIMARY KEY,name TEXT NOT NULL,type TEXT NOT NULL,serialization_format TEXT NOT NULL,offered_qos_profiles TEXT NOT NULL,type_description_hash TEXT NOT NULL)',
  'CREATE TABLE messages(id INTEGER PRIMARY KEY,topic_id INTEGER NOT NULL,timestamp INTEGER NOT NULL, data BLOB NOT NULL)',
  'CREATE INDEX timestamp_idx ON messages (timestamp ASC)',
];

const T0 = 1_700_000_000_123_456_789n;

/** A bag written with SQLite itself: /fix 5 messages and /imu 20, 10 ms apart from T0; `metadata` rows as given. */
function buildDb3(options: { wal?: boolean; metadataRows?: string[]; orphan?: boolean } = {}): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'db3-spec-'));
  try {
    const path = join(dir, 'bag_0.db3');
    const db = new DatabaseSync(path);
    if (options.wal) db.exec('PRAGMA journal_mode=WAL');
    for (const sql of SCHEMA) db.exec(sql);
    db.exec("INSERT INTO schema VALUES (4, 'jazzy')");
    const topic = db.prepare("INSERT INTO topics VALUES (?, ?, ?, 'cdr', '', '')");
    topic.run(1, '/fix', 'sensor_msgs/msg/NavSatFix');
    topic.run(2, '/imu', 'sensor_msgs/msg/Imu');
    const message = db.prepare('INSERT INTO messages (topic_id, timestamp, data) VALUES (?, ?, ?)');
    for (let i = 0; i < 25; i++) {
      const t = T0 + BigInt(i) * 10_000_000n;
      message.run(i % 5 === 0 ? 1 : 2, t, i % 5 === 0 ? navSatFixCdr(t, 0, 52.52 + i / 5e4, 13.405, 34) : Buffer.alloc(40, i));
    }
    if (options.orphan) message.run(9, T0, Buffer.alloc(4));
    for (const [i, row] of (options.metadataRows ?? []).entries()) db.prepare('INSERT INTO metadata VALUES (?, 9, ?)').run(i + 1, row);
    db.close();
    return readFileSync(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const metadataYaml = (count: number, start: bigint, duration: bigint, fixCount: number) =>
  [
    'version: 9',
    'storage_identifier: sqlite3',
    'duration:',
    `  nanoseconds: ${duration}`,
    'starting_time:',
    `  nanoseconds_since_epoch: ${start}`,
    `message_count: ${count}`,
    'topics_with_message_count:',
    '  - topic_metadata:',
    '      name: /fix',
    '      type: sensor_msgs/msg/NavSatFix',
    '      serialization_format: cdr',
    '      offered_qos_profiles: "- history: 3\\n  depth: 0"',
    `    message_count: ${fixCount}`,
    'relative_file_paths:',
    '  - bag_0.db3',
  ].join('\n');

const probeDirs = () =>
  existsSync(processScratchDir()) ? readdirSync(processScratchDir()).filter((name) => name.startsWith('rosbag2-probe-')).length : 0;

describe('ros2SqliteProbe', () => {
  const db3 = buildDb3({ metadataRows: [metadataYaml(25, T0, 240_000_000n, 5)] });

  it('recognises a rosbag2 database but not any SQLite file', () => {
    expect(ros2SqliteProbe.sniff(db3)).toBe(true);
    expect(ros2SqliteProbe.sniff(Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.from('CREATE TABLE gpkg_contents(')]))).toBe(
      false,
    );
    expect(rosbagProbe.sniff(db3)).toBe(false);
  });

  it('gives topics, counts and the time range from the tables, through a temporary file it removes afterwards', async () => {
    const before = probeDirs();
    for (const chunkSize of [7, 4096, 1 << 20]) {
      const result = await runProbe(ros2SqliteProbe, db3, { chunkSize });
      expect(result).toEqual({
        format: 'rosbag2-db3',
        modality: 'telemetry',
        counts: { messages: 25 },
        timeRange: { start: '2023-11-14T22:13:20.123Z', end: '2023-11-14T22:13:20.363Z' },
        durationSeconds: 0.24,
        warnings: [],
        metadata: {
          storage: 'sqlite3',
          schemaVersion: 4,
          rosDistro: 'jazzy',
          messageCount: 25,
          startTimeNs: T0.toString(),
          endTimeNs: (T0 + 240_000_000n).toString(),
          topicCount: 2,
          topics: [
            {
              id: 1,
              topic: '/fix',
              type: 'sensor_msgs/msg/NavSatFix',
              serializationFormat: 'cdr',
              messageCount: 5,
              startTimeNs: T0.toString(),
              endTimeNs: (T0 + 200_000_000n).toString(),
            },
            {
              id: 2,
              topic: '/imu',
              type: 'sensor_msgs/msg/Imu',
              serializationFormat: 'cdr',
              messageCount: 20,
              startTimeNs: (T0 + 10_000_000n).toString(),
              endTimeNs: (T0 + 240_000_000n).toString(),
            },
          ],
          messageDefinitionCount: 0,
          metadataTableVersion: 9,
        },
        footprint: expect.objectContaining({
          kind: 'track',
          source: 'rosbag2 sensor_msgs/msg/NavSatFix on /fix',
          positions: 5,
          start: '2023-11-14T22:13:20.123Z',
          end: '2023-11-14T22:13:20.323Z',
          bbox: [13.405, 52.52, 13.405, 52.5204],
        }) as unknown,
        bbox: [13.405, 52.52, 13.405, 52.5204],
        gnssQuality: expect.objectContaining({ epochs: 5, fix3d: 1 }) as unknown,
      });
    }
    expect(probeDirs()).toBe(before);
  });

  it('reads a WAL-mode bag without its -wal file, and copies by range when nothing is pushed', async () => {
    const wal = buildDb3({ wal: true });
    expect([wal[18], wal[19]]).toEqual([2, 2]);
    expect((await runProbe(ros2SqliteProbe, wal)).counts).toEqual({ messages: 25 });
    const session = ros2SqliteProbe.open({
      size: db3.length,
      head: db3,
      read: (offset, length) => Promise.resolve(db3.subarray(offset, offset + length)),
    });
    expect((await session.finish()).counts).toEqual({ messages: 25 });
  });

  it('warns where the newest metadata row disagrees with the messages, and about messages of undefined topics', async () => {
    const stale = metadataYaml(0, 9223372036854775807n, 0n, 0);
    const wrong = metadataYaml(30, T0, 240_000_000n, 7);
    const result = await runProbe(ros2SqliteProbe, buildDb3({ metadataRows: [metadataYaml(25, T0, 240_000_000n, 5), stale, wrong], orphan: true }));
    expect(result.counts).toEqual({ messages: 26 });
    expect(result.warnings).toEqual([
      '1 message name topic ids the topics table does not define (9)',
      "the bag's metadata table says 30 messages but the bag holds 26",
      "the bag's metadata table counts 7 messages on /fix but the bag holds 5",
    ]);
  });

  it('rejects a cut file as truncated and a damaged one as corrupt', async () => {
    await expectProbeFailure(
      ros2SqliteProbe,
      db3.subarray(0, 4096),
      'truncated',
      /the SQLite header says \d+ pages of 4096 bytes .* but the file has 4096: truncated/,
    );
    const damaged = Buffer.from(db3);
    damaged.fill(0xa5, 4096, 8192);
    const run = await driveProbe(ros2SqliteProbe, damaged);
    expect(run.error).toMatchObject({ reason: 'corrupt' });
  });

  describe('metadata.yaml', () => {
    it('recognises rosbag2 metadata and no other YAML', () => {
      expect(rosbag2MetadataProbe.sniff(Buffer.from('# bag\n---\nrosbag2_bagfile_information:\n  version: 5\n'))).toBe(true);
      expect(rosbag2MetadataProbe.sniff(Buffer.from('image_width: 640\nrosbag2_bagfile_information:\n'))).toBe(false);
      expect(rosbag2MetadataProbe.sniff(db3)).toBe(false);
    });

    it('warns when the topics count otherwise than the total, and refuses a document without the required facts', async () => {
      const yaml = `rosbag2_bagfile_information:\n${metadataYaml(25, T0, 240_000_000n, 4)
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}\n`;
      const result = await runProbe(rosbag2MetadataProbe, Buffer.from(yaml));
      expect(result.counts).toEqual({ messages: 25 });
      expect(result.warnings).toEqual(['the metadata counts 25 messages in all but 4 over its topics']);
      await expectProbeFailure(rosbag2MetadataProbe, Buffer.from('rosbag2_bagfile_information:\n  version: 5\n'), 'corrupt', /lacks its version/);
    });

    it('survives random edits and cuts with a result or a ProbeError', async () => {
      const yaml = Buffer.from(`rosbag2_bagfile_information:\n${metadataYaml(25, T0, 240_000_000n, 5).replace(/^/gm, '  ')}\n`);
      await assertSurvivesMutations(rosbag2MetadataProbe, yaml, { headerBytes: yaml.length, runs: 150 });
    });
  });

  describeSample('rosbag2_cdr_test_0.db3', (path) => {
    it('describes the rosbag2 cdr_test bag as SOURCES.txt gives it (sqlite3 CLI 3.40.1)', async () => {
      const result = await runProbe(ros2SqliteProbe, path, { chunkSize: 1000 });
      expect(result).toMatchObject({
        format: 'rosbag2-db3',
        counts: { messages: 7 },
        timeRange: { start: '2020-04-09T04:27:36.763Z', end: '2020-04-09T04:27:36.914Z' },
        // Its first metadata row is stale (0 messages); the newest, written at close, agrees with the messages.
        warnings: [],
        footprint: null,
        footprintReason: 'the log has no sensor_msgs/NavSatFix or foxglove LocationFix messages',
        metadata: {
          schemaVersion: 4,
          rosDistro: 'rolling',
          startTimeNs: '1586406456763032325',
          endTimeNs: '1586406456914169506',
          messageDefinitionCount: 2,
          metadataTableVersion: 7,
          topics: [
            { topic: '/test_topic', type: 'test_msgs/msg/BasicTypes', serializationFormat: 'cdr', messageCount: 3 },
            { topic: '/array_topic', type: 'test_msgs/msg/Arrays', serializationFormat: 'cdr', messageCount: 4 },
          ],
        },
      });
    });
  });

  describeSample('rosbag2_cdr_test_metadata.yaml', (path) => {
    it('parses the sidecar metadata.yaml exactly, nanoseconds past 2^53 included (python3-yaml figures)', () => {
      expect(parseRosbag2Metadata(readFileSync(path, 'utf8'))).toEqual({
        version: 7,
        storageIdentifier: 'sqlite3',
        messageCount: 7n,
        startNs: 1586406456763032325n,
        durationNs: 151137181n,
        topics: [
          { name: '/array_topic', type: 'test_msgs/msg/Arrays', serializationFormat: 'cdr', messageCount: 4n },
          { name: '/test_topic', type: 'test_msgs/msg/BasicTypes', serializationFormat: 'cdr', messageCount: 3n },
        ],
        files: ['cdr_test_0.db3'],
        compressionFormat: '',
      });
    });

    it('describes the bag from its metadata.yaml alone, as SOURCES.txt gives it (python3-yaml)', async () => {
      const bytes = readFileSync(path);
      expect(rosbag2MetadataProbe.sniff(bytes)).toBe(true);
      const result = await runProbe(rosbag2MetadataProbe, bytes, { chunkSize: 100 });
      expect(result).toEqual({
        format: 'rosbag2-metadata',
        modality: 'telemetry',
        counts: { messages: 7 },
        timeRange: { start: '2020-04-09T04:27:36.763Z', end: '2020-04-09T04:27:36.914Z' },
        durationSeconds: 0.151137181,
        warnings: [],
        metadata: {
          version: 7,
          storageIdentifier: 'sqlite3',
          compressionFormat: null,
          messageCount: 7,
          startTimeNs: '1586406456763032325',
          durationNs: '151137181',
          files: ['cdr_test_0.db3'],
          topics: [
            { topic: '/array_topic', type: 'test_msgs/msg/Arrays', serializationFormat: 'cdr', messageCount: 4 },
            { topic: '/test_topic', type: 'test_msgs/msg/BasicTypes', serializationFormat: 'cdr', messageCount: 3 },
          ],
        },
      });
    });
  });
});

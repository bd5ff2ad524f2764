import { CdrReader } from '@foxglove/cdr';
import { McapStreamReader, type DecompressHandlers } from '@mcap/core';
import { Bag } from '@foxglove/rosbag';
import { mcapDecompressHandlers } from '../formats/lz4-frame.js';
import { navFixDecoder } from '../formats/navsat.js';
import { bagDecompressors } from '../formats/rosbag.probe.js';
import type { GeneratedPreview } from './generated-preview.js';
import { MAX_SERIES_POINTS, MAX_TRACK_POINTS, type RoboticsPreview, type Series, type TopicRow, type TrackPoint, thin } from './preview.types.js';

/** Frames of CompressedImage topics saved, at most, per log. */
const MAX_FRAMES = 4;
/** Messages decoded for plots per topic, at most (evenly thinned to MAX_SERIES_POINTS afterwards). */
const MAX_DECODED_PER_TOPIC = 20_000;

interface ListedTopic {
  topic?: unknown;
  name?: unknown;
  type?: unknown;
  schemaName?: unknown;
  messageCount?: unknown;
}

/** The topics the probe listed (MCAP channels, ROS 1 connections, rosbag2 topics), with their rate over the log. */
export function topicsOf(metadata: Record<string, unknown>, durationSeconds: number | null): TopicRow[] {
  const listed = (metadata.channels ?? metadata.connections ?? metadata.topics ?? (metadata.rosbag2 as { topics?: unknown } | undefined)?.topics) as
    ListedTopic[] | undefined;
  if (!Array.isArray(listed)) return [];
  const byTopic = new Map<string, TopicRow>();
  for (const entry of listed) {
    const topic = typeof entry.topic === 'string' ? entry.topic : typeof entry.name === 'string' ? entry.name : null;
    if (topic === null) continue;
    const type = typeof entry.type === 'string' ? entry.type : typeof entry.schemaName === 'string' ? entry.schemaName : null;
    const count = typeof entry.messageCount === 'number' ? entry.messageCount : 0;
    // A ROS 1 bag lists a connection per publisher: one row per topic, their counts added.
    const row = byTopic.get(topic) ?? { topic, type, messageCount: 0, frequencyHz: null };
    row.messageCount += count;
    byTopic.set(topic, row);
  }
  return [...byTopic.values()].map((row) => ({
    ...row,
    frequencyHz: durationSeconds && durationSeconds > 0 && row.messageCount > 1 ? Number((row.messageCount / durationSeconds).toFixed(3)) : null,
  }));
}

const IMU = new Set(['sensor_msgs/msg/Imu', 'sensor_msgs/Imu']);
const COMPRESSED_IMAGE = new Set(['sensor_msgs/msg/CompressedImage', 'sensor_msgs/CompressedImage']);
/** The ROS tutorials' robot (ROS 1): float32 x, y, theta, linear and angular velocity, no header. */
const TURTLE_POSE = 'turtlesim/Pose';

/** header (stamp, frame_id) of a ROS 2 CDR message, skipped; answers the stamp in seconds. */
function cdrHeader(reader: CdrReader): number {
  const sec = reader.int32();
  const nsec = reader.uint32();
  reader.string();
  return sec + nsec / 1e9;
}

/** sensor_msgs/msg/Imu in CDR: angular velocity and linear acceleration. */
export function decodeImuCdr(data: Uint8Array): { gyro: number[]; accel: number[] } {
  const reader = new CdrReader(data);
  cdrHeader(reader);
  reader.float64Array(4); // orientation
  reader.float64Array(9);
  const gyro = [...reader.float64Array(3)];
  reader.float64Array(9);
  const accel = [...reader.float64Array(3)];
  return { gyro, accel };
}

/** A ROS 1 std_msgs/Header (uint32 seq, time stamp, string frame_id) at the start of `view`: answers where it ends. */
function ros1HeaderEnd(view: DataView): number {
  return 16 + view.getUint32(12, true);
}

const ros1View = (data: Uint8Array) => new DataView(data.buffer, data.byteOffset, data.byteLength);

/** sensor_msgs/Imu as ROS 1 serializes it (little-endian, packed): angular velocity and linear acceleration. */
export function decodeImuRos1(data: Uint8Array): { gyro: number[]; accel: number[] } {
  const view = ros1View(data);
  // header, orientation (4 float64), its covariance (9), then angular_velocity (3), covariance (9), linear_acceleration (3).
  const at = ros1HeaderEnd(view) + (4 + 9) * 8;
  const read = (from: number) => [0, 1, 2].map((i) => view.getFloat64(from + i * 8, true));
  return { gyro: read(at), accel: read(at + (3 + 9) * 8) };
}

/** sensor_msgs/CompressedImage as ROS 1 serializes it: header, string format, uint8[] data. */
export function decodeCompressedImageRos1(data: Uint8Array): { format: string; bytes: Uint8Array } {
  const view = ros1View(data);
  let at = ros1HeaderEnd(view);
  const formatLength = view.getUint32(at, true);
  const format = Buffer.from(data.buffer, data.byteOffset + at + 4, formatLength).toString('utf8');
  at += 4 + formatLength;
  const length = view.getUint32(at, true);
  if (at + 4 + length > data.byteLength) throw new RangeError('the image data runs past the message');
  return { format, bytes: data.subarray(at + 4, at + 4 + length) };
}

/** sensor_msgs/msg/CompressedImage in CDR: the format ('jpeg', 'png', 'rgb8; jpeg compressed bgr8', ...) and the bytes. */
export function decodeCompressedImageCdr(data: Uint8Array): { format: string; bytes: Uint8Array } {
  const reader = new CdrReader(data);
  cdrHeader(reader);
  const format = reader.string();
  return { format, bytes: reader.uint8Array() };
}

let handlers: Promise<DecompressHandlers> | undefined;

class SeriesSet {
  private readonly series = new Map<string, { unit?: string; t: number[]; v: number[] }>();
  add(name: string, unit: string | undefined, t: number, v: number): void {
    let s = this.series.get(name);
    if (!s) this.series.set(name, (s = { unit, t: [], v: [] }));
    if (s.t.length < MAX_DECODED_PER_TOPIC) {
      s.t.push(t);
      s.v.push(v);
    }
  }
  done(origin: number): Series[] {
    return [...this.series.entries()].map(([name, s]) => {
      const kept = thin(
        s.t.map((t, i) => [t, s.v[i]] as const),
        MAX_SERIES_POINTS,
      );
      return { name, unit: s.unit, t: kept.map((p) => Number((p[0] - origin).toFixed(3))), v: kept.map((p) => p[1]) };
    });
  }
}

/** Decoders by message encoding: ROS 2 CDR (MCAP, rosbag2) and ROS 1 serialization (bags, MCAP 'ros1'). */
const DECODERS = {
  cdr: { imu: decodeImuCdr, image: decodeCompressedImageCdr },
  ros1: { imu: decodeImuRos1, image: decodeCompressedImageRos1 },
} as const;

/** Plots, track and frames of a log's messages, fed one message at a time in log order. */
class MessagePlots {
  private readonly series = new SeriesSet();
  private readonly track: [lon: number, lat: number, t: number][] = [];
  private origin: number | null = null;
  readonly frames: RoboticsPreview['frames'] = [];
  readonly files: GeneratedPreview['files'] = [];

  /** One message; `t` in seconds. A message that does not decode as its type says is left out of the plots. */
  add(topic: string, schema: string, encoding: string, t: number, data: Uint8Array): void {
    this.origin ??= t;
    const decoders = encoding === 'cdr' || encoding === 'ros1' ? DECODERS[encoding] : undefined;
    try {
      const fix = navFixDecoder(schema, encoding)?.(data);
      if (fix) {
        this.series.add(`${topic} altitude`, 'm', t, fix.alt);
        this.series.add(`${topic} latitude`, '°', t, fix.lat);
        this.series.add(`${topic} longitude`, '°', t, fix.lon);
        if (this.track.length < MAX_DECODED_PER_TOPIC) this.track.push([fix.lon, fix.lat, t]);
      } else if (decoders && IMU.has(schema)) {
        const { gyro, accel } = decoders.imu(data);
        ['x', 'y', 'z'].forEach((axis, i) => {
          this.series.add(`${topic} acceleration ${axis}`, 'm/s²', t, accel[i]);
          this.series.add(`${topic} angular velocity ${axis}`, 'rad/s', t, gyro[i]);
        });
      } else if (encoding === 'ros1' && schema === TURTLE_POSE) {
        const view = ros1View(data);
        this.series.add(`${topic} x`, 'm', t, view.getFloat32(0, true));
        this.series.add(`${topic} y`, 'm', t, view.getFloat32(4, true));
        this.series.add(`${topic} heading`, 'rad', t, view.getFloat32(8, true));
      } else if (decoders && COMPRESSED_IMAGE.has(schema) && this.frames.length < MAX_FRAMES && !this.frames.some((f) => f.topic === topic)) {
        const image = decoders.image(data);
        const png = image.format.toLowerCase().includes('png');
        const file = `frame-${this.frames.length + 1}.${png ? 'png' : 'jpg'}`;
        this.frames.push({ file, topic, contentType: png ? 'image/png' : 'image/jpeg' });
        this.files.push({ name: file, contentType: png ? 'image/png' : 'image/jpeg', body: Buffer.from(image.bytes) });
      }
    } catch {
      // Left out; the probe reports the file's health.
    }
  }

  finish(content: RoboticsPreview): void {
    const origin = this.origin ?? 0;
    content.series = this.series.done(origin);
    content.track = this.track.length
      ? thin(this.track, MAX_TRACK_POINTS).map(([lon, lat, t]): TrackPoint => [lon, lat, Number((t - origin).toFixed(3))])
      : null;
    content.frames = this.frames;
  }
}

/** An MCAP file's messages, in file order. */
async function mcapMessages(bytes: Buffer, plots: MessagePlots): Promise<void> {
  const reader = new McapStreamReader({ decompressHandlers: await (handlers ??= mcapDecompressHandlers()), validateCrcs: false });
  reader.append(bytes);
  const schemas = new Map<number, string>();
  const channels = new Map<number, { topic: string; schema: string; encoding: string }>();
  for (let record = reader.nextRecord(); record; record = reader.nextRecord()) {
    if (record.type === 'Schema') schemas.set(record.id, record.name);
    else if (record.type === 'Channel')
      channels.set(record.id, { topic: record.topic, schema: schemas.get(record.schemaId) ?? '', encoding: record.messageEncoding });
    else if (record.type === 'Message') {
      const channel = channels.get(record.channelId);
      if (channel) plots.add(channel.topic, channel.schema, channel.encoding, Number(record.logTime) / 1e9, record.data);
    }
  }
}

const PLOTTED = (type: string) => IMU.has(type) || COMPRESSED_IMAGE.has(type) || type === TURTLE_POSE || navFixDecoder(type, 'ros1') !== undefined;

/** A ROS 1 bag's messages on the plotted topics, in time order (only the chunks holding them are decompressed). */
async function bagMessages(bytes: Buffer, plots: MessagePlots): Promise<void> {
  const bag = new Bag(
    { read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)), size: () => bytes.length },
    { decompress: await bagDecompressors(bytes.length), parse: false },
  );
  await bag.open();
  const types = new Map([...bag.connections.values()].map((c) => [c.conn, c.type ?? '']));
  const topics = [...new Set([...bag.connections.values()].filter((c) => PLOTTED(c.type ?? '')).map((c) => c.topic))];
  if (topics.length === 0) return;
  for await (const event of bag.messageIterator({ topics }))
    plots.add(event.topic, types.get(event.connectionId) ?? '', 'ros1', event.timestamp.sec + event.timestamp.nsec / 1e9, event.data);
}

/**
 * Topics table of a robotics log, and for an MCAP file or a ROS 1 bag plots of NavSatFix positions and Imu readings,
 * the NavSatFix track, and the first frames of CompressedImage topics. A log whose messages cannot be read keeps its
 * topics table and says why it has no plots.
 */
export async function roboticsPreview(
  format: string,
  metadata: Record<string, unknown>,
  durationSeconds: number | null,
  bytes: Buffer | null,
): Promise<GeneratedPreview> {
  const content: RoboticsPreview = {
    kind: 'robotics',
    durationSeconds,
    topics: topicsOf(metadata, durationSeconds),
    series: [],
    track: null,
    frames: [],
  };
  const read = format === 'mcap' ? mcapMessages : format === 'rosbag1' ? bagMessages : null;
  if (!read || bytes === null) return { content, files: [], reason: null };
  const plots = new MessagePlots();
  let reason: string | null = null;
  try {
    await read(bytes, plots);
  } catch (error) {
    reason = `the messages could not all be read for plots: ${error instanceof Error ? error.message : String(error)}`;
  }
  plots.finish(content);
  return { content, files: plots.files, reason };
}

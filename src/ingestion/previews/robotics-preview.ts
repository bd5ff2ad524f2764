import { CdrReader } from '@foxglove/cdr';
import { McapStreamReader, type DecompressHandlers } from '@mcap/core';
import { loadDecompressHandlers } from '@mcap/support';
import { navFixDecoder } from '../formats/navsat.js';
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

/**
 * Topics table of a robotics log, and for an MCAP file (ROS 2 CDR messages) plots of NavSatFix positions and Imu
 * readings, the NavSatFix track, and the first frames of CompressedImage topics.
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
  const files: GeneratedPreview['files'] = [];
  if (format !== 'mcap' || bytes === null) return { content, files, reason: null };
  const reader = new McapStreamReader({ decompressHandlers: await (handlers ??= loadDecompressHandlers()), validateCrcs: false });
  reader.append(bytes);
  const schemas = new Map<number, string>();
  const channels = new Map<number, { topic: string; schema: string; encoding: string }>();
  const series = new SeriesSet();
  const track: [lon: number, lat: number, t: number][] = [];
  let origin: number | null = null;
  for (let record = reader.nextRecord(); record; record = reader.nextRecord()) {
    if (record.type === 'Schema') schemas.set(record.id, record.name);
    else if (record.type === 'Channel')
      channels.set(record.id, { topic: record.topic, schema: schemas.get(record.schemaId) ?? '', encoding: record.messageEncoding });
    else if (record.type === 'Message') {
      const channel = channels.get(record.channelId);
      if (!channel) continue;
      const t = Number(record.logTime) / 1e9;
      origin ??= t;
      try {
        const fix = navFixDecoder(channel.schema, channel.encoding)?.(record.data);
        if (fix) {
          series.add(`${channel.topic} altitude`, 'm', t, fix.alt);
          series.add(`${channel.topic} latitude`, '°', t, fix.lat);
          series.add(`${channel.topic} longitude`, '°', t, fix.lon);
          if (track.length < MAX_DECODED_PER_TOPIC) track.push([fix.lon, fix.lat, t]);
        } else if (IMU.has(channel.schema) && channel.encoding === 'cdr') {
          const { gyro, accel } = decodeImuCdr(record.data);
          ['x', 'y', 'z'].forEach((axis, i) => {
            series.add(`${channel.topic} acceleration ${axis}`, 'm/s²', t, accel[i]);
            series.add(`${channel.topic} angular velocity ${axis}`, 'rad/s', t, gyro[i]);
          });
        } else if (COMPRESSED_IMAGE.has(channel.schema) && channel.encoding === 'cdr' && content.frames.length < MAX_FRAMES) {
          if (content.frames.some((f) => f.topic === channel.topic)) continue;
          const image = decodeCompressedImageCdr(record.data);
          const png = image.format.toLowerCase().includes('png');
          const file = `frame-${content.frames.length + 1}.${png ? 'png' : 'jpg'}`;
          content.frames.push({ file, topic: channel.topic, contentType: png ? 'image/png' : 'image/jpeg' });
          files.push({ name: file, contentType: png ? 'image/png' : 'image/jpeg', body: Buffer.from(image.bytes) });
        }
      } catch {
        // A message that does not decode as its schema says is left out of the plots; the probe reports the file's health.
      }
    }
  }
  content.series = series.done(origin ?? 0);
  content.track = track.length
    ? thin(track, MAX_TRACK_POINTS).map(([lon, lat, t]): TrackPoint => [lon, lat, Number((t - (origin ?? 0)).toFixed(3))])
    : null;
  return { content, files, reason: null };
}

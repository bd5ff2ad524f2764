import { CdrReader } from '@foxglove/cdr';

import { FootprintBuilder, type FixSample, type FixType, type FootprintOutcome } from '../footprints/footprint-builder.js';
import { isSaneTime } from './spatial.util.js';

/**
 * GNSS positions in robotics logs (issue 12): `sensor_msgs/NavSatFix` (ROS 1 and ROS 2) and foxglove `LocationFix`,
 * in the encodings MCAP, ROS 1 bags and rosbag2 carry them (ROS 2 CDR, ROS 1 serialization, JSON, protobuf). Only the
 * leading fields are read: the header / timestamp, the fix status, latitude, longitude, altitude.
 */

export interface NavFix {
  lat: number;
  lon: number;
  alt: number;
  /** The message's own stamp (header.stamp / timestamp) in ms, when it is a plausible time. */
  stampMs?: number;
  fix?: FixType;
}

export type NavFixDecoder = (data: Uint8Array) => NavFix | undefined;

/**
 * NavSatStatus.status: -1 no fix, 0 unaugmented fix, 1 SBAS, 2 GBAS. The message cannot tell 2D from 3D, nor an RTK
 * float from a fixed solution (drivers report both as GBAS): a fix counts as 3D and GBAS as RTK float, the weaker.
 */
function navSatFixType(status: number): FixType | undefined {
  switch (status) {
    case -1:
      return 'none';
    case 0:
      return '3d';
    case 1:
      return 'dgps';
    case 2:
      return 'rtk-float';
    default:
      return undefined;
  }
}

const stamp = (sec: number, nsec: number): number | undefined => {
  const ms = sec * 1000 + Math.floor(nsec / 1e6);
  return isSaneTime(ms) ? ms : undefined;
};

function view(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

/** ROS 2 CDR: header (Time stamp, string frame_id), NavSatStatus (int8 status, uint16 service), float64 lat, lon, alt. */
function navSatFixCdr(data: Uint8Array): NavFix {
  const reader = new CdrReader(data);
  const ms = stamp(reader.int32(), reader.uint32());
  reader.string();
  const fix = navSatFixType(reader.int8());
  reader.uint16();
  return { stampMs: ms, fix, lat: reader.float64(), lon: reader.float64(), alt: reader.float64() };
}

/** ROS 1: header (uint32 seq, time stamp, string frame_id), NavSatStatus (int8, uint16), float64 lat, lon, alt, packed. */
function navSatFixRos1(data: Uint8Array): NavFix {
  const v = view(data);
  const ms = stamp(v.getUint32(4, true), v.getUint32(8, true));
  const at = 12 + 4 + v.getUint32(12, true);
  const fix = navSatFixType(v.getInt8(at));
  return { stampMs: ms, fix, lat: v.getFloat64(at + 3, true), lon: v.getFloat64(at + 11, true), alt: v.getFloat64(at + 19, true) };
}

/** foxglove_msgs LocationFix, ROS 2 CDR: Time timestamp, string frame_id, float64 lat, lon, alt. */
function locationFixCdr(data: Uint8Array): NavFix {
  const reader = new CdrReader(data);
  const ms = stamp(reader.int32(), reader.uint32());
  reader.string();
  return { stampMs: ms, lat: reader.float64(), lon: reader.float64(), alt: reader.float64() };
}

/** foxglove_msgs LocationFix, ROS 1: time timestamp, string frame_id, float64 lat, lon, alt, packed. */
function locationFixRos1(data: Uint8Array): NavFix {
  const v = view(data);
  const ms = stamp(v.getUint32(0, true), v.getUint32(4, true));
  const at = 8 + 4 + v.getUint32(8, true);
  return { stampMs: ms, lat: v.getFloat64(at, true), lon: v.getFloat64(at + 8, true), alt: v.getFloat64(at + 16, true) };
}

/** foxglove LocationFix as JSON ({timestamp: {sec, nsec}, latitude, longitude, altitude}). */
function locationFixJson(data: Uint8Array): NavFix | undefined {
  const value = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as {
    timestamp?: { sec?: number; nsec?: number };
    latitude?: number;
    longitude?: number;
    altitude?: number;
  };
  if (typeof value.latitude !== 'number' || typeof value.longitude !== 'number') return undefined;
  const ts = value.timestamp;
  const ms = typeof ts?.sec === 'number' ? stamp(ts.sec, ts.nsec ?? 0) : undefined;
  return { stampMs: ms, lat: value.latitude, lon: value.longitude, alt: value.altitude ?? NaN };
}

/** Reads a protobuf varint at `at`; returns the value and the next offset. */
function varint(data: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at >= data.length) throw new RangeError('protobuf varint runs past the message');
    const byte = data[at++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
  }
  throw new RangeError('protobuf varint longer than 10 bytes');
}

/** foxglove.LocationFix protobuf: latitude 1, longitude 2, altitude 3 (doubles), timestamp 6 (seconds 1, nanos 2). */
function locationFixProtobuf(data: Uint8Array): NavFix | undefined {
  const v = view(data);
  const out: Partial<NavFix> = {};
  let at = 0;
  while (at < data.length) {
    const [key, next] = varint(data, at);
    at = next;
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 1) {
      if (at + 8 > data.length) throw new RangeError('protobuf double runs past the message');
      const value = v.getFloat64(at, true);
      if (field === 1) out.lat = value;
      else if (field === 2) out.lon = value;
      else if (field === 3) out.alt = value;
      at += 8;
    } else if (wire === 0) {
      at = varint(data, at)[1];
    } else if (wire === 2) {
      const [length, body] = varint(data, at);
      if (body + length > data.length) throw new RangeError('protobuf field runs past the message');
      if (field === 6) {
        let sec = 0;
        let nsec = 0;
        for (let p = body; p < body + length;) {
          const [k, n] = varint(data, p);
          const [value, after] = varint(data, n);
          if (k === 8) sec = value;
          else if (k === 16) nsec = value;
          p = after;
        }
        out.stampMs = stamp(sec, nsec);
      }
      at = body + length;
    } else if (wire === 5) {
      at += 4;
    } else {
      throw new RangeError(`protobuf wire type ${wire} is not read`);
    }
  }
  if (out.lat === undefined || out.lon === undefined) return undefined;
  return { lat: out.lat, lon: out.lon, alt: out.alt ?? NaN, stampMs: out.stampMs };
}

const NAVSATFIX = new Set(['sensor_msgs/msg/NavSatFix', 'sensor_msgs/NavSatFix']);
const LOCATIONFIX = new Set(['foxglove_msgs/msg/LocationFix', 'foxglove_msgs/LocationFix', 'foxglove.LocationFix']);

/** The decoder for messages of this schema (type) name in this message encoding, if they carry positions. */
export function navFixDecoder(schemaName: string, encoding: string): NavFixDecoder | undefined {
  if (NAVSATFIX.has(schemaName)) {
    if (encoding === 'cdr') return navSatFixCdr;
    if (encoding === 'ros1') return navSatFixRos1;
  } else if (LOCATIONFIX.has(schemaName)) {
    if (encoding === 'cdr') return locationFixCdr;
    if (encoding === 'ros1') return locationFixRos1;
    if (encoding === 'json') return locationFixJson;
    if (encoding === 'protobuf') return locationFixProtobuf;
  }
  return undefined;
}

/** Topics at most followed at once; a log has one or two GNSS topics. */
const MAX_TOPICS = 16;

interface TopicTrack {
  builder: FootprintBuilder;
  messages: number;
  undecodable: number;
}

/**
 * One footprint builder per position topic (a raw and a filtered fix disagree, so they are not mixed); the topic with
 * the most positions becomes the capture's footprint. Bounded: MAX_TOPICS builders, each bounded.
 */
export class NavFixTracks {
  private readonly topics = new Map<string, TopicTrack>();
  private skippedMessages = 0;

  constructor(private readonly format: string) {}

  /** One message of a position topic: its bytes, and the log's own time (ms) to fall back on without a usable stamp. */
  add(topic: string, schemaName: string, decode: NavFixDecoder, data: Uint8Array, logTimeMs: number): void {
    let track = this.topics.get(topic);
    if (!track) {
      if (this.topics.size >= MAX_TOPICS) {
        this.skippedMessages += 1;
        return;
      }
      track = { builder: new FootprintBuilder(`${this.format} ${schemaName} on ${topic}`), messages: 0, undecodable: 0 };
      this.topics.set(topic, track);
    }
    track.messages += 1;
    let fix: NavFix | undefined;
    try {
      fix = decode(data);
    } catch {
      fix = undefined;
    }
    if (!fix) {
      track.undecodable += 1;
      return;
    }
    const sample: FixSample | undefined = fix.fix ? { fix: fix.fix } : undefined;
    // NavSatFix with status -1 has no position worth placing; the epoch still counts for the quality summary.
    if (fix.fix === 'none') {
      if (sample) track.builder.addQuality(sample);
      return;
    }
    track.builder.add(fix.lon, fix.lat, fix.stampMs ?? (isSaneTime(logTimeMs) ? logTimeMs : null), sample);
  }

  /** Whether any position topic was seen. */
  get seen(): boolean {
    return this.topics.size > 0;
  }

  /** The footprint of the topic with most messages, with warnings about undecodable messages and other topics. */
  finish(): FootprintOutcome & { topic?: string } {
    const ranked = [...this.topics.entries()].sort(([, a], [, b]) => b.messages - a.messages);
    const best = ranked.at(0);
    if (!best)
      return { footprint: null, reason: 'the log has no sensor_msgs/NavSatFix or foxglove LocationFix messages', warnings: [], quality: null };
    const [topic, track] = best;
    const outcome = track.builder.finish();
    const warnings = [...outcome.warnings];
    if (track.undecodable > 0) warnings.push(`${track.undecodable} of ${track.messages} position messages on ${topic} could not be decoded`);
    if (ranked.length > 1)
      warnings.push(
        `the footprint follows ${topic}; other position topics were not drawn: ${ranked
          .slice(1)
          .map(([t]) => t)
          .join(', ')}`,
      );
    if (this.skippedMessages > 0) warnings.push(`${this.skippedMessages} position messages on topics past the first ${MAX_TOPICS} were not read`);
    return { ...outcome, warnings, topic };
  }
}

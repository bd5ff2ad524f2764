import { compressedTextProbe } from './compressed-text.probe.js';
import { csvProbe } from './csv.probe.js';
import { gpxProbe } from './gpx.probe.js';
import { jsonlProbe } from './jsonl.probe.js';
import { mcapProbe } from './mcap.probe.js';
import { nmeaProbe } from './nmea.probe.js';
import type { FormatProbe } from './probe.types.js';
import { rinexProbe } from './rinex.probe.js';
import { ros2SqliteProbe, rosbagProbe } from './rosbag.probe.js';
import { rosbag2MetadataProbe } from './rosbag2-metadata.js';
import { srtProbe } from './srt.probe.js';

/**
 * Telemetry and GNSS probes in sniffing order: binary magics first (MCAP, ROS 1 bag, ROS 2 SQLite bag, then gzip or
 * Unix compress around RINEX or NMEA, which hands the text to those probes), then text
 * formats from the most specific marker to the most generic: RINEX (label in fixed columns), DJI SRT (SubRip blocks
 * with telemetry words), GPX (root element), NMEA (checksummed sentences), JSON Lines (a JSON object per line), and
 * CSV (any table with a header row) last.
 */
export const telemetryProbes: FormatProbe[] = [
  mcapProbe,
  rosbagProbe,
  ros2SqliteProbe,
  // A rosbag2 metadata.yaml: before the text formats, which would not take it anyway.
  rosbag2MetadataProbe,
  compressedTextProbe,
  rinexProbe,
  srtProbe,
  gpxProbe,
  nmeaProbe,
  jsonlProbe,
  csvProbe,
];

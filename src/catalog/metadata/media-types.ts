/**
 * The media type of each probed format, for Croissant's encodingFormat and SPDX's contentType. IANA types where one is
 * registered; otherwise the type the format's own tools write (MCAP, ROS bags, RINEX) or a vendor `x-` type.
 */
const MEDIA_TYPES: Record<string, string> = {
  csv: 'text/csv',
  jsonl: 'application/jsonl',
  nmea: 'text/x-nmea',
  gpx: 'application/gpx+xml',
  'dji-srt': 'application/x-subrip',
  rinex: 'text/x-rinex',
  mcap: 'application/x-mcap',
  rosbag1: 'application/x-rosbag',
  'rosbag2-db3': 'application/vnd.sqlite3',
  'rosbag2-metadata': 'application/yaml',
  las: 'application/vnd.las',
  laz: 'application/vnd.laszip',
  ply: 'model/ply',
  pcd: 'application/x-pcd',
  e57: 'model/e57',
  glb: 'model/gltf-binary',
  gltf: 'model/gltf+json',
  mp4: 'video/mp4',
  gpmf: 'application/x-gpmf',
};

/** The media type of a manifest file's format; application/octet-stream for a format this table does not know. */
export function mediaTypeOf(format: string): string {
  return MEDIA_TYPES[format] ?? 'application/octet-stream';
}

/**
 * A minimal ROS bag 2.0 writer for tests (uncompressed chunks), following the format description at
 * wiki.ros.org/Bags/Format/2.0: the bag header padded to 4096 bytes, chunks of connection and message records each
 * followed by its index data, then the index section (connections, chunk infos). `lies` plant inconsistencies.
 */

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const field = (name: string, value: Buffer | string) => {
  const body = Buffer.concat([Buffer.from(`${name}=`), typeof value === 'string' ? Buffer.from(value) : value]);
  return Buffer.concat([u32(body.length), body]);
};
const record = (fields: Buffer[], data: Buffer) => {
  const header = Buffer.concat(fields);
  return Buffer.concat([u32(header.length), header, u32(data.length), data]);
};
const op = (n: number) => field('op', Buffer.from([n]));

export interface BagConnection {
  conn: number;
  topic: string;
  type: string;
  md5sum: string;
  /** The full message definition rosbag stores with the connection. */
  definition?: string;
}

export interface BagLies {
  chunkCount?: number;
  /** Added to the chunk info's count for connection 1 in the first chunk. */
  extraInfoCount?: number;
  indexPos?: (real: number) => number;
}

export interface BagSpec {
  /** Seconds of the time every message's `ms` counts from. */
  baseSec: number;
  connections: BagConnection[];
  /** Messages by chunk: [connection, time in ms after baseSec]. */
  chunks: Array<Array<[number, number]>>;
  /** The serialized message of connection `conn` at `ms`. */
  body: (conn: number, ms: number) => Buffer;
  lies?: BagLies;
}

export function buildBag({ baseSec, connections, chunks, body, lies = {} }: BagSpec): Buffer {
  const time = (ms: number) => Buffer.concat([u32(baseSec + Math.floor(ms / 1000)), u32((ms % 1000) * 1_000_000)]);
  const connectionRecord = (c: BagConnection) =>
    record(
      [op(7), field('conn', u32(c.conn)), field('topic', c.topic)],
      Buffer.concat([
        field('topic', c.topic),
        field('type', c.type),
        field('md5sum', c.md5sum),
        field('message_definition', c.definition ?? 'float64 x\n'),
      ]),
    );
  const parts: Buffer[] = [];
  const infos: Buffer[] = [];
  let offset = 13 + 4096;
  chunks.forEach((messages, i) => {
    const inner: Buffer[] = i === 0 ? connections.map(connectionRecord) : [];
    let innerLength = inner.reduce((a, b) => a + b.length, 0);
    const index = new Map<number, Buffer[]>();
    for (const [conn, ms] of messages) {
      index.set(conn, [...(index.get(conn) ?? []), Buffer.concat([time(ms), u32(innerLength)])]);
      const message = record([op(2), field('conn', u32(conn)), field('time', time(ms))], body(conn, ms));
      inner.push(message);
      innerLength += message.length;
    }
    const data = Buffer.concat(inner);
    const chunk = record([op(5), field('compression', 'none'), field('size', u32(data.length))], data);
    const indexRecords = [...index].map(([conn, entries]) =>
      record([op(4), field('ver', u32(1)), field('conn', u32(conn)), field('count', u32(entries.length))], Buffer.concat(entries)),
    );
    const counts = [...index].map(([conn, entries]) =>
      Buffer.concat([u32(conn), u32(entries.length + (i === 0 && conn === 1 ? (lies.extraInfoCount ?? 0) : 0))]),
    );
    const times = messages.map(([, ms]) => ms);
    infos.push(
      record(
        [
          op(6),
          field('ver', u32(1)),
          field('chunk_pos', u64(offset)),
          field('start_time', time(Math.min(...times))),
          field('end_time', time(Math.max(...times))),
          field('count', u32(index.size)),
        ],
        Buffer.concat(counts),
      ),
    );
    parts.push(chunk, ...indexRecords);
    offset += chunk.length + indexRecords.reduce((a, b) => a + b.length, 0);
  });
  const indexPos = lies.indexPos ? lies.indexPos(offset) : offset;
  const headerFields = Buffer.concat([
    op(3),
    field('index_pos', u64(indexPos)),
    field('conn_count', u32(connections.length)),
    field('chunk_count', u32(lies.chunkCount ?? chunks.length)),
  ]);
  // The bag header record is padded with spaces to 4096 bytes.
  const header = record([headerFields], Buffer.alloc(4096 - 8 - headerFields.length, 0x20));
  return Buffer.concat([Buffer.from('#ROSBAG V2.0\n'), header, ...parts, ...connections.map(connectionRecord), ...infos]);
}

/* ROS 1 serialization written by hand (little-endian, packed), as roscpp lays the messages out. */
const f64s = (values: number[]) => {
  const b = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => b.writeDoubleLE(v, i * 8));
  return b;
};
const u32le = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const ros1String = (text: string) => Buffer.concat([u32le(Buffer.byteLength(text)), Buffer.from(text)]);
const ros1Header = (sec: number, frame: string) => Buffer.concat([u32le(0), u32le(sec), u32le(0), ros1String(frame)]);
const zeros9 = new Array<number>(9).fill(0);

/** A ROS 1 bag with NavSatFix, Imu and CompressedImage topics, 10 s at 1 Hz in two chunks. */
export function sensorBag(png: Buffer): Buffer {
  const start = 1_764_000_000;
  const body = (conn: number, ms: number): Buffer => {
    const i = ms / 1000;
    if (conn === 0) {
      const status = Buffer.from([0, 1, 0]); // int8 status 0 (fix), uint16 service 1 (GPS)
      return Buffer.concat([ros1Header(start + i, 'gps'), status, f64s([46.05 + i * 0.001, 14.5, 300 + i]), f64s(zeros9), Buffer.from([2])]);
    }
    if (conn === 1)
      return Buffer.concat([
        ros1Header(start + i, 'imu'),
        f64s([0, 0, 0, 1]),
        f64s(zeros9),
        f64s([0.1, 0.2, 0.3]),
        f64s(zeros9),
        f64s([0, 0, 9.8 + i / 10]),
        f64s(zeros9),
      ]);
    return Buffer.concat([ros1Header(start + i, 'camera'), ros1String('png'), u32le(png.length), png]);
  };
  const messages = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => [0, 1, 2].map((conn): [number, number] => [conn, (from + k) * 1000])).flat();
  return buildBag({
    baseSec: start,
    connections: [
      { conn: 0, topic: '/gps/fix', type: 'sensor_msgs/NavSatFix', md5sum: '2d3a8cd499b9b4a0249fb98fd05cfa48' },
      { conn: 1, topic: '/imu', type: 'sensor_msgs/Imu', md5sum: '6a62c6daae103f4ff57a132d6f95cec2' },
      { conn: 2, topic: '/camera/compressed', type: 'sensor_msgs/CompressedImage', md5sum: '8f7a12909da2c9d3332d540a0977563f' },
    ],
    chunks: [messages(0, 5), messages(5, 10)],
    body,
  });
}

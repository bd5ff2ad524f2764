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

import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import type { FootprintOutcome } from '../footprints/footprint-builder.js';
import { applyTrackFootprint } from './footprint-result.js';
import { navFixDecoder, NavFixTracks, type NavFixDecoder } from './navsat.js';
import { ProbeError, type FormatProbe, type ProbeInput, type ProbeResult } from './probe.types.js';
import { compareRosbag2Metadata, parseRosbag2Metadata, type Rosbag2Metadata } from './rosbag2-metadata.js';
import { GuardedSession, plural } from './telemetry-text.util.js';
import { removeScratchDirSync, scratchDirSync } from '../scratch.js';

/**
 * ROS 2 bags in SQLite (.db3, rosbag2's default storage before MCAP). SQLite needs a file to open, so the bytes are
 * written to a private temporary file as they stream past (nothing is held in memory), opened read-only with Node's
 * built-in node:sqlite, and deleted when the probe ends. Topics and per-topic message counts and time ranges come from
 * the `topics` and `messages` tables; the bag's own `metadata` table (schema 3 and later) is compared with them.
 */

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** Largest bag copied to the temporary file; rosbag2 splits bags long before (its default split is none, users set GBs). */
const MAX_BYTES = 64 * 1024 ** 3;
const MAX_TOPICS_LISTED = 1000;

const isoFromNs = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();

interface TopicRow {
  id: number;
  name: string;
  type: string;
  serialization_format: string;
}

interface CountRow {
  topic_id: bigint;
  n: bigint;
  first: bigint;
  last: bigint;
}

class Rosbag2SqliteSession extends GuardedSession {
  private dir: string | undefined;
  private fd: number | undefined;
  private written = 0;

  constructor(private readonly input: ProbeInput) {
    super();
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    if (this.input.size > MAX_BYTES) {
      throw new ProbeError('unsupported', `the SQLite bag is ${this.input.size} bytes, more than the ${MAX_BYTES} this probe copies to read it`);
    }
    this.dir = scratchDirSync('rosbag2-probe-');
    this.fd = openSync(join(this.dir, 'bag.db3'), 'wx', 0o600);
    return this.fd;
  }

  protected consume(chunk: Buffer): void {
    const fd = this.open();
    let at = 0;
    while (at < chunk.length) at += writeSync(fd, chunk, at, chunk.length - at, this.written + at);
    // The journal mode bytes (18, 19: 2 = WAL) say a -wal file holds recent pages; there is none here, and SQLite
    // refuses to open a WAL database read-only without one. Marked as a rollback-journal database, it reads as it is.
    if (this.written < 20 && this.written + chunk.length > 19) writeSync(fd, Buffer.from([1, 1]), 0, 2, 18);
    this.written += chunk.length;
  }

  protected async complete(): Promise<ProbeResult> {
    try {
      if (this.fd === undefined) {
        // Nothing was pushed (a driver that only reads by range): copy the file by range, a MiB at a time.
        for (let offset = 0; offset < this.input.size; offset += 1024 * 1024) this.consume(await this.input.read(offset, 1024 * 1024));
      }
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      this.checkSize();
      return this.describe(join(this.dir ?? '', 'bag.db3'));
    } finally {
      if (this.fd !== undefined) closeSync(this.fd);
      if (this.dir) removeScratchDirSync(this.dir);
    }
  }

  /** The header's page size x page count must fit in the file (when the count is valid: the change counters agree). */
  private checkSize(): void {
    const head = this.input.head;
    if (head.length < 100 || !head.subarray(0, 16).equals(SQLITE_MAGIC)) throw new ProbeError('corrupt', 'the SQLite header is incomplete');
    const rawPageSize = head.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    const pages = head.readUInt32BE(28);
    const countValid = head.readUInt32BE(24) === head.readUInt32BE(92);
    if (countValid && pages > 0 && pageSize * pages > this.input.size) {
      throw new ProbeError(
        'truncated',
        `the SQLite header says ${plural(pages, 'page')} of ${pageSize} bytes (${pageSize * pages} bytes) but the file has ${this.input.size}: truncated`,
      );
    }
  }

  private describe(path: string): ProbeResult {
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path, { readOnly: true });
    } catch (error) {
      throw new ProbeError('corrupt', `the SQLite bag cannot be opened: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      return this.query(db);
    } catch (error) {
      if (error instanceof ProbeError) throw error;
      throw new ProbeError('corrupt', `the SQLite bag cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      db.close();
    }
  }

  private query(db: DatabaseSync): ProbeResult {
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    for (const table of ['topics', 'messages']) {
      if (!tables.has(table)) throw new ProbeError('corrupt', `the SQLite file has no '${table}' table: not a rosbag2 bag`);
    }
    const topics = db.prepare('SELECT id, name, type, serialization_format FROM topics ORDER BY id').all() as unknown as TopicRow[];
    const counting = db.prepare('SELECT topic_id, COUNT(*) AS n, MIN(timestamp) AS first, MAX(timestamp) AS last FROM messages GROUP BY topic_id');
    counting.setReadBigInts(true);
    const counts = counting.all() as unknown as CountRow[];
    const byTopic = new Map(counts.map((c) => [c.topic_id, c]));
    const warnings: string[] = [];
    const known = new Set(topics.map((t) => BigInt(t.id)));
    const orphans = counts.filter((c) => !known.has(c.topic_id));
    if (orphans.length) {
      const n = orphans.reduce((a, c) => a + c.n, 0n);
      warnings.push(`${plural(n, 'message')} name topic ids the topics table does not define (${orphans.map((c) => c.topic_id).join(', ')})`);
    }
    const messageCount = counts.reduce((a, c) => a + c.n, 0n);
    const first = counts.reduce<bigint | undefined>((a, c) => (a === undefined || c.first < a ? c.first : a), undefined);
    const last = counts.reduce<bigint | undefined>((a, c) => (a === undefined || c.last > a ? c.last : a), undefined);

    let schema: { schema_version: number; ros_distro: string } | undefined;
    if (tables.has('schema'))
      schema = db.prepare('SELECT schema_version, ros_distro FROM schema ORDER BY schema_version DESC LIMIT 1').get() as typeof schema;
    // rosbag2 rewrites the metadata row on close; the newest row (highest id) is the bag's last word.
    let stored: Rosbag2Metadata | undefined;
    if (tables.has('metadata')) {
      const row = db.prepare('SELECT metadata FROM metadata ORDER BY id DESC LIMIT 1').get() as { metadata: string } | undefined;
      stored = row ? parseRosbag2Metadata(row.metadata) : undefined;
      if (row && !stored) warnings.push("the bag's metadata table holds text that is not rosbag2 metadata");
    }
    if (stored) {
      const held = (name: string) => {
        const row = topics.find((r) => r.name === name);
        return row ? (byTopic.get(BigInt(row.id))?.n ?? 0n) : 0n;
      };
      warnings.push(...compareRosbag2Metadata('metadata table', stored, { messageCount, first, last, held }));
    }
    const definitions = tables.has('message_definitions')
      ? (db.prepare('SELECT COUNT(*) AS n FROM message_definitions').get() as { n: number }).n
      : 0;

    const topicList = topics.slice(0, MAX_TOPICS_LISTED).map((t) => {
      const c = byTopic.get(BigInt(t.id));
      return {
        id: t.id,
        topic: t.name,
        type: t.type,
        serializationFormat: t.serialization_format,
        messageCount: Number(c?.n ?? 0n),
        startTimeNs: c?.first.toString() ?? null,
        endTimeNs: c?.last.toString() ?? null,
      };
    });
    const result: ProbeResult = {
      format: 'rosbag2-db3',
      modality: 'telemetry',
      counts: { messages: Number(messageCount) },
      timeRange: first !== undefined && last !== undefined ? { start: isoFromNs(first), end: isoFromNs(last) } : undefined,
      durationSeconds: first !== undefined && last !== undefined ? Number(last - first) / 1e9 : undefined,
      warnings,
      metadata: {
        storage: 'sqlite3',
        schemaVersion: schema?.schema_version ?? null,
        rosDistro: schema?.ros_distro ?? null,
        messageCount: Number(messageCount),
        startTimeNs: first?.toString() ?? null,
        endTimeNs: last?.toString() ?? null,
        topicCount: topics.length,
        topics: topicList,
        messageDefinitionCount: definitions,
        metadataTableVersion: stored?.version ?? null,
      },
    };
    applyTrackFootprint(result, positions(db, topics));
    return result;
  }
}

/** NavSatFix / LocationFix messages, read row by row in time order (SQLite streams them; nothing is collected). */
function positions(db: DatabaseSync, topics: readonly TopicRow[]): FootprintOutcome {
  const tracks = new NavFixTracks('rosbag2');
  const decoders = new Map<number, { topic: TopicRow; decode: NavFixDecoder }>();
  for (const topic of topics) {
    const decode = navFixDecoder(topic.type, topic.serialization_format);
    if (decode) decoders.set(topic.id, { topic, decode });
  }
  if (decoders.size > 0) {
    const rows = db.prepare(
      `SELECT topic_id, timestamp, data FROM messages WHERE topic_id IN (${[...decoders.keys()].join(',')}) ORDER BY timestamp`,
    );
    rows.setReadBigInts(true);
    for (const row of rows.iterate() as Iterable<{ topic_id: bigint; timestamp: bigint; data: Uint8Array }>) {
      const found = decoders.get(Number(row.topic_id));
      if (found) tracks.add(found.topic.name, found.topic.type, found.decode, row.data, Number(row.timestamp / 1_000_000n));
    }
  }
  return tracks.finish();
}

export const ros2SqliteProbe: FormatProbe = {
  id: 'rosbag2-db3',
  /** An SQLite database whose schema (on its first page) creates rosbag2's `topics` and `messages` tables. */
  sniff(head: Buffer): boolean {
    if (head.length < SQLITE_MAGIC.length || !head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) return false;
    const text = head.toString('latin1');
    return /CREATE TABLE\s+"?topics"?\s*\(/i.test(text) && /CREATE TABLE\s+"?messages"?\s*\(/i.test(text);
  },
  open(input: ProbeInput) {
    return new Rosbag2SqliteSession(input);
  },
};

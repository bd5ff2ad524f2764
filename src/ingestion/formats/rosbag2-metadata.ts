import { ProbeError, type FormatProbe, type ProbeResult, type ProbeSession } from './probe.types.js';
import { GuardedSession, isoFromNs } from './telemetry-text.util.js';

/**
 * rosbag2's bag metadata (`metadata.yaml` beside the bag files, and the `metadata` table of a .db3 since schema 3),
 * as rosbag2 writes it with yaml-cpp: block mappings and `- ` sequences, plain or double-quoted scalars. Times are
 * nanoseconds past 2^53, so scalars stay text and integers are read as bigint: a general YAML parser would round them.
 */

export interface Rosbag2Topic {
  name: string;
  type: string;
  serializationFormat: string;
  messageCount: bigint;
}

export interface Rosbag2Metadata {
  version: number;
  storageIdentifier: string;
  messageCount: bigint;
  startNs: bigint;
  durationNs: bigint;
  topics: Rosbag2Topic[];
  files: string[];
  compressionFormat: string;
}

/** A parsed line: indentation, whether it opens a sequence item, its key and its scalar (undefined for a nested block). */
interface Line {
  indent: number;
  item: boolean;
  key: string;
  value: string | undefined;
}

const MAX_TOPICS = 10_000;

function scalar(raw: string): string {
  const text = raw.trim();
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text.slice(1, -1);
    }
  }
  if (text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text === '~' ? '' : text;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /^( *)(- +)?([A-Za-z_][\w-]*):(?: +(.*))?$/.exec(raw.replace(/\s+#.*$/, ''));
    if (!m) continue;
    const [, spaces, dash, key, value] = m as unknown as [string, string, string | undefined, string, string | undefined];
    out.push({ indent: spaces.length + (dash?.length ?? 0), item: dash !== undefined, key, value: value === undefined ? undefined : scalar(value) });
  }
  return out;
}

const int = (value: string | undefined): bigint | undefined => (value !== undefined && /^-?\d+$/.test(value) ? BigInt(value) : undefined);

/**
 * The facts of a rosbag2 metadata document (with or without its `rosbag2_bagfile_information:` root), or undefined
 * when it is not one: a version, a storage identifier and a message count are required.
 */
export function parseRosbag2Metadata(text: string): Rosbag2Metadata | undefined {
  const all = lines(text);
  const rootAt = all.findIndex((l) => l.key === 'rosbag2_bagfile_information' && l.value === undefined);
  const body = rootAt >= 0 ? all.slice(rootAt + 1) : all;
  if (!body.length) return undefined;
  const top = body[0].indent;
  const get = (key: string) => body.find((l) => l.indent === top && l.key === key);
  /** The first key `child` nested under the top-level key `parent`. */
  const nested = (parent: string, child: string) => {
    const at = body.findIndex((l) => l.indent === top && l.key === parent);
    if (at < 0) return undefined;
    for (const l of body.slice(at + 1)) {
      if (l.indent <= top) return undefined;
      if (l.key === child) return l.value;
    }
    return undefined;
  };
  const version = Number(get('version')?.value);
  const storageIdentifier = get('storage_identifier')?.value;
  const messageCount = int(get('message_count')?.value);
  if (!Number.isInteger(version) || storageIdentifier === undefined || messageCount === undefined) return undefined;

  const topics: Rosbag2Topic[] = [];
  const files: string[] = [];
  let section: 'topics' | 'files' | undefined;
  let topic: Partial<Rosbag2Topic> | undefined;
  const flush = () => {
    if (topic?.name !== undefined && topics.length < MAX_TOPICS) {
      topics.push({
        name: topic.name,
        type: topic.type ?? '',
        serializationFormat: topic.serializationFormat ?? '',
        messageCount: topic.messageCount ?? 0n,
      });
    }
    topic = undefined;
  };
  for (const l of body) {
    if (l.indent === top && !l.item) {
      flush();
      section = l.key === 'topics_with_message_count' ? 'topics' : l.key === 'relative_file_paths' || l.key === 'files' ? 'files' : undefined;
      continue;
    }
    if (section === 'topics') {
      if (l.item) flush();
      topic ??= {};
      if (l.key === 'name') topic.name = l.value;
      else if (l.key === 'type') topic.type = l.value;
      else if (l.key === 'serialization_format') topic.serializationFormat = l.value;
      else if (l.key === 'message_count') topic.messageCount = int(l.value);
    } else if (section === 'files' && l.item && l.key === 'path' && l.value && files.length < MAX_TOPICS) {
      files.push(l.value);
    }
  }
  flush();
  // relative_file_paths is a list of plain scalars: `- name.db3`.
  const relative = /^( *)relative_file_paths:\s*\n((?:\1 +- .*\n?)*)/m.exec(text);
  for (const m of relative?.[2].matchAll(/- +(.+)/g) ?? []) {
    const path = scalar(m[1]);
    if (!files.includes(path) && files.length < MAX_TOPICS) files.push(path);
  }
  return {
    version,
    storageIdentifier,
    messageCount,
    startNs: int(nested('starting_time', 'nanoseconds_since_epoch')) ?? 0n,
    durationNs: int(nested('duration', 'nanoseconds')) ?? 0n,
    topics,
    files,
    compressionFormat: get('compression_format')?.value ?? '',
  };
}

/** What the bag itself holds, to hold its stored metadata against. */
export interface Rosbag2Held {
  messageCount: bigint;
  first: bigint | undefined;
  last: bigint | undefined;
  /** Messages held on a topic (0 for a topic the bag does not have). */
  held: (topic: string) => bigint;
}

/**
 * Where a bag's stored metadata (its metadata table, its MCAP 'rosbag2' metadata record, or a metadata.yaml) disagrees
 * with the messages themselves: one warning per fact, never a rejection.
 */
export function compareRosbag2Metadata(what: string, stored: Rosbag2Metadata, bag: Rosbag2Held): string[] {
  const warnings: string[] = [];
  const count = (n: bigint) => `${n} message${n === 1n ? '' : 's'}`;
  if (stored.messageCount !== bag.messageCount)
    warnings.push(`the bag's ${what} says ${count(stored.messageCount)} but the bag holds ${bag.messageCount}`);
  const { first, last } = bag;
  if (first !== undefined && last !== undefined && (stored.startNs !== first || stored.startNs + stored.durationNs !== last)) {
    warnings.push(`the bag's ${what} gives ${stored.startNs} ns + ${stored.durationNs} ns but the messages run from ${first} to ${last} ns`);
  }
  for (const t of stored.topics) {
    const held = bag.held(t.name);
    if (held !== t.messageCount) warnings.push(`the bag's ${what} counts ${count(t.messageCount)} on ${t.name} but the bag holds ${held}`);
  }
  return warnings;
}

/** A metadata.yaml is a few KiB per topic; past this it is not one. */
const MAX_METADATA_BYTES = 4 * 1024 * 1024;

/**
 * A rosbag2 bag folder's metadata.yaml, uploaded beside its .db3 / .mcap files: the bag's message count, topics and
 * time span as rosbag2 recorded them (it holds no positions: the bag files do).
 */
class Rosbag2MetadataSession extends GuardedSession {
  private readonly parts: Buffer[] = [];
  private length = 0;

  protected consume(chunk: Buffer): void {
    this.length += chunk.length;
    if (this.length > MAX_METADATA_BYTES) {
      throw new ProbeError('unsupported', `a rosbag2 metadata.yaml of more than ${MAX_METADATA_BYTES} bytes is not one this probe reads`);
    }
    this.parts.push(Buffer.from(chunk));
  }

  protected complete(): ProbeResult {
    const text = Buffer.concat(this.parts).toString('utf8');
    const parsed = parseRosbag2Metadata(text);
    if (!parsed) throw new ProbeError('corrupt', 'the rosbag2 metadata lacks its version, storage identifier or message count');
    const end = parsed.startNs + parsed.durationNs;
    const timed = parsed.messageCount > 0n && parsed.startNs > 0n && parsed.startNs < 9_223_372_036_854_775_807n;
    const warnings: string[] = [];
    const perTopic = parsed.topics.reduce((a, t) => a + t.messageCount, 0n);
    if (parsed.topics.length > 0 && perTopic !== parsed.messageCount) {
      warnings.push(`the metadata counts ${parsed.messageCount} messages in all but ${perTopic} over its topics`);
    }
    return {
      format: 'rosbag2-metadata',
      modality: 'telemetry',
      counts: { messages: Number(parsed.messageCount) },
      timeRange: timed ? { start: isoFromNs(parsed.startNs), end: isoFromNs(end) } : undefined,
      durationSeconds: timed ? Number(parsed.durationNs) / 1e9 : undefined,
      warnings,
      metadata: {
        version: parsed.version,
        storageIdentifier: parsed.storageIdentifier,
        compressionFormat: parsed.compressionFormat || null,
        messageCount: Number(parsed.messageCount),
        startTimeNs: parsed.startNs.toString(),
        durationNs: parsed.durationNs.toString(),
        files: parsed.files,
        topics: parsed.topics.map((t) => ({
          topic: t.name,
          type: t.type,
          serializationFormat: t.serializationFormat,
          messageCount: Number(t.messageCount),
        })),
      },
    };
  }
}

export const rosbag2MetadataProbe: FormatProbe = {
  id: 'rosbag2-metadata',
  /** YAML whose first key (after comments and a document marker) is `rosbag2_bagfile_information:`. */
  sniff(head: Buffer): boolean {
    const text = head.toString('utf8', 0, Math.min(head.length, 4096)).replace(/^\uFEFF/, '');
    return /^(?:\s*#[^\n]*\n|\s*---\s*\n|\s*\n)*rosbag2_bagfile_information:\s*\n/.test(text);
  },
  open(): ProbeSession {
    return new Rosbag2MetadataSession();
  },
};

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

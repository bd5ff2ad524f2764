import { pointFootprint } from '../footprints/footprint-builder.js';
import { applyTrackFootprint } from './footprint-result.js';
import { GPS_PREFERENCE, GpmfGpsCollector } from './gpmf.decoder.js';
import { phoneLocation } from './mp4-location.js';
import { FormatProbe, ProbeInput, ProbeResult, ProbeSession } from './probe.types.js';
import { MiB, big, fail, guard, isSaneTime, iso, readExactly } from './spatial.util.js';

/**
 * MP4 / MOV (ISO BMFF and QuickTime). Walks the top-level boxes with random reads (GoPro writes moov at the end),
 * parses moov with its own bounded box parser (mp4box would expand every sample of every track into objects, which
 * a 64 MiB moov turns into gigabytes), then reads the GoPro 'gpmd' samples one at a time for GPS.
 */

const MAX_MOOV_BYTES = 64 * MiB;
const MAX_TOP_LEVEL_BOXES = 1_000_000;
const MAX_GPMF_SAMPLES = 200_000; // 55 hours at GoPro's 1 payload per second
const MAX_GPMF_SAMPLE_BYTES = 4 * MiB;
const MAX_TRACKS = 256;
const MAC_EPOCH_OFFSET_S = 2_082_844_800; // 1904-01-01 to 1970-01-01

/** Boxes that may open an old QuickTime file (no ftyp). */
const QT_FIRST_BOXES = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);
/** ftyp brands of still-image / raw-photo files built on ISO BMFF, which are not videos. */
const IMAGE_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis', 'crx ', 'jpeg', 'jxl ']);

const fourcc = (buf: Buffer, at: number): string => buf.toString('latin1', at, at + 4);
const printable = (s: string): boolean => /^[\x20-\x7e\xa9]{4}$/.test(s);

interface Box {
  type: string;
  /** Absolute offsets inside the buffer holding the box: content start (after header) and end. */
  start: number;
  end: number;
}

/** Children of a box held in `buf`; a child running past its parent is corrupt (lying sizes). */
function children(buf: Buffer, start: number, end: number, where: string): Box[] {
  const out: Box[] = [];
  let at = start;
  while (at + 8 <= end) {
    let size = buf.readUInt32BE(at);
    const type = fourcc(buf, at + 4);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) throw fail('corrupt', `box '${type}' in ${where} has a 64-bit size cut off by its parent`);
      const large = buf.readBigUInt64BE(at + 8);
      if (large > BigInt(end - at))
        throw fail('corrupt', `box '${type}' in ${where} declares ${big(large)} bytes, more than its parent holds (${end - at})`);
      size = Number(large);
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header) throw fail('corrupt', `box '${type}' at ${where} offset ${at - start} declares ${size} bytes, less than its own header`);
    if (at + size > end) throw fail('corrupt', `box '${type}' in ${where} declares ${size} bytes but its parent has only ${end - at} left`);
    out.push({ type, start: at + header, end: at + size });
    if (out.length > 100_000) throw fail('corrupt', `more than 100000 boxes inside ${where}`);
    at += size;
  }
  return out;
}

const child = (buf: Buffer, box: Box, type: string, where: string): Box | undefined =>
  children(buf, box.start, box.end, where).find((b) => b.type === type);

function need(box: Box, bytes: number, what: string): void {
  if (box.end - box.start < bytes) throw fail('corrupt', `${what} box is ${box.end - box.start} bytes, too short (needs ${bytes})`);
}

/** Full-box time fields: version 1 uses 64-bit creation / modification / duration. */
function readTimes(buf: Buffer, box: Box, what: string): { creation: number; timescale: number; duration: number; after: number } {
  const version = buf[box.start];
  if (version === 1) {
    need(box, 32, what);
    return {
      creation: Number(buf.readBigUInt64BE(box.start + 4)),
      timescale: buf.readUInt32BE(box.start + 20),
      duration: Number(buf.readBigUInt64BE(box.start + 24)),
      after: box.start + 32,
    };
  }
  need(box, 20, what);
  return {
    creation: buf.readUInt32BE(box.start + 4),
    timescale: buf.readUInt32BE(box.start + 12),
    duration: buf.readUInt32BE(box.start + 16),
    after: box.start + 20,
  };
}

/** mvhd / mdhd creation time (seconds since 1904) to ISO, unless it is a zero / default date. */
function macTime(seconds: number): string | undefined {
  const ms = (seconds - MAC_EPOCH_OFFSET_S) * 1000;
  return isSaneTime(ms) ? iso(ms) : undefined;
}

export interface Mp4Track {
  id: number;
  handler: string;
  handlerName?: string;
  format?: string;
  codec?: string;
  width?: number;
  height?: number;
  frameRate?: number;
  durationSeconds?: number;
  sampleCount?: number;
  channels?: number;
  sampleRate?: number;
  language?: string;
  enabled: boolean;
}

interface SampleTables {
  stsc: Box | undefined;
  stsz: Box | undefined;
  chunkOffsets: Box | undefined;
  co64: boolean;
  stts: Box | undefined;
  /** Ticks per second of the track's sample times (mdhd). */
  timescale: number;
}

/** 'avc1.64001f' style codec strings from the decoder configuration, where it is cheap to read. */
function codecString(buf: Buffer, entry: Box, format: string, contentStart: number): { codec: string; channels?: number } {
  if (contentStart > entry.end) return { codec: format };
  const kids = (() => {
    try {
      return children(buf, contentStart, entry.end, `sample entry ${format}`);
    } catch {
      return []; // a sample entry with private fields we do not know: keep the 4CC
    }
  })();
  const avcC = kids.find((k) => k.type === 'avcC');
  if (avcC && avcC.end - avcC.start >= 4) {
    const hex = (n: number) => n.toString(16).padStart(2, '0');
    return { codec: `${format}.${hex(buf[avcC.start + 1])}${hex(buf[avcC.start + 2])}${hex(buf[avcC.start + 3])}` };
  }
  const esds = kids.find((k) => k.type === 'esds');
  if (esds) {
    const es = mp4aObjectType(buf, esds.start + 4, esds.end);
    if (es) return { codec: `${format}.${es.oti}`, channels: es.channels };
  }
  return { codec: format };
}

/** Walks the ES descriptor for objectTypeIndication (+ AAC audio object type, channels): 'mp4a.40.2'. */
function mp4aObjectType(buf: Buffer, start: number, end: number): { oti: string; channels?: number } | undefined {
  let at = start;
  let oti: number | undefined;
  for (let guardCount = 0; at < end && guardCount < 16; guardCount++) {
    const tag = buf[at++];
    let len = 0;
    for (let i = 0; i < 4 && at < end; i++) {
      const b = buf[at++];
      len = (len << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    if (tag === 0x03) {
      const flags = buf[at + 2];
      at += 3 + (flags & 0x80 ? 2 : 0);
      if (flags & 0x40) at += 1 + (buf[at] ?? 0);
      if (flags & 0x20) at += 2;
    } else if (tag === 0x04) {
      oti = buf[at];
      at += 13;
    } else if (tag === 0x05) {
      if (oti === undefined || at + 2 > end) return undefined;
      // AudioSpecificConfig: 5 bits object type, 4 bits frequency index (15 = 24 explicit bits), 4 bits channels.
      let bits = 0;
      for (let i = 0; i < 4; i++) bits = (bits << 8) | (at + i < end ? buf[at + i] : 0);
      bits >>>= 0;
      const aot = bits >>> 27;
      const freqIndex = (bits >>> 23) & 15;
      const channels = freqIndex === 15 ? undefined : (bits >>> 19) & 15;
      return { oti: aot ? `${oti.toString(16)}.${aot}` : oti.toString(16), channels: channels || undefined };
    } else {
      at += len;
    }
  }
  return oti === undefined ? undefined : { oti: oti.toString(16) };
}

function parseTrack(buf: Buffer, trak: Box, index: number): { track: Mp4Track; tables: SampleTables } {
  const where = `track ${index + 1}`;
  const tkhd = child(buf, trak, 'tkhd', where);
  const mdia = child(buf, trak, 'mdia', where);
  if (!tkhd || !mdia) throw fail('corrupt', `${where} has no ${tkhd ? 'mdia' : 'tkhd'} box`);
  const v1 = buf[tkhd.start] === 1;
  need(tkhd, v1 ? 96 : 84, 'tkhd');
  const track: Mp4Track = {
    id: buf.readUInt32BE(tkhd.start + (v1 ? 20 : 12)),
    handler: '',
    enabled: (buf[tkhd.start + 3] & 1) === 1,
  };
  // Display size (16.16 fixed point), used when the sample entry has none.
  const tkWidth = buf.readUInt32BE(tkhd.start + (v1 ? 88 : 76)) / 65536;
  const tkHeight = buf.readUInt32BE(tkhd.start + (v1 ? 92 : 80)) / 65536;

  const mdhd = child(buf, mdia, 'mdhd', where);
  let timescale = 0;
  if (mdhd) {
    const t = readTimes(buf, mdhd, 'mdhd');
    timescale = t.timescale;
    if (timescale > 0 && t.duration > 0 && t.duration !== 0xffffffff) track.durationSeconds = t.duration / timescale;
    if (t.after + 2 <= mdhd.end) {
      const code = buf.readUInt16BE(t.after);
      // ISO packed language (3 x 5 bits); QuickTime uses small numeric codes instead.
      if (code >= 0x400 && code !== 0x7fff)
        track.language = String.fromCharCode(((code >> 10) & 31) + 0x60, ((code >> 5) & 31) + 0x60, (code & 31) + 0x60);
    }
  }
  const hdlr = child(buf, mdia, 'hdlr', where);
  if (hdlr && hdlr.end - hdlr.start >= 12) {
    track.handler = fourcc(buf, hdlr.start + 8);
    if (hdlr.end - hdlr.start > 24) {
      let name = buf.toString('utf8', hdlr.start + 24, hdlr.end);
      // QuickTime writes a Pascal string (length byte first); ISO a NUL-terminated one.
      if (name.length > 0 && name.charCodeAt(0) === name.length - 1) name = name.slice(1);
      name = name.replace(/\0.*$/s, '').trim();
      if (name) track.handlerName = name.slice(0, 128);
    }
  }
  const tables: SampleTables = { stsc: undefined, stsz: undefined, chunkOffsets: undefined, co64: false, stts: undefined, timescale };
  const minf = child(buf, mdia, 'minf', where);
  const stbl = minf && child(buf, minf, 'stbl', `${where} minf`);
  if (stbl) {
    const boxes = children(buf, stbl.start, stbl.end, `${where} stbl`);
    const find = (t: string) => boxes.find((b) => b.type === t);
    const stsd = find('stsd');
    if (stsd && stsd.end - stsd.start >= 16) {
      const entries = children(buf, stsd.start + 8, stsd.end, `${where} stsd`);
      const entry = entries.at(0);
      if (entry) {
        track.format = fourcc(buf, entry.start - 4);
        const len = entry.end - entry.start;
        if (track.handler === 'vide' && len >= 78) {
          track.width = buf.readUInt16BE(entry.start + 24);
          track.height = buf.readUInt16BE(entry.start + 26);
          track.codec = codecString(buf, entry, track.format, entry.start + 78).codec;
        } else if (track.handler === 'soun' && len >= 28) {
          const version = buf.readUInt16BE(entry.start + 8);
          if (version < 2) {
            track.channels = buf.readUInt16BE(entry.start + 16);
            track.sampleRate = buf.readUInt32BE(entry.start + 24) / 65536;
          }
          const extra = version === 1 ? 16 : version === 2 ? 36 : 0;
          const codec = codecString(buf, entry, track.format, entry.start + 28 + extra);
          track.codec = codec.codec;
          // ISO writers put a placeholder 2 in the sample entry; the AAC config says the real layout.
          if (codec.channels) track.channels = codec.channels;
        } else {
          track.codec = track.format;
        }
      }
    }
    if (track.handler === 'vide' && track.width === undefined && tkWidth > 0) track.width = Math.round(tkWidth);
    if (track.handler === 'vide' && track.height === undefined && tkHeight > 0) track.height = Math.round(tkHeight);
    const stts = find('stts');
    if (stts && stts.end - stts.start >= 8) {
      const entries = buf.readUInt32BE(stts.start + 4);
      if (8 + entries * 8 > stts.end - stts.start)
        throw fail('corrupt', `${where} stts declares ${entries} entries but holds ${Math.floor((stts.end - stts.start - 8) / 8)}`);
      let samples = 0;
      let ticks = 0;
      for (let i = 0; i < entries; i++) {
        const count = buf.readUInt32BE(stts.start + 8 + i * 8);
        samples += count;
        ticks += count * buf.readUInt32BE(stts.start + 12 + i * 8);
      }
      track.sampleCount = samples;
      if (track.handler === 'vide' && samples > 1 && ticks > 0 && timescale > 0) {
        track.frameRate = Math.round(((samples * timescale) / ticks) * 1000) / 1000;
      }
    }
    tables.stsc = find('stsc');
    tables.stsz = find('stsz') ?? find('stz2');
    tables.chunkOffsets = find('stco') ?? find('co64');
    tables.co64 = tables.chunkOffsets?.type === 'co64';
    tables.stts = stts;
  }
  return { track, tables };
}

/** Chunk offsets of a track, validated against the table's own length. */
function chunkOffsetTable(buf: Buffer, tables: SampleTables, where: string): { count: number; at: (i: number) => number } {
  const box = tables.chunkOffsets;
  if (!box || box.end - box.start < 8) return { count: 0, at: () => 0 };
  const count = buf.readUInt32BE(box.start + 4);
  const width = tables.co64 ? 8 : 4;
  if (8 + count * width > box.end - box.start) {
    throw fail('corrupt', `${where} ${box.type} declares ${count} chunks but holds ${Math.floor((box.end - box.start - 8) / width)}`);
  }
  return {
    count,
    at: (i) => (tables.co64 ? Number(buf.readBigUInt64BE(box.start + 8 + i * 8)) : buf.readUInt32BE(box.start + 8 + i * 4)),
  };
}

/** Yields (offset, size) of a track's samples from stsc / stsz / stco, at most `limit` of them. */
function* samplePositions(buf: Buffer, tables: SampleTables, where: string, limit: number): Generator<{ offset: number; size: number }> {
  const { stsc, stsz } = tables;
  if (!stsc || !stsz || stsz.type !== 'stsz' || stsz.end - stsz.start < 12 || stsc.end - stsc.start < 8) return;
  const chunks = chunkOffsetTable(buf, tables, where);
  const fixedSize = buf.readUInt32BE(stsz.start + 4);
  const sampleCount = buf.readUInt32BE(stsz.start + 8);
  if (fixedSize === 0 && 12 + sampleCount * 4 > stsz.end - stsz.start) {
    throw fail('corrupt', `${where} stsz declares ${sampleCount} samples but holds ${Math.floor((stsz.end - stsz.start - 12) / 4)}`);
  }
  const runs = buf.readUInt32BE(stsc.start + 4);
  if (8 + runs * 12 > stsc.end - stsc.start)
    throw fail('corrupt', `${where} stsc declares ${runs} entries but holds ${Math.floor((stsc.end - stsc.start - 8) / 12)}`);
  let sample = 0;
  for (let r = 0; r < runs && sample < sampleCount && sample < limit; r++) {
    const firstChunk = buf.readUInt32BE(stsc.start + 8 + r * 12);
    const perChunk = buf.readUInt32BE(stsc.start + 12 + r * 12);
    const nextFirst = r + 1 < runs ? buf.readUInt32BE(stsc.start + 8 + (r + 1) * 12) : chunks.count + 1;
    if (firstChunk < 1 || nextFirst < firstChunk) throw fail('corrupt', `${where} stsc entry ${r} has chunk numbers out of order`);
    for (let c = firstChunk; c < nextFirst && sample < sampleCount && sample < limit; c++) {
      if (c > chunks.count) throw fail('corrupt', `${where} stsc refers to chunk ${c} but the chunk table has ${chunks.count}`);
      let offset = chunks.at(c - 1);
      for (let k = 0; k < perChunk && sample < sampleCount && sample < limit; k++, sample++) {
        const size = fixedSize || buf.readUInt32BE(stsz.start + 12 + sample * 4);
        yield { offset, size };
        offset += size;
      }
    }
  }
}

async function probeMp4(input: ProbeInput): Promise<ProbeResult> {
  const size = input.size;
  const topLevel: Array<{ type: string; offset: number; size: number }> = [];
  let moov: { offset: number; size: number; header: number } | undefined;
  let mdatCount = 0;
  let majorBrand: string | undefined;
  let compatibleBrands: string[] = [];
  let trailingBytes = 0;
  let offset = 0;
  let boxes = 0;
  while (offset < size) {
    if (size - offset < 8) {
      trailingBytes = size - offset;
      break;
    }
    if (++boxes > MAX_TOP_LEVEL_BOXES) throw fail('unsupported', `more than ${MAX_TOP_LEVEL_BOXES} top-level boxes`);
    const head = await readExactly(input, offset, Math.min(16, size - offset), 'MP4 box header');
    const type = fourcc(head, 4);
    if (!printable(type)) {
      throw fail(
        'corrupt',
        `bytes at offset ${offset} are not an MP4 box (type ${head.subarray(4, 8).toString('hex')}) after ${topLevel.map((b) => b.type).join(', ') || 'nothing'}`,
      );
    }
    let boxSize = head.readUInt32BE(0);
    let header = 8;
    if (boxSize === 1) {
      if (head.length < 16) throw fail('truncated', `box '${type}' at offset ${offset} has a 64-bit size cut off by the end of the file: truncated`);
      const large = head.readBigUInt64BE(8);
      if (large > BigInt(Number.MAX_SAFE_INTEGER))
        throw fail('corrupt', `box '${type}' at offset ${offset} declares an impossible size of ${large} bytes`);
      boxSize = Number(large);
      header = 16;
    } else if (boxSize === 0) {
      boxSize = size - offset; // "extends to the end of the file", allowed for the last box
    }
    if (boxSize < header)
      throw fail('corrupt', `box '${type}' at offset ${offset} declares ${boxSize} bytes, less than its own ${header}-byte header`);
    if (offset + boxSize > size) {
      throw fail(
        'truncated',
        `box '${type}' at offset ${offset} declares ${boxSize} bytes but the file ends ${offset + boxSize - size} bytes short, at ${size}: truncated`,
      );
    }
    if (topLevel.length < 64) topLevel.push({ type, offset, size: boxSize });
    if (type === 'ftyp' && offset === 0 && boxSize >= 16) {
      const ftyp = await readExactly(input, offset, Math.min(boxSize, 256), 'ftyp');
      majorBrand = fourcc(ftyp, 8);
      for (let at = 16; at + 4 <= ftyp.length; at += 4) compatibleBrands.push(fourcc(ftyp, at));
      compatibleBrands = compatibleBrands.filter((b) => b.trim() && printable(b));
    }
    if (type === 'moov' && !moov) moov = { offset, size: boxSize, header };
    if (type === 'mdat') mdatCount += 1;
    offset += boxSize;
  }
  const seen = topLevel.map((b) => b.type).join(', ');
  if (!moov) {
    throw fail('truncated', `no moov box among the top-level boxes (${seen}): the recording was not finalised or the file is truncated`);
  }
  if (moov.size > MAX_MOOV_BYTES) throw fail('unsupported', `moov box of ${moov.size} bytes exceeds the ${MAX_MOOV_BYTES / MiB} MiB limit`);
  const buf = await readExactly(input, moov.offset, moov.size, 'moov box');
  const moovBox: Box = { type: 'moov', start: moov.header, end: moov.size };
  const moovKids = children(buf, moovBox.start, moovBox.end, 'moov');
  if (moovKids.some((b) => b.type === 'cmov')) throw fail('unsupported', 'compressed QuickTime movie header (cmov) is not supported');
  const mvhd = moovKids.find((b) => b.type === 'mvhd');
  if (!mvhd) throw fail('corrupt', 'moov has no mvhd (movie header) box');
  const movie = readTimes(buf, mvhd, 'mvhd');
  let durationSeconds = movie.timescale > 0 && movie.duration > 0 && movie.duration !== 0xffffffff ? movie.duration / movie.timescale : undefined;
  const mvex = moovKids.find((b) => b.type === 'mvex');
  if (mvex && !durationSeconds && movie.timescale > 0) {
    const mehd = child(buf, mvex, 'mehd', 'mvex');
    if (mehd && mehd.end - mehd.start >= 8) {
      const d = buf[mehd.start] === 1 ? Number(buf.readBigUInt64BE(mehd.start + 4)) : buf.readUInt32BE(mehd.start + 4);
      if (d > 0) durationSeconds = d / movie.timescale;
    }
  }

  const traks = moovKids.filter((b) => b.type === 'trak');
  if (traks.length > MAX_TRACKS) throw fail('unsupported', `${traks.length} tracks exceed the limit of ${MAX_TRACKS}`);
  const parsed = traks.map((t, i) => parseTrack(buf, t, i));
  const tracks = parsed.map((p) => p.track);
  if (!durationSeconds) {
    const longest = Math.max(0, ...tracks.map((t) => t.durationSeconds ?? 0));
    if (longest > 0) durationSeconds = longest;
  }

  // Every chunk must start inside the file: a moov written ahead of its media, then cut, points past the end.
  for (const [i, { tables }] of parsed.entries()) {
    const chunks = chunkOffsetTable(buf, tables, `track ${i + 1}`);
    for (let c = 0; c < chunks.count; c++) {
      const at = chunks.at(c);
      if (at >= size) {
        throw fail(
          'truncated',
          `track ${tracks[i].id} chunk ${c + 1} of ${chunks.count} starts at offset ${at} but the file has only ${size} bytes: truncated`,
        );
      }
    }
  }

  // GoPro GPMF telemetry: read the 'gpmd' samples one at a time, keep only running GPS summaries.
  const gpmf = new GpmfGpsCollector();
  let gpmfDeclared = 0;
  for (const [i, { track, tables }] of parsed.entries()) {
    if (track.format !== 'gpmd') continue;
    const where = `gpmd track ${track.id}`;
    gpmfDeclared += track.sampleCount ?? 0;
    for (const { offset: at, size: len } of samplePositions(buf, tables, `track ${i + 1}`, MAX_GPMF_SAMPLES)) {
      if (len > MAX_GPMF_SAMPLE_BYTES)
        throw fail('corrupt', `${where} has a ${len}-byte sample, more than the ${MAX_GPMF_SAMPLE_BYTES / MiB} MiB a telemetry sample can be`);
      if (at + len > size)
        throw fail('truncated', `${where} sample at offset ${at} (${len} bytes) runs past the end of the file (${size} bytes): truncated`);
      gpmf.addSample(await readExactly(input, at, len, `${where} sample`));
    }
  }

  const hasVideo = tracks.some((t) => t.handler === 'vide');
  const isMov = majorBrand === 'qt  ' || majorBrand === undefined;
  const video = tracks.find((t) => t.handler === 'vide');
  const metadata: Record<string, unknown> = {
    brand: majorBrand ?? null,
    compatibleBrands,
    topLevelBoxes: topLevel.map((b) => b.type),
    mdatBoxes: mdatCount,
    fragmented: mvex !== undefined,
    hasVideo,
    creationTime: macTime(movie.creation) ?? null,
    tracks,
  };
  if (video) Object.assign(metadata, { width: video.width, height: video.height, frameRate: video.frameRate, videoCodec: video.codec });
  if (trailingBytes) metadata.trailingBytes = trailingBytes;

  const result: ProbeResult = { format: isMov ? 'mov' : 'mp4', modality: 'video', metadata, warnings: [] };
  if (video?.sampleCount !== undefined) result.counts = { frames: video.sampleCount };
  if (durationSeconds !== undefined) result.durationSeconds = Math.round(durationSeconds * 1e6) / 1e6;

  const gps = gpmf.summaries();
  if (gpmf.samples > 0) {
    const [primaryKey, primary] = gps.find(([, s]) => s.points > 0) ?? gps.at(0) ?? [undefined, undefined];
    metadata.gpmf = {
      samples: gpmfDeclared,
      samplesRead: gpmf.samples,
      malformedSamples: gpmf.malformed,
      devices: [...gpmf.devices],
      streams: [...gpmf.keys].sort(),
    };
    if (primary && primaryKey) {
      metadata.gps = {
        source: primaryKey,
        points: primary.points,
        rejected: primary.rejected,
        altitude: primary.altitude ?? null,
        streams: Object.fromEntries(gps),
      };
      if (primary.bbox) result.bbox = primary.bbox;
      if (primary.timeRange) result.timeRange = primary.timeRange;
    }
    // Footprint (issue 12): the preferred GPS stream's fixes as a track, GPSF / GPSP (GPS9: fix, DOP) as its quality.
    const track = gpmf.footprint();
    if (track) applyTrackFootprint(result, track.outcome);
    else Object.assign(result, { footprint: null, footprintReason: 'the GoPro telemetry holds no GPS stream' });
  }
  if (!result.timeRange && typeof metadata.creationTime === 'string') {
    const start = Date.parse(metadata.creationTime);
    result.timeRange = { start: iso(start), end: iso(start + Math.round((durationSeconds ?? 0) * 1000)) };
    metadata.timeRangeSource = 'creation_time';
  } else if (result.timeRange) {
    metadata.timeRangeSource = 'gps';
  }
  // A phone's recording location (ISO 6709) places a video without GPS telemetry at one point.
  const location = result.footprint === undefined ? phoneLocation(buf, moovKids, children) : undefined;
  if (location) {
    metadata.location = location;
    const source = `MP4 ${location.source} (ISO 6709 "${location.iso6709}")`;
    result.footprint = pointFootprint(location.lon, location.lat, result.timeRange?.start ?? null, result.timeRange?.end ?? null, source);
    if (result.footprint) result.bbox = result.footprint.bbox;
    else result.footprintReason = `the recording location "${location.iso6709}" is not a usable position`;
  }
  return result;
}

/** Start time and duration (in ticks) of each sample, from the stts table, at most `limit` of them. */
function* sampleTimes(buf: Buffer, tables: SampleTables, where: string, limit: number): Generator<{ start: number; duration: number }> {
  const stts = tables.stts;
  if (!stts || stts.end - stts.start < 8) return;
  const entries = buf.readUInt32BE(stts.start + 4);
  if (8 + entries * 8 > stts.end - stts.start) throw fail('corrupt', `${where} stts declares ${entries} entries but holds fewer`);
  let start = 0;
  let yielded = 0;
  for (let e = 0; e < entries; e++) {
    const count = buf.readUInt32BE(stts.start + 8 + e * 8);
    const duration = buf.readUInt32BE(stts.start + 12 + e * 8);
    for (let k = 0; k < count && yielded < limit; k++, yielded++) {
      yield { start, duration };
      start += duration;
    }
  }
}

/** A GoPro GPS track timed from the video's start: [lon, lat, seconds] per fix, of the preferred stream that has fixes. */
export interface GpmfTrack {
  stream: string;
  points: [lon: number, lat: number, t: number][];
}

/**
 * The GPS fixes of an MP4's GoPro 'gpmd' track, each timed from the start of the video: a payload's fixes are spread
 * evenly over the payload sample's duration (stts), as GoPro's own tools place them. Null when the file has no GPMF GPS.
 */
export async function gpmfTrack(input: ProbeInput): Promise<GpmfTrack | null> {
  let offset = 0;
  let moov: { offset: number; size: number; header: number } | undefined;
  for (let boxes = 0; offset + 8 <= input.size && boxes < MAX_TOP_LEVEL_BOXES && !moov; boxes++) {
    const head = await readExactly(input, offset, Math.min(16, input.size - offset), 'MP4 box header');
    let boxSize = head.readUInt32BE(0);
    let header = 8;
    if (boxSize === 1 && head.length >= 16) {
      boxSize = Number(head.readBigUInt64BE(8));
      header = 16;
    } else if (boxSize === 0) boxSize = input.size - offset;
    if (boxSize < header || offset + boxSize > input.size) throw fail('corrupt', `box at offset ${offset} declares an impossible ${boxSize} bytes`);
    if (fourcc(head, 4) === 'moov') moov = { offset, size: boxSize, header };
    else offset += boxSize;
  }
  if (!moov) return null;
  if (moov.size > MAX_MOOV_BYTES) throw fail('unsupported', `moov box of ${moov.size} bytes exceeds the ${MAX_MOOV_BYTES / MiB} MiB limit`);
  const buf = await readExactly(input, moov.offset, moov.size, 'moov box');
  const traks = children(buf, moov.header, moov.size, 'moov').filter((b) => b.type === 'trak');
  const byStream = new Map<string, [number, number, number][]>();
  const gpmf = new GpmfGpsCollector();
  for (const [i, trak] of traks.slice(0, MAX_TRACKS).entries()) {
    const { track, tables } = parseTrack(buf, trak, i);
    if (track.format !== 'gpmd' || !(tables.timescale > 0)) continue;
    const where = `gpmd track ${track.id}`;
    const times = sampleTimes(buf, tables, where, MAX_GPMF_SAMPLES);
    for (const { offset: at, size: len } of samplePositions(buf, tables, where, MAX_GPMF_SAMPLES)) {
      const time = times.next();
      if (time.done) break;
      if (len > MAX_GPMF_SAMPLE_BYTES || at + len > input.size) throw fail('corrupt', `${where} has a sample past the end of the file`);
      const { start, duration } = time.value;
      gpmf.onFix = (stream, lon, lat, index, repeat) => {
        if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return;
        let points = byStream.get(stream);
        if (!points) byStream.set(stream, (points = []));
        points.push([lon, lat, (start + (duration * index) / Math.max(repeat, 1)) / tables.timescale]);
      };
      gpmf.addSample(await readExactly(input, at, len, `${where} sample`));
    }
  }
  const stream = GPS_PREFERENCE.find((key) => (byStream.get(key)?.length ?? 0) > 0);
  return stream ? { stream, points: byStream.get(stream) ?? [] } : null;
}

export const mp4Probe: FormatProbe = {
  id: 'mp4',
  sniff(head: Buffer): boolean {
    if (head.length < 12) return false;
    const size = head.readUInt32BE(0);
    const type = fourcc(head, 4);
    if (type === 'ftyp') return size >= 16 && size <= 4096 && !IMAGE_BRANDS.has(fourcc(head, 8));
    if (!QT_FIRST_BOXES.has(type)) return false;
    if (type === 'moov') return size >= 16 && ['mvhd', 'cmov', 'prfl', 'udta', 'trak', 'iods', 'meta'].includes(fourcc(head, 12));
    // Old QuickTime files open with mdat / wide / free / skip. A text file that happens to have "free" at bytes
    // 4-8 ("sku,free_text,...") has printable size bytes: refuse those, and check the next box when it is in view.
    if ([...head.subarray(0, 4)].every((b) => b >= 0x20 && b <= 0x7e)) return false;
    if (size !== 0 && size !== 1 && size < 8) return false;
    if (type !== 'mdat' && size >= 8 && size + 8 <= head.length)
      return QT_FIRST_BOXES.has(fourcc(head, size + 4)) || fourcc(head, size + 4) === 'ftyp';
    return true;
  },
  open(input: ProbeInput): ProbeSession {
    return {
      // Header-only, so no push: everything needed is read by offset.
      finish: () => guard('MP4', () => probeMp4(input)),
    };
  },
};

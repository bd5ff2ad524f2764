import { TextDecoder } from 'node:util';

import { HEAD_BYTES, ProbeError, type BBox, type ProbeResult, type ProbeSession } from './probe.types.js';

/**
 * Shared pieces of the telemetry and GNSS probes: line splitting over pushed chunks with a bounded carry-over,
 * bounded accumulators (bbox, time range, capped counters) and timestamp parsing. Nothing here keeps per-row state.
 */

/** A single line longer than this is not a line of any text format we accept. */
export const MAX_LINE_BYTES = 1024 * 1024;

export function toProbeError(error: unknown): ProbeError {
  if (error instanceof ProbeError) return error;
  return new ProbeError('corrupt', error instanceof Error ? error.message : String(error));
}

/**
 * Turns every failure into a ProbeError, remembers the first one and makes `finish` reject with it. `push` never
 * throws: after a failure it ignores the rest of the file (the driver keeps hashing it), so no parser ever sees
 * bytes after the point where it gave up. Subclasses implement `consume` and `complete`.
 */
export abstract class GuardedSession implements ProbeSession {
  private failure: ProbeError | undefined;

  protected abstract consume(chunk: Buffer): void;
  protected abstract complete(): Promise<ProbeResult> | ProbeResult;

  push(chunk: Buffer): void {
    if (this.failure) return;
    try {
      this.consume(chunk);
    } catch (error) {
      this.failure = toProbeError(error);
    }
  }

  async finish(): Promise<ProbeResult> {
    if (this.failure) throw this.failure;
    try {
      return await this.complete();
    } catch (error) {
      this.failure = toProbeError(error);
      throw this.failure;
    }
  }
}

/**
 * How a text format's bytes are read: 'utf8' refuses invalid UTF-8 as corrupt (JSON is UTF-8 by definition); 'latin1'
 * takes any byte (ASCII formats with odd comments); 'utf8-or-windows-1252' reads UTF-8 until a line is not, then reads
 * that line and the rest as Windows-1252, the encoding spreadsheet exports on Western Windows write (a CSV from a European
 * Excel: `Straße;Geschwindigkeit (km/h)` in single bytes). What a reader of the format takes is taken; the switch is
 * reported (LineSplitter.notUtf8FromLine) so the probe can say so.
 */
export type TextEncoding = 'utf8' | 'latin1' | 'utf8-or-windows-1252';

export interface LineSplitterOptions {
  encoding: TextEncoding;
  /** Name of the format, for messages. */
  label: string;
  maxLineBytes?: number;
}

/**
 * Splits pushed chunks into lines, carrying an unfinished line over to the next chunk. The carry-over is capped
 * (a longer line is binary or hostile data), NUL bytes are refused (no text format here contains them), a trailing
 * CR is dropped and a UTF-8 BOM on the first line is skipped. Each chunk's complete lines are decoded in one call.
 */
export class LineSplitter {
  /**
   * The unfinished line, in one buffer reused from line to line (it grows to the longest line seen, at most
   * maxLineBytes): long lines cost no fresh buffer per chunk, so a stream of long lines makes little garbage.
   */
  private carry = Buffer.alloc(0);
  private carryBytes = 0;
  private offset = 0;
  private lineNo = 0;
  /** ignoreBOM: every decode call would otherwise drop a BOM at its start; only line 1 may lose one. */
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly maxLineBytes: number;
  /** 'utf8-or-windows-1252': the first line that was not UTF-8, from which on every line is read as Windows-1252. */
  private fallbackFrom: number | undefined;

  constructor(
    private readonly options: LineSplitterOptions,
    private readonly onLine: (line: string, lineNo: number, terminated: boolean) => void,
  ) {
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  }

  /** Lines handed out so far. */
  get lines(): number {
    return this.lineNo;
  }

  /** The line from which the text was read as Windows-1252 ('utf8-or-windows-1252'), or undefined while all is UTF-8. */
  get notUtf8FromLine(): number | undefined {
    return this.fallbackFrom;
  }

  push(chunk: Buffer): void {
    const nul = chunk.indexOf(0);
    if (nul !== -1) {
      throw new ProbeError('corrupt', `binary data (a NUL byte) at byte ${this.offset + nul}: this is not a ${this.options.label} text file`);
    }
    this.offset += chunk.length;
    const lastNewline = chunk.lastIndexOf(0x0a);
    if (lastNewline === -1) {
      this.checkLength(this.carryBytes + chunk.length);
      this.append(chunk);
      return;
    }
    const firstNewline = chunk.indexOf(0x0a);
    this.checkLength(this.carryBytes + firstNewline);
    let from = 0;
    if (this.carryBytes > 0) {
      // The carried start of a line and its end in this chunk, decoded on their own.
      this.append(chunk.subarray(0, firstNewline));
      const first = this.decode(this.carry.subarray(0, this.carryBytes));
      this.carryBytes = 0;
      this.emit(first, true);
      from = firstNewline + 1;
    }
    if (from <= lastNewline) {
      for (const line of this.decode(chunk.subarray(from, lastNewline)).split('\n')) this.emit(line, true);
    }
    if (lastNewline + 1 < chunk.length) {
      const rest = chunk.subarray(lastNewline + 1);
      this.checkLength(rest.length);
      this.append(rest);
    }
  }

  /** Hands out the last line when the file does not end with a newline. */
  end(): void {
    if (this.carryBytes > 0) {
      const line = this.decode(this.carry.subarray(0, this.carryBytes));
      this.carryBytes = 0;
      this.emit(line, false);
    }
  }

  /** Copies bytes after the carried ones (the caller has checked the total against maxLineBytes). */
  private append(bytes: Buffer): void {
    const needed = this.carryBytes + bytes.length;
    if (needed > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxLineBytes, Math.max(needed, this.carry.length * 2, 4096)));
      this.carry.copy(grown, 0, 0, this.carryBytes);
      this.carry = grown;
    }
    bytes.copy(this.carry, this.carryBytes);
    this.carryBytes = needed;
  }

  private checkLength(bytes: number, line = this.lineNo + 1): void {
    if (bytes > this.maxLineBytes) {
      throw new ProbeError(
        'corrupt',
        `line ${line} is longer than ${Math.round(this.maxLineBytes / 1024)} KiB: this is not a ${this.options.label} text file`,
      );
    }
  }

  private decode(bytes: Buffer): string {
    if (this.options.encoding === 'latin1') return bytes.toString('latin1');
    if (this.fallbackFrom !== undefined) return WINDOWS_1252.decode(bytes);
    try {
      return this.decoder.decode(bytes);
    } catch {
      const bad = this.firstLineNotUtf8(bytes);
      if (this.options.encoding !== 'utf8-or-windows-1252') {
        throw new ProbeError('corrupt', `line ${bad.line} is not valid UTF-8 text: this is not a ${this.options.label} file`);
      }
      // The lines before it are UTF-8; it and every line after are read as Windows-1252.
      this.fallbackFrom = bad.line;
      return this.decoder.decode(bytes.subarray(0, bad.start)) + WINDOWS_1252.decode(bytes.subarray(bad.start));
    }
  }

  /** Slow path, on failure only: the first line of `bytes` (the next line is lineNo + 1) that is not UTF-8, and its offset. */
  private firstLineNotUtf8(bytes: Buffer): { line: number; start: number } {
    let line = this.lineNo + 1;
    let start = 0;
    for (let nl = bytes.indexOf(0x0a); ; nl = bytes.indexOf(0x0a, start)) {
      const end = nl === -1 ? bytes.length : nl;
      try {
        this.decoder.decode(bytes.subarray(start, end));
      } catch {
        return { line, start };
      }
      if (nl === -1) return { line, start };
      start = nl + 1;
      line += 1;
    }
  }

  private emit(raw: string, terminated: boolean): void {
    this.lineNo += 1;
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.lineNo === 1) line = line.replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, '');
    // Lines inside one chunk escaped the carry-over cap: hold them to the same limit (characters <= bytes).
    if (line.length > this.maxLineBytes) this.checkLength(line.length, this.lineNo);
    this.onLine(line, this.lineNo, terminated);
  }
}

/**
 * The head as text, for sniffers: undefined when it holds a NUL byte (binary) or, for 'utf8', invalid UTF-8.
 * A head cut at HEAD_BYTES may end inside a multi-byte character, which is tolerated.
 */
export function headText(head: Buffer, encoding: TextEncoding): string | undefined {
  if (head.length === 0 || head.includes(0)) return undefined;
  let bytes = head;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  if (encoding === 'latin1') return bytes.toString('latin1');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const cuts = head.length >= HEAD_BYTES ? [0, 1, 2, 3] : [0];
  for (const cut of cuts) {
    try {
      return decoder.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      // Try again without a possibly cut trailing character.
    }
  }
  return encoding === 'utf8-or-windows-1252' ? WINDOWS_1252.decode(bytes) : undefined;
}

/** Windows-1252 (WHATWG's 'latin1' too): any byte is a character; 0x80-0x9F are €, quotes and dashes, not controls. */
const WINDOWS_1252 = new TextDecoder('windows-1252');

/**
 * Lines of a head that are certainly complete: the last one is dropped when the head may have been cut
 * (it is HEAD_BYTES long and does not end with a newline).
 */
export function headLines(text: string, headLength: number): string[] {
  const lines = text.split('\n');
  if (headLength >= HEAD_BYTES && !text.endsWith('\n')) lines.pop();
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

export function isValidLatLon(lat: number, lon: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

/** [minLon, minLat, maxLon, maxLat] of the positions added, in constant memory. */
export class BBoxAccumulator {
  private minLon = Infinity;
  private minLat = Infinity;
  private maxLon = -Infinity;
  private maxLat = -Infinity;
  count = 0;

  /** False (and nothing added) when the position is not a WGS84 position. */
  add(lon: number, lat: number): boolean {
    if (!isValidLatLon(lat, lon)) return false;
    this.count += 1;
    if (lon < this.minLon) this.minLon = lon;
    if (lon > this.maxLon) this.maxLon = lon;
    if (lat < this.minLat) this.minLat = lat;
    if (lat > this.maxLat) this.maxLat = lat;
    return true;
  }

  get bbox(): BBox | undefined {
    return this.count > 0 ? [this.minLon, this.minLat, this.maxLon, this.maxLat] : undefined;
  }
}

/** Earliest and latest instant seen (epoch milliseconds), in constant memory. */
export class TimeRangeAccumulator {
  min = Infinity;
  max = -Infinity;
  count = 0;

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.count += 1;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  get range(): { start: string; end: string } | undefined {
    if (this.count === 0) return undefined;
    return { start: new Date(this.min).toISOString(), end: new Date(this.max).toISOString() };
  }

  get durationSeconds(): number | undefined {
    return this.count === 0 ? undefined : (this.max - this.min) / 1000;
  }
}

/** Counts per key for at most `maxKeys` distinct keys; the rest is summed under `otherCount`. */
export class CappedCounter {
  private readonly counts = new Map<string, number>();
  otherCount = 0;
  otherKeys = 0;
  private readonly overflowKeys = new Set<string>();

  constructor(private readonly maxKeys = 256) {}

  add(rawKey: string, n = 1): void {
    // Keys come from the file: cap their length so a hostile name cannot grow memory.
    const key = rawKey.length > 128 ? rawKey.slice(0, 128) : rawKey;
    const current = this.counts.get(key);
    if (current !== undefined) {
      this.counts.set(key, current + n);
    } else if (this.counts.size < this.maxKeys) {
      this.counts.set(key, n);
    } else {
      this.otherCount += n;
      // Distinct overflow keys are counted only up to a bound, to keep memory flat.
      if (this.overflowKeys.size < 10_000 && !this.overflowKeys.has(key)) {
        this.overflowKeys.add(key);
        this.otherKeys += 1;
      }
    }
  }

  get size(): number {
    return this.counts.size;
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  keys(): string[] {
    return [...this.counts.keys()];
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/** Minimum and maximum of a numeric series, in constant memory. */
export class RangeAccumulator {
  min = Infinity;
  max = -Infinity;
  count = 0;

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.count += 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  get range(): { min: number; max: number } | undefined {
    return this.count === 0 ? undefined : { min: this.min, max: this.max };
  }
}

/** Absolute instants accepted from data files: anything outside is a unit mix-up or a relative clock. */
const MIN_MS = Date.UTC(1980, 0, 1);
const MAX_MS = Date.UTC(2100, 0, 1);

export type EpochUnit = 's' | 'ms' | 'us' | 'ns';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): Date.UTC without its cost. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** `count` ASCII digits at `at` as a number, or -1. */
function digitsAt(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i += 1) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * ISO-8601 date-time (`T` or a space between date and time; zone `Z`, `±hh`, `±hhmm`, `±hh:mm`, or none = UTC) to
 * epoch ms, or undefined. Hand-written rather than a regular expression: it runs once per row of files with
 * billions of rows.
 */
export function parseIsoTime(text: string): number | undefined {
  const s = text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) ? text.trim() : text;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || s[4] !== '-' || s[7] !== '-') return undefined;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo - 1] + (mo === 2 && leap ? 1 : 0)) return undefined;
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  let pos = 10;
  const sep = s[pos];
  if (sep === 'T' || sep === 't' || sep === ' ') {
    h = digitsAt(s, pos + 1, 2);
    mi = digitsAt(s, pos + 4, 2);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || s[pos + 3] !== ':') return undefined;
    pos += 6;
    if (s[pos] === ':') {
      sec = digitsAt(s, pos + 1, 2);
      if (sec < 0 || sec > 60) return undefined;
      pos += 3;
      if (s[pos] === '.' || s[pos] === ',') {
        pos += 1;
        const from = pos;
        while (pos < s.length && s.charCodeAt(pos) >= 48 && s.charCodeAt(pos) <= 57) pos += 1;
        if (pos === from) return undefined;
        ms = Number((s.slice(from, Math.min(pos, from + 3)) + '00').slice(0, 3));
      }
    }
    while (s[pos] === ' ') pos += 1;
  }
  let offsetMinutes = 0;
  if (pos < s.length) {
    const z = s[pos];
    if ((z === 'Z' || z === 'z') && pos === s.length - 1) {
      // UTC
    } else if (z === '+' || z === '-') {
      const rest = s.slice(pos + 1).replace(':', '');
      if (!/^\d{2}(\d{2})?$/.test(rest)) return undefined;
      offsetMinutes = (z === '-' ? -1 : 1) * (Number(rest.slice(0, 2)) * 60 + Number(rest.slice(2) || '0'));
    } else {
      return undefined;
    }
  }
  const value = daysFromCivil(y, mo, d) * 86_400_000 + ((h * 60 + mi - offsetMinutes) * 60 + sec) * 1000 + ms;
  return value >= MIN_MS && value <= MAX_MS ? value : undefined;
}

/**
 * A timestamp cell or JSON value to epoch ms: ISO strings, or epoch numbers whose unit is the hint or, without one,
 * guessed from the magnitude (seconds ~1e9, ms ~1e12, µs ~1e15, ns ~1e18). Relative clocks (small numbers) give undefined.
 */
export function parseTimestamp(value: unknown, unit?: EpochUnit): number | undefined {
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    if (!isEpochNumber(text)) return parseIsoTime(text);
    n = Number(text);
  } else {
    return undefined;
  }
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const guessed: EpochUnit = unit ?? epochUnitOf(n);
  const ms = guessed === 's' ? n * 1000 : guessed === 'ms' ? n : guessed === 'us' ? n / 1000 : n / 1e6;
  return ms >= MIN_MS && ms <= MAX_MS ? ms : undefined;
}

/**
 * The unit of a positive epoch number, from its magnitude: seconds ~1e9, ms ~1e12, µs ~1e15, ns ~1e18. Between 1980
 * and 2100 the four ranges lie three orders of magnitude apart, so the guess cannot confuse two units.
 */
export function epochUnitOf(n: number): EpochUnit {
  return n < 1e11 ? 's' : n < 1e14 ? 'ms' : n < 1e17 ? 'us' : 'ns';
}

/** True when a cell or value is a plain decimal number (an epoch count, not a date). */
export const isEpochNumber = (text: string): boolean => /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text);

/** Unit hint from a column or key name: `time_ms`, `timestamp_us`, `ts_ns`, `epoch_s`. */
export function unitFromName(name: string): EpochUnit | undefined {
  const m = /(?:^|[_\-\s([])(s|sec|secs|seconds|ms|millis|milliseconds|us|micros|microseconds|ns|nanos|nanoseconds)[)\]]?$/i.exec(name);
  if (!m) return undefined;
  const u = m[1].toLowerCase();
  if (u.startsWith('n')) return 'ns';
  if (u === 'us' || u.startsWith('micro')) return 'us';
  if (u === 'ms' || u.startsWith('milli')) return 'ms';
  return 's';
}

/** Field names that hold the time of a row, best first. */
const TIME_NAMES = [
  'timestamp',
  'time',
  'ts',
  'datetime',
  'date_time',
  'utc',
  'gps_time',
  'gpstime',
  'time_utc',
  'utc_time',
  'timestamp_utc',
  'recorded_at',
  'created_at',
  'date',
];

/** Index of the best time field among `names`, or -1. */
export function pickTimeField(names: readonly string[]): number {
  const normalised = names.map((n) => n.trim().toLowerCase());
  for (const wanted of TIME_NAMES) {
    const i = normalised.indexOf(wanted);
    if (i !== -1) return i;
  }
  // Names with a unit suffix or a prefix: timestamp_ms, unix_time, gps_time_s.
  return normalised.findIndex((n) => /(^|[_\s-])(timestamp|time|ts|datetime|utc)([_\s(-]|$)/.test(n));
}

function tokens(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Index of the latitude and longitude fields among `names` (lat|latitude, lon|lng|long|longitude), or -1. */
export function pickLatLonFields(names: readonly string[]): { lat: number; lon: number } {
  const find = (exact: string[]): number => {
    const i = names.findIndex((n) => exact.includes(n.trim().toLowerCase()));
    return i !== -1 ? i : names.findIndex((n) => tokens(n).some((t) => exact.includes(t)));
  };
  return { lat: find(['lat', 'latitude']), lon: find(['lon', 'lng', 'long', 'longitude']) };
}

/** Nanoseconds since the epoch (bigint) to ISO-8601, millisecond precision. */
export function isoFromNs(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

export function plural(n: number | bigint, word: string): string {
  return `${n} ${word}${n === 1 || n === 1n ? '' : 's'}`;
}

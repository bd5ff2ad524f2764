import { HEAD_BYTES, ProbeError, type FormatProbe, type ProbeResult, type ProbeSession } from './probe.types.js';
import {
  BBoxAccumulator,
  GuardedSession,
  LineSplitter,
  MAX_LINE_BYTES,
  TimeRangeAccumulator,
  headLines,
  headText,
  parseTimestamp,
  pickLatLonFields,
  pickTimeField,
  plural,
  unitFromName,
  type EpochUnit,
} from './telemetry-text.util.js';

/**
 * Delimited text with a header row (CAN / OBD / GNSS exports): RFC 4180 quoting, including quoted fields that span
 * lines. Rows are parsed as they pass and only counters are kept. The sniffer is the most generic of all and runs last.
 */

const DELIMITERS = [',', ';', '\t', '|'] as const;
type Delimiter = (typeof DELIMITERS)[number];
/** More rows than this share with the wrong number of fields, and the file is not the table its header describes. */
const MAX_MALFORMED_SHARE = 0.1;
const MAX_COLUMNS_LISTED = 1000;
/** A header name: letters, digits and the punctuation units and channels use; no markup, braces, quotes or `$`. */
const HEADER_NAME = /^[\p{L}\p{N}_ .\-()[\]/%#:°+*&@,;|'!?^~]+$/u;
const NUMERIC = /^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$/;

type Parsed = string[] | 'open' | 'malformed';

/** Splits one record; 'open' when a quoted field runs on past the end, 'malformed' for stray quotes. */
export function splitRecord(record: string, delimiter: string): Parsed {
  if (!record.includes('"')) return record.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    // Spaces before an opening quote (`a, "b"`) are tolerated, as most readers do.
    let start = i;
    while (record[start] === ' ') start += 1;
    if (record[start] === '"') {
      i = start;
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = record.indexOf('"', j);
        if (q === -1) return 'open';
        value += record.slice(j, q);
        if (record[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      fields.push(value);
      while (record[j] === ' ') j += 1;
      if (j === record.length) return fields;
      if (record[j] !== delimiter) return 'malformed';
      i = j + 1;
    } else {
      const next = record.indexOf(delimiter, i);
      const value = next === -1 ? record.slice(i) : record.slice(i, next);
      if (value.includes('"')) return 'malformed';
      fields.push(value);
      if (next === -1) return fields;
      i = next + 1;
    }
  }
}

/** The delimiter that splits the header into the most fields (at least 2), or undefined. */
function detectDelimiter(header: string): Delimiter | undefined {
  let best: Delimiter | undefined;
  let bestCount = 1;
  for (const d of DELIMITERS) {
    const fields = splitRecord(header, d);
    if (Array.isArray(fields) && fields.length > bestCount) {
      best = d;
      bestCount = fields.length;
    }
  }
  return best;
}

function countQuotes(line: string): number {
  let n = 0;
  for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 1)) n += 1;
  return n;
}

/**
 * Joins the lines of a record whose quoted field holds line breaks. A quoted field is open while the record's quote
 * count is odd, so each line is scanned once and the record is split once, when that count turns even.
 */
class RecordAssembler {
  private parts: string[] = [];
  private length = 0;
  private odd = false;
  /** Line on which the pending record started. */
  startLine = 0;

  constructor(
    private readonly delimiter: string,
    private readonly maxLength: number,
  ) {}

  get pending(): boolean {
    return this.parts.length > 0;
  }

  /** The record and its first line; undefined while a quoted field is still open; 'overflow' past maxLength. */
  add(line: string, n: number): { fields: Parsed; line: number } | undefined | 'overflow' {
    if (this.parts.length === 0) {
      const fields = splitRecord(line, this.delimiter);
      if (fields !== 'open') return { fields, line: n };
      this.parts = [line];
      this.length = line.length;
      this.odd = true;
      this.startLine = n;
      return undefined;
    }
    this.length += line.length + 1;
    if (this.length > this.maxLength) return 'overflow';
    this.parts.push(line);
    if (countQuotes(line) % 2 === 1) this.odd = !this.odd;
    if (this.odd) return undefined;
    const fields = splitRecord(this.parts.join('\n'), this.delimiter);
    if (fields === 'open') {
      this.odd = true;
      return undefined;
    }
    this.parts = [];
    return { fields, line: this.startLine };
  }
}

function isHeaderRow(fields: string[]): boolean {
  const names = fields.map((f) => f.trim());
  return (
    names.length >= 2 &&
    names.every((n) => n !== '' && n.length <= 128 && HEADER_NAME.test(n) && !NUMERIC.test(n)) &&
    names.some((n) => /\p{L}/u.test(n))
  );
}

class CsvSession extends GuardedSession {
  private readonly lines = new LineSplitter({ encoding: 'utf8', label: 'CSV' }, (line, n, terminated) => {
    this.line(line, n, terminated);
  });
  private delimiter: Delimiter | undefined;
  private columns: string[] = [];
  private records: RecordAssembler | undefined;
  private rows = 0;
  private malformed = 0;
  private firstMalformedLine: number | undefined;
  private timeIndex = -1;
  private timeUnit: EpochUnit | undefined;
  private latIndex = -1;
  private lonIndex = -1;
  private readonly time = new TimeRangeAccumulator();
  private readonly bbox = new BBoxAccumulator();
  private invalidTimes = 0;
  private invalidPositions = 0;
  private commentLines = 0;
  private cutRow: { line: number; fields: number } | undefined;

  protected consume(chunk: Buffer): void {
    this.lines.push(chunk);
  }

  private line(line: string, n: number, terminated: boolean): void {
    if (!this.records?.pending && line.trim() === '') return;
    if (!this.records) {
      if (line.startsWith('#')) {
        this.commentLines += 1;
        return;
      }
      this.header(line, n);
      return;
    }
    const record = this.records.add(line, n);
    if (record === undefined) return;
    if (record === 'overflow') {
      throw new ProbeError('corrupt', `the quoted field opened on line ${this.records.startLine} runs on for more than 1 MiB`);
    }
    const { fields, line: rowLine } = record;
    if (fields === 'malformed' || fields === 'open' || fields.length !== this.columns.length) {
      if (!terminated && Array.isArray(fields) && fields.length < this.columns.length) {
        // The last row, without its newline and short of fields: the file was cut, not written wrong.
        this.cutRow = { line: rowLine, fields: fields.length };
        return;
      }
      this.malformed += 1;
      this.firstMalformedLine ??= rowLine;
      return;
    }
    this.rows += 1;
    this.row(fields);
  }

  private header(line: string, n: number): void {
    const delimiter = detectDelimiter(line);
    const fields = delimiter ? splitRecord(line, delimiter) : 'malformed';
    if (!delimiter || !Array.isArray(fields) || !isHeaderRow(fields)) {
      throw new ProbeError('unreadable_header', `line ${n} is not a header row of column names`);
    }
    this.delimiter = delimiter;
    this.records = new RecordAssembler(delimiter, MAX_LINE_BYTES);
    this.columns = fields.map((f) => f.trim());
    this.timeIndex = pickTimeField(this.columns);
    this.timeUnit = this.timeIndex === -1 ? undefined : unitFromName(this.columns[this.timeIndex]);
    const { lat, lon } = pickLatLonFields(this.columns);
    if (lat !== -1 && lon !== -1) {
      this.latIndex = lat;
      this.lonIndex = lon;
    }
  }

  private row(fields: string[]): void {
    if (this.timeIndex !== -1) {
      const cell = fields[this.timeIndex].trim();
      if (cell !== '') {
        const ms = parseTimestamp(cell, this.timeUnit);
        if (ms === undefined) this.invalidTimes += 1;
        else this.time.add(ms);
      }
    }
    if (this.latIndex !== -1) {
      const latCell = fields[this.latIndex].trim();
      const lonCell = fields[this.lonIndex].trim();
      if (latCell === '' || lonCell === '') return;
      const lat = Number(latCell);
      const lon = Number(lonCell);
      // 0,0 is what loggers write without a fix: not a position.
      if (lat === 0 && lon === 0) return;
      if (!this.bbox.add(lon, lat)) this.invalidPositions += 1;
    }
  }

  protected complete(): ProbeResult {
    this.lines.end();
    if (!this.delimiter) throw new ProbeError('unreadable_header', 'the file has no header row');
    if (this.records?.pending) {
      throw new ProbeError(
        'truncated',
        `the file ends inside a quoted field opened on line ${this.records.startLine}; ${plural(this.rows, 'row')} were read`,
      );
    }
    if (this.cutRow) {
      throw new ProbeError(
        'truncated',
        `the last row (line ${this.cutRow.line}) has ${this.cutRow.fields} of ${this.columns.length} fields and no line end: the file was cut; ${plural(this.rows, 'row')} were read`,
      );
    }
    if (this.rows === 0 && this.malformed === 0) throw new ProbeError('corrupt', 'the file has a header row but no data rows');
    if (this.malformed > (this.rows + this.malformed) * MAX_MALFORMED_SHARE) {
      throw new ProbeError(
        'corrupt',
        `${this.malformed} of ${plural(this.rows + this.malformed, 'row')} do not have the header's ${this.columns.length} fields (first at line ${this.firstMalformedLine})`,
      );
    }
    const name = (i: number) => (i === -1 ? undefined : this.columns[i]);
    return {
      format: 'csv',
      modality: 'telemetry',
      counts: { rows: this.rows },
      timeRange: this.time.range,
      bbox: this.bbox.bbox,
      durationSeconds: this.time.durationSeconds,
      warnings: [],
      metadata: {
        delimiter: this.delimiter,
        columns: this.columns.slice(0, MAX_COLUMNS_LISTED),
        columnCount: this.columns.length,
        rows: this.rows,
        malformedRows: this.malformed,
        firstMalformedLine: this.firstMalformedLine,
        commentLines: this.commentLines,
        timeColumn: name(this.timeIndex),
        invalidTimes: this.invalidTimes,
        latitudeColumn: name(this.latIndex),
        longitudeColumn: name(this.lonIndex),
        positions: this.bbox.count,
        invalidPositions: this.invalidPositions,
      },
    };
  }
}

export const csvProbe: FormatProbe = {
  id: 'csv',
  /**
   * Valid UTF-8 text whose first line (after # comments) is a row of >= 2 column names, followed by data rows with as
   * many fields. Names are words, not numbers, markup, JSON or NMEA addresses, so other text formats are left alone.
   */
  sniff(head: Buffer): boolean {
    const text = headText(head, 'utf8');
    // Control characters other than tab, line ends and form feed mean binary data, not a table.
    if (text === undefined || /[^\P{Cc}\t\n\v\f\r\0\x80-\x9f]/u.test(text)) return false;
    const nonEmpty = headLines(text, head.length).filter((l) => l.trim() !== '');
    // Leading # comment lines (logger banners) come before the header.
    const first = nonEmpty.findIndex((l) => !l.startsWith('#'));
    if (first === -1) return false;
    const lines = nonEmpty.slice(first);
    const header = lines[0];
    const delimiter = detectDelimiter(header);
    if (!delimiter) return false;
    const names = splitRecord(header, delimiter);
    if (!Array.isArray(names) || !isHeaderRow(names)) return false;
    // Up to 20 records, joining the lines of quoted line breaks; most, not all, must have the header's width.
    const records: Parsed[] = [];
    const assembler = new RecordAssembler(delimiter, HEAD_BYTES);
    for (let i = 1; i < lines.length && records.length < 20; i += 1) {
      const record = assembler.add(lines[i], i);
      if (record === 'overflow') break;
      if (record) records.push(record.fields);
    }
    const matching = records.filter((f) => Array.isArray(f) && f.length === names.length).length;
    return matching >= 1 && matching >= records.length * 0.8;
  },
  open(): ProbeSession {
    return new CsvSession();
  },
};

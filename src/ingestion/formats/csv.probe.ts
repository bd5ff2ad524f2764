import { FootprintBuilder } from '../footprints/footprint-builder.js';
import { withFootprint } from './footprint-result.js';
import { HEAD_BYTES, ProbeError, type FormatProbe, type ProbeResult, type ProbeSession } from './probe.types.js';
import {
  BBoxAccumulator,
  GuardedSession,
  LineSplitter,
  MAX_LINE_BYTES,
  TimeRangeAccumulator,
  epochUnitOf,
  headLines,
  isEpochNumber,
  headText,
  parseIsoTime,
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

interface Header {
  delimiter: Delimiter;
  names: string[];
  /** The header ends with a delimiter (`a,b,c,`): an empty last name, dropped. */
  trailingDelimiter: boolean;
}

/** A header row of column names, with its delimiter; a trailing delimiter is allowed and dropped. */
function parseHeader(line: string): Header | undefined {
  const delimiter = detectDelimiter(line);
  if (!delimiter) return undefined;
  const fields = splitRecord(line, delimiter);
  if (!Array.isArray(fields)) return undefined;
  const trailingDelimiter = fields.length > 2 && fields[fields.length - 1].trim() === '';
  const names = trailingDelimiter ? fields.slice(0, -1) : fields;
  return isHeaderRow(names) ? { delimiter, names: names.map((n) => n.trim()), trailingDelimiter } : undefined;
}

/**
 * A `#` comment line that names the columns, as EuRoC / ASL datasets write it (`#timestamp [ns], p_x [m], ...`):
 * the header when the first uncommented line is data of as many fields.
 */
function parseCommentHeader(line: string): Header | undefined {
  return parseHeader(line.replace(/^#+\s*/, ''));
}

/** The row's fields fit `width` columns: exactly, or with one empty field after a trailing delimiter. */
function fitRow(fields: string[], width: number): string[] | undefined {
  if (fields.length === width) return fields;
  if (fields.length === width + 1 && fields[width].trim() === '') return fields.slice(0, width);
  return undefined;
}

/** Column names of hemisphere letters beside unsigned coordinates (`N/S`, `lat_ref`, `E/W`, `lon_dir`, ...). */
const LATITUDE_HEMISPHERE = /^(n\/s|ns|n_s|n-s|(lat|latitude)[ _-]?(ref|dir|hemisphere|hemi))$/i;
const LONGITUDE_HEMISPHERE = /^(e\/w|ew|e_w|e-w|(lon|lng|long|longitude)[ _-]?(ref|dir|hemisphere|hemi))$/i;
/** Separate date and time columns (loggers: `DATE` `yyyy/mm/dd` beside `TIME` `hh:mm:ss`). */
const DATE_NAMES = ['date', 'utc date', 'utc_date', 'gps date', 'gps_date', 'date_utc', 'date (utc)'];
const TIME_OF_DAY_NAMES = ['time', 'utc time', 'utc_time', 'gps time', 'gps_time', 'time_utc', 'time (utc)', 'utc'];
/** Quality columns beside positions: HDOP and satellites used. */
const HDOP = /^(hdop|h_dop|horizontal dilution|dop_h)$/i;
const SATELLITES = /^(sats|satellites|num_?sats|numsv|nsat|sats_used|satellites_used|sv)$/i;
const DATE_CELL = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$|^(\d{4})(\d{2})(\d{2})$/;
const TIME_CELL = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?$/;

/** `2005/05/01` + `10:12:47` (no zone: read as UTC) to epoch ms, or undefined. */
export function parseDateAndTime(date: string, time: string): number | undefined {
  const d = DATE_CELL.exec(date.trim());
  const t = TIME_CELL.exec(time.trim());
  if (!d || !t) return undefined;
  // Groups that did not take part are undefined at run time (the typings say string): read them with at().
  const [y, mo, day] = d.at(1) !== undefined ? [d[1], d[3], d[4]] : [d[5], d[6], d[7]];
  const fraction = t.at(4);
  const iso = `${y}-${mo.padStart(2, '0')}-${day.padStart(2, '0')}T${t[1].padStart(2, '0')}:${t[2]}:${t.at(3) ?? '00'}${fraction === undefined ? '' : `.${fraction}`}Z`;
  return parseIsoTime(iso);
}

/** A coordinate cell: a decimal point, or a decimal comma when the delimiter is not a comma. */
function coordinate(cell: string, delimiter: Delimiter): number {
  const text = cell.trim();
  if (text === '') return NaN;
  return Number(delimiter !== ',' && /^[-+]?\d+,\d+$/.test(text) ? text.replace(',', '.') : text);
}

/** +1 / -1 for a hemisphere letter (N, S, E, W, any case), NaN for anything else; +1 when there is no column. */
function hemisphereSign(cell: string | undefined, positive: string, negative: string): number {
  if (cell === undefined) return 1;
  const letter = cell.trim().toUpperCase();
  return letter === positive ? 1 : letter === negative ? -1 : NaN;
}

/** A data row as the probe reads it (for the table preview): its fields under the header's columns, and its time. */
export interface CsvRow {
  fields: string[];
  /** Epoch ms (UTC) of the row's time column (or date and time columns), or null. */
  ms: number | null;
}

class CsvSession extends GuardedSession {
  private readonly lines = new LineSplitter({ encoding: 'utf8-or-windows-1252', label: 'CSV' }, (line, n, terminated) => {
    this.line(line, n, terminated);
  });
  private delimiter: Delimiter | undefined;
  private columns: string[] = [];
  private trailingDelimiter = false;
  private headerSource: 'first line' | 'comment line' = 'first line';
  /** The last `#` line before the data, when it reads as a row of column names. */
  private commentHeader: Header | undefined;
  private records: RecordAssembler | undefined;
  private rows = 0;
  private malformed = 0;
  private firstMalformedLine: number | undefined;
  private timeIndex = -1;
  private timeUnit: EpochUnit | undefined;
  /** Epoch numbers read per unit: from the column name, else from each value's magnitude. */
  private readonly epochUnits: Partial<Record<EpochUnit, number>> = {};
  private dateIndex = -1;
  /** Decided on the first time cell: one column, or a date column joined with a time-of-day column. */
  private timeMode: 'single' | 'date+time' | undefined;
  private latIndex = -1;
  private lonIndex = -1;
  private hdopIndex = -1;
  private satellitesIndex = -1;
  private readonly footprint = new FootprintBuilder('CSV latitude / longitude columns');
  private latHemisphereIndex = -1;
  private lonHemisphereIndex = -1;
  private readonly time = new TimeRangeAccumulator();
  private readonly bbox = new BBoxAccumulator();
  private invalidTimes = 0;
  private invalidPositions = 0;
  private commentLines = 0;
  private cutRow: { line: number; fields: number } | undefined;

  constructor(private readonly onRow?: (row: CsvRow) => void) {
    super();
  }

  /** The header's column names and delimiter, once the header is read. */
  get table(): { columns: string[]; delimiter: Delimiter | undefined } {
    return { columns: this.columns, delimiter: this.delimiter };
  }

  protected consume(chunk: Buffer): void {
    this.lines.push(chunk);
  }

  private line(line: string, n: number, terminated: boolean): void {
    if (!this.records?.pending && line.trim() === '') return;
    if (!this.records) {
      if (line.startsWith('#')) {
        this.commentLines += 1;
        this.commentHeader = parseCommentHeader(line);
        return;
      }
      if (this.header(line, n)) return;
    }
    const records = this.records;
    if (!records) return;
    const record = records.add(line, n);
    if (record === undefined) return;
    if (record === 'overflow') {
      throw new ProbeError('corrupt', `the quoted field opened on line ${records.startLine} runs on for more than 1 MiB`);
    }
    const { fields, line: rowLine } = record;
    const fitted = Array.isArray(fields) ? fitRow(fields, this.columns.length) : undefined;
    if (!fitted) {
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
    this.row(fitted);
  }

  /**
   * Takes the first uncommented line as the header (true), or, when it is data whose width matches a `#` line of
   * names before it, takes that comment as the header and lets the line through as the first row (false).
   */
  private header(line: string, n: number): boolean {
    let header = parseHeader(line);
    let consumed = true;
    if (!header && this.commentHeader) {
      const fields = splitRecord(line, this.commentHeader.delimiter);
      if (Array.isArray(fields) && fitRow(fields, this.commentHeader.names.length)) {
        header = this.commentHeader;
        this.headerSource = 'comment line';
        this.commentLines -= 1;
        consumed = false;
      }
    }
    if (!header) throw new ProbeError('unreadable_header', `line ${n} is not a header row of column names`);
    this.delimiter = header.delimiter;
    this.trailingDelimiter = header.trailingDelimiter;
    this.records = new RecordAssembler(header.delimiter, MAX_LINE_BYTES);
    this.columns = header.names;
    this.timeIndex = pickTimeField(this.columns);
    this.timeUnit = this.timeIndex === -1 ? undefined : unitFromName(this.columns[this.timeIndex]);
    const lower = this.columns.map((c) => c.toLowerCase());
    this.dateIndex = lower.findIndex((c) => DATE_NAMES.includes(c));
    if (this.dateIndex === this.timeIndex) {
      // `date` was the best time column: its partner, if any, is a time-of-day column.
      const timeOfDay = lower.findIndex((c) => TIME_OF_DAY_NAMES.includes(c));
      if (timeOfDay !== -1) this.timeIndex = timeOfDay;
      else this.dateIndex = -1;
    }
    const { lat, lon } = pickLatLonFields(this.columns);
    if (lat !== -1 && lon !== -1) {
      this.latIndex = lat;
      this.lonIndex = lon;
      this.latHemisphereIndex = this.columns.findIndex((c) => LATITUDE_HEMISPHERE.test(c));
      this.lonHemisphereIndex = this.columns.findIndex((c) => LONGITUDE_HEMISPHERE.test(c));
      this.hdopIndex = this.columns.findIndex((c) => HDOP.test(c));
      this.satellitesIndex = this.columns.findIndex((c) => SATELLITES.test(c));
    }
    return consumed;
  }

  private rowTime(fields: string[]): number | undefined | 'empty' {
    const cell = fields[this.timeIndex].trim();
    if (cell === '') return 'empty';
    if (this.timeMode === undefined) {
      const alone = parseTimestamp(cell, this.timeUnit) !== undefined;
      this.timeMode = !alone && this.dateIndex !== -1 && parseDateAndTime(fields[this.dateIndex], cell) !== undefined ? 'date+time' : 'single';
    }
    if (this.timeMode === 'date+time') return parseDateAndTime(fields[this.dateIndex], cell);
    const ms = parseTimestamp(cell, this.timeUnit);
    if (ms !== undefined && isEpochNumber(cell)) {
      const unit = this.timeUnit ?? epochUnitOf(Number(cell));
      this.epochUnits[unit] = (this.epochUnits[unit] ?? 0) + 1;
    }
    return ms;
  }

  private row(fields: string[]): void {
    let rowMs: number | null = null;
    if (this.timeIndex !== -1) {
      const ms = this.rowTime(fields);
      if (ms === undefined) this.invalidTimes += 1;
      else if (ms !== 'empty') {
        this.time.add(ms);
        rowMs = ms;
      }
    }
    this.onRow?.({ fields, ms: rowMs });
    if (this.latIndex !== -1 && this.delimiter) {
      const latCell = fields[this.latIndex];
      const lonCell = fields[this.lonIndex];
      if (latCell.trim() === '' || lonCell.trim() === '') return;
      const lat =
        coordinate(latCell, this.delimiter) *
        hemisphereSign(fields.at(this.latHemisphereIndex === -1 ? fields.length : this.latHemisphereIndex), 'N', 'S');
      const lon =
        coordinate(lonCell, this.delimiter) *
        hemisphereSign(fields.at(this.lonHemisphereIndex === -1 ? fields.length : this.lonHemisphereIndex), 'E', 'W');
      const quality = (i: number) => (i === -1 ? undefined : coordinate(fields[i], this.delimiter ?? ','));
      const [hdop, satellites] = [quality(this.hdopIndex), quality(this.satellitesIndex)];
      this.footprint.add(lon, lat, rowMs, {
        hdop: hdop !== undefined && Number.isFinite(hdop) ? hdop : undefined,
        satellites: satellites !== undefined && Number.isInteger(satellites) ? satellites : undefined,
      });
      // 0,0 is what loggers write without a fix: not a position (the footprint counts it as dropped).
      if (lat === 0 && lon === 0) return;
      if (!this.bbox.add(lon, lat)) this.invalidPositions += 1;
    }
  }

  /** How epoch numbers were read: their unit, and whether the column name or the magnitude said so. */
  private epochUnit(): { unit: EpochUnit | 'mixed'; from: 'column name' | 'magnitude'; values: Partial<Record<EpochUnit, number>> } | undefined {
    const units = Object.keys(this.epochUnits) as EpochUnit[];
    if (units.length === 0) return undefined;
    return { unit: units.length === 1 ? units[0] : 'mixed', from: this.timeUnit ? 'column name' : 'magnitude', values: { ...this.epochUnits } };
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
    const outcome = this.footprint.finish();
    if (this.latIndex === -1) outcome.reason = 'the table has no latitude and longitude columns';
    return withFootprint(this.result(), outcome);
  }

  private result(): ProbeResult {
    const name = (i: number) => (i === -1 ? undefined : this.columns[i]);
    const dated = this.timeMode === 'date+time';
    const notUtf8 = this.lines.notUtf8FromLine;
    return {
      format: 'csv',
      modality: 'telemetry',
      counts: { rows: this.rows },
      timeRange: this.time.range,
      bbox: this.bbox.bbox,
      durationSeconds: this.time.durationSeconds,
      // Read all the same (a spreadsheet export on Western Windows), but said: a reader assuming UTF-8 would garble it.
      warnings:
        notUtf8 === undefined
          ? []
          : [`the file is not UTF-8 text${notUtf8 > 1 ? ` from line ${notUtf8}` : ''}: read as Windows-1252 (a spreadsheet export's encoding)`],
      metadata: {
        // Said only where it is not UTF-8, as the other fields a plain file leaves out.
        textEncoding: notUtf8 === undefined ? undefined : notUtf8 === 1 ? 'Windows-1252' : `UTF-8, then Windows-1252 from line ${notUtf8}`,
        delimiter: this.delimiter,
        columns: this.columns.slice(0, MAX_COLUMNS_LISTED),
        columnCount: this.columns.length,
        headerLine: this.headerSource === 'comment line' ? 'a # comment line' : undefined,
        trailingDelimiter: this.trailingDelimiter || undefined,
        rows: this.rows,
        malformedRows: this.malformed,
        firstMalformedLine: this.firstMalformedLine,
        commentLines: this.commentLines,
        timeColumn: name(this.timeIndex),
        dateColumn: dated ? name(this.dateIndex) : undefined,
        timeZone: dated ? 'none in the file: date and time read as UTC' : undefined,
        epochUnit: this.epochUnit(),
        invalidTimes: this.invalidTimes,
        latitudeColumn: name(this.latIndex),
        longitudeColumn: name(this.lonIndex),
        latitudeHemisphereColumn: name(this.latHemisphereIndex),
        longitudeHemisphereColumn: name(this.lonHemisphereIndex),
        positions: this.bbox.count,
        invalidPositions: this.invalidPositions,
      },
    };
  }
}

/**
 * The header and data rows of a CSV text as the probe reads them (for the table preview): its delimiter, quoted fields
 * across lines, a `#` header line, the time column (an epoch number's unit from the column name, a date column joined
 * with a time column); rows that do not fit the header are left out. A head cut mid-row gives the rows before it.
 * `decimalComma`: the delimiter is not a comma, so `12,5` is a number.
 */
export function readCsvRows(head: Buffer): { columns: string[]; rows: CsvRow[]; decimalComma: boolean } {
  const rows: CsvRow[] = [];
  const session = new CsvSession((row) => rows.push(row));
  session.push(head);
  const { columns, delimiter } = session.table;
  return { columns, rows, decimalComma: delimiter !== undefined && delimiter !== ',' };
}

export const csvProbe: FormatProbe = {
  id: 'csv',
  /**
   * Valid UTF-8 text whose first line (after # comments) is a row of >= 2 column names, followed by data rows with as
   * many fields. Names are words, not numbers, markup, JSON or NMEA addresses, so other text formats are left alone.
   */
  sniff(head: Buffer): boolean {
    const text = headText(head, 'utf8-or-windows-1252');
    // Control characters other than tab, line ends and form feed mean binary data, not a table.
    if (text === undefined || /[^\P{Cc}\t\n\v\f\r\0\x80-\x9f]/u.test(text)) return false;
    const nonEmpty = headLines(text, head.length).filter((l) => l.trim() !== '');
    // Leading # comment lines (logger banners) come before the header.
    const first = nonEmpty.findIndex((l) => !l.startsWith('#'));
    if (first === -1) return false;
    const lines = nonEmpty.slice(first);
    let header = parseHeader(lines[0]);
    let from = 1;
    if (!header && first > 0) {
      // EuRoC / ASL: the names are on the last # line, and the first uncommented line is data.
      const comment = parseCommentHeader(nonEmpty[first - 1]);
      const fields = comment ? splitRecord(lines[0], comment.delimiter) : undefined;
      if (comment && Array.isArray(fields) && fitRow(fields, comment.names.length)) {
        header = comment;
        from = 0;
      }
    }
    if (!header) return false;
    const { delimiter, names } = header;
    // Up to 20 records, joining the lines of quoted line breaks; most, not all, must have the header's width.
    const records: Parsed[] = [];
    const assembler = new RecordAssembler(delimiter, HEAD_BYTES);
    for (let i = from; i < lines.length && records.length < 20; i += 1) {
      const record = assembler.add(lines[i], i);
      if (record === 'overflow') break;
      if (record) records.push(record.fields);
    }
    const matching = records.filter((f) => Array.isArray(f) && fitRow(f, names.length)).length;
    return matching >= 1 && matching >= records.length * 0.8;
  },
  open(): ProbeSession {
    return new CsvSession();
  },
};

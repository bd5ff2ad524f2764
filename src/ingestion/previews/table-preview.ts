import { readCsvRows } from '../formats/csv.probe.js';
import { isCloudEvent, readJsonlRecords } from '../formats/jsonl.probe.js';
import { parseTimestamp, pickTimeField, unitFromName } from '../formats/telemetry-text.util.js';
import { readGpxPoints } from '../formats/gpx.probe.js';
import { readNmeaEpochs } from '../formats/nmea.probe.js';
import { readRinexEpochs } from '../formats/rinex.probe.js';
import { localIso, readSrtFrame } from '../formats/srt-frame.js';
import { readSrtBlocks } from '../formats/srt.probe.js';
import type { GeneratedPreview } from './generated-preview.js';
import {
  MAX_CELL,
  MAX_ROWS,
  MAX_SERIES,
  MAX_SERIES_POINTS,
  MAX_TRACK_POINTS,
  type Series,
  type TablePreview,
  type TrackPoint,
  thin,
} from './preview.types.js';

/** How much of a text capture is read for its table and plots. */
export const TABLE_HEAD_BYTES = 8 * 1024 * 1024;

/** Rows as a format yields them: text cells under named columns, and each row's time in seconds when it has one. */
export interface Records {
  source: string;
  columns: string[];
  rows: string[][];
  times: (number | null)[];
  /** Numbers may be written with a decimal comma (`12,5`: a table whose delimiter is not a comma). */
  decimalComma?: boolean;
  /** The rows the plots are drawn from, where not all of them (several vehicles in one file: the first one's). */
  plotted?: Records;
}

const MAX_COLUMNS = 24;

/** A UTC time (epoch ms) as a cell: `2024-05-01 10:00:00.000`. */
const utcCell = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/**
 * CSV as the probe reads it (readCsvRows: delimiter, quoting across lines, a `#` header line, the time column and its
 * unit, a date column joined with a time column): the header's columns, the rows that fit it, each row's time.
 */
export function csvRecords(text: string | Buffer): Records {
  // The bytes as they are: the probe's reader takes UTF-8, or Windows-1252 where the file is not UTF-8.
  const { columns, rows, decimalComma } = readCsvRows(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  return {
    source: 'CSV',
    columns,
    rows: rows.map((row) => row.fields),
    times: rows.map((row) => (row.ms === null ? null : row.ms / 1000)),
    decimalComma,
  };
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
  } else if (out.size < MAX_COLUMNS * 4) {
    out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
}

/**
 * JSON Lines. DIMO CloudEvents (as the probe tells them) become one row per vehicle and signal timestamp: each signal's
 * value under its name (an object value such as currentLocationCoordinates by its dotted keys), so a vehicle's speed,
 * position and odometer are channels over time, not a JSON string. Other records are flattened to dotted keys, timed
 * by the field the probe takes for their time (its unit from the name).
 */
export function jsonlRecords(head: Buffer): Records {
  const records = readJsonlRecords(head);
  return records.length > 0 && records.every((record) => isCloudEvent(record)) ? cloudEventRecords(records) : flatRecords(records);
}

/**
 * DIMO signals pivoted: one row per vehicle (the event's subject) and timestamp, a column per signal name, in time
 * order; with several vehicles a subject column says whose each row is, and the plots are the first vehicle's.
 */
function cloudEventRecords(events: Record<string, unknown>[]): Records {
  const rowsByKey = new Map<string, { subject: string; ms: number; cells: Map<string, string> }>();
  const signalColumns: string[] = [];
  for (const event of events) {
    const subject = String(event.subject);
    const signals = ((event.data as { signals?: unknown }).signals ?? []) as unknown[];
    const eventMs = parseTimestamp(event.time);
    for (const signal of signals) {
      if (typeof signal !== 'object' || signal === null) continue;
      const { name, timestamp, value } = signal as { name?: unknown; timestamp?: unknown; value?: unknown };
      const ms = parseTimestamp(timestamp) ?? eventMs;
      if (typeof name !== 'string' || ms === undefined || value === undefined) continue;
      const cells = new Map<string, string>();
      flatten(value, name, cells);
      const key = `${subject}\u0000${String(ms)}`;
      const row = rowsByKey.get(key) ?? { subject, ms, cells: new Map<string, string>() };
      for (const [column, cell] of cells) {
        if (!signalColumns.includes(column)) {
          if (signalColumns.length >= MAX_COLUMNS - 2) continue;
          signalColumns.push(column);
        }
        row.cells.set(column, cell);
      }
      rowsByKey.set(key, row);
    }
  }
  const rows = [...rowsByKey.values()].sort((a, b) => a.ms - b.ms || a.subject.localeCompare(b.subject));
  const subjects = [...new Set(events.map((event) => String(event.subject)))];
  const several = subjects.length > 1;
  const records = (of: typeof rows): Records => ({
    source: 'DIMO signals (JSON Lines)',
    columns: ['time (UTC)', ...(several ? ['subject'] : []), ...signalColumns],
    rows: of.map((row) => [utcCell(row.ms), ...(several ? [row.subject] : []), ...signalColumns.map((column) => row.cells.get(column) ?? '')]),
    times: of.map((row) => row.ms / 1000),
  });
  return several ? { ...records(rows), plotted: records(rows.filter((row) => row.subject === subjects[0])) } : records(rows);
}

/** Records flattened to dotted keys; the time from the field the probe picks (pickTimeField, its unit from the name). */
function flatRecords(records: Record<string, unknown>[]): Records {
  const flat = records.map((record) => {
    const fields = new Map<string, string>();
    flatten(record, '', fields);
    return fields;
  });
  const columns: string[] = [];
  for (const record of flat.slice(0, 200))
    for (const key of record.keys()) if (!columns.includes(key) && columns.length < MAX_COLUMNS) columns.push(key);
  const timeAt = pickTimeField(columns);
  const timeKey = timeAt === -1 ? undefined : columns[timeAt];
  const unit = timeKey === undefined ? undefined : unitFromName(timeKey);
  return {
    source: 'JSON Lines',
    columns,
    rows: flat.map((record) => columns.map((c) => record.get(c) ?? '')),
    times: records.map((record, r) => {
      if (timeKey === undefined) return null;
      const raw = timeKey in record ? record[timeKey] : flat[r].get(timeKey);
      const ms = parseTimestamp(raw, unit);
      return ms === undefined ? null : ms / 1000;
    }),
  };
}

/** Columns (and their cells) that no row fills, left out; the first column always stays. */
function filledColumns(columns: string[], rows: string[][]): { columns: string[]; rows: string[][] } {
  const kept = columns.map((_, c) => c).filter((c) => c === 0 || rows.some((row) => row[c] !== ''));
  return { columns: kept.map((c) => columns[c]), rows: rows.map((row) => kept.map((c) => row[c])) };
}

/** A number as a cell: empty when there is none. */
const numberCell = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '' : String(value));

/** Metres per second in a knot. */
const KNOT_MS = 1852 / 3600;

/**
 * NMEA 0183: one row per epoch as the probe reads it (sentences with a valid checksum; the GGA, GNS, RMC and GSA of one
 * time field together): time (dated by the RMCs, the epochs before the first one by it, as gpsbabel does), position,
 * fix, satellites, HDOP, altitude and speed. Timed by the time of day, across midnight.
 */
export function nmeaRecords(head: Buffer): Records {
  const rows: string[][] = [];
  const times: (number | null)[] = [];
  let dayOffset = 0;
  let last = -1;
  for (const epoch of readNmeaEpochs(head)) {
    const { time: hhmmss, tod } = epoch;
    let t: number | null = null;
    if (tod !== undefined) {
      const seconds = tod / 1000;
      if (last >= 0 && seconds + dayOffset < last - 43200) dayOffset += 86400;
      t = seconds + dayOffset;
      last = t;
    }
    const time =
      epoch.ms !== undefined ? utcCell(epoch.ms) : tod !== undefined ? `${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:${hhmmss.slice(4)}` : '';
    rows.push([
      time,
      numberCell(epoch.lat === undefined ? undefined : Number(epoch.lat.toFixed(7))),
      numberCell(epoch.lon === undefined ? undefined : Number(epoch.lon.toFixed(7))),
      epoch.fix ?? '',
      numberCell(epoch.satellites),
      numberCell(epoch.hdop),
      numberCell(epoch.altitude),
      numberCell(epoch.speedKnots === undefined ? undefined : Number((epoch.speedKnots * KNOT_MS).toFixed(3))),
    ]);
    times.push(t);
  }
  // Columns no epoch fills (an RMC-only log has no altitude, a GGA-only one no speed) are left out.
  const filled = filledColumns(['time (UTC)', 'latitude', 'longitude', 'fix', 'satellites', 'HDOP', 'altitude (m)', 'speed (m/s)'], rows);
  return { source: 'NMEA', ...filled, times };
}

const POINT_KINDS = { wpt: 'way point', trkpt: 'track point', rtept: 'route point' } as const;

/**
 * GPX: one row per track, route or way point as the probe reads it (any namespace prefix, either quoting,
 * self-closing points): time, position, elevation, and HDOP, fix, satellites and speed where the points carry them.
 */
export function gpxRecords(head: Buffer): Records {
  const points = readGpxPoints(head);
  const rows = points.map((point) => [
    point.ms === null ? '' : utcCell(point.ms),
    numberCell(point.lat),
    numberCell(point.lon),
    numberCell(point.ele),
    numberCell(point.hdop),
    point.fix ?? '',
    numberCell(point.satellites),
    numberCell(point.speed),
  ]);
  // A file of way points and a track says which each row is.
  const kinds = new Set(points.map((point) => point.kind));
  if (kinds.size > 1) rows.forEach((row, i) => row.push(POINT_KINDS[points[i].kind]));
  const filled = filledColumns(
    ['time (UTC)', 'latitude', 'longitude', 'elevation (m)', 'HDOP', 'fix', 'satellites', 'speed (m/s)', ...(kinds.size > 1 ? ['point'] : [])],
    rows,
  );
  return { source: 'GPX', ...filled, times: points.map((point) => (point.ms === null ? null : point.ms / 1000)) };
}

/** How many satellite ids a RINEX row lists (the rest are counted). */
const LISTED_SATELLITES = 12;

/**
 * RINEX observations: one row per observation epoch (its time in the file's time system, flag, satellites and which,
 * receiver clock offset where given), read as the probe reads them (RINEX 2 with continuation lines, RINEX 3 from its
 * satellite records, Compact RINEX).
 */
export function rinexRecords(head: Buffer): Records {
  const { epochs, timeSystem } = readRinexEpochs(head);
  const clock = epochs.some((epoch) => epoch.receiverClockOffset !== undefined);
  const rows = epochs.map((epoch) => {
    const listed = epoch.satellites.slice(0, LISTED_SATELLITES).join(' ');
    const more = epoch.satellites.length - LISTED_SATELLITES;
    const row = [
      localIso(epoch.ms)
        .replace('T', ' ')
        .replace(/\.?0+$/, ''),
      String(epoch.flag),
      String(epoch.satellites.length),
      more > 0 ? `${listed} (+${String(more)})` : listed,
    ];
    if (clock) row.push(epoch.receiverClockOffset === undefined ? '' : String(epoch.receiverClockOffset));
    return row;
  });
  const columns = [`epoch (${timeSystem} time)`, 'flag', 'satellites', 'satellite list'];
  if (clock) columns.push('receiver clock offset (s)');
  return { source: 'RINEX', columns, rows, times: epochs.map((epoch) => epoch.ms / 1000) };
}

/** Bracketed keys of a DJI SRT that readSrtFrame reads, shown under its names instead. */
const SRT_FRAME_KEYS = /^(latitude|longt?itude|altitude|rel_alt|abs_alt)$/i;

/**
 * DJI subtitle telemetry (SRT): one row per subtitle, with its local date-time, its `[key: value]` pairs, and what
 * readSrtFrame reads as the probe does (the position whichever order GPS(...) gives it, altitude and height above the
 * take-off point apart, D / H.S / V.S named); a consumer GPS(lon, lat, n)'s third value is shown as what it is, never
 * as an altitude.
 */
export function srtRecords(head: Buffer): Records {
  const records: { t: number; fields: Map<string, string> }[] = [];
  for (const { startMs, text: body } of readSrtBlocks(head)) {
    const frame = readSrtFrame(body);
    const fields = new Map<string, string>();
    const set = (name: string, value: number | undefined) => {
      if (value !== undefined) fields.set(name, String(value));
    };
    // The aircraft's clock: local time, and the file names no zone (the probe finds it from the first position).
    if (frame.localTime !== undefined) fields.set('local time', localIso(frame.localTime).replace('T', ' '));
    for (const bracket of body.matchAll(/\[([^\]]+)\]/g))
      for (const pair of bracket[1].matchAll(/([A-Za-z_][\w ]*?)\s*:\s*(-?[\w./]+)/g)) {
        const key = pair[1].trim();
        if (!SRT_FRAME_KEYS.test(key)) fields.set(key, pair[2]);
      }
    // `SS 30.15, ISO 260, EV -1.7` (Mavic 2, Mini) and `ISO:100 Shutter:60 EV:0 Fnum:2.2` (Phantom).
    for (const token of body.matchAll(/\b(ISO|EV|SS|Shutter|Fnum)(?:\s*:\s*|\s+)(-?[\d./]+)/g)) fields.set(token[1], token[2]);
    set('latitude', frame.lat);
    set('longitude', frame.lon);
    set('altitude (m)', frame.altitude);
    set('height above take-off (m)', frame.heightAboveTakeoff);
    set('distance from home (m)', frame.distanceFromHome);
    set('horizontal speed (m/s)', frame.horizontalSpeed);
    set('vertical speed (m/s)', frame.verticalSpeed);
    set('GPS third value', frame.gpsThirdValue);
    records.push({ t: startMs / 1000, fields });
  }
  const columns: string[] = [];
  for (const r of records.slice(0, 50))
    for (const key of r.fields.keys()) if (!columns.includes(key) && columns.length < MAX_COLUMNS) columns.push(key);
  return { source: 'DJI SRT', columns, rows: records.map((r) => columns.map((c) => r.fields.get(c) ?? '')), times: records.map((r) => r.t) };
}

/**
 * The GPS track of a DJI SRT, each fix timed by its subtitle's start: seconds from the start of the video the SRT
 * belongs to (so it follows that video's playhead). Null when no subtitle holds a usable position.
 */
export function srtTrack(head: Buffer): TrackPoint[] | null {
  return srtRecordsTrack(srtRecords(head));
}

function srtRecordsTrack(records: Records): TrackPoint[] | null {
  const [lat, lon] = [records.columns.indexOf('latitude'), records.columns.indexOf('longitude')];
  if (lat < 0 || lon < 0) return null;
  const points: TrackPoint[] = [];
  records.rows.forEach((row, i) => {
    const [y, x, t] = [Number(row[lat]), Number(row[lon]), records.times[i]];
    // 0/0 is what the drone writes before its GPS has a fix.
    if (row[lat] && row[lon] && Math.abs(y) <= 90 && Math.abs(x) <= 180 && !(x === 0 && y === 0) && t !== null) points.push([x, y, t]);
  });
  return points.length ? thin(points, MAX_TRACK_POINTS) : null;
}

const NOT_PLOTTED =
  /^(index|id|#|lat|latitude|lon|lng|longitude|time|timestamp|date|.*\btime\b.*|.*stamp.*|framecnt|srtcnt|flag|fix quality|GPS third value)$/i;

/** Numeric columns that change, as series over time (or row number), evenly thinned. */
export function seriesOf(records: Records): { series: Series[]; timeAxis: 'seconds' | 'row' } {
  const timed = records.times.filter((t) => t !== null).length >= records.rows.length * 0.9 && records.rows.length > 0;
  const origin = timed ? Math.min(...records.times.filter((t): t is number => t !== null).slice(0, 1000)) : 0;
  const series: Series[] = [];
  records.columns.forEach((name, c) => {
    if (series.length >= MAX_SERIES || NOT_PLOTTED.test(name.trim())) return;
    const t: number[] = [];
    const v: number[] = [];
    let numeric = 0;
    let filled = 0;
    records.rows.forEach((row, r) => {
      const cell = row.at(c) ?? '';
      if (cell === '') return;
      filled += 1;
      const value = Number(records.decimalComma && /^[-+]?\d+,\d+$/.test(cell.trim()) ? cell.replace(',', '.') : cell);
      if (!Number.isFinite(value)) return;
      numeric += 1;
      const time = timed ? records.times[r] : r + 1;
      if (time === null) return;
      t.push(Number((timed ? time - origin : time).toFixed(3)));
      v.push(value);
    });
    if (filled === 0 || numeric < filled * 0.9 || v.length < 2 || v.every((x) => x === v[0])) return;
    const kept = thin(
      t.map((time, i) => [time, v[i]] as const),
      MAX_SERIES_POINTS,
    );
    const unit = /\[([^\]]+)\]|\(([^)]+)\)/.exec(name);
    series.push({
      name: name.replace(/\s*(\[[^\]]*\]|\([^)]*\))\s*$/, '').trim(),
      unit: unit?.[1] || unit?.[2] || undefined,
      t: kept.map((p) => p[0]),
      v: kept.map((p) => p[1]),
    });
  });
  return { series, timeAxis: timed ? 'seconds' : 'row' };
}

/** Readers of a head's bytes: the probes' own readers, which decode them as the probes do. */
const READERS: Partial<Record<string, (head: Buffer) => Records>> = {
  csv: csvRecords,
  jsonl: jsonlRecords,
  nmea: nmeaRecords,
  gpx: gpxRecords,
  rinex: rinexRecords,
  'dji-srt': srtRecords,
};

export function hasTablePreview(format: string): boolean {
  return READERS[format] !== undefined;
}

/** The first rows, the numeric channels over time and the track of a text capture, from its first bytes. */
export function tablePreview(format: string, head: Buffer | string, track: TrackPoint[] | null): GeneratedPreview {
  const reader = READERS[format];
  if (!reader) return { content: { kind: 'none' }, files: [], reason: `no table preview for ${format}` };
  const records = reader(typeof head === 'string' ? Buffer.from(head, 'utf8') : head);
  const { series, timeAxis } = seriesOf(records.plotted ?? records);
  const content: TablePreview = {
    kind: 'table',
    source: records.source,
    columns: records.columns.map((c) => c.slice(0, MAX_CELL)),
    rows: records.rows.slice(0, MAX_ROWS).map((row) => row.map((cell) => (cell.length > MAX_CELL ? `${cell.slice(0, MAX_CELL - 1)}…` : cell))),
    series,
    timeAxis,
    rowsRead: records.rows.length,
    // A DJI SRT's own fixes are timed from its video's start; other formats show the footprint's track.
    track: (format === 'dji-srt' ? srtRecordsTrack(records) : null) ?? track,
  };
  return { content, files: [], reason: records.rows.length === 0 ? `no ${records.source} rows were found in the first bytes of the file` : null };
}

import { FootprintBuilder } from '../footprints/footprint-builder.js';
import { withFootprint } from './footprint-result.js';
import { ProbeError, type FormatProbe, type ProbeResult, type ProbeSession } from './probe.types.js';
import {
  BBoxAccumulator,
  CappedCounter,
  GuardedSession,
  LineSplitter,
  TimeRangeAccumulator,
  headLines,
  headText,
  parseTimestamp,
  pickLatLonFields,
  pickTimeField,
  plural,
  unitFromName,
} from './telemetry-text.util.js';

/**
 * JSON Lines: one JSON object per line. Two shapes are understood: DIMO CloudEvents (id, source, subject, time,
 * data.signals[{ name, timestamp, value }]) and flat records whose keys are the signals. Only counters are kept.
 */

/** DIMO payloads are small; a line beyond this is not one record. */
const MAX_JSON_LINE = 4 * 1024 * 1024;
const MAX_MALFORMED_SHARE = 0.1;
const MAX_DISTINCT = 1000;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A DIMO CloudEvent: id, source, subject, time and data.signals[] (the probe's reading, shared with the table preview). */
export function isCloudEvent(o: Json): o is Json & { data: { signals: unknown[] } } {
  return (
    typeof o.id === 'string' &&
    typeof o.source === 'string' &&
    typeof o.subject === 'string' &&
    typeof o.time === 'string' &&
    isObject(o.data) &&
    Array.isArray(o.data.signals)
  );
}

const isLatitudeSignal = (name: string) => /latitude$/i.test(name);
const isLongitudeSignal = (name: string) => /longitude$/i.test(name);

function numeric(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Remembers up to MAX_DISTINCT distinct strings and whether more were seen. */
class BoundedSet {
  private readonly values = new Set<string>();
  overflow = false;

  add(value: string): void {
    if (this.values.has(value)) return;
    if (this.values.size < MAX_DISTINCT) this.values.add(value.slice(0, 256));
    else this.overflow = true;
  }

  get size(): number {
    return this.values.size;
  }
}

class JsonlSession extends GuardedSession {
  private readonly lines = new LineSplitter({ encoding: 'utf8', label: 'JSON Lines', maxLineBytes: MAX_JSON_LINE }, (line, n, terminated) => {
    this.line(line, n, terminated);
  });
  private records = 0;
  private malformed = 0;
  private firstMalformedLine: number | undefined;
  private cutLine: number | undefined;
  private events = 0;
  private readonly signals = new CappedCounter(MAX_DISTINCT);
  private readonly keys = new CappedCounter(MAX_DISTINCT);
  private readonly eventTypes = new CappedCounter(64);
  private readonly subjects = new BoundedSet();
  private readonly sources = new BoundedSet();
  private readonly time = new TimeRangeAccumulator();
  private readonly bbox = new BBoxAccumulator();
  private readonly footprint = new FootprintBuilder('JSON Lines latitude / longitude');
  private signalValues = 0;
  private malformedSignals = 0;
  private invalidTimes = 0;
  private invalidPositions = 0;

  constructor(private readonly onRecord?: (record: Json) => void) {
    super();
  }

  protected consume(chunk: Buffer): void {
    this.lines.push(chunk);
  }

  private line(line: string, n: number, terminated: boolean): void {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // The last line, cut before its newline, is a truncated file rather than a malformed record.
      if (!terminated) this.cutLine = n;
      else this.bad(n);
      return;
    }
    if (!isObject(value)) {
      this.bad(n);
      return;
    }
    this.records += 1;
    this.onRecord?.(value);
    if (isCloudEvent(value)) this.cloudEvent(value);
    else this.flat(value);
  }

  private bad(n: number): void {
    this.malformed += 1;
    this.firstMalformedLine ??= n;
  }

  private cloudEvent(event: Json & { data: { signals: unknown[] } }): void {
    this.events += 1;
    this.subjects.add(event.subject as string);
    this.sources.add(event.source as string);
    if (typeof event.type === 'string') this.eventTypes.add(event.type);
    const eventTime = parseTimestamp(event.time);
    /** Latitude and longitude signals of this event, paired by their timestamp. */
    const fixes = new Map<string, { lat?: number; lon?: number; ms?: number }>();
    let timed = false;
    for (const signal of event.data.signals) {
      if (!isObject(signal) || typeof signal.name !== 'string' || !('value' in signal)) {
        this.malformedSignals += 1;
        continue;
      }
      this.signalValues += 1;
      this.signals.add(signal.name);
      const ms = parseTimestamp(signal.timestamp);
      if (ms !== undefined) {
        this.time.add(ms);
        timed = true;
      } else if (signal.timestamp !== undefined) {
        this.invalidTimes += 1;
      }
      // Signals of one fix share a timestamp; any JSON value serves as the key.
      const key = JSON.stringify(signal.timestamp ?? null);
      if (isObject(signal.value) && 'latitude' in signal.value && 'longitude' in signal.value) {
        // currentLocationCoordinates: { latitude, longitude, ... } in one signal.
        fixes.set(`${key}#coordinates`, { lat: numeric(signal.value.latitude), lon: numeric(signal.value.longitude), ms });
      } else if (isLatitudeSignal(signal.name)) {
        const fix = fixes.get(key) ?? { ms };
        fix.lat = numeric(signal.value);
        fixes.set(key, fix);
      } else if (isLongitudeSignal(signal.name)) {
        const fix = fixes.get(key) ?? { ms };
        fix.lon = numeric(signal.value);
        fixes.set(key, fix);
      }
    }
    if (!timed) {
      if (eventTime !== undefined) this.time.add(eventTime);
      else this.invalidTimes += 1;
    }
    for (const { lat, lon, ms } of fixes.values()) this.position(lat, lon, ms ?? eventTime);
  }

  private flat(record: Json): void {
    const names = Object.keys(record);
    for (const name of names) this.keys.add(name);
    // A record that is one signal: { name, value, timestamp }.
    if (typeof record.name === 'string' && 'value' in record) this.signals.add(record.name);
    const t = pickTimeField(names);
    let ms: number | undefined;
    if (t !== -1) {
      ms = parseTimestamp(record[names[t]], unitFromName(names[t]));
      if (ms === undefined) this.invalidTimes += 1;
      else this.time.add(ms);
    }
    const { lat, lon } = pickLatLonFields(names);
    if (lat !== -1 && lon !== -1) this.position(numeric(record[names[lat]]), numeric(record[names[lon]]), ms);
  }

  private position(lat: number | undefined, lon: number | undefined, ms: number | undefined): void {
    if (lat === undefined || lon === undefined) return;
    // 0,0 is what loggers write without a fix: not a position (the footprint counts it as dropped).
    this.footprint.add(lon, lat, ms ?? null);
    if (lat === 0 && lon === 0) return;
    if (!this.bbox.add(lon, lat)) this.invalidPositions += 1;
  }

  protected complete(): ProbeResult {
    this.lines.end();
    if (this.cutLine !== undefined) {
      throw new ProbeError(
        'truncated',
        `the last line (${this.cutLine}) is an unfinished JSON object: the file was cut; ${plural(this.records, 'record')} were read`,
      );
    }
    if (this.records === 0) throw new ProbeError('corrupt', 'no line holds a JSON object');
    if (this.malformed > (this.records + this.malformed) * MAX_MALFORMED_SHARE) {
      throw new ProbeError(
        'corrupt',
        `${this.malformed} of ${plural(this.records + this.malformed, 'line')} are not JSON objects (first at line ${this.firstMalformedLine})`,
      );
    }
    return withFootprint(this.result(), this.footprint.finish());
  }

  private result(): ProbeResult {
    const signals = this.signals.toJSON();
    return {
      format: 'jsonl',
      modality: 'telemetry',
      counts: { rows: this.records },
      timeRange: this.time.range,
      bbox: this.bbox.bbox,
      durationSeconds: this.time.durationSeconds,
      warnings: [],
      metadata: {
        records: this.records,
        malformedRecords: this.malformed,
        firstMalformedLine: this.firstMalformedLine,
        cloudEvents: this.events,
        eventTypes: this.events > 0 ? this.eventTypes.toJSON() : undefined,
        subjects: this.events > 0 ? this.subjects.size : undefined,
        sources: this.events > 0 ? this.sources.size : undefined,
        signalNames: Object.keys(signals),
        signalCounts: signals,
        signalValues: this.events > 0 ? this.signalValues : undefined,
        malformedSignals: this.malformedSignals,
        otherSignalNames: this.signals.otherKeys || undefined,
        keys: this.keys.size > 0 ? this.keys.toJSON() : undefined,
        invalidTimes: this.invalidTimes,
        positions: this.bbox.count,
        invalidPositions: this.invalidPositions,
      },
    };
  }
}

/**
 * The records (JSON objects) of a JSON Lines text as the probe reads them (for the table preview): UTF-8 lines, each a
 * JSON object; other lines are left out, and a head cut inside a record gives the records before it.
 */
export function readJsonlRecords(head: Buffer): Json[] {
  const records: Json[] = [];
  const session = new JsonlSession((record) => records.push(record));
  session.push(head);
  return records;
}

export const jsonlProbe: FormatProbe = {
  id: 'jsonl',
  /** Valid UTF-8 whose first non-empty, complete line parses as a JSON object (not an array, not pretty-printed JSON). */
  sniff(head: Buffer): boolean {
    const text = headText(head, 'utf8');
    if (text === undefined) return false;
    const first = headLines(text, head.length).find((l) => l.trim() !== '');
    if (first === undefined || !first.trimStart().startsWith('{')) return false;
    try {
      return isObject(JSON.parse(first));
    } catch {
      return false;
    }
  },
  open(): ProbeSession {
    return new JsonlSession();
  },
};

import { FootprintBuilder } from '../footprints/footprint-builder.js';
import { withFootprint } from './footprint-result.js';
import { ProbeError, type FormatProbe, type ProbeResult, type ProbeSession } from './probe.types.js';
import {
  BBoxAccumulator,
  GuardedSession,
  LineSplitter,
  RangeAccumulator,
  headLines,
  headText,
  isValidLatLon,
  plural,
} from './telemetry-text.util.js';
import { DJI_MARKERS, localIso, readSrtFrame } from './srt-frame.js';
import { formatOffset, timeZoneAt, zoneOffsetMinutes, zonedToUtcMs } from './time-zone.util.js';

/**
 * DJI SRT sidecars: SubRip blocks (number, `hh:mm:ss,mmm --> hh:mm:ss,mmm`, text) whose text carries the drone's
 * telemetry, in the layouts srt-frame.ts reads. The date is the aircraft's local time and the file names no zone: the
 * zone is looked up at the first position (IANA name, from time-zone boundaries), the time range is stored in UTC, and
 * the local times and zone stay in the metadata.
 */

const TIMING = /^(\d{1,2}):(\d{2}):(\d{2})[,.](\d{3})\s*-->\s*(\d{1,2}):(\d{2}):(\d{2})[,.](\d{3})/;
const MAX_BLOCK_TEXT = 64 * 1024;

type State = 'number' | 'timing' | 'text';

/** A subtitle block as the probe reads it, for the table preview: its start on the video's timeline and its text. */
export interface SrtBlock {
  /** Milliseconds from the start of the video the SRT belongs to. */
  startMs: number;
  /** The block's text lines, markup (`<font ...>`) replaced by spaces. */
  text: string;
}

function timelineMs(m: RegExpExecArray, from: number): number {
  return ((Number(m[from]) * 60 + Number(m[from + 1])) * 60 + Number(m[from + 2])) * 1000 + Number(m[from + 3]);
}

class SrtSession extends GuardedSession {
  private readonly lines = new LineSplitter({ encoding: 'latin1', label: 'DJI SRT' }, (line, n) => {
    this.line(line, n);
  });
  private state: State = 'number';
  private blockLine = 0;
  private blockNumber = 0;
  private blockText = '';
  private blockTextLines = 0;
  private blockStart = 0;
  private frames = 0;
  private outOfSequence = 0;
  private previousNumber: number | undefined;
  private previousStart = -1;
  private timelineStart: number | undefined;
  private timelineEnd = 0;
  private readonly bbox = new BBoxAccumulator();
  private readonly altitude = new RangeAccumulator();
  private readonly relativeAltitude = new RangeAccumulator();
  private readonly gpsThirdValue = new RangeAccumulator();
  /** Frames whose GPS(...) gave latitude first (enterprise) or longitude first (consumer). */
  private gpsLatFirst = 0;
  private gpsLonFirst = 0;
  private firstPosition: { lat: number; lon: number } | undefined;
  /** The zone at the first position (undefined before it, or where the lookup finds none). */
  private zone: string | undefined;
  /** The last UTC offset computed, per quarter hour of local time: zone changes happen on quarter hours. */
  private offsetCache: { quarter: number; offsetMs: number } | undefined;
  private readonly footprint = new FootprintBuilder('DJI SRT frames');
  private firstDate: number | undefined;
  private lastDate: number | undefined;
  private framesWithoutPosition = 0;
  private framesWithTelemetry = 0;
  private readonly fields = new Set<string>();

  constructor(private readonly onBlock?: (block: SrtBlock) => void) {
    super();
  }

  protected consume(chunk: Buffer): void {
    this.lines.push(chunk);
  }

  private line(raw: string, n: number): void {
    const line = raw.trim();
    switch (this.state) {
      case 'number':
        if (line === '') return;
        if (!/^\d{1,9}$/.test(line)) throw new ProbeError('corrupt', `line ${n} should number a subtitle block but reads '${line.slice(0, 40)}'`);
        this.blockNumber = Number(line);
        this.blockLine = n;
        this.state = 'timing';
        return;
      case 'timing': {
        const m = TIMING.exec(line);
        if (!m)
          throw new ProbeError('corrupt', `block ${this.blockNumber} (line ${this.blockLine}) has no valid 'hh:mm:ss,mmm --> hh:mm:ss,mmm' line`);
        this.blockStart = timelineMs(m, 1);
        const end = timelineMs(m, 5);
        if (end < this.blockStart) throw new ProbeError('corrupt', `block ${this.blockNumber} (line ${this.blockLine}) ends before it starts`);
        if (this.blockStart < this.previousStart) {
          throw new ProbeError(
            'corrupt',
            `block ${this.blockNumber} (line ${this.blockLine}) starts before the previous block: the timeline goes backwards`,
          );
        }
        this.previousStart = this.blockStart;
        this.timelineStart ??= this.blockStart;
        this.timelineEnd = Math.max(this.timelineEnd, end);
        this.blockText = '';
        this.blockTextLines = 0;
        this.state = 'text';
        return;
      }
      case 'text':
        if (line === '') {
          this.endBlock();
          return;
        }
        if (this.blockText.length + line.length > MAX_BLOCK_TEXT) {
          throw new ProbeError('corrupt', `block ${this.blockNumber} (line ${this.blockLine}) holds more than 64 KiB of text`);
        }
        this.blockText += `${line}\n`;
        this.blockTextLines += 1;
        return;
    }
  }

  private endBlock(): void {
    if (this.blockTextLines === 0) throw new ProbeError('corrupt', `block ${this.blockNumber} (line ${this.blockLine}) is empty`);
    this.frames += 1;
    if (this.previousNumber !== undefined && this.blockNumber !== this.previousNumber + 1) this.outOfSequence += 1;
    this.previousNumber = this.blockNumber;
    this.state = 'number';
    const text = this.blockText.replace(/<[^>]*>/g, ' ');
    this.telemetry(text);
    this.onBlock?.({ startMs: this.blockStart, text });
  }

  /** The lines read so far, the last one too, and the block they end in, however it ends (for readSrtBlocks). */
  endBlocks(): void {
    this.lines.end();
    if (this.state === 'text' && this.blockTextLines > 0) this.endBlock();
  }

  private telemetry(text: string): void {
    for (const m of text.matchAll(/\[\s*([A-Za-z_]+)\s*:/g)) if (this.fields.size < 64) this.fields.add(m[1].toLowerCase());
    const frame = readSrtFrame(text);
    const { lat, lon, altitude: alt, localTime: date } = frame;
    if (frame.gpsOrder === 'lat,lon') this.gpsLatFirst += 1;
    else if (frame.gpsOrder === 'lon,lat') this.gpsLonFirst += 1;
    if (frame.gpsThirdValue !== undefined) this.gpsThirdValue.add(frame.gpsThirdValue);
    if (frame.telemetry) this.framesWithTelemetry += 1;
    if (lat !== undefined && lon !== undefined) {
      const placed = !(lat === 0 && lon === 0) && isValidLatLon(lat, lon);
      if (placed && !this.firstPosition) {
        this.firstPosition = { lat, lon };
        this.zone = timeZoneAt(lat, lon);
      }
      // (0, 0) before the fix and positions off the globe are dropped and counted by the footprint, never placed.
      this.footprint.add(lon, lat, date === undefined ? null : this.utcOf(date));
      if (placed) this.bbox.add(lon, lat);
      else this.framesWithoutPosition += 1;
    } else {
      this.framesWithoutPosition += 1;
    }
    if (alt !== undefined) this.altitude.add(alt);
    if (frame.heightAboveTakeoff !== undefined) this.relativeAltitude.add(frame.heightAboveTakeoff);
    if (date !== undefined) {
      if (this.firstDate === undefined || date < this.firstDate) this.firstDate = date;
      if (this.lastDate === undefined || date > this.lastDate) this.lastDate = date;
    }
  }

  /**
   * The frames' clock: local readings (zone-less ISO), and when a position gives the zone, the UTC range and the
   * zone's offsets at the first and last frame (they differ when the flight spans a daylight-saving change).
   */
  private clock():
    | {
        local: { start: string; end: string };
        utc?: { start: string; end: string };
        zone?: string;
        offsets?: { start: string; end: string };
        description: string;
      }
    | undefined {
    if (this.firstDate === undefined || this.lastDate === undefined) return undefined;
    const local = { start: localIso(this.firstDate), end: localIso(this.lastDate) };
    const zone = this.zone;
    if (!zone) return { local, description: 'aircraft local time; the file names no time zone and has no position to find it' };
    const [start, end] = [zonedToUtcMs(this.firstDate, zone), zonedToUtcMs(this.lastDate, zone)];
    return {
      local,
      utc: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
      zone,
      offsets: { start: formatOffset(zoneOffsetMinutes(zone, start)), end: formatOffset(zoneOffsetMinutes(zone, end)) },
      description: `aircraft local time, no zone in the file: ${zone} from the first position (time-zone boundaries of @photostructure/tz-lookup)`,
    };
  }

  /** A frame's local reading to UTC in the zone of the first position; null when no zone is known. */
  private utcOf(localMs: number): number | null {
    if (!this.zone) return null;
    const quarter = Math.floor(localMs / 900_000);
    if (this.offsetCache?.quarter !== quarter) this.offsetCache = { quarter, offsetMs: localMs - zonedToUtcMs(localMs, this.zone) };
    return localMs - this.offsetCache.offsetMs;
  }

  /** How GPS(...) was read: `lat,lon` (enterprise), `lon,lat` (consumer), or both when frames differ. */
  private gpsOrder(): string | undefined {
    if (this.gpsLatFirst > 0 && this.gpsLonFirst > 0) return 'mixed';
    if (this.gpsLatFirst > 0) return 'lat,lon';
    return this.gpsLonFirst > 0 ? 'lon,lat' : undefined;
  }

  protected complete(): ProbeResult {
    this.lines.end();
    if (this.state === 'timing') {
      throw new ProbeError(
        'truncated',
        `the file ends after the number of block ${this.blockNumber}; ${plural(this.frames, 'complete frame')} before it`,
      );
    }
    if (this.state === 'text') {
      // A block opened with <font> ends with </font>; other styles give no such clue, beyond a cut last line.
      const unclosed = /<font/i.test(this.blockText) && !/<\/font>/i.test(this.blockText);
      if (unclosed || this.blockTextLines === 0) {
        throw new ProbeError(
          'truncated',
          `the file ends inside block ${this.blockNumber} (line ${this.blockLine}); ${plural(this.frames, 'complete frame')} before it`,
        );
      }
      this.endBlock();
    }
    if (this.frames === 0) throw new ProbeError('corrupt', 'the file holds no subtitle block');
    if (this.framesWithTelemetry === 0)
      throw new ProbeError('corrupt', `none of the ${plural(this.frames, 'block')} carries DJI telemetry: this is an ordinary subtitle file`);
    return withFootprint(this.result(), this.footprint.finish());
  }

  private result(): ProbeResult {
    const clock = this.clock();
    return {
      format: 'dji-srt',
      modality: 'telemetry',
      counts: { frames: this.frames },
      timeRange: clock?.utc,
      bbox: this.bbox.bbox,
      durationSeconds: (this.timelineEnd - (this.timelineStart ?? 0)) / 1000,
      warnings: [
        ...(this.gpsOrder() === 'mixed'
          ? [`${plural(this.gpsLatFirst, 'frame')} give GPS(...) latitude first (enterprise) and ${this.gpsLonFirst} longitude first (consumer)`]
          : []),
        ...(clock && !clock.utc ? ['the frames carry local times but no position to find their time zone: no UTC time range is stored'] : []),
      ],
      metadata: {
        frames: this.frames,
        framesWithPosition: this.bbox.count,
        framesWithoutPosition: this.framesWithoutPosition,
        framesOutOfSequence: this.outOfSequence,
        timelineSeconds: { start: (this.timelineStart ?? 0) / 1000, end: this.timelineEnd / 1000 },
        altitudeRangeMeters: this.altitude.range,
        relativeAltitudeRangeMeters: this.relativeAltitude.range,
        gpsOrder: this.gpsOrder(),
        gpsThirdValueRange: this.gpsThirdValue.range,
        fields: [...this.fields],
        clock: clock?.description,
        localTime: clock?.local,
        timeZone: clock?.zone,
        utcOffset: clock?.offsets,
      },
    };
  }
}

/**
 * The subtitle blocks of a DJI SRT as the probe reads them (for the table preview): its line reading (latin1) and block
 * structure. A head cut inside a block gives the blocks before it and the lines of that one; reading stops at a block
 * the probe does not take.
 */
export function readSrtBlocks(head: Buffer): SrtBlock[] {
  const blocks: SrtBlock[] = [];
  const session = new SrtSession((block) => blocks.push(block));
  session.push(head);
  try {
    session.endBlocks();
  } catch {
    // The last line is not one the probe takes (the probe judged the file; this only shows it).
  }
  return blocks;
}

export const srtProbe: FormatProbe = {
  id: 'dji-srt',
  /** A SubRip file (`1`, then a timing line) whose first blocks carry DJI telemetry words. */
  sniff(head: Buffer): boolean {
    const text = headText(head, 'latin1');
    if (text === undefined) return false;
    const lines = headLines(text, head.length).slice(0, 40);
    const first = lines.findIndex((l) => l.trim() !== '');
    if (first === -1 || lines[first].trim() !== '1' || !TIMING.test(lines[first + 1]?.trim() ?? '')) return false;
    return DJI_MARKERS.test(lines.join('\n'));
  },
  open(): ProbeSession {
    return new SrtSession();
  },
};

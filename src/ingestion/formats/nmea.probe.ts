import { FootprintBuilder, type FixType } from '../footprints/footprint-builder.js';
import { withFootprint } from './footprint-result.js';
import { ProbeError, type FormatProbe, type ProbeResult, type ProbeSession } from './probe.types.js';
import {
  BBoxAccumulator,
  CappedCounter,
  GuardedSession,
  LineSplitter,
  RangeAccumulator,
  TimeRangeAccumulator,
  headLines,
  headText,
  plural,
} from './telemetry-text.util.js';

/**
 * `$GPGGA,...*hh` (or `!AIVDM,...*hh`): start, address, fields, checksum. The checksum may be missing: loggers that
 * write none exist, and gpsbabel reads their sentences unchecked, unless earlier sentences carried one (then a
 * sentence without is taken for a cut or damaged line and left out); so does this probe.
 */
const SENTENCE = /^([$!])([A-Z][A-Z0-9]{1,9}),([^*$!]*)(?:\*([0-9A-Fa-f]{2}))?$/;
/** Above these shares of bad sentences or foreign lines, the file is not an NMEA log but damaged or something else. */
const MAX_BAD_SHARE = 0.1;
const DAY_MS = 86_400_000;
/**
 * Epochs before the first dated one (GGA or GNS fixes before any RMC) held back to be dated by the first RMC, as gpsbabel
 * dates them; past this many (a GGA-only log) they go on undated, in order.
 */
const MAX_UNDATED_EPOCHS = 10_000;

/** The epoch ms of a fix before the first RMC, at time of day `tod`: the RMC's date, a day earlier across midnight. */
const earlierFixMs = (date: number, rmcTod: number, tod: number) => date + tod - (tod > rmcTod + DAY_MS / 2 ? DAY_MS : 0);

export function nmeaChecksum(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) sum ^= body.charCodeAt(i);
  return sum;
}

/** `ddmm.mmmm` / `dddmm.mmmm` plus hemisphere to signed degrees, or undefined. */
export function nmeaCoordinate(value: string | undefined, hemisphere: string | undefined, degreeDigits: 2 | 3): number | undefined {
  if (!value || !hemisphere) return undefined;
  const m = (degreeDigits === 2 ? /^(\d{2})(\d{2}(?:\.\d+)?)$/ : /^(\d{3})(\d{2}(?:\.\d+)?)$/).exec(value);
  if (!m) return undefined;
  const minutes = Number(m[2]);
  if (minutes >= 60) return undefined;
  const degrees = Number(m[1]) + minutes / 60;
  if (hemisphere === 'S' || hemisphere === 'W') return -degrees;
  return hemisphere === 'N' || hemisphere === 'E' ? degrees : undefined;
}

/** `hhmmss.sss` to milliseconds since midnight, or undefined. */
function timeOfDay(value: string | undefined): number | undefined {
  const m = value ? /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/.exec(value) : null;
  if (!m) return undefined;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = Number(m[3]);
  if (h > 23 || mi > 59 || s >= 61) return undefined;
  return Math.round(((h * 60 + mi) * 60 + s) * 1000);
}

/** `ddmmyy` to epoch ms at midnight UTC, or undefined (two-digit years: 80-99 = 19xx). */
function dateOfRmc(value: string | undefined): number | undefined {
  const m = value ? /^(\d{2})(\d{2})(\d{2})$/.exec(value) : null;
  if (!m) return undefined;
  const day = Number(m[1]);
  const month = Number(m[2]);
  const yy = Number(m[3]);
  const year = yy >= 80 ? 1900 + yy : 2000 + yy;
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1 ? ms : undefined;
}

/**
 * GGA fix quality (NMEA 0183 4.x) to a fix type: 1 GPS (SPS) and 3 PPS are autonomous fixes (3D unless a GSA of the
 * epoch says 2D), 2 differential, 4 RTK fixed, 5 RTK float; 0 invalid, 6 dead reckoning, 7 manual input and
 * 8 simulation are no GNSS fix.
 */
export function ggaFixType(quality: number): FixType | undefined {
  const types: Partial<Record<number, FixType>> = {
    0: 'none',
    1: '3d',
    2: 'dgps',
    3: '3d',
    4: 'rtk-fixed',
    5: 'rtk-float',
    6: 'none',
    7: 'none',
    8: 'none',
  };
  return Number.isInteger(quality) ? types[quality] : undefined;
}

/**
 * NMEA 2.3+ mode indicators (RMC field 12, one per constellation in GNS): R RTK fixed, F RTK float, D differential,
 * A autonomous and P precise (3D fixes); E estimated, N none, M manual and S simulator are no GNSS fix.
 */
const MODE_FIX: Record<string, FixType> = { R: 'rtk-fixed', F: 'rtk-float', D: 'dgps', A: '3d', P: '3d', E: 'none', N: 'none', M: 'none', S: 'none' };
const FIX_RANK: FixType[] = ['none', '2d', '3d', 'dgps', 'rtk-float', 'rtk-fixed'];

/** The best fix among a mode string's indicators (GNS gives one per constellation, e.g. `RRNN`). */
export function modeFixType(modes: string | undefined): FixType | undefined {
  let best: FixType | undefined;
  for (const c of modes ?? '') {
    const fix = MODE_FIX[c] as FixType | undefined;
    if (fix && (best === undefined || FIX_RANK.indexOf(fix) > FIX_RANK.indexOf(best))) best = fix;
  }
  return best;
}

/** One epoch's GGA / GNS / RMC / GSA facts, gathered until a sentence with another time field starts the next epoch. */
interface Epoch {
  time: string;
  lon?: number;
  lat?: number;
  /** Epoch ms (UTC) when a date is known for it. */
  ms?: number;
  ggaQuality?: number;
  /** From GNS or RMC mode indicators, when the epoch has them. */
  modeFix?: FixType;
  /** GSA mode: 1 no fix, 2 2D, 3 3D. */
  gsaMode?: number;
  hdop?: number;
  satellites?: number;
  /** Metres above mean sea level (GGA / GNS). */
  altitude?: number;
  /** Speed over ground in knots (RMC). */
  speedKnots?: number;
}

/** An epoch as the probe reads it, for the table preview: the time field, the fix it gives and the position it placed. */
export interface NmeaEpoch {
  /** The sentences' `hhmmss.ss` time of day (UTC). */
  time: string;
  /** That time of day in ms since midnight, where it is one (timeOfDay). */
  tod?: number;
  /**
   * Epoch ms (UTC) when a date is known for it: this epoch's RMC's or an earlier one's, or, for fixes before any RMC,
   * the first RMC's (a day earlier across midnight), as gpsbabel dates them.
   */
  ms?: number;
  lat?: number;
  lon?: number;
  fix?: FixType;
  satellites?: number;
  hdop?: number;
  altitude?: number;
  speedKnots?: number;
}

const numberOrUndefined = (text: string | undefined): number | undefined => {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
};

function isSentenceLine(line: string): boolean {
  return SENTENCE.test(line);
}

class NmeaSession extends GuardedSession {
  private readonly lines = new LineSplitter({ encoding: 'latin1', label: 'NMEA' }, (line, n, terminated) => {
    this.line(line, n, terminated);
  });
  private sentences = 0;
  private valid = 0;
  private badChecksum = 0;
  /** Sentences read without a checksum to check (none before them had one). */
  private unchecked = 0;
  private hadChecksum = false;
  private otherLines = 0;
  private comments = 0;
  private readonly types = new CappedCounter(64);
  private readonly talkers = new CappedCounter(32);
  private readonly bbox = new BBoxAccumulator();
  private readonly time = new TimeRangeAccumulator();
  private readonly altitude = new RangeAccumulator();
  private rmcFixes = 0;
  private ggaFixes = 0;
  private gnsFixes = 0;
  private fixCount = 0;
  private lastFixTime: string | undefined;
  /** Date (midnight, epoch ms) and time of day of the last valid RMC: GGA has no date of its own. */
  private lastDate: number | undefined;
  private lastRmcTod = 0;
  /** GGA fixes seen before any RMC: only the first and last are kept, to date them once a date appears. */
  private undatedFirstTod: number | undefined;
  private undatedLastTod: number | undefined;
  private cutLastLine: number | undefined;
  private readonly footprint = new FootprintBuilder('NMEA GGA/RMC');
  private epoch: Epoch | undefined;
  /** Epochs read before any date, held for the first RMC to date them (MAX_UNDATED_EPOCHS). */
  private readonly undated: Epoch[] = [];

  constructor(private readonly onEpoch?: (epoch: NmeaEpoch) => void) {
    super();
  }

  protected consume(chunk: Buffer): void {
    this.lines.push(chunk);
  }

  private line(raw: string, lineNo: number, terminated: boolean): void {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      this.comments += 1;
      return;
    }
    const m = SENTENCE.exec(line);
    if (!m) {
      // A sentence cut by the end of the file looks like garbage: remember it apart.
      if (!terminated && /^[$!]/.test(line)) this.cutLastLine = lineNo;
      else this.otherLines += 1;
      return;
    }
    const [, , address, body] = m as unknown as [string, string, string, string];
    const checksum = m.at(4);
    if (checksum === undefined) {
      // After checksummed sentences, one without is cut (the last line) or damaged: left out, as gpsbabel does.
      if (this.hadChecksum && !terminated) {
        this.cutLastLine = lineNo;
        return;
      }
      this.sentences += 1;
      if (this.hadChecksum) {
        this.badChecksum += 1;
        return;
      }
      this.unchecked += 1;
    } else {
      this.sentences += 1;
      this.hadChecksum = true;
      if (nmeaChecksum(`${address},${body}`) !== parseInt(checksum, 16)) {
        this.badChecksum += 1;
        return;
      }
    }
    this.valid += 1;
    const proprietary = address.startsWith('P');
    const type = proprietary ? address : address.slice(-3);
    this.types.add(type);
    this.talkers.add(proprietary ? 'P' : address.slice(0, address.length - 3));
    if (type === 'RMC') this.rmc(body.split(','));
    else if (type === 'GGA') this.gga(body.split(','));
    else if (type === 'GSA') this.gsa(body.split(','));
    else if (type === 'GNS') this.gns(body.split(','));
  }

  /** The epoch a sentence with this time field belongs to: the open one, or a new one after handing that on. */
  private epochAt(time: string): Epoch {
    if (this.epoch?.time !== time) {
      this.flushEpoch();
      this.epoch = { time };
    }
    return this.epoch;
  }

  /** GSA has no time: it belongs to the epoch being read. Mode (field 2) and HDOP (field 16). */
  private gsa(f: string[]): void {
    if (!this.epoch) return;
    const mode = numberOrUndefined(f[1]);
    if (mode !== undefined && Number.isInteger(mode) && mode >= 1 && mode <= 3) this.epoch.gsaMode = mode;
    this.epoch.hdop ??= numberOrUndefined(f.at(15));
  }

  /** Closes the epoch being read: held while no date is known yet (see `undated`), else handed on. */
  private flushEpoch(): void {
    const e = this.epoch;
    this.epoch = undefined;
    if (!e) return;
    if (this.lastDate === undefined) {
      if (this.undated.length < MAX_UNDATED_EPOCHS) {
        this.undated.push(e);
        return;
      }
      this.releaseUndated();
    }
    this.handOn(e);
  }

  /** Hands on the held epochs, in order: dated by the first RMC's date and time of day when given, else as they are. */
  private releaseUndated(firstRmc?: { date: number; tod: number }): void {
    for (const e of this.undated) {
      const tod = timeOfDay(e.time);
      if (firstRmc && tod !== undefined) e.ms = earlierFixMs(firstRmc.date, firstRmc.tod, tod);
      this.handOn(e);
    }
    this.undated.length = 0;
  }

  /** Hands an epoch to the footprint: its position (GGA's, else RMC's), UTC time when dated, and fix quality. */
  private handOn(e: Epoch): void {
    let fix = e.ggaQuality === undefined ? e.modeFix : ggaFixType(e.ggaQuality);
    if (fix === '3d' && e.gsaMode === 2) fix = '2d';
    if (fix === undefined && e.gsaMode !== undefined) fix = e.gsaMode === 3 ? '3d' : e.gsaMode === 2 ? '2d' : 'none';
    const sample = { fix, hdop: e.hdop, satellites: e.satellites };
    if (e.lon !== undefined && e.lat !== undefined) this.footprint.add(e.lon, e.lat, e.ms ?? null, sample);
    else if (fix !== undefined || e.hdop !== undefined || e.satellites !== undefined) this.footprint.addQuality(sample);
    else return;
    const { time, ms, lat, lon, satellites, hdop, altitude, speedKnots } = e;
    this.onEpoch?.({ time, tod: timeOfDay(time), ms, lat, lon, fix, satellites, hdop, altitude, speedKnots });
  }

  /** The lines read so far, the last one too, and the epoch they end with (for readNmeaEpochs). */
  endEpochs(): void {
    try {
      this.lines.end();
      this.flushEpoch();
    } finally {
      this.releaseUndated();
    }
  }

  private rmc(f: string[]): void {
    // time, status, lat, N/S, lon, E/W, speed, course, date, ...
    if (f[1] !== 'A') return;
    const lat = nmeaCoordinate(f[2], f[3], 2);
    const lon = nmeaCoordinate(f[4], f[5], 3);
    if (lat === undefined || lon === undefined) return;
    const epoch = this.epochAt(f[0]);
    // Off the globe (a 95° latitude): the footprint drops and counts it.
    if (epoch.lon === undefined) [epoch.lon, epoch.lat] = [lon, lat];
    epoch.modeFix ??= modeFixType(f.at(11));
    epoch.speedKnots ??= numberOrUndefined(f[6]);
    if (!this.bbox.add(lon, lat)) return;
    this.rmcFixes += 1;
    this.countFix(f[0]);
    const tod = timeOfDay(f[0]);
    const date = dateOfRmc(f[8]);
    if (tod === undefined || date === undefined) return;
    if (this.lastDate === undefined) {
      this.dateEarlierFixes(date, tod);
      this.releaseUndated({ date, tod });
    }
    this.lastDate = date;
    this.lastRmcTod = tod;
    this.time.add(date + tod);
    epoch.ms = date + tod;
  }

  /** GNS (multi-constellation fix): time, lat, N/S, lon, E/W, mode per constellation, satellites, HDOP, altitude, ... */
  private gns(f: string[]): void {
    const fix = modeFixType(f[5]);
    if (fix === undefined) return;
    const epoch = this.epochAt(f[0]);
    epoch.modeFix = fix;
    epoch.satellites ??= numberOrUndefined(f[6]);
    epoch.hdop ??= numberOrUndefined(f[7]);
    if (fix === 'none') return;
    const lat = nmeaCoordinate(f[1], f[2], 2);
    const lon = nmeaCoordinate(f[3], f[4], 3);
    if (lat === undefined || lon === undefined) return;
    if (epoch.lon === undefined || epoch.ggaQuality === undefined) [epoch.lon, epoch.lat] = [lon, lat];
    if (!this.bbox.add(lon, lat)) return;
    this.gnsFixes += 1;
    epoch.altitude ??= numberOrUndefined(f.at(8));
    this.datedFix(epoch, f[0], f.at(8));
  }

  private gga(f: string[]): void {
    // time, lat, N/S, lon, E/W, quality, satellites, hdop, altitude, M, ...
    const quality = Number(f[5]);
    if (!Number.isInteger(quality)) return;
    const epoch = this.epochAt(f[0]);
    epoch.ggaQuality = quality;
    epoch.satellites = numberOrUndefined(f[6]);
    epoch.hdop = numberOrUndefined(f[7]) ?? epoch.hdop;
    // Only real GNSS fixes place the capture: not 0 (invalid), 6 (dead reckoning), 7 (manual) or 8 (simulation).
    if (quality < 1 || quality > 5) return;
    const lat = nmeaCoordinate(f[1], f[2], 2);
    const lon = nmeaCoordinate(f[3], f[4], 3);
    if (lat === undefined || lon === undefined) return;
    [epoch.lon, epoch.lat] = [lon, lat];
    if (!this.bbox.add(lon, lat)) return;
    this.ggaFixes += 1;
    epoch.altitude = numberOrUndefined(f.at(8));
    this.datedFix(epoch, f[0], f.at(8));
  }

  /**
   * A GGA or GNS fix (no date of its own): counted, its altitude kept, and dated by the last RMC - or, before any RMC,
   * remembered to be dated by the first one.
   */
  private datedFix(epoch: Epoch, time: string, altitude: string | undefined): void {
    this.countFix(time);
    if (altitude !== undefined && altitude !== '') this.altitude.add(Number(altitude));
    const tod = timeOfDay(time);
    if (tod === undefined) return;
    if (this.lastDate === undefined) {
      this.undatedFirstTod ??= tod;
      this.undatedLastTod = tod;
      return;
    }
    // A fix just after midnight still carries the previous RMC's date: roll it over.
    const rollover = tod < this.lastRmcTod - DAY_MS / 2 ? DAY_MS : 0;
    this.time.add(this.lastDate + tod + rollover);
    epoch.ms = this.lastDate + tod + rollover;
  }

  /** Dates the GGA fixes that came before the first RMC with that RMC's date (a day earlier across midnight). */
  private dateEarlierFixes(date: number, rmcTod: number): void {
    for (const tod of [this.undatedFirstTod, this.undatedLastTod]) {
      if (tod === undefined) continue;
      this.time.add(earlierFixMs(date, rmcTod, tod));
    }
  }

  /** RMC and GGA of one epoch share their time field: count the epoch once. */
  private countFix(time: string | undefined): void {
    if (time !== undefined && time === this.lastFixTime) return;
    this.lastFixTime = time;
    this.fixCount += 1;
  }

  protected complete(): ProbeResult {
    this.lines.end();
    if (this.valid === 0) {
      throw new ProbeError(
        'corrupt',
        this.sentences > 0
          ? `none of the ${plural(this.sentences, 'NMEA sentence')} has a valid checksum`
          : 'no NMEA sentence ($xxXXX,...*hh) was found',
      );
    }
    if (this.cutLastLine !== undefined) {
      throw new ProbeError(
        'truncated',
        `the file ends in the middle of a sentence (line ${this.cutLastLine}); ${plural(this.valid, 'valid sentence')} were readable before it`,
      );
    }
    if (this.badChecksum > this.sentences * MAX_BAD_SHARE) {
      throw new ProbeError('corrupt', `${this.badChecksum} of ${plural(this.sentences, 'NMEA sentence')} fail or lack their checksum`);
    }
    const lines = this.sentences + this.otherLines;
    if (this.otherLines > lines * MAX_BAD_SHARE) {
      throw new ProbeError('corrupt', `${this.otherLines} of ${lines} lines are not NMEA sentences`);
    }
    this.flushEpoch();
    this.releaseUndated();
    return withFootprint(this.result(), this.footprint.finish());
  }

  private result(): ProbeResult {
    return {
      format: 'nmea',
      modality: 'gnss',
      counts: { fixes: this.fixCount },
      timeRange: this.time.range,
      bbox: this.bbox.bbox,
      durationSeconds: this.time.durationSeconds,
      warnings:
        this.unchecked > 0
          ? [
              `${plural(this.unchecked, 'sentence')} ${this.unchecked === 1 ? 'carries' : 'carry'} no checksum: read without checking (as gpsbabel reads such logs)`,
            ]
          : [],
      metadata: {
        sentences: this.sentences,
        validSentences: this.valid,
        badChecksumSentences: this.badChecksum,
        uncheckedSentences: this.unchecked || undefined,
        otherLines: this.otherLines,
        commentLines: this.comments,
        sentenceTypes: this.types.toJSON(),
        talkers: this.talkers.toJSON(),
        fixCount: this.fixCount,
        rmcFixes: this.rmcFixes,
        ggaFixes: this.ggaFixes,
        gnsFixes: this.gnsFixes || undefined,
        altitudeRangeMeters: this.altitude.range,
      },
    };
  }
}

/**
 * The epochs of an NMEA log as the probe reads them (for the table preview): sentences with a valid checksum only, a
 * GGA, GNS, RMC and GSA of one time field merged into one epoch, dated by the RMCs. A head cut inside a sentence gives
 * the epochs before it.
 */
export function readNmeaEpochs(head: Buffer): NmeaEpoch[] {
  const epochs: NmeaEpoch[] = [];
  const session = new NmeaSession((epoch) => epochs.push(epoch));
  session.push(head);
  try {
    session.endEpochs();
  } catch {
    // The last line is not one the probe takes (the probe judged the file; this only shows it).
  }
  return epochs;
}

export const nmeaProbe: FormatProbe = {
  id: 'nmea',
  /** Several checksummed sentences, making up most of the non-comment lines at the start. */
  sniff(head: Buffer): boolean {
    const text = headText(head, 'latin1');
    if (text === undefined) return false;
    const lines = headLines(text, head.length)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .slice(0, 100);
    const sentences = lines.filter(isSentenceLine).length;
    return sentences >= 3 && sentences >= lines.length * 0.8;
  },
  open(): ProbeSession {
    return new NmeaSession();
  },
};

import { defaultRinexTimeSystem, gpsMinusUtcAtUtc, isRinexTimeSystem, rinexTimeToUtcMs, type RinexTimeSystem } from './gnss-time.js';
import { GnssQualityAccumulator, pointFootprint } from '../footprints/footprint-builder.js';
import { ProbeError, type FormatProbe, type ProbeResult, type ProbeSession } from './probe.types.js';
import { GuardedSession, LineSplitter, headText, plural } from './telemetry-text.util.js';

/**
 * RINEX 2.xx / 3.xx / 4.xx observation files. The header is column-based (label in columns 61-80); the body is a
 * sequence of epochs whose line counts are fixed by the header (v2: satellites x ceil(types / 5) lines, v3: one line
 * per satellite), so every line is accounted for and a cut or padded file shows. Epochs and TIME OF FIRST / LAST OBS
 * are in the file's time system (GPS, GLONASS = UTC, Galileo, BeiDou, ...) and are stored converted to UTC. Header
 * claims the body contradicts (TIME OF FIRST / LAST OBS, # OF SATELLITES) are warnings: the body is what was observed.
 *
 * Compact RINEX (Hatanaka, CRINEX 1.0 for RINEX 2 and 3.0 for RINEX 3; `.crx`, `.YYd`) is read too: two CRINEX lines,
 * then the RINEX header verbatim; each epoch line is a text difference of the previous one (a blank keeps the previous
 * character, `&` writes a blank, anything else replaces it; a line starting with `&` (1.0) or `>` (3.0) is written in
 * full), followed by one receiver-clock line and one line of differenced observations per satellite listed on the
 * epoch line. Epochs, times and satellites come from the epoch lines; observation values are not needed and are not
 * reconstructed. Events (flags 2-6) are written in full, followed by their special records verbatim.
 */

const MAX_HEADER_LINES = 5000;
/** Distinct satellites remembered: real constellations have a few hundred ids at most. */
const MAX_SATELLITES = 1000;
/** Header and epoch times carry 7 decimals: allow rounding only. */
const TIME_TOLERANCE_MS = 1;

const SYSTEMS: Record<string, string> = {
  G: 'GPS',
  R: 'GLONASS',
  E: 'Galileo',
  C: 'BeiDou',
  J: 'QZSS',
  I: 'NavIC/IRNSS',
  S: 'SBAS',
  M: 'Mixed',
};

const FILE_TYPES: Record<string, string> = {
  N: 'navigation',
  G: 'GLONASS navigation',
  H: 'SBAS navigation',
  L: 'Galileo navigation',
  M: 'meteorological',
  C: 'clock',
};

/** WGS84 geodetic latitude, longitude (degrees) and ellipsoidal height (m) of an ECEF position (Bowring's formula). */
export function ecefToWgs84(x: number, y: number, z: number): { lat: number; lon: number; height: number } {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const b = a * (1 - f);
  const e2 = f * (2 - f);
  const ep2 = (a * a - b * b) / (b * b);
  const p = Math.hypot(x, y);
  const theta = Math.atan2(z * a, p * b);
  const lat = Math.atan2(z + ep2 * b * Math.sin(theta) ** 3, p - e2 * a * Math.cos(theta) ** 3);
  // This form of the height stays exact at the poles, where p / cos(lat) is 0 / 0.
  const height = p * Math.cos(lat) + z * Math.sin(lat) - a * Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
  return { lat: (lat * 180) / Math.PI, lon: (Math.atan2(y, x) * 180) / Math.PI, height };
}

const col = (line: string, from: number, to: number) => line.slice(from, to).trim();

function num(text: string): number | undefined {
  if (text === '') return undefined;
  // Fortran writes `.9030` and `4375274.`: both are fine for Number().
  const n = Number(text.replace(/[dD]/, 'e'));
  return Number.isFinite(n) ? n : undefined;
}

function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined {
  if (![y, mo, d, h, mi, s].every(Number.isFinite)) return undefined;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s < 0 || s >= 61) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, 0) + Math.round(s * 1000);
}

/** `TIME OF FIRST OBS` / `TIME OF LAST OBS`: 5I6, F13.7, 5X, A3. */
function headerTime(line: string): { ms: number; system: string } | undefined {
  const parts = [col(line, 0, 6), col(line, 6, 12), col(line, 12, 18), col(line, 18, 24), col(line, 24, 30), col(line, 30, 43)].map(num);
  if (parts.some((p) => p === undefined)) return undefined;
  const [y, mo, d, h, mi, s] = parts as number[];
  const ms = utcMs(y, mo, d, h, mi, s);
  return ms === undefined ? undefined : { ms, system: col(line, 48, 51) };
}

interface EpochLine {
  ms: number | undefined;
  flag: number;
  count: number;
  /** v2 only: satellites listed on the epoch line(s). */
  satellites: string[];
}

/** v3/v4 epoch line: `> yyyy mm dd hh mm ss.sssssss  f nnn`. */
function parseEpochV3(line: string): EpochLine | undefined {
  if (!line.startsWith('>')) return undefined;
  const flag = num(line.slice(31, 32));
  const count = num(line.slice(32, 35));
  if (flag === undefined || count === undefined || !Number.isInteger(count) || count < 0 || flag > 6) return undefined;
  const fields = [line.slice(2, 6), line.slice(7, 9), line.slice(10, 12), line.slice(13, 15), line.slice(16, 18), line.slice(18, 29)];
  if (fields.every((f) => f.trim() === '')) {
    // Event epochs (flags 2-5) may leave the date blank.
    return flag >= 2 && flag <= 5 ? { ms: undefined, flag, count, satellites: [] } : undefined;
  }
  // A blank or non-numeric field reads as NaN, which utcMs refuses.
  const [y, mo, d, h, mi, s] = fields.map((f) => num(f.trim()) ?? NaN);
  const ms = utcMs(y, mo, d, h, mi, s);
  if (ms === undefined) return undefined;
  return { ms, flag, count, satellites: [] };
}

const V2_EPOCH = /^ [ \d]\d [ \d]\d [ \d]\d [ \d]\d [ \d]\d[ \d]{2}\d\.\d{7} {2}[0-6][ \d]{2}\d/;
const V2_EVENT = /^ {28}[2-5][ \d]{2}\d/;

/** v2 epoch line: ` yy mm dd hh mm ss.sssssss  f nn` then up to 12 satellites (A1,I2). */
function parseEpochV2(line: string): EpochLine | undefined {
  let ms: number | undefined;
  if (V2_EPOCH.test(line)) {
    const yy = Number(line.slice(1, 3));
    ms = utcMs(
      yy >= 80 ? 1900 + yy : 2000 + yy,
      Number(line.slice(4, 6)),
      Number(line.slice(7, 9)),
      Number(line.slice(10, 12)),
      Number(line.slice(13, 15)),
      Number(line.slice(15, 26)),
    );
    if (ms === undefined) return undefined;
  } else if (!V2_EVENT.test(line)) {
    return undefined;
  }
  const flag = Number(line[28]);
  const count = Number(line.slice(29, 32));
  return { ms, flag, count, satellites: satelliteList(line) };
}

function satelliteList(line: string): string[] {
  const out: string[] = [];
  for (let i = 32; i + 3 <= Math.min(line.length, 68); i += 3) {
    const sat = line.slice(i, i + 3);
    if (sat.trim() !== '') out.push(normaliseSatellite(sat));
  }
  return out;
}

/** `G 7`, ` 07` and `G07` are the same satellite (blank system = GPS in v2). */
function normaliseSatellite(raw: string): string {
  const system = raw[0] === ' ' ? 'G' : raw[0];
  return `${system}${raw.slice(1).trim().padStart(2, '0')}`;
}

/** Compact RINEX text repair: blank = keep the previous character, `&` = a blank, else the new character. */
export function repairCrxLine(previous: string, diff: string): string {
  let out = '';
  for (let i = 0; i < diff.length; i += 1) {
    const c = diff[i];
    out += c === ' ' ? (previous[i] ?? ' ') : c === '&' ? ' ' : c;
  }
  return out + previous.slice(diff.length);
}

type State =
  | { kind: 'header' }
  /** Compact RINEX: the receiver-clock line after an epoch line, then one data line per satellite. */
  | { kind: 'crxClock'; satellites: number; epochLine: number }
  | { kind: 'crxData'; left: number; epochLine: number; declared: number }
  | { kind: 'epoch' }
  /** Satellite-list continuation lines still to read (v2). */
  | { kind: 'satellites'; left: number; after: number; epochLine: number; declared: number }
  /** Observation / special-record lines still to read. */
  | { kind: 'records'; left: number; epochLine: number; declared: number; observations: boolean };

/** An observation epoch as read (flag 0 or 1): its time in the file's time system, and the satellites it lists. */
export interface RinexEpoch {
  /** Epoch ms of the reading, taken as if it were UTC (it is in the file's time system). */
  ms: number;
  flag: number;
  satellites: string[];
  /** Seconds, where the epoch line carries one (RINEX 2 columns 69-80, RINEX 3 columns 42-56; not Compact RINEX). */
  receiverClockOffset?: number;
}

class RinexSession extends GuardedSession {
  private readonly lines = new LineSplitter({ encoding: 'latin1', label: 'RINEX' }, (line, n) => {
    this.line(line, n);
  });
  /** The observation epoch whose satellites are being read, for `onEpoch`; handed over once its last one is read. */
  private reading: RinexEpoch | undefined;

  private state: State = { kind: 'header' };
  private version = 0;
  /** Compact RINEX: its version (1 or 3) and the last full epoch line, which the next one is a difference of. */
  private crx: { version: number; epochLine: string; mustInitialise: boolean } | undefined;
  private satelliteRecords = 0;
  /** Satellites per observation epoch: the median goes to the GNSS quality. */
  private readonly quality = new GnssQualityAccumulator();
  /** Why the header gives no usable position, when it does not. */
  private positionProblem = 'the header has no APPROX POSITION XYZ';
  private readonly meta: Record<string, unknown> = {};
  private readonly observationTypes: Partial<Record<string, string[]>> = {};
  private v2Types: { declared: number; types: string[] } | undefined;
  private v3System = '';
  private v3Declared = new Map<string, number>();
  private firstObs: { ms: number; system: string } | undefined;
  private lastObs: { ms: number; system: string } | undefined;
  private interval: number | undefined;
  /** LEAP SECONDS: GPS - UTC, or BDT - UTC when the line says BDS (RINEX 3.02+, columns 25-27). */
  private leapSeconds: { seconds: number; system: string } | undefined;
  private satellitesClaimed: number | undefined;
  private headerDone = false;
  private epochs = 0;
  private eventEpochs = 0;
  private firstEpoch: number | undefined;
  private lastEpoch: number | undefined;
  private lastEpochLine = 0;
  private readonly satellites = new Set<string>();
  private satellitesOverflow = false;

  constructor(private readonly onEpoch?: (epoch: RinexEpoch) => void) {
    super();
  }

  protected consume(chunk: Buffer): void {
    this.lines.push(chunk);
  }

  private line(line: string, n: number): void {
    switch (this.state.kind) {
      case 'header': {
        this.headerLine(line, n);
        return;
      }
      case 'epoch': {
        if (this.crx) this.crxEpochLine(line, n);
        else this.epochLine(line, n);
        return;
      }
      case 'crxClock': {
        const { satellites, epochLine } = this.state;
        this.state = satellites > 0 ? { kind: 'crxData', left: satellites, epochLine, declared: satellites } : { kind: 'epoch' };
        return;
      }
      case 'crxData': {
        // Differenced values and flags: digits, signs, '&' and blanks; an epoch line here means the count lied.
        if (this.crx && line.startsWith(this.crx.version >= 3 ? '>' : '&') && line.length > 29) {
          throw new ProbeError(
            'corrupt',
            `the epoch at line ${this.state.epochLine} lists ${plural(this.state.declared, 'satellite')} but line ${n} starts a new epoch`,
          );
        }
        const left = this.state.left - 1;
        this.state = left > 0 ? { ...this.state, left } : { kind: 'epoch' };
        return;
      }
      case 'satellites': {
        for (const sat of satelliteList(line)) {
          this.seeSatellite(sat);
          this.reading?.satellites.push(sat);
        }
        const left = this.state.left - 1;
        if (left > 0) {
          this.state = { ...this.state, left };
        } else {
          const { after, epochLine, declared } = this.state;
          this.epochRead();
          this.state = after > 0 ? { kind: 'records', left: after, epochLine, declared, observations: true } : { kind: 'epoch' };
        }
        return;
      }
      case 'records': {
        if (this.version >= 3 && this.state.observations) {
          // One line per satellite, starting with its id; an early '>' means the epoch lied about its count.
          if (line.startsWith('>') || !/^[A-Z ][ \d]\d/.test(line)) {
            throw new ProbeError(
              'corrupt',
              `the epoch at line ${this.state.epochLine} declares ${plural(this.state.declared, 'satellite')} but line ${n} is not a satellite record`,
            );
          }
          const sat = normaliseSatellite(line.slice(0, 3));
          this.seeSatellite(sat);
          this.reading?.satellites.push(sat);
        } else if (this.version < 3 && !this.state.observations && col(line, 60, 80) === '# / TYPES OF OBSERV') {
          // An event (flag 4) may redefine the observation types, and with them the lines per satellite.
          this.v2TypesLine(line.slice(0, 60), n);
          const system = (this.meta.satelliteSystem as { code: string }).code;
          this.observationTypes[system] = this.v2Types?.types ?? [];
        }
        const left = this.state.left - 1;
        if (left === 0 && this.version >= 3 && this.state.observations) this.epochRead();
        this.state = left > 0 ? { ...this.state, left } : { kind: 'epoch' };
        return;
      }
    }
  }

  /** The epoch being read has all its satellites: it goes to `onEpoch`. */
  private epochRead(): void {
    if (this.reading) this.onEpoch?.(this.reading);
    this.reading = undefined;
  }

  /**
   * Starts handing an observation epoch to `onEpoch` (when there is one to hand it to), with the receiver clock offset
   * its epoch line carries (`line`: RINEX 2 and 3; none for Compact RINEX, whose clock has a line of its own).
   */
  private readEpoch(epoch: EpochLine, line?: string): void {
    if (!this.onEpoch || epoch.ms === undefined || epoch.flag > 1) return;
    this.reading = { ms: epoch.ms, flag: epoch.flag, satellites: [...epoch.satellites] };
    const receiverClockOffset = line === undefined ? undefined : num((this.version >= 3 ? line.slice(41, 56) : line.slice(68, 80)).trim());
    if (receiverClockOffset !== undefined) this.reading.receiverClockOffset = receiverClockOffset;
  }

  private headerLine(line: string, n: number): void {
    if (n === 1 && col(line, 60, 80) === 'CRINEX VERS   / TYPE') {
      this.crinexLine(line);
      return;
    }
    if (this.crx && n === 2) {
      if (col(line, 60, 80) !== 'CRINEX PROG / DATE')
        throw new ProbeError('unreadable_header', 'line 2 of a Compact RINEX file is not CRINEX PROG / DATE');
      this.meta.compactRinex = { version: this.crx.version.toFixed(1), program: col(line, 0, 20), createdAt: col(line, 40, 60) };
      return;
    }
    if (n === (this.crx ? 3 : 1)) {
      this.firstLine(line);
      return;
    }
    if (n > MAX_HEADER_LINES) {
      throw new ProbeError('corrupt', `no END OF HEADER within the first ${MAX_HEADER_LINES} lines`);
    }
    const label = col(line, 60, 80);
    const body = line.slice(0, 60);
    switch (label) {
      case 'PGM / RUN BY / DATE':
        Object.assign(this.meta, { program: col(body, 0, 20), runBy: col(body, 20, 40), createdAt: col(body, 40, 60) });
        break;
      case 'MARKER NAME':
        this.meta.markerName = col(body, 0, 60);
        break;
      case 'MARKER NUMBER':
        this.meta.markerNumber = col(body, 0, 20);
        break;
      case 'MARKER TYPE':
        this.meta.markerType = col(body, 0, 20);
        break;
      case 'OBSERVER / AGENCY':
        Object.assign(this.meta, { observer: col(body, 0, 20), agency: col(body, 20, 60) });
        break;
      case 'REC # / TYPE / VERS':
        this.meta.receiver = { number: col(body, 0, 20), type: col(body, 20, 40), version: col(body, 40, 60) };
        break;
      case 'ANT # / TYPE':
        this.meta.antenna = { number: col(body, 0, 20), type: col(body, 20, 40) };
        break;
      case 'APPROX POSITION XYZ':
        this.approxPosition(body);
        break;
      case 'INTERVAL':
        this.interval = num(col(body, 0, 10));
        break;
      case 'TIME OF FIRST OBS':
        this.firstObs = headerTime(body);
        break;
      case 'TIME OF LAST OBS':
        this.lastObs = headerTime(body);
        break;
      case 'LEAP SECONDS':
        this.leapHeader(body);
        break;
      case '# OF SATELLITES':
        this.satellitesClaimed = num(col(body, 0, 6));
        break;
      case '# / TYPES OF OBSERV':
        this.v2TypesLine(body, n);
        break;
      case 'SYS / # / OBS TYPES':
        this.v3TypesLine(body, n);
        break;
      // RINEX 4: a DOI for the data set, its licence (one or more lines) and a link to station information.
      case 'DOI':
        this.meta.doi = col(body, 0, 60);
        break;
      case 'LICENSE OF USE':
        this.meta.license = [this.meta.license, col(body, 0, 60)].filter(Boolean).join(' ');
        break;
      case 'STATION INFORMATION':
        this.meta.stationInformation = col(body, 0, 60);
        break;
      case 'END OF HEADER':
        this.endOfHeader();
        break;
      default:
        break;
    }
  }

  /** `CRINEX VERS   / TYPE`: 1.0 (RINEX 2) or 3.0 (RINEX 3 and 4). */
  private crinexLine(line: string): void {
    const version = col(line, 0, 20);
    if (version !== '1.0' && version !== '3.0') {
      throw new ProbeError('unsupported', `Compact RINEX version '${version}' is not supported: only CRINEX 1.0 and 3.0 are read`);
    }
    this.crx = { version: Number(version), epochLine: '', mustInitialise: true };
  }

  private firstLine(line: string): void {
    const label = col(line, 60, 80);
    if (label !== 'RINEX VERSION / TYPE') throw new ProbeError('unreadable_header', 'line 1 has no RINEX VERSION / TYPE label in columns 61-80');
    const version = num(col(line, 0, 9));
    if (version === undefined || version < 2 || version >= 5) {
      throw new ProbeError('unsupported', `RINEX version ${col(line, 0, 9) || '(blank)'} is not supported: only versions 2, 3 and 4 are read`);
    }
    const fileType = line.at(20) ?? ' ';
    if (fileType !== 'O') {
      const kind = FILE_TYPES[fileType] ?? `type '${fileType}'`;
      throw new ProbeError('unsupported', `this RINEX file holds ${kind} data, not observations: only observation files (type O) are accepted`);
    }
    if (this.crx && this.crx.version >= 3 !== version >= 3) {
      throw new ProbeError(
        'corrupt',
        `CRINEX ${this.crx.version.toFixed(1)} cannot hold RINEX ${col(line, 0, 9)}: 1.0 holds RINEX 2, 3.0 holds RINEX 3 and 4`,
      );
    }
    this.version = version;
    const system = (line.at(40) ?? ' ').trim() || 'G';
    this.meta.version = col(line, 0, 9);
    this.meta.fileType = 'O';
    this.meta.satelliteSystem = { code: system, name: SYSTEMS[system] ?? 'unknown' };
  }

  private leapHeader(body: string): void {
    const seconds = num(col(body, 0, 6));
    if (seconds !== undefined) this.leapSeconds ??= { seconds, system: col(body, 24, 27) || 'GPS' };
  }

  private approxPosition(body: string): void {
    // The spec says 3F14.4, but some writers (gLAB) use 15 columns; values never fill 14, so split on blanks.
    const [x, y, z] = body.trim().split(/\s+/).map(num);
    if (x === undefined || y === undefined || z === undefined) {
      this.positionProblem = 'APPROX POSITION XYZ is not three numbers';
      return;
    }
    this.meta.approxPositionXyz = [x, y, z];
    const r = Math.hypot(x, y, z);
    // 0,0,0 means unknown; anything far from the Earth's surface is not a receiver position.
    if (r < 6.2e6 || r > 6.6e6) {
      this.positionProblem =
        r === 0
          ? 'APPROX POSITION XYZ is 0, 0, 0 (unknown)'
          : `APPROX POSITION XYZ lies ${Math.round(r / 1000)} km from the Earth's centre, not on its surface`;
      return;
    }
    this.meta.approxPosition = ecefToWgs84(x, y, z);
  }

  /** `# / TYPES OF OBSERV`: I6 count, then up to 9 types of 6 columns; continuation lines leave the count blank. */
  private v2TypesLine(body: string, n: number): void {
    const count = num(col(body, 0, 6));
    if (count !== undefined) {
      if (!Number.isInteger(count) || count < 1 || count > 999)
        throw new ProbeError('corrupt', `line ${n}: invalid number of observation types '${col(body, 0, 6)}'`);
      this.v2Types = { declared: count, types: [] };
    }
    if (!this.v2Types) throw new ProbeError('corrupt', `line ${n}: observation types continue a list that was never started`);
    for (let i = 6; i + 6 <= 60; i += 6) {
      const type = col(body, i, i + 6);
      if (type !== '' && this.v2Types.types.length < this.v2Types.declared) this.v2Types.types.push(type);
    }
  }

  /** `SYS / # / OBS TYPES`: A1 system, I3 count at 4-6, then up to 13 types of 4 columns; continuations blank the system. */
  private v3TypesLine(body: string, n: number): void {
    const system = (body.at(0) ?? '').trim();
    if (system !== '') {
      const count = num(col(body, 3, 6));
      if (count === undefined || !Number.isInteger(count) || count < 1 || count > 999) {
        throw new ProbeError('corrupt', `line ${n}: invalid number of observation types for system ${system}`);
      }
      this.v3System = system;
      this.v3Declared.set(system, count);
      this.observationTypes[system] = [];
    }
    const types = this.observationTypes[this.v3System];
    if (!types) throw new ProbeError('corrupt', `line ${n}: observation types continue a list that was never started`);
    for (let i = 7; i + 3 <= 59; i += 4) {
      const type = col(body, i, i + 3);
      if (type !== '') types.push(type);
    }
  }

  private endOfHeader(): void {
    if (this.version < 3) {
      if (!this.v2Types || this.v2Types.types.length === 0)
        throw new ProbeError('corrupt', 'the header lists no observation types (# / TYPES OF OBSERV)');
      if (this.v2Types.types.length !== this.v2Types.declared) {
        throw new ProbeError('corrupt', `the header declares ${this.v2Types.declared} observation types but lists ${this.v2Types.types.length}`);
      }
      this.observationTypes[this.meta.satelliteSystem ? (this.meta.satelliteSystem as { code: string }).code : 'G'] = this.v2Types.types;
    } else {
      if (this.v3Declared.size === 0) throw new ProbeError('corrupt', 'the header lists no observation types (SYS / # / OBS TYPES)');
      for (const [system, declared] of this.v3Declared) {
        const listed = this.observationTypes[system]?.length ?? 0;
        if (listed !== declared)
          throw new ProbeError('corrupt', `the header declares ${declared} observation types for system ${system} but lists ${listed}`);
      }
    }
    this.headerDone = true;
    this.state = { kind: 'epoch' };
  }

  private v2LinesPerSatellite(): number {
    return Math.ceil((this.v2Types?.types.length ?? 0) / 5);
  }

  private epochLine(line: string, n: number): void {
    // Blank lines between epochs (typically at the end of the file) carry nothing.
    if (line.trim() === '') return;
    const epoch = this.version >= 3 ? parseEpochV3(line) : parseEpochV2(line);
    if (!epoch) throw new ProbeError('corrupt', `line ${n} should start an epoch but is not a valid RINEX ${Math.floor(this.version)} epoch line`);
    const observations = epoch.flag <= 1 || epoch.flag === 6;
    if (epoch.flag <= 1) this.countEpoch(epoch.ms, n, epoch.count);
    else if (epoch.flag !== 6) this.eventEpochs += 1;
    this.readEpoch(epoch, line);
    if (epoch.count === 0) {
      this.epochRead();
      return;
    }
    if (this.version >= 3) {
      this.state = { kind: 'records', left: epoch.count, epochLine: n, declared: epoch.count, observations };
      return;
    }
    if (!observations) {
      // Events: `count` special records (header lines) follow.
      this.state = { kind: 'records', left: epoch.count, epochLine: n, declared: epoch.count, observations: false };
      return;
    }
    for (const sat of epoch.satellites) this.seeSatellite(sat);
    const dataLines = epoch.count * this.v2LinesPerSatellite();
    const continuation = Math.ceil(epoch.count / 12) - 1;
    if (continuation <= 0) this.epochRead();
    this.state =
      continuation > 0
        ? { kind: 'satellites', left: continuation, after: dataLines, epochLine: n, declared: epoch.count }
        : { kind: 'records', left: dataLines, epochLine: n, declared: epoch.count, observations: true };
  }

  /** A Compact RINEX epoch line: repaired against the previous one, then read as the RINEX epoch line it stands for. */
  private crxEpochLine(line: string, n: number): void {
    const crx = this.crx;
    if (!crx || line.trim() === '') return;
    const v3 = crx.version >= 3;
    // CRINEX 3 escape lines (comments of the compressor) start with '&' between epochs.
    if (v3 && line.startsWith('&')) return;
    const top = v3 ? '>' : '&';
    const full = line.startsWith(top);
    if (!full && crx.mustInitialise) {
      throw new ProbeError('corrupt', `line ${n} should start an epoch written in full ('${top}' in column 1) but is a difference of a previous one`);
    }
    const repaired = (full ? (v3 ? line : ` ${line.slice(1)}`) : repairCrxLine(crx.epochLine, line)).trimEnd();
    const epoch = v3 ? parseEpochV3(repaired) : parseEpochV2(repaired);
    if (!epoch)
      throw new ProbeError('corrupt', `line ${n} should start an epoch but is not a valid Compact RINEX ${crx.version.toFixed(1)} epoch line`);
    if (epoch.flag >= 2) {
      // Events (and flag 6) are written in full with their special records verbatim; the next epoch starts afresh.
      if (!full) throw new ProbeError('corrupt', `line ${n}: an event epoch (flag ${epoch.flag}) must be written in full`);
      crx.mustInitialise = true;
      if (epoch.flag !== 6) this.eventEpochs += 1;
      if (epoch.count > 0) this.state = { kind: 'records', left: epoch.count, epochLine: n, declared: epoch.count, observations: false };
      return;
    }
    crx.epochLine = repaired;
    crx.mustInitialise = false;
    const from = v3 ? 41 : 32;
    const list = repaired.slice(from, from + epoch.count * 3);
    if (list.length < epoch.count * 3) {
      throw new ProbeError('corrupt', `line ${n}: the epoch declares ${plural(epoch.count, 'satellite')} but lists ${Math.floor(list.length / 3)}`);
    }
    const satellites: string[] = [];
    for (let i = 0; i < list.length; i += 3) satellites.push(normaliseSatellite(list.slice(i, i + 3)));
    for (const sat of satellites) this.seeSatellite(sat);
    this.countEpoch(epoch.ms, n, epoch.count);
    this.readEpoch({ ...epoch, satellites });
    this.epochRead();
    this.state = { kind: 'crxClock', satellites: epoch.count, epochLine: n };
  }

  private countEpoch(ms: number | undefined, n: number, satellites: number): void {
    if (ms === undefined) throw new ProbeError('corrupt', `line ${n}: observation epoch without a date`);
    if (this.lastEpoch !== undefined && ms < this.lastEpoch) {
      throw new ProbeError(
        'corrupt',
        `line ${n}: epoch ${new Date(ms).toISOString()} comes before the previous one (${new Date(this.lastEpoch).toISOString()})`,
      );
    }
    this.epochs += 1;
    this.satelliteRecords += satellites;
    this.quality.add({ satellites });
    this.lastEpochLine = n;
    this.firstEpoch ??= ms;
    this.lastEpoch = ms;
  }

  private seeSatellite(sat: string): void {
    if (this.satellites.size < MAX_SATELLITES) this.satellites.add(sat);
    else if (!this.satellites.has(sat)) this.satellitesOverflow = true;
  }

  protected complete(): ProbeResult {
    this.lines.end();
    if (this.lines.lines === 0) throw new ProbeError('unreadable_header', 'the file is empty');
    if (!this.headerDone) throw new ProbeError('truncated', 'the file ends inside its header (no END OF HEADER)');
    if (this.state.kind === 'crxClock' || this.state.kind === 'crxData') {
      throw new ProbeError(
        'truncated',
        `the file ends inside the epoch at line ${this.state.epochLine}; ${plural(this.epochs - 1, 'complete epoch')} before it`,
      );
    }
    if (this.state.kind === 'records' || this.state.kind === 'satellites') {
      const observations = this.state.kind === 'satellites' || this.state.observations;
      // The cut epoch was already counted when its line was read.
      const complete = this.epochs - (observations && this.lastEpochLine === this.state.epochLine ? 1 : 0);
      throw new ProbeError(
        'truncated',
        `the file ends inside the epoch at line ${this.state.epochLine}, which declares ${plural(this.state.declared, observations ? 'satellite' : 'special record')}; ${plural(complete, 'complete epoch')} before it`,
      );
    }
    if (this.epochs === 0) throw new ProbeError('truncated', 'the file has a header but no observation epoch');
    const first = this.firstEpoch;
    const last = this.lastEpoch;
    if (first === undefined || last === undefined) throw new ProbeError('corrupt', 'no observation epoch of the file has a date');
    const warnings: string[] = [];
    const system = this.timeSystem(warnings);
    const utc = (ms: number) => rinexTimeToUtcMs(system, ms);
    const iso = (ms: number) => new Date(utc(ms)).toISOString();
    /** As the file writes it: the calendar reading in its own time system. */
    const inSystem = (ms: number) => `${new Date(ms).toISOString().slice(0, -1)} ${system}`;
    const read = `${plural(this.epochs, 'epoch')} from ${inSystem(first)} to ${inSystem(last)}`;
    const header = (claim: { ms: number } | undefined, label: string, said: string, body: number) => {
      if (claim && Math.abs(body - claim.ms) > TIME_TOLERANCE_MS) {
        warnings.push(`the header says observations ${said} at ${inSystem(claim.ms)} (${label}) but the file holds ${read}`);
      }
    };
    header(this.firstObs, 'TIME OF FIRST OBS', 'start', first);
    header(this.lastObs, 'TIME OF LAST OBS', 'end', last);
    if (this.satellitesClaimed !== undefined && this.satellites.size > this.satellitesClaimed) {
      warnings.push(`the header claims ${plural(this.satellitesClaimed, 'satellite')} (# OF SATELLITES) but the epochs list ${this.satellites.size}`);
    }
    const leap = this.leapSeconds;
    if (leap) {
      const gpsLeap = gpsMinusUtcAtUtc(utc(first));
      const [scale, expected] = leap.system === 'BDS' ? ['BDT', gpsLeap - 14] : ['GPS', gpsLeap];
      if (leap.seconds !== expected) {
        warnings.push(
          `the header says ${leap.seconds} leap seconds (LEAP SECONDS) but ${scale} - UTC was ${expected} s at the first epoch; the leap-second table is used`,
        );
      }
    }
    const position = this.meta.approxPosition as { lat: number; lon: number } | undefined;
    const timeRange = { start: iso(first), end: iso(last) };
    const footprint = position ? pointFootprint(position.lon, position.lat, timeRange.start, timeRange.end, 'RINEX APPROX POSITION XYZ') : null;
    const quality = this.quality.result(this.systems());
    return {
      format: 'rinex',
      counts: { epochs: this.epochs },
      modality: 'gnss',
      timeRange,
      bbox: footprint?.bbox,
      footprint,
      footprintReason: footprint ? undefined : this.positionProblem,
      gnssQuality: quality ?? undefined,
      durationSeconds: (last - first) / 1000,
      warnings,
      metadata: {
        ...this.meta,
        intervalSeconds: this.interval,
        timeSystem: system,
        /** Seconds the file's time system ran ahead of UTC at the first epoch (0 for GLONASS, which RINEX writes in UTC). */
        timeSystemMinusUtcSeconds: (first - utc(first)) / 1000,
        firstEpoch: inSystem(first),
        lastEpoch: inSystem(last),
        leapSeconds: leap?.seconds,
        timeOfFirstObs: this.firstObs ? iso(this.firstObs.ms) : undefined,
        timeOfLastObs: this.lastObs ? iso(this.lastObs.ms) : undefined,
        observationTypes: this.observationTypes,
        epochs: this.epochs,
        eventEpochs: this.eventEpochs,
        satellites: this.satellites.size,
        satelliteRecords: this.satelliteRecords,
        satellitesOverflow: this.satellitesOverflow || undefined,
        satellitesClaimed: this.satellitesClaimed,
      },
    };
  }

  /** GNSS systems observed: those with observation types (RINEX 3/4), and those of the satellites seen (any version). */
  private systems(): string[] {
    const systems = new Set(Object.keys(this.observationTypes).filter((s) => s !== 'M'));
    for (const sat of this.satellites) systems.add(sat[0]);
    return [...systems].filter((s) => /^[GRECJIS]$/.test(s));
  }

  /** The time system of the epochs read so far (see timeSystem). */
  epochTimeSystem(): RinexTimeSystem {
    return this.meta.satelliteSystem ? this.timeSystem([]) : 'GPS';
  }

  /**
   * The file's time system: TIME OF FIRST OBS columns 49-51, else the one its satellite system implies (RINEX 2.11
   * and 3: GPS for GPS files, GLO for GLONASS files, ...); mixed files must say, and GPS is assumed when they do not.
   */
  private timeSystem(warnings: string[]): RinexTimeSystem {
    const declared = this.firstObs?.system ?? '';
    if (isRinexTimeSystem(declared)) return declared;
    const satelliteSystem = (this.meta.satelliteSystem as { code: string }).code;
    const implied = defaultRinexTimeSystem(satelliteSystem);
    if (declared !== '') {
      warnings.push(`unknown time system '${declared}' in TIME OF FIRST OBS: taken as ${implied ?? 'GPS'}`);
    } else if (!implied) {
      warnings.push('the header does not say which time system a mixed file uses (TIME OF FIRST OBS): GPS assumed');
    }
    return implied ?? 'GPS';
  }
}

/**
 * The observation epochs of a RINEX or Compact RINEX text read as the probe reads them (for the table preview), up to
 * its end or its first line the probe refuses: a head cut inside an epoch gives the epochs before it. The time system
 * is the one the epochs are in.
 */
export function readRinexEpochs(head: Buffer): { epochs: RinexEpoch[]; timeSystem: RinexTimeSystem } {
  const epochs: RinexEpoch[] = [];
  const session = new RinexSession((epoch) => epochs.push(epoch));
  session.push(head);
  return { epochs, timeSystem: session.epochTimeSystem() };
}

export const rinexProbe: FormatProbe = {
  id: 'rinex',
  /** Line 1 carries `RINEX VERSION / TYPE` (or the Hatanaka `CRINEX VERS   / TYPE`) in columns 61-80. */
  sniff(head: Buffer): boolean {
    const text = headText(head, 'latin1');
    if (text === undefined) return false;
    const newline = text.indexOf('\n');
    const first = (newline === -1 ? text : text.slice(0, newline)).replace(/\r$/, '');
    if (first.length < 61 || first.length > 80) return false;
    const label = col(first, 60, 80);
    return label === 'RINEX VERSION / TYPE' || label.startsWith('CRINEX VERS');
  },
  open(): ProbeSession {
    return new RinexSession();
  },
};

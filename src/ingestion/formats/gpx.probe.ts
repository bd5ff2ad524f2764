import { TextDecoder } from 'node:util';

import { FootprintBuilder, type FixType } from '../footprints/footprint-builder.js';
import { withFootprint } from './footprint-result.js';
import { HEAD_BYTES, ProbeError, type BBox, type FormatProbe, type ProbeInput, type ProbeResult, type ProbeSession } from './probe.types.js';
import {
  BBoxAccumulator,
  GuardedSession,
  RangeAccumulator,
  TimeRangeAccumulator,
  headText,
  isValidLatLon,
  parseIsoTime,
  plural,
} from './telemetry-text.util.js';

/**
 * GPX through a streaming XML tokenizer (no DOM): tags, comments and text may be split anywhere across chunks, and
 * only the open-element stack and counters are kept. Enough of XML well-formedness is checked to call a broken file
 * broken: matching end tags, one root, quoted attributes, no duplicate attributes, valid entity references.
 */

/** A single tag, comment or text run longer than this is not GPX. */
const MAX_TOKEN = 1024 * 1024;
const MAX_DEPTH = 256;
/** Points may sit this far (degrees, ~11 m) outside the declared <bounds> before the bounds count as false. */
const BOUNDS_TOLERANCE = 1e-4;

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/;
const ATTRIBUTE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const BAD_AMPERSAND = /&(?!(?:[A-Za-z_][\w.-]*|#\d+|#x[0-9A-Fa-f]+);)/;
const POINTS = new Set(['wpt', 'trkpt', 'rtept']);
/** GPX <fix>: none, 2d, 3d, dgps, pps (military precise positioning: a 3D fix). */
const FIX_TYPES: Record<string, FixType> = { none: 'none', '2d': '2d', '3d': '3d', dgps: 'dgps', pps: '3d' };

/** A point being read: its position, and what its children say, until its end tag hands it to a footprint. */
interface PendingPoint {
  local: string;
  depth: number;
  lon: number;
  lat: number;
  ms: number | null;
  fix?: FixType;
  hdop?: number;
  satellites?: number;
  /** <ele>: metres. */
  ele?: number;
  /** <speed> (GPX 1.0): metres per second. */
  speed?: number;
}

/** A point as the probe reads it, for the table preview. */
export interface GpxPoint {
  kind: 'wpt' | 'trkpt' | 'rtept';
  /** NaN where the attribute is missing or not a number (the probe counts such points, never places them). */
  lat: number;
  lon: number;
  /** Epoch ms (UTC) of its <time>, or null. */
  ms: number | null;
  ele?: number;
  hdop?: number;
  fix?: FixType;
  satellites?: number;
  speed?: number;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#\d+|amp|lt|gt|quot|apos);/g, (_, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Math.min(parseInt(ref.slice(2), 16), 0x10ffff));
    if (ref.startsWith('#')) return String.fromCodePoint(Math.min(Number(ref.slice(1)), 0x10ffff));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[ref];
  });
}

/** The encoding named by the XML declaration, for decoding; UTF-16 and others are refused. */
function declaredEncoding(head: Buffer): string {
  const decl = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(
    head
      .subarray(0, 512)
      .toString('latin1')
      .replace(/^\uFEFF|^ï»¿/, ''),
  );
  const name = (decl?.[1] ?? 'utf-8').toLowerCase();
  if (name === 'utf-8' || name === 'utf8' || name === 'us-ascii' || name === 'ascii') return 'utf8';
  if (name === 'iso-8859-1' || name === 'latin1' || name === 'iso-8859-15' || name === 'windows-1252') return 'latin1';
  return name;
}

class GpxSession extends GuardedSession {
  private readonly decoder: TextDecoder;
  private buf = '';
  private tokens = 0;
  private line = 1;
  private offset = 0;
  private readonly stack: string[] = [];
  private rootPrefix: string | undefined;
  private rootClosed = false;
  private meta: { version?: string; creator?: string; createdAt?: string } = {};
  private readonly counts = { tracks: 0, segments: 0, routes: 0, waypoints: 0, trackPoints: 0, routePoints: 0 };
  private readonly bbox = new BBoxAccumulator();
  private readonly time = new TimeRangeAccumulator();
  private readonly elevation = new RangeAccumulator();
  private timedPoints = 0;
  private invalidTimes = 0;
  private declaredBounds: BBox | undefined;
  private pointsOutside = 0;
  private invalidPoints = 0;
  /** Depth of the open point element, if any: its <time> and <ele> children are read. */
  private pointDepth = -1;
  /** Text being collected for a <time> or <ele> element, and what it belongs to. */
  private collecting: { what: 'pointTime' | 'ele' | 'speed' | 'fix' | 'hdop' | 'sat' | 'fileTime'; depth: number; text: string } | undefined;
  private point: PendingPoint | undefined;
  /** Track and route points make the footprint; waypoints only when the file has no track or route point. */
  private readonly trackFootprint = new FootprintBuilder('GPX trkpt/rtept');
  private readonly waypointFootprint = new FootprintBuilder('GPX wpt (the file has no track or route)', { points: true });
  private readonly encodingName: string;

  constructor(
    input: ProbeInput,
    private readonly onPoint?: (point: GpxPoint) => void,
  ) {
    super();
    this.encodingName = declaredEncoding(input.head);
    this.decoder = new TextDecoder(this.encodingName === 'latin1' ? 'latin1' : 'utf-8', { fatal: true });
  }

  protected consume(chunk: Buffer): void {
    if (this.encodingName !== 'utf8' && this.encodingName !== 'latin1') {
      throw new ProbeError('unsupported', `the GPX declares encoding '${this.encodingName}': only UTF-8 and ISO-8859-1 are read`);
    }
    const nul = chunk.indexOf(0);
    if (nul !== -1) throw new ProbeError('corrupt', `binary data (a NUL byte) at byte ${this.offset + nul}: not an XML text file`);
    this.offset += chunk.length;
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      throw new ProbeError('corrupt', `invalid ${this.encodingName === 'utf8' ? 'UTF-8' : 'text'} near line ${this.line}`);
    }
    this.buf += text;
    this.drain(false);
  }

  /** Consumes every complete token in the buffer; keeps an unfinished one for the next chunk. */
  private drain(final: boolean): void {
    const buf = this.buf;
    let pos = 0;
    while (pos < buf.length) {
      if (buf[pos] !== '<') {
        const lt = buf.indexOf('<', pos);
        if (lt === -1 && !final) {
          if (buf.length - pos > MAX_TOKEN) this.fail('a text run longer than 1 MiB');
          break;
        }
        const end = lt === -1 ? buf.length : lt;
        this.text(buf.slice(pos, end));
        pos = end;
        continue;
      }
      const end = this.tokenEnd(buf, pos);
      if (end === -1) {
        if (buf.length - pos > MAX_TOKEN) this.fail('a tag, comment or CDATA section longer than 1 MiB');
        if (final) throw new ProbeError('truncated', `the file ends inside a tag near line ${this.line}${this.progress()}`);
        break;
      }
      this.token(buf.slice(pos, end));
      pos = end;
    }
    this.buf = buf.slice(pos);
  }

  /** Index just past the token starting at `pos` (a '<'), or -1 when it is not complete yet. */
  private tokenEnd(buf: string, pos: number): number {
    const rest = (marker: string) => {
      const i = buf.indexOf(marker, pos);
      return i === -1 ? -1 : i + marker.length;
    };
    if (buf.startsWith('<!--', pos)) return rest('-->');
    if (buf.startsWith('<![CDATA[', pos)) return rest(']]>');
    if (buf.startsWith('<?', pos)) return rest('?>');
    // '<!' or '<![' cut before we can tell which construct it is.
    if (buf.length - pos < 9 && ('<![CDATA['.startsWith(buf.slice(pos)) || '<!--'.startsWith(buf.slice(pos)))) return -1;
    if (buf.startsWith('<!', pos)) {
      // DOCTYPE: '>' outside an internal subset [...].
      let depth = 0;
      for (let i = pos + 2; i < buf.length; i += 1) {
        const c = buf[i];
        if (c === '[') depth += 1;
        else if (c === ']') depth -= 1;
        else if (c === '>' && depth <= 0) return i + 1;
      }
      return -1;
    }
    let quote = '';
    for (let i = pos + 1; i < buf.length; i += 1) {
      const c = buf[i];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === '>') {
        return i + 1;
      }
    }
    return -1;
  }

  private countLines(text: string): void {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.line += 1;
  }

  private text(text: string): void {
    if (this.stack.length === 0) {
      if (text.trim() !== '') this.fail(this.rootClosed ? 'text after the end of the <gpx> element' : 'text before the root element');
    } else {
      if (BAD_AMPERSAND.test(text)) this.fail("a bare '&' in text (not an entity reference)");
      if (this.collecting) {
        if (this.collecting.text.length + text.length > 1024) this.fail(`a <time> or <ele> value longer than 1 KiB`);
        this.collecting.text += text;
      }
    }
    this.countLines(text);
  }

  private token(token: string): void {
    this.tokens += 1;
    if (token.startsWith('<!--') || token.startsWith('<?')) {
      // An XML declaration is allowed only as the very first thing in the document.
      if (/^<\?xml[\s?]/i.test(token) && (this.tokens > 1 || this.line > 1)) this.fail('an XML declaration after the start of the document');
    } else if (token.startsWith('<![CDATA[')) {
      if (this.stack.length === 0) this.fail('a CDATA section outside the root element');
      if (this.collecting) this.collecting.text += token.slice(9, -3);
    } else if (token.startsWith('<!')) {
      if (this.rootPrefix !== undefined) this.fail('a DOCTYPE after the root element started');
    } else if (token.startsWith('</')) {
      this.endTag(token);
    } else {
      this.startTag(token);
    }
    this.countLines(token);
  }

  private startTag(token: string): void {
    const name = NAME.exec(token.slice(1))?.[0];
    if (!name) this.fail(`a malformed tag '${token.slice(0, 40)}'`);
    let pos = 1 + name.length;
    const attributes = new Map<string, string>();
    ATTRIBUTE.lastIndex = pos;
    for (let m = ATTRIBUTE.exec(token); m; m = ATTRIBUTE.exec(token)) {
      // One of the two quoted forms matched: group 2 ("...") or group 3 ('...').
      const value = m.at(2) ?? m[3];
      if (attributes.has(m[1])) this.fail(`a duplicate attribute '${m[1]}' on <${name}>`);
      if (BAD_AMPERSAND.test(value)) this.fail(`a bare '&' in an attribute of <${name}>`);
      attributes.set(m[1], value);
      pos = ATTRIBUTE.lastIndex;
    }
    const tail = token.slice(pos);
    const selfClosing = /^\s*\/>$/.test(tail);
    if (!selfClosing && !/^\s*>$/.test(tail)) this.fail(`a malformed tag <${name}> (attributes must be name="value")`);

    const colon = name.indexOf(':');
    const prefix = colon === -1 ? '' : name.slice(0, colon);
    const local = colon === -1 ? name : name.slice(colon + 1);
    if (this.stack.length === 0) {
      if (this.rootClosed) this.fail(`a second root element <${name}>`);
      if (local !== 'gpx') this.fail(`the root element is <${name}>, not <gpx>`);
      this.rootPrefix = prefix;
      this.meta.version = attributes.get('version');
      const creator = attributes.get('creator');
      if (creator !== undefined) this.meta.creator = decodeEntities(creator);
    } else if (prefix === this.rootPrefix) {
      this.gpxElement(local, attributes);
    }
    if (selfClosing) {
      this.closed(local, this.stack.length + 1);
      if (this.stack.length === 0) this.rootClosed = true;
      return;
    }
    if (this.stack.length >= MAX_DEPTH) this.fail(`elements nested more than ${MAX_DEPTH} deep`);
    this.stack.push(name);
    if (prefix === this.rootPrefix) this.opened(local);
  }

  /** Counts and points, from the GPX elements' start tags. */
  private gpxElement(local: string, attributes: Map<string, string>): void {
    const parent = this.stack[this.stack.length - 1];
    switch (local) {
      case 'trk':
        this.counts.tracks += 1;
        break;
      case 'trkseg':
        this.counts.segments += 1;
        this.trackFootprint.breakLine();
        break;
      case 'rte':
        this.counts.routes += 1;
        this.trackFootprint.breakLine();
        break;
      case 'bounds':
        if (parent === this.q('gpx') || parent === this.q('metadata')) this.bounds(attributes);
        break;
      default:
        break;
    }
    if (!POINTS.has(local)) return;
    const lat = Number(attributes.get('lat'));
    const lon = Number(attributes.get('lon'));
    if (local === 'wpt') this.counts.waypoints += 1;
    else if (local === 'trkpt') this.counts.trackPoints += 1;
    else this.counts.routePoints += 1;
    // A point that is not a WGS84 position (missing, not a number, off the globe) is read and counted, never placed:
    // the footprint drops it and says so in the warnings (issue 12).
    this.point = { local, depth: this.stack.length + 1, lon, lat, ms: null };
    if (!isValidLatLon(lat, lon)) {
      this.invalidPoints += 1;
      return;
    }
    this.bbox.add(lon, lat);
    const b = this.declaredBounds;
    if (b && (lon < b[0] - BOUNDS_TOLERANCE || lat < b[1] - BOUNDS_TOLERANCE || lon > b[2] + BOUNDS_TOLERANCE || lat > b[3] + BOUNDS_TOLERANCE)) {
      this.pointsOutside += 1;
    }
  }

  private bounds(attributes: Map<string, string>): void {
    const [minlat, minlon, maxlat, maxlon] = ['minlat', 'minlon', 'maxlat', 'maxlon'].map((k) => Number(attributes.get(k)));
    if (isValidLatLon(minlat, minlon) && isValidLatLon(maxlat, maxlon)) this.declaredBounds = [minlon, minlat, maxlon, maxlat];
  }

  /** The qualified name of a GPX element, with the root's prefix. */
  private q(local: string): string {
    return this.rootPrefix ? `${this.rootPrefix}:${local}` : local;
  }

  /** After pushing an element: starts collecting <time>/<ele> of points and the file's own <time>. */
  private opened(local: string): void {
    const depth = this.stack.length;
    if (POINTS.has(local)) {
      this.pointDepth = depth;
      return;
    }
    if (
      depth === this.pointDepth + 1 &&
      (local === 'time' || local === 'ele' || local === 'speed' || local === 'fix' || local === 'hdop' || local === 'sat')
    ) {
      this.collecting = { what: local === 'time' ? 'pointTime' : local, depth, text: '' };
    } else if (local === 'time' && (depth === 2 || (depth === 3 && this.stack[1] === this.q('metadata')))) {
      this.collecting = { what: 'fileTime', depth, text: '' };
    }
  }

  private endTag(token: string): void {
    const m = /^<\/([^\s>]+)\s*>$/.exec(token);
    const open = this.stack.at(-1);
    if (!m) this.fail(`a malformed end tag '${token.slice(0, 40)}'`);
    if (open === undefined) this.fail(`an end tag </${m[1]}> with no open element`);
    if (m[1] !== open) this.fail(`</${m[1]}> closes <${open}>`);
    const depth = this.stack.length;
    this.stack.pop();
    const colon = open.indexOf(':');
    this.closed(colon === -1 ? open : open.slice(colon + 1), depth);
    if (this.stack.length === 0) this.rootClosed = true;
  }

  private closed(local: string, depth: number): void {
    const c = this.collecting;
    if (c && c.depth === depth) {
      this.collecting = undefined;
      const text = c.text.trim();
      if (c.what === 'pointTime') {
        const ms = parseIsoTime(text);
        if (ms === undefined) this.invalidTimes += 1;
        else {
          this.timedPoints += 1;
          this.time.add(ms);
          if (this.point) this.point.ms = ms;
        }
      } else if (c.what === 'ele') {
        if (text !== '') this.elevation.add(Number(text));
        if (this.point && text !== '' && Number.isFinite(Number(text))) this.point.ele = Number(text);
      } else if (c.what === 'speed') {
        if (this.point && text !== '' && Number.isFinite(Number(text))) this.point.speed = Number(text);
      } else if (c.what === 'fix' || c.what === 'hdop' || c.what === 'sat') {
        this.pointQuality(c.what, text);
      } else {
        const ms = parseIsoTime(text);
        if (ms !== undefined) this.meta.createdAt = new Date(ms).toISOString();
      }
    }
    if (depth === this.pointDepth && POINTS.has(local)) this.pointDepth = -1;
    const point = this.point;
    if (point && depth === point.depth && local === point.local) {
      this.point = undefined;
      const sample = { fix: point.fix, hdop: point.hdop, satellites: point.satellites };
      (local === 'wpt' ? this.waypointFootprint : this.trackFootprint).add(point.lon, point.lat, point.ms, sample);
      const { lat, lon, ms, ele, hdop, fix, satellites, speed } = point;
      this.onPoint?.({ kind: local as GpxPoint['kind'], lat, lon, ms, ele, hdop, fix, satellites, speed });
    }
  }

  /** A point's <fix>, <hdop> or <sat>; values the schema does not allow are left out, not guessed. */
  private pointQuality(what: 'fix' | 'hdop' | 'sat', text: string): void {
    const point = this.point;
    if (!point || text === '') return;
    if (what === 'fix') point.fix = FIX_TYPES[text.toLowerCase()];
    else if (what === 'hdop') point.hdop = Number.isFinite(Number(text)) ? Number(text) : undefined;
    else point.satellites = /^\d+$/.test(text) ? Number(text) : undefined;
  }

  private progress(): string {
    const points = this.counts.trackPoints + this.counts.routePoints + this.counts.waypoints;
    return `, after ${plural(points, 'point')}`;
  }

  private fail(what: string): never {
    throw new ProbeError('corrupt', `malformed GPX: ${what} near line ${this.line}`);
  }

  protected complete(): ProbeResult {
    try {
      this.buf += this.decoder.decode();
    } catch {
      throw new ProbeError('truncated', `the file ends inside a multi-byte character${this.progress()}`);
    }
    this.drain(true);
    if (this.rootPrefix === undefined) throw new ProbeError('corrupt', 'no <gpx> element was found');
    if (this.stack.length > 0) {
      const open = this.stack[this.stack.length - 1];
      throw new ProbeError('truncated', `the file ends inside <${open}> (${plural(this.stack.length, 'element')} still open)${this.progress()}`);
    }
    const { waypoints, trackPoints, routePoints } = this.counts;
    const footprint = trackPoints + routePoints > 0 || waypoints === 0 ? this.trackFootprint : this.waypointFootprint;
    const result = this.result();
    if (this.pointsOutside > 0) {
      // A header claim the body contradicts: the points are what was recorded (issue 15).
      result.warnings.push(
        `the file declares <bounds> [${(this.declaredBounds ?? []).join(', ')}] but ${plural(this.pointsOutside, 'point')} lie outside them`,
      );
    }
    return withFootprint(result, footprint.finish());
  }

  private result(): ProbeResult {
    const { tracks, segments, routes, waypoints, trackPoints, routePoints } = this.counts;
    return {
      format: 'gpx',
      counts: { fixes: trackPoints + routePoints },
      modality: 'gnss',
      timeRange: this.time.range,
      bbox: this.bbox.bbox,
      durationSeconds: this.time.durationSeconds,
      warnings: [],
      metadata: {
        ...this.meta,
        tracks,
        segments,
        routes,
        waypoints,
        trackPoints,
        routePoints,
        points: trackPoints + routePoints,
        timedPoints: this.timedPoints,
        invalidTimes: this.invalidTimes,
        elevationRangeMeters: this.elevation.range,
        declaredBounds: this.declaredBounds,
        invalidPoints: this.invalidPoints || undefined,
      },
    };
  }
}

/**
 * The points of a GPX text as the probe reads them (for the table preview): any prefix, either quoting, self-closing
 * points; up to the end of the text or the first thing the probe refuses, so a head cut mid-file gives the points
 * before the cut.
 */
export function readGpxPoints(head: Buffer): GpxPoint[] {
  const points: GpxPoint[] = [];
  const input: ProbeInput = {
    size: head.length,
    head: head.subarray(0, HEAD_BYTES),
    read: (offset, length) => Promise.resolve(head.subarray(offset, offset + length)),
  };
  new GpxSession(input, (point) => points.push(point)).push(head);
  return points;
}

export const gpxProbe: FormatProbe = {
  id: 'gpx',
  /** A text head whose root element (after the XML declaration, comments and a DOCTYPE) is <gpx>. */
  sniff(head: Buffer): boolean {
    const text = headText(head, 'latin1');
    if (text === undefined) return false;
    return /^\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--[\s\S]*?-->|<!DOCTYPE[^>]*>|<\?[\s\S]*?\?>)\s*)*<(?:[A-Za-z_][\w.-]*:)?gpx[\s>/]/.test(
      text.replace(/^\uFEFF|^ï»¿/, ''),
    );
  },
  open(input: ProbeInput): ProbeSession {
    return new GpxSession(input);
  },
};

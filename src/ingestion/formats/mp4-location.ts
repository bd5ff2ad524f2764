/**
 * Where a phone recorded a video: the ISO 6709 string Android writes as the udta '©xyz' box ("+33.9951-118.4762/") and
 * iPhones as the QuickTime metadata key 'com.apple.quicktime.location.ISO6709' (moov/meta with mdta keys and ilst).
 * Reads only boxes inside a moov already held in memory, with the box walker the MP4 probe passes in.
 */

export interface Mp4Box {
  type: string;
  start: number;
  end: number;
}

export type BoxWalker = (buf: Buffer, start: number, end: number, where: string) => Mp4Box[];

export interface PhoneLocation {
  lat: number;
  lon: number;
  altitude?: number;
  /** The ISO 6709 text as the file holds it. */
  iso6709: string;
  /** Which box it came from. */
  source: 'udta ©xyz' | 'mdta com.apple.quicktime.location.ISO6709';
}

const XYZ = '\xa9xyz';
const APPLE_KEY = 'com.apple.quicktime.location.ISO6709';

/** One ISO 6709 coordinate: ±DD.D, ±DDMM.M or ±DDDMMSS.S (degree digits: 2 for latitude, 3 for longitude). */
function coordinate(text: string, degreeDigits: number): number | undefined {
  const m = /^([+-])(\d+)(\.\d+)?$/.exec(text);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const whole = m[2];
  const frac = m[3] ? Number(m[3]) : 0;
  const extra = whole.length - degreeDigits;
  if (extra === 0) return sign * (Number(whole) + frac);
  if (extra === 2) return sign * (Number(whole.slice(0, degreeDigits)) + (Number(whole.slice(degreeDigits)) + frac) / 60);
  if (extra === 4) {
    const minutes = Number(whole.slice(degreeDigits, degreeDigits + 2));
    const seconds = Number(whole.slice(degreeDigits + 2)) + frac;
    return sign * (Number(whole.slice(0, degreeDigits)) + minutes / 60 + seconds / 3600);
  }
  return undefined;
}

/** Parses an ISO 6709 point ("+33.9951-118.4762/", "+48.8584+002.2945+035.000/", "+4851.50+00217.77CRSWGS_84/"). */
export function parseIso6709(text: string): { lat: number; lon: number; altitude?: number } | undefined {
  const m = /^\s*([+-][\d.]+)([+-][\d.]+)([+-][\d.]+)?(?:CRS[A-Za-z0-9_]*)?\/?\s*$/.exec(text);
  if (!m) return undefined;
  const [, latText, lonText, altText] = m as unknown as [string, string, string, string | undefined];
  const lat = coordinate(latText, 2);
  const lon = coordinate(lonText, 3);
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  const altitude = altText !== undefined ? Number(altText) : undefined;
  return altitude !== undefined && Number.isFinite(altitude) ? { lat, lon, altitude } : { lat, lon };
}

/** udta/©xyz: a 16-bit string length, a 16-bit language code, the text. */
function fromUdta(buf: Buffer, udta: Mp4Box, walk: BoxWalker): PhoneLocation | undefined {
  const xyz = walk(buf, udta.start, udta.end, 'udta').find((b) => b.type === XYZ);
  if (!xyz || xyz.end - xyz.start < 4) return undefined;
  const length = buf.readUInt16BE(xyz.start);
  const text = buf.toString('utf8', xyz.start + 4, Math.min(xyz.end, xyz.start + 4 + length));
  const point = parseIso6709(text);
  return point ? { ...point, iso6709: text, source: 'udta ©xyz' } : undefined;
}

/** moov/meta with an 'mdta' handler: 'keys' names the entries, 'ilst' holds them by 1-based key index in 'data' boxes. */
function fromMdta(buf: Buffer, meta: Mp4Box, walk: BoxWalker): PhoneLocation | undefined {
  // QuickTime's meta is a plain box, ISO's a full box (4 bytes of version / flags first): tell them by the hdlr.
  const start = buf.toString('latin1', meta.start + 4, meta.start + 8) === 'hdlr' ? meta.start : meta.start + 4;
  const kids = walk(buf, start, meta.end, 'meta');
  const keys = kids.find((b) => b.type === 'keys');
  const ilst = kids.find((b) => b.type === 'ilst');
  if (!keys || !ilst || keys.end - keys.start < 8) return undefined;
  const count = buf.readUInt32BE(keys.start + 4);
  let index = 0;
  let at = keys.start + 8;
  for (let i = 1; i <= count && at + 8 <= keys.end; i++) {
    const size = buf.readUInt32BE(at);
    if (size < 8 || at + size > keys.end) return undefined;
    if (buf.toString('latin1', at + 4, at + 8) === 'mdta' && buf.toString('utf8', at + 8, at + size) === APPLE_KEY) index = i;
    at += size;
  }
  if (!index) return undefined;
  // ilst entries are typed by the key's index as a 32-bit number.
  const type = Buffer.alloc(4);
  type.writeUInt32BE(index);
  const item = walk(buf, ilst.start, ilst.end, 'ilst').find((b) => b.type === type.toString('latin1'));
  if (!item) return undefined;
  const data = walk(buf, item.start, item.end, 'ilst item').find((b) => b.type === 'data');
  if (!data || data.end - data.start < 8) return undefined;
  const text = buf.toString('utf8', data.start + 8, data.end);
  const point = parseIso6709(text);
  return point ? { ...point, iso6709: text, source: 'mdta com.apple.quicktime.location.ISO6709' } : undefined;
}

/** The recording location a phone wrote into the moov held in `buf`, or undefined. */
export function phoneLocation(buf: Buffer, moovKids: readonly Mp4Box[], walk: BoxWalker): PhoneLocation | undefined {
  const meta = moovKids.find((b) => b.type === 'meta');
  const udta = moovKids.find((b) => b.type === 'udta');
  return (meta && fromMdta(buf, meta, walk)) ?? (udta && fromUdta(buf, udta, walk)) ?? undefined;
}

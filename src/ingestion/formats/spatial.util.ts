import { BBox, ProbeError, ProbeFailure, ProbeInput } from './probe.types.js';

/** Shared helpers of the video / 3D probes (mp4, las, ply, pcd, e57, gltf). */

export const KiB = 1024;
export const MiB = 1024 * 1024;

export const fail = (reason: ProbeFailure, message: string): ProbeError => new ProbeError(reason, message);

/** Reads exactly `length` bytes at `offset`, or rejects 'truncated' naming what was being read. */
export async function readExactly(input: ProbeInput, offset: number, length: number, what: string): Promise<Buffer> {
  if (offset + length > input.size) {
    throw fail('truncated', `${what} needs ${length} bytes at offset ${offset} but the file has only ${input.size} bytes: truncated`);
  }
  const buf = await input.read(offset, length);
  if (buf.length < length) {
    throw fail('truncated', `${what} needs ${length} bytes at offset ${offset} but only ${buf.length} could be read: truncated`);
  }
  return buf;
}

/**
 * Wraps a finish() body: a ProbeError passes through; anything else (a RangeError from a Buffer read on lying
 * offsets, a JSON SyntaxError) becomes 'corrupt' with its message, so a hostile file never surfaces as a crash.
 */
export async function guard<T>(what: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toProbeError(what, error);
  }
}

/** A probe's own ProbeError as it is; anything else (a bug, a library choking on hostile bytes) as 'corrupt'. */
export function toProbeError(what: string, error: unknown): ProbeError {
  if (error instanceof ProbeError) return error;
  return fail('corrupt', `${what}: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
}

/** Dates outside this window are writer defaults (1904 / 1970 zero dates) or garbage, not when the data was captured. */
export function isSaneTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= Date.UTC(1990, 0, 1) && ms <= Date.now() + 2 * 86_400_000;
}

export { gpsSecondsToUtcMs } from './gnss-time.js';

export const iso = (ms: number): string => new Date(ms).toISOString();

/** A [minLon, minLat, maxLon, maxLat] box only when every corner is a real WGS84 coordinate. */
export function wgs84BBox(minLon: number, minLat: number, maxLon: number, maxLat: number): BBox | undefined {
  const ok =
    [minLon, minLat, maxLon, maxLat].every(Number.isFinite) &&
    minLon >= -180 &&
    maxLon <= 180 &&
    minLat >= -90 &&
    maxLat <= 90 &&
    minLon <= maxLon &&
    minLat <= maxLat;
  return ok ? [minLon, minLat, maxLon, maxLat] : undefined;
}

/** Running min / max of 3D coordinates, O(1) memory whatever the number of points. */
export class Bounds3 {
  min = [Infinity, Infinity, Infinity];
  max = [-Infinity, -Infinity, -Infinity];
  count = 0;

  add(x: number, y: number, z: number): void {
    // NaN coordinates (invalid points, e.g. organized clouds) do not move the bounds.
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return;
    this.count += 1;
    if (x < this.min[0]) this.min[0] = x;
    if (y < this.min[1]) this.min[1] = y;
    if (z < this.min[2]) this.min[2] = z;
    if (x > this.max[0]) this.max[0] = x;
    if (y > this.max[1]) this.max[1] = y;
    if (z > this.max[2]) this.max[2] = z;
  }

  toJSON(): { min: number[]; max: number[] } | undefined {
    return this.count > 0 ? { min: [...this.min], max: [...this.max] } : undefined;
  }
}

/**
 * Collects a text header from pushed chunks until a line matching `isLastLine` (PLY end_header, PCD DATA), without
 * keeping more than `cap` bytes. `feed` returns the bytes of the chunk after the header (or undefined while still in it).
 */
export class TextHeaderCollector {
  private parts: Buffer[] = [];
  private length = 0;
  private scanned = 0;
  done = false;
  overflow = false;
  /** First line `isValidLine` refused (garbage after a right magic), with its index. */
  invalid?: { index: number; line: string };
  headerLength = 0;
  lines: string[] = [];

  constructor(
    private readonly cap: number,
    private readonly isLastLine: (line: string) => boolean,
    private readonly isValidLine: (line: string, index: number) => boolean = () => true,
  ) {}

  feed(chunk: Buffer): Buffer | undefined {
    if (this.done || this.overflow || this.invalid) return undefined;
    // Copy: the driver may reuse its chunk buffers after push returns.
    const take = chunk.subarray(0, Math.min(chunk.length, this.cap - this.length + 1));
    this.parts.push(Buffer.from(take));
    this.length += take.length;
    const all = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [all];
    let start = this.scanned;
    for (;;) {
      const nl = all.indexOf(0x0a, start);
      if (nl < 0) break;
      const line = all.toString('latin1', start, nl).replace(/\r$/, '');
      if (!this.isValidLine(line, this.lines.length)) {
        this.invalid = { index: this.lines.length, line };
        this.parts = [];
        return undefined;
      }
      this.lines.push(line);
      start = nl + 1;
      if (this.isLastLine(line)) {
        this.done = true;
        this.headerLength = start;
        this.parts = [];
        const before = this.length - take.length;
        return chunk.subarray(start - before);
      }
    }
    this.scanned = start;
    if (this.length > this.cap) {
      this.overflow = true;
      this.parts = [];
    }
    return undefined;
  }
}

/** Plain decimal for messages about huge declared sizes (no 1e+21 notation). */
export const big = (n: number | bigint): string =>
  typeof n === 'bigint'
    ? n.toString()
    : Number.isSafeInteger(n)
      ? String(n)
      : n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 });

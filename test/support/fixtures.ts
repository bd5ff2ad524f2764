import { randomBytes } from 'node:crypto';
import { zstdCompressSync } from 'node:zlib';
import { McapWriter, TempBuffer } from '@mcap/core';

/** Small capture files made in code, in formats whose facts the tests know exactly. */

function nmeaChecksum(body: string): string {
  let sum = 0;
  for (const char of body) sum ^= char.charCodeAt(0);
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

const sentence = (body: string) => `$${body}*${nmeaChecksum(body)}\r\n`;

/** An NMEA log of `fixes` RMC + GGA pairs, one second apart from 2026-11-27 08:00:00 UTC, walking north-east from 46.0N 14.0E. */
export function nmeaLog(fixes: number): Buffer {
  let text = '';
  for (let i = 0; i < fixes; i += 1) {
    const time = `08${String(Math.floor(i / 60)).padStart(2, '0')}${String(i % 60).padStart(2, '0')}.00`;
    const lat = `46${(i * 0.01).toFixed(4).padStart(7, '0')}`;
    const lon = `014${(i * 0.01).toFixed(4).padStart(7, '0')}`;
    text += sentence(`GPRMC,${time},A,${lat},N,${lon},E,10.0,45.0,271126,,,A`);
    text += sentence(`GPGGA,${time},${lat},N,${lon},E,1,08,0.9,300.0,M,46.9,M,,`);
  }
  return Buffer.from(text, 'latin1');
}

/** CSV telemetry with a header row; `rows` rows one second apart, lat/lon moving away from (48.0, 11.0). */
export function csvTelemetry(rows: number): Buffer {
  const lines = ['timestamp,lat,lon,speed_kmh'];
  const start = Date.parse('2026-11-27T08:00:00Z');
  for (let i = 0; i < rows; i += 1) {
    lines.push(`${new Date(start + i * 1000).toISOString()},${(48 + i * 1e-5).toFixed(6)},${(11 + i * 1e-5).toFixed(6)},${(i % 130).toFixed(1)}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** A binary PLY whose header claims 10^12 vertices followed by a few bytes: a lying file. */
export function lyingPly(): Buffer {
  return Buffer.concat([
    Buffer.from(
      'ply\nformat binary_little_endian 1.0\nelement vertex 1000000000000\nproperty float x\nproperty float y\nproperty float z\nend_header\n',
    ),
    Buffer.alloc(120, 7),
  ]);
}

/**
 * A LAS 1.2 point cloud of exactly `sizeBytes` (point format 0, 20-byte records) with pseudo-random point bytes:
 * the header probe reads 227 bytes, so verifying it measures hashing and streaming, not parsing.
 */
export function lasHeader(sizeBytes: number): Buffer {
  const offset = 227;
  const recordLength = 20;
  const points = Math.floor((sizeBytes - offset) / recordLength);
  const header = Buffer.alloc(offset);
  header.write('LASF', 0, 'latin1');
  header.writeUInt8(1, 24);
  header.writeUInt8(2, 25);
  header.write('bench', 26, 'latin1');
  header.write('marketplace bench', 58, 'latin1');
  header.writeUInt16LE(offset, 94);
  header.writeUInt32LE(offset, 96);
  header.writeUInt32LE(0, 100);
  header.writeUInt8(0, 104);
  header.writeUInt16LE(recordLength, 105);
  header.writeUInt32LE(points, 107);
  header.writeUInt32LE(points, 111);
  header.writeDoubleLE(0.01, 131);
  header.writeDoubleLE(0.01, 139);
  header.writeDoubleLE(0.01, 147);
  const bounds = [14.6, 14.4, 46.1, 45.9, 500, 300]; // max x, min x, max y, min y, max z, min z
  bounds.forEach((value, index) => header.writeDoubleLE(value, 179 + index * 8));
  return header;
}

/** An MCAP whose one message (and so its one zstd chunk) holds `payload`, compressed with Node's own zstd. */
async function singleChunkMcap(payload: Uint8Array): Promise<Buffer> {
  const buffer = new TempBuffer();
  const writer = new McapWriter({
    writable: buffer,
    chunkSize: 1024,
    compressChunk: (data) => ({ compression: 'zstd', compressedData: zstdCompressSync(data) }),
  });
  await writer.start({ profile: '', library: 'fixtures' });
  const channelId = await writer.registerChannel({ topic: '/payload', messageEncoding: 'raw', schemaId: 0, metadata: new Map() });
  const t = BigInt(Date.UTC(2026, 10, 27)) * 1_000_000n;
  await writer.addMessage({ channelId, sequence: 0, logTime: t, publishTime: t, data: payload });
  await writer.end();
  return Buffer.from(buffer.get());
}

/**
 * A small MCAP (a few KiB) whose one zstd chunk declares, and really expands to, `expandedMiB` MiB: one message of
 * zeros. The decompression bomb, kept well under the per-block cap so that the ratio check is what refuses it.
 */
export function zstdBombMcap(expandedMiB = 48): Promise<Buffer> {
  return singleChunkMcap(new Uint8Array(expandedMiB * 1024 * 1024));
}

/**
 * An MCAP with one legitimately large zstd chunk of `expandedMiB` MiB that compresses about a hundred times (a few
 * random bytes every 4 KiB): within every limit, so a probe decompresses all of it.
 */
export function largeChunkMcap(expandedMiB = 60): Promise<Buffer> {
  const payload = Buffer.alloc(expandedMiB * 1024 * 1024);
  const noise = randomBytes(payload.length / 128);
  for (let at = 0, n = 0; at < payload.length; at += 4096, n += 32) noise.copy(payload, at, n, n + 32);
  return singleChunkMcap(payload);
}

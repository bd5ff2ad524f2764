import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

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

/** Writes `header` then filler up to `sizeBytes`, streaming, so making a 2 GiB file costs no memory. */
export async function writeFile(path: string, sizeBytes: number, header: Buffer): Promise<void> {
  const out = createWriteStream(path);
  const filler = randomBytes(1 << 20);
  let written = 0;
  const write = async (chunk: Buffer) => {
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(header);
  while (written < sizeBytes) await write(filler.subarray(0, Math.min(filler.length, sizeBytes - written)));
  out.end();
  await once(out, 'finish');
}

export const mb = (bytes: number) => bytes / 1e6;
export const mib = (bytes: number) => bytes / (1 << 20);

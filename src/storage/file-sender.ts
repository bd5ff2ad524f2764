import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/** Bytes per read and write. */
export const SEND_CHUNK_BYTES = 256 * 1024;
/** Writes in flight per transfer: what it holds of the file at most (4 x 256 KiB). */
const IN_FLIGHT = 4;
/** Free buffers kept between transfers (16 MiB): enough for a few downloads at once without allocating. */
const POOL_LIMIT = 64;
const pool: Buffer[] = [];

/** How many free buffers the pool holds now (for tests). */
export function pooledSendBuffers(): number {
  return pool.length;
}

/**
 * Sends bytes `start`..`end` (inclusive) of an open file to `out`, then ends it, reading into a few buffers that are
 * reused as soon as their write completes, and closes the file whatever happens.
 *
 * Why not `createReadStream().pipe()`: a stream allocates a fresh buffer per chunk, and in a process with a large heap
 * (the whole app: about 200 MB) that much short-lived external memory makes V8 mark the whole heap again and again. A
 * download cost the API 3-4 CPU seconds per GiB that way, against 1 for a bare static file server; measured by
 * `npm run bench:download`.
 *
 * Stops early, without error, when `out` is closed or destroyed (the client went away). A file shorter than `end`
 * (replaced meanwhile: objects are renamed into place, so an open file never shrinks in practice) destroys `out`,
 * since its length header can no longer be honoured.
 */
export async function sendFileRange(file: FileHandle, out: Writable, start: number, end: number): Promise<void> {
  const free: Buffer[] = [];
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  const gone = () => out.destroyed || out.writableEnded;
  out.on('close', notify);
  const take = () => free.pop() ?? pool.pop() ?? Buffer.allocUnsafeSlow(SEND_CHUNK_BYTES);
  try {
    let position = start;
    while (position <= end && !gone()) {
      while (inFlight >= IN_FLIGHT && !gone()) await new Promise<void>((resolve) => (wake = resolve));
      if (gone()) break;
      const buffer = take();
      const { bytesRead } = await file.read(buffer, 0, Math.min(SEND_CHUNK_BYTES, end - position + 1), position);
      if (bytesRead === 0) {
        free.push(buffer);
        out.destroy(new Error(`The file ended at byte ${position}, before byte ${end}`));
        break;
      }
      position += bytesRead;
      inFlight += 1;
      // The callback runs once the socket no longer needs the bytes (also, with an error, when it is destroyed).
      out.write(buffer.subarray(0, bytesRead), () => {
        inFlight -= 1;
        free.push(buffer);
        notify();
      });
    }
    while (inFlight > 0 && !out.destroyed) await new Promise<void>((resolve) => (wake = resolve));
    if (!gone()) out.end();
  } finally {
    out.off('close', notify);
    await file.close();
    // Buffers still in a destroyed socket's queue are left to the garbage collector; the rest go back to the pool.
    for (const buffer of free) if (pool.length < POOL_LIMIT) pool.push(buffer);
  }
}

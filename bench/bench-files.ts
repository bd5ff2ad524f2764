import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export { lasHeader } from '../test/support/fixtures.js';

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

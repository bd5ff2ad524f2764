import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStorage } from '../../storage/object-storage.port.js';
import type { PreviewSource } from './preview-generator.js';
import { removeScratchDir, scratchDir } from '../scratch.js';

async function readUpTo(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const piece = chunk as Buffer;
    chunks.push(piece.subarray(0, maxBytes - length));
    length += Math.min(piece.length, maxBytes - length);
    if (length >= maxBytes) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks);
}

/** A capture's verified object in the store, as the preview generators read it. */
export function storedPreviewSource(storage: ObjectStorage, key: string): PreviewSource {
  return {
    async head(maxBytes) {
      const stat = await storage.head(key);
      if (!stat) throw new Error(`the verified object ${key} is missing`);
      if (stat.size === 0) return Buffer.alloc(0);
      return readUpTo(await storage.read(key, { start: 0, end: Math.min(stat.size, maxBytes) - 1 }), maxBytes);
    },
    async withFile(use) {
      // A copy of the whole capture (videos run to gigabytes): a scratch folder, removed even if the thread is stopped.
      const dir = await scratchDir('preview-source-');
      try {
        const path = join(dir, 'capture');
        await pipeline(await storage.read(key), createWriteStream(path));
        return await use(path);
      } finally {
        await removeScratchDir(dir);
      }
    },
  };
}

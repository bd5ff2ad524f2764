/**
 * npm run bench:memory [-- sizeMiB]
 * Peak RSS of the capture worker's verification of one large capture (default 2 GiB): memory must not grow with
 * the file. Prints the RSS before and after, and the peak, for a small and a large file.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyStoredObject } from '../src/ingestion/capture-verifier.js';
import { LocalObjectUrlService } from '../src/storage/local-object-url.service.js';
import { LocalStorage } from '../src/storage/local.storage.js';
import { lasHeader, mib, writeFile } from './bench-files.js';

const sizeBytes = Number(process.argv[2] ?? 2048) * (1 << 20);
const dataDir = mkdtempSync(join(tmpdir(), 'mkt-bench-'));
const rssMiB = () => process.memoryUsage().rss / (1 << 20);

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function main(): Promise<void> {
  const storage = new LocalStorage(dataDir, new LocalObjectUrlService('bench-secret-bench-secret-bench-secret', 'http://localhost'));
  mkdirSync(join(dataDir, 'objects', 'bench'), { recursive: true });
  for (const size of [64 << 20, sizeBytes]) {
    const key = `bench/${size}.las`;
    const path = join(dataDir, 'objects', key);
    await writeFile(path, size, lasHeader(size));
    const sha256 = await sha256Of(path);
    const before = rssMiB();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB())), 20);
    const outcome = await verifyStoredObject(storage, key, { sizeBytes: size, sha256 });
    clearInterval(sampler);
    if (!outcome.ok) throw new Error(`verification failed: ${JSON.stringify(outcome)}`);
    console.log(
      `${mib(size).toFixed(0).padStart(5)} MiB: RSS ${before.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB during (target < 200 MiB)`,
    );
    rmSync(path);
  }
  console.log(`process peak RSS (maxRSS): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

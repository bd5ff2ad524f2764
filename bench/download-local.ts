/**
 * npm run bench:download [-- sizeMiB]
 * Downloads one object (default 1 GiB) from the local object store through a real service process (its signed
 * download URL, GET /v1/storage/local/objects/:token) as 8 MiB Range requests, 4 at a time; and, in the same run with
 * the same client, from a bare Node static file server serving the same file: the floor. Prints both MB/s, with the
 * service on the embedded database (PGlite) and on PostgreSQL (as in bench:upload).
 * The URL is signed here with the service's JWT_SECRET, without an order's grant: an order's URLs also look up their
 * entitlement once per request (one indexed row), which this leaves out. BENCH_API_NODE_OPTIONS as in bench:upload.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalObjectUrlService } from '../src/storage/local-object-url.service.js';
import { spawnService, waitFor } from './bench-database.js';
import { lasHeader, mb, mib, writeFile } from './bench-files.js';
import { PARALLEL, freePort, getRanges, onBothDatabases, peakRssMiB, runBench, sha256Of, startBareFileServer } from './bench-transfer.js';

const sizeBytes = Number(process.argv[2] ?? 1024) * (1 << 20);
const CHUNK_BYTES = 8 << 20;
const dir = mkdtempSync(join(tmpdir(), 'mkt-bench-'));
const here = dirname(fileURLToPath(import.meta.url));

/** Fetches `url` with the shared client into a fresh file; answers MB/s after checking every byte arrived. */
async function timed(url: string, expected: string): Promise<number> {
  const target = join(dir, 'downloaded.bin');
  const started = performance.now();
  const received = await getRanges(url, sizeBytes, CHUNK_BYTES, target);
  const seconds = (performance.now() - started) / 1000;
  if (received !== sizeBytes || (await sha256Of(target)) !== expected) throw new Error(`${url}: the downloaded bytes differ from the object`);
  rmSync(target);
  return mb(sizeBytes) / seconds;
}

async function main(): Promise<void> {
  const dataDir = join(dir, 'data');
  const key = 'bench/download.bin';
  mkdirSync(join(dataDir, 'objects', 'bench'), { recursive: true });
  const object = join(dataDir, 'objects', ...key.split('/'));
  await writeFile(object, sizeBytes, lasHeader(sizeBytes));
  const expected = await sha256Of(object);

  const secret = 'bench-download-secret-'.padEnd(64, 'x');
  process.env.JWT_SECRET = secret;
  const bare = await startBareFileServer(object, sizeBytes);
  try {
    const runs = await onBothDatabases('bench_download', async (label, databaseUrl) => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const api = spawnService(here, port, databaseUrl, dataDir, process.env.BENCH_API_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []);
      try {
        await waitFor(`${base}/health`, 'the service', 600);
        const urls = new LocalObjectUrlService(secret, base);
        const apiMBps = await timed(urls.downloadUrl({ key, exp: urls.expiresIn(3600) }), expected);
        // The floor right after, so both see the same machine load.
        return { apiMBps, floorMBps: await timed(`${bare.url}/download.bin`, expected), peakRss: peakRssMiB(api.pid ?? 0) };
      } finally {
        api.kill('SIGTERM');
      }
    });
    console.log(`\n${mib(sizeBytes).toFixed(0)} MiB as ${mib(CHUNK_BYTES).toFixed(0)} MiB Range requests, ${PARALLEL} at a time`);
    for (const [label, { apiMBps, floorMBps, peakRss }] of runs) {
      console.log(
        `${label.padEnd(10)}  through the API: ${apiMBps.toFixed(0)} MB/s, bare Node static file server ${floorMBps.toFixed(0)} MB/s -> ${((apiMBps / floorMBps) * 100).toFixed(0)}% of the floor; API peak RSS ${peakRss.toFixed(0)} MiB`,
      );
    }
  } finally {
    await bare.close();
  }
}

runBench(main, dir);

/**
 * npm run bench:download [-- sizeMiB]
 * Downloads one object (default 512 MiB) from the local object store through a real service process (its signed
 * download URL, GET /v1/storage/local/objects/:token) as 8 MiB Range requests, 4 at a time; and, in the same run with
 * the same client, from a bare Node static file server serving the same file: the floor. Prints both MB/s, with the
 * service on the embedded database (PGlite) and on PostgreSQL, in alternating rounds with the API's CPU seconds (as in bench:upload).
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
import {
  PARALLEL,
  ROUNDS,
  alternate,
  cpuSeconds,
  freePort,
  getRanges,
  median,
  onBothDatabases,
  peakRssMiB,
  ratioLine,
  runBench,
  sha256Of,
  spawnBareServer,
  benchSizeBytes,
  perGiB,
} from './bench-transfer.js';

const sizeBytes = benchSizeBytes();
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
  const bare = await spawnBareServer(['file', object, String(sizeBytes)]);
  try {
    const runs = await onBothDatabases('bench_download', async (label, databaseUrl) => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const api = spawnService(here, port, databaseUrl, dataDir, process.env.BENCH_API_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []);
      const pid = api.pid ?? 0;
      try {
        await waitFor(`${base}/health`, 'the service', 600);
        const urls = new LocalObjectUrlService(secret, base);
        const rounds: { apiMBps: number; floorMBps: number; apiCpuSeconds: number; floorCpuSeconds: number }[] = [];
        for (let round = 0; round < ROUNDS; round += 1) {
          const [service, floor] = await alternate(
            round,
            async () => {
              const cpuBefore = cpuSeconds(pid);
              const apiMBps = await timed(urls.downloadUrl({ key, exp: urls.expiresIn(3600) }), expected);
              return { apiMBps, apiCpuSeconds: cpuSeconds(pid) - cpuBefore };
            },
            async () => {
              const cpuBefore = cpuSeconds(bare.pid);
              const floorMBps = await timed(`${bare.url}/download.bin`, expected);
              return { floorMBps, floorCpuSeconds: cpuSeconds(bare.pid) - cpuBefore };
            },
          );
          rounds.push({ ...service, ...floor });
        }
        return { rounds, peakRss: peakRssMiB(pid) };
      } finally {
        api.kill('SIGTERM');
      }
    });
    console.log(`\n${mib(sizeBytes).toFixed(0)} MiB as ${mib(CHUNK_BYTES).toFixed(0)} MiB Range requests, ${PARALLEL} at a time`);
    for (const [label, { rounds, peakRss }] of runs) {
      const of = (pick: (round: (typeof rounds)[number]) => number) => median(rounds.map(pick));
      console.log(
        `${label.padEnd(10)}  through the API: ${of((r) => r.apiMBps).toFixed(0)} MB/s, bare Node static file server ${of((r) => r.floorMBps).toFixed(0)} MB/s -> ` +
          `${ratioLine(rounds.map((r) => r.apiMBps / r.floorMBps))}; CPU per GiB: API ${perGiB(
            of((r) => r.apiCpuSeconds),
            sizeBytes,
          )} s, floor ${perGiB(
            of((r) => r.floorCpuSeconds),
            sizeBytes,
          )} s; API peak RSS ${peakRss.toFixed(0)} MiB`,
      );
    }
  } finally {
    await bare.close();
  }
}

runBench(main, dir);

/**
 * npm run bench:upload [-- sizeMiB]
 * Uploads one file (default 1 GiB) in parts, 4 at a time, through the local object store's presigned part URLs to a
 * real service process (no worker), as the contributor page does; and, in the same run with the same client, to a
 * bare Node HTTP server that only streams each part to a file: the floor. Prints the parts' MB/s beside the floor's,
 * the completion (assembly) time, and the API's peak RSS, once on the embedded database (PGlite) and once on
 * PostgreSQL (a fresh database on BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/postgres).
 * BENCH_API_NODE_OPTIONS passes options to the API's node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthTokenResponse } from '../src/auth/dto/user.response.js';
import type { CaptureUploadResponse, CreatedCaptureResponse } from '../src/ingestion/dto/capture.response.js';
import { spawnService, waitFor } from './bench-database.js';
import { lasHeader, mb, mib, writeFile } from './bench-files.js';
import { PARALLEL, freePort, onBothDatabases, peakRssMiB, putParts, runBench, sha256Of, startBarePartServer } from './bench-transfer.js';

const sizeBytes = Number(process.argv[2] ?? 1024) * (1 << 20);
const dir = mkdtempSync(join(tmpdir(), 'mkt-bench-'));
const here = dirname(fileURLToPath(import.meta.url));

/** The parts of a created capture the bench reads (no dates among them, so the DTOs' types hold for the JSON as it is). */
type CreatedCapture = Pick<CreatedCaptureResponse, 'id'> & { upload: Pick<CaptureUploadResponse, 'partSizeBytes' | 'parts'> };

/** Calls the service; answers the parsed JSON body as `T`, the response DTO (or the part of it) the route answers. */
async function json<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const rate = (bytes: number, ms: number) => mb(bytes) / (ms / 1000);

/** The same parts to the bare server; answers MB/s. */
async function floor(file: string, partSizeBytes: number, partCount: number): Promise<number> {
  const partsDir = join(dir, 'floor');
  mkdirSync(partsDir);
  const server = await startBarePartServer(partsDir);
  try {
    const parts = Array.from({ length: partCount }, (_, i) => ({ partNumber: i + 1, url: `${server.url}/parts/${i + 1}` }));
    const started = performance.now();
    await putParts(file, sizeBytes, partSizeBytes, parts);
    return rate(sizeBytes, performance.now() - started);
  } finally {
    await server.close();
    rmSync(partsDir, { recursive: true, force: true });
  }
}

interface ServiceRun {
  partSizeBytes: number;
  partCount: number;
  partsMBps: number;
  completeMs: number;
  peakRssMiB: number;
}

async function throughService(file: string, sha256: string, databaseUrl: string, label: string): Promise<ServiceRun> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = join(dir, `data-${label}`);
  const api = spawnService(here, port, databaseUrl, dataDir, process.env.BENCH_API_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []);
  try {
    await waitFor(`${base}/health`, 'the service', 600);
    const { accessToken } = await json<Pick<AuthTokenResponse, 'accessToken'>>(`${base}/v1/auth/register`, {
      method: 'POST',
      body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password-long', role: 'contributor' }),
    });
    const capture = await json<CreatedCapture>(`${base}/v1/captures`, {
      method: 'POST',
      token: accessToken,
      body: JSON.stringify({ filename: 'upload.las', sizeBytes, sha256 }),
    });
    const { partSizeBytes, parts } = capture.upload;
    const started = performance.now();
    const done = await putParts(file, sizeBytes, partSizeBytes, parts);
    const partsMs = performance.now() - started;
    await json(`${base}/v1/captures/${capture.id}/complete`, { method: 'POST', token: accessToken, body: JSON.stringify({ parts: done }) });
    const completeMs = performance.now() - started - partsMs;
    return { partSizeBytes, partCount: parts.length, partsMBps: rate(sizeBytes, partsMs), completeMs, peakRssMiB: peakRssMiB(api.pid ?? 0) };
  } finally {
    api.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const file = join(dir, 'upload.las');
  await writeFile(file, sizeBytes, lasHeader(sizeBytes));
  const sha256 = await sha256Of(file);

  // The floor right after each service run, so both see the same machine load.
  const runs = await onBothDatabases('bench_upload', async (label, url) => {
    const run = await throughService(file, sha256, url, label);
    return { run, floorMBps: await floor(file, run.partSizeBytes, run.partCount) };
  });
  const [, { run: first }] = runs[0];
  console.log(`\n${mib(sizeBytes).toFixed(0)} MiB in ${first.partCount} parts of ${mib(first.partSizeBytes).toFixed(0)} MiB, ${PARALLEL} at a time`);
  for (const [label, { run, floorMBps }] of runs) {
    console.log(
      `${label.padEnd(10)}  parts: ${run.partsMBps.toFixed(0)} MB/s, bare Node server ${floorMBps.toFixed(0)} MB/s -> ${((run.partsMBps / floorMBps) * 100).toFixed(0)}% of the floor; ` +
        `complete (assembly): ${(run.completeMs / 1000).toFixed(2)} s; API peak RSS ${run.peakRssMiB.toFixed(0)} MiB`,
    );
  }
}

runBench(main, dir);

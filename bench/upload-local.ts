/**
 * npm run bench:upload [-- sizeMiB]
 * Uploads one file (default 512 MiB) in parts, 4 at a time, through the local object store's presigned part URLs to a
 * real service process (no worker), as the contributor page does; and, in the same run with the same client, to a
 * bare Node HTTP server that only streams each part to a file: the floor. Prints the parts' MB/s beside the floor's,
 * the completion (assembly) time, the API's CPU seconds per GiB of parts and its peak RSS, in BENCH_ROUNDS rounds
 * (default 5) that alternate the service and the floor (medians are printed), once on the embedded database (PGlite) and once on
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
import {
  PARALLEL,
  ROUNDS,
  alternate,
  cpuSeconds,
  freePort,
  median,
  onBothDatabases,
  peakRssMiB,
  putParts,
  ratioLine,
  runBench,
  sha256Of,
  spawnBareServer,
  benchSizeBytes,
  perGiB,
} from './bench-transfer.js';

const sizeBytes = benchSizeBytes();
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

/** The same parts to the bare server, in a process of its own; answers MB/s and the CPU seconds it spent. */
async function floor(file: string, partSizeBytes: number, partCount: number): Promise<{ MBps: number; cpuSeconds: number }> {
  const partsDir = join(dir, 'floor');
  mkdirSync(partsDir);
  const server = await spawnBareServer(['parts', partsDir]);
  try {
    const parts = Array.from({ length: partCount }, (_, i) => ({ partNumber: i + 1, url: `${server.url}/parts/${i + 1}` }));
    const cpuBefore = cpuSeconds(server.pid);
    const started = performance.now();
    await putParts(file, sizeBytes, partSizeBytes, parts);
    return { MBps: rate(sizeBytes, performance.now() - started), cpuSeconds: cpuSeconds(server.pid) - cpuBefore };
  } finally {
    await server.close();
    rmSync(partsDir, { recursive: true, force: true });
  }
}

interface Round {
  partsMBps: number;
  floorMBps: number;
  floorCpuSeconds: number;
  completeMs: number;
  /** CPU seconds the API spent receiving the parts. */
  partsCpuSeconds: number;
}

interface ServiceRun {
  partSizeBytes: number;
  partCount: number;
  rounds: Round[];
  peakRssMiB: number;
}

/** ROUNDS uploads of the file through one service process, each beside an upload of the same parts to the floor. */
async function throughService(file: string, sha256: string, databaseUrl: string, label: string): Promise<ServiceRun> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = join(dir, `data-${label}`);
  const api = spawnService(here, port, databaseUrl, dataDir, process.env.BENCH_API_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []);
  const pid = api.pid ?? 0;
  try {
    await waitFor(`${base}/health`, 'the service', 600);
    const { accessToken } = await json<Pick<AuthTokenResponse, 'accessToken'>>(`${base}/v1/auth/register`, {
      method: 'POST',
      body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password-long', role: 'contributor' }),
    });
    const rounds: Round[] = [];
    let plan = { partSizeBytes: 0, partCount: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      const capture = await json<CreatedCapture>(`${base}/v1/captures`, {
        method: 'POST',
        token: accessToken,
        body: JSON.stringify({ filename: `upload-${round}.las`, sizeBytes, sha256 }),
      });
      const { partSizeBytes, parts } = capture.upload;
      plan = { partSizeBytes, partCount: parts.length };
      const [service, bare] = await alternate(
        round,
        async () => {
          const cpuBefore = cpuSeconds(pid);
          const started = performance.now();
          const done = await putParts(file, sizeBytes, partSizeBytes, parts);
          const partsMs = performance.now() - started;
          const partsCpuSeconds = cpuSeconds(pid) - cpuBefore;
          await json(`${base}/v1/captures/${capture.id}/complete`, { method: 'POST', token: accessToken, body: JSON.stringify({ parts: done }) });
          return { partsMBps: rate(sizeBytes, partsMs), completeMs: performance.now() - started - partsMs, partsCpuSeconds };
        },
        () => floor(file, partSizeBytes, parts.length),
      );
      rounds.push({ ...service, floorMBps: bare.MBps, floorCpuSeconds: bare.cpuSeconds });
    }
    return { ...plan, rounds, peakRssMiB: peakRssMiB(pid) };
  } finally {
    api.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const file = join(dir, 'upload.las');
  await writeFile(file, sizeBytes, lasHeader(sizeBytes));
  const sha256 = await sha256Of(file);

  const runs = await onBothDatabases('bench_upload', (label, url) => throughService(file, sha256, url, label));
  const [, first] = runs[0];
  console.log(`\n${mib(sizeBytes).toFixed(0)} MiB in ${first.partCount} parts of ${mib(first.partSizeBytes).toFixed(0)} MiB, ${PARALLEL} at a time`);
  for (const [label, run] of runs) {
    const of = (pick: (round: Round) => number) => median(run.rounds.map(pick));
    console.log(
      `${label.padEnd(10)}  parts: ${of((r) => r.partsMBps).toFixed(0)} MB/s, bare Node server ${of((r) => r.floorMBps).toFixed(0)} MB/s -> ` +
        `${ratioLine(run.rounds.map((r) => r.partsMBps / r.floorMBps))}; CPU per GiB of parts: API ${perGiB(
          of((r) => r.partsCpuSeconds),
          sizeBytes,
        )} s, floor ${perGiB(
          of((r) => r.floorCpuSeconds),
          sizeBytes,
        )} s; ` +
        `complete (assembly): ${(of((r) => r.completeMs) / 1000).toFixed(2)} s; API peak RSS ${run.peakRssMiB.toFixed(0)} MiB`,
    );
  }
}

runBench(main, dir);

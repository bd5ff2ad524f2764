/**
 * npm run bench:event-loop [-- sizeMB]
 * How long a bare GET waits while a large CSV (default 162 MB, the size that made /health take 1.2 s) is verified:
 * with no verification running (the floor), with verification on the event loop (as before: hash + probe in the API
 * process's main thread), and with verification in a worker thread (as the service does now). Each figure is the
 * latency of back-to-back GETs to an HTTP server in this process, over keep-alive, for as long as the verification runs.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { Agent, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyStoredObject } from '../src/ingestion/capture-verifier.js';
import type { VerifierData, VerifierResult, VerifierTask } from '../src/ingestion/verification/verifier-task.js';
import { WorkerPool } from '../src/ingestion/verification/worker-pool.js';
import { LocalObjectUrlService } from '../src/storage/local-object-url.service.js';
import { LocalStorage } from '../src/storage/local.storage.js';

const sizeBytes = Number(process.argv[2] ?? 162) * 1e6;
const dataDir = mkdtempSync(join(tmpdir(), 'mkt-bench-'));
const URL_SECRET = 'bench-secret-bench-secret-bench-secret';

/** CSV telemetry like a vehicle logger's: a timestamp, a position and a speed per row, ten rows a second. */
async function writeCsv(path: string): Promise<string> {
  const out = createWriteStream(path);
  const hash = createHash('sha256');
  const start = Date.parse('2026-11-27T08:00:00Z');
  let written = 0;
  const write = async (text: string) => {
    const chunk = Buffer.from(text);
    hash.update(chunk);
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write('timestamp,lat,lon,speed_kmh\n');
  let lines: string[] = [];
  for (let i = 0; written < sizeBytes; i += 1) {
    lines.push(`${new Date(start + i * 100).toISOString()},${(48 + i * 1e-7).toFixed(7)},${(11 + i * 1e-7).toFixed(7)},${(i % 1300) / 10}`);
    if (lines.length === 10_000) {
      await write(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) await write(`${lines.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

interface Latencies {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Back-to-back GETs until `until` settles; the latency of each, in ms. */
async function measure(port: number, until: Promise<unknown>): Promise<Latencies> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const state = { done: false };
  void until.finally(() => (state.done = true));
  const samples: number[] = [];
  while (!state.done || samples.length < 20) {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/health', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
    samples.push(performance.now() - started);
  }
  await until;
  agent.destroy();
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { count: samples.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: samples[samples.length - 1] };
}

const show = (label: string, l: Latencies) =>
  `${label.padEnd(34)} ${String(l.count).padStart(6)} GETs   p50 ${l.p50.toFixed(2).padStart(7)} ms   p95 ${l.p95.toFixed(2).padStart(7)} ms   p99 ${l.p99.toFixed(2).padStart(8)} ms   max ${l.max.toFixed(1).padStart(8)} ms`;

async function main(): Promise<void> {
  const storage = new LocalStorage(dataDir, new LocalObjectUrlService(URL_SECRET, 'http://localhost'));
  mkdirSync(join(dataDir, 'objects', 'bench'), { recursive: true });
  const key = 'bench/telemetry.csv';
  const sha256 = await writeCsv(join(dataDir, 'objects', key));
  const declared = { sizeBytes: (await storage.head(key))?.size ?? 0, sha256 };

  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end('{"status":"ok"}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const pool = new WorkerPool<VerifierTask, VerifierResult, VerifierData>({
    size: 1,
    script: new URL('../src/ingestion/verification/capture-verifier.worker.js', import.meta.url),
    data: { storage: { kind: 'local', dataDir, urlSecret: URL_SECRET, publicUrl: 'http://localhost' }, recycleAboveBytes: 16 << 20 },
  });
  // Start the thread first, so its start-up is not counted against the request latency.
  await pool.run({ kind: 'hash', key: 'bench/none' });

  const check = (outcome: VerifierResult) => {
    if (!outcome.ok) throw new Error(`verification failed: ${JSON.stringify(outcome)}`);
    return outcome;
  };
  const seconds = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return (performance.now() - started) / 1000;
  };

  console.log(`file: ${(declared.sizeBytes / 1e6).toFixed(0)} MB CSV; GET /health against an HTTP server in this process`);
  console.log(show('floor (nothing else running)', await measure(port, new Promise((resolve) => setTimeout(resolve, 3000)))));
  let inline = 0;
  console.log(
    show(
      'before: verify on the event loop',
      await measure(
        port,
        seconds(async () => check(await verifyStoredObject(storage, key, declared))).then((s) => (inline = s)),
      ),
    ),
  );
  let threaded = 0;
  console.log(
    show(
      'after: verify in a worker thread',
      await measure(
        port,
        seconds(async () => check(await pool.run({ kind: 'verify', key, declared }))).then((s) => (threaded = s)),
      ),
    ),
  );
  console.log(`verification took ${inline.toFixed(1)} s on the event loop, ${threaded.toFixed(1)} s in the worker thread`);
  await pool.close();
  server.close();
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

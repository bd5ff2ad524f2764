/**
 * npm run bench:upload [-- sizeMiB]
 * Uploads one file (default 1 GiB) in parts through the local object store's presigned part URLs to a real
 * service process (embedded database, no worker), as a client would; reports MB/s and the API's peak RSS.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { AuthTokenResponse } from '../src/auth/dto/user.response.js';
import type { CaptureUploadResponse, CreatedCaptureResponse } from '../src/ingestion/dto/capture.response.js';
import { lasHeader, mb, mib, writeFile } from './bench-files.js';

const sizeBytes = Number(process.argv[2] ?? 1024) * (1 << 20);
const dir = mkdtempSync(join(tmpdir(), 'mkt-bench-'));

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => {
        resolve(port);
      });
    });
  });

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

async function main(): Promise<void> {
  const file = join(dir, 'upload.las');
  await writeFile(file, sizeBytes, lasHeader(sizeBytes));
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, ['dist-bench/src/main.js'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: '0',
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    for (let i = 0; ; i += 1) {
      if (
        await fetch(`${base}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300) throw new Error('the service did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { accessToken } = await json<Pick<AuthTokenResponse, 'accessToken'>>(`${base}/v1/auth/register`, {
      method: 'POST',
      body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password', role: 'contributor' }),
    });
    const capture = await json<CreatedCapture>(`${base}/v1/captures`, {
      method: 'POST',
      token: accessToken,
      body: JSON.stringify({ filename: 'upload.las', sizeBytes, sha256 }),
    });
    const { partSizeBytes, parts } = capture.upload;
    const started = performance.now();
    const done: { partNumber: number; etag: string }[] = [];
    for (const part of parts) {
      const start = (part.partNumber - 1) * partSizeBytes;
      const end = Math.min(sizeBytes, start + partSizeBytes) - 1;
      const body = Readable.toWeb(createReadStream(file, { start, end, highWaterMark: 1 << 20 })) as ReadableStream;
      const res = await fetch(part.url, { method: 'PUT', body, duplex: 'half', headers: { 'content-length': String(end - start + 1) } });
      if (!res.ok) throw new Error(`part ${part.partNumber}: ${res.status} ${await res.text()}`);
      done.push({ partNumber: part.partNumber, etag: res.headers.get('etag') ?? '' });
    }
    await json(`${base}/v1/captures/${capture.id}/complete`, { method: 'POST', token: accessToken, body: JSON.stringify({ parts: done }) });
    const seconds = (performance.now() - started) / 1000;
    const status = readFileSync(`/proc/${api.pid}/status`, 'utf8');
    const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    console.log(`uploaded ${mib(sizeBytes).toFixed(0)} MiB in ${parts.length} parts of ${mib(partSizeBytes).toFixed(0)} MiB, then completed`);
    console.log(`throughput: ${(mb(sizeBytes) / seconds).toFixed(0)} MB/s (${seconds.toFixed(2)} s, parts + assembly)`);
    console.log(`API peak RSS: ${(peakKiB / 1024).toFixed(0)} MiB`);
  } finally {
    api.kill('SIGTERM');
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    rmSync(dir, { recursive: true, force: true });
  });

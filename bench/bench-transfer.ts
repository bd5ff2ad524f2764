import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { dropDatabase, onServer } from './bench-database.js';

/** Parts (or ranges) in flight at once, as the contributor page and the download client send them. */
export const PARALLEL = 4;

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });

/** Runs `work` over `items`, at most `parallel` at a time. */
export async function inParallel<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

export interface PartTarget {
  partNumber: number;
  url: string;
}

/**
 * The one upload client of both runs: each part streamed from the file with fetch, PARALLEL at a time. Answers the
 * ETags in part order.
 */
export async function putParts(file: string, sizeBytes: number, partSizeBytes: number, parts: readonly PartTarget[]) {
  const done: { partNumber: number; etag: string }[] = [];
  await inParallel(parts, PARALLEL, async (part) => {
    const start = (part.partNumber - 1) * partSizeBytes;
    const end = Math.min(sizeBytes, start + partSizeBytes) - 1;
    const body = Readable.toWeb(createReadStream(file, { start, end, highWaterMark: 1 << 20 })) as ReadableStream;
    const res = await fetch(part.url, { method: 'PUT', body, duplex: 'half', headers: { 'content-length': String(end - start + 1) } });
    if (!res.ok) throw new Error(`part ${part.partNumber}: ${res.status} ${await res.text()}`);
    done.push({ partNumber: part.partNumber, etag: res.headers.get('etag') ?? '' });
  });
  return done.sort((a, b) => a.partNumber - b.partNumber);
}

/**
 * The one download client of both runs: the object fetched as `chunkBytes` Range requests, PARALLEL at a time, each
 * written at its offset into `target` (as a resuming client that splits a large file would). Answers the bytes read.
 */
export async function getRanges(url: string, sizeBytes: number, chunkBytes: number, target: string): Promise<number> {
  const out = await open(target, 'w');
  let received = 0;
  try {
    const starts = Array.from({ length: Math.ceil(sizeBytes / chunkBytes) }, (_, i) => i * chunkBytes);
    await inParallel(starts, PARALLEL, async (start) => {
      const end = Math.min(sizeBytes, start + chunkBytes) - 1;
      const res = await fetch(url, { headers: { range: `bytes=${start}-${end}` } });
      if (res.status !== 206 || !res.body) throw new Error(`range ${start}-${end}: ${res.status} ${await res.text()}`);
      let position = start;
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        await out.write(chunk, 0, chunk.length, position);
        position += chunk.length;
      }
      received += position - start;
    });
  } finally {
    await out.close();
  }
  return received;
}

async function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

/**
 * The floor for uploads: a bare Node HTTP server that streams each PUT body to its own file in `dir` and answers 200
 * with an ETag, nothing else (no auth, no hashing, no fsync, no assembly).
 */
export async function startBarePartServer(dir: string) {
  let n = 0;
  return listen(
    createServer((req, res) => {
      n += 1;
      pipeline(req, createWriteStream(join(dir, `part-${n}`))).then(
        () => res.writeHead(200, { etag: `"${n}"` }).end(),
        () => res.destroy(),
      );
    }),
  );
}

/**
 * The floor for downloads: a bare static file server for one file that honours a single `Range: bytes=a-b` header,
 * streaming with fs.createReadStream.
 */
export async function startBareFileServer(file: string, sizeBytes: number) {
  return listen(
    createServer((req, res) => {
      const match = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      const [start, end] = match ? [Number(match[1]), Math.min(Number(match[2]), sizeBytes - 1)] : [0, sizeBytes - 1];
      res.writeHead(match ? 206 : 200, {
        'content-length': String(end - start + 1),
        ...(match ? { 'content-range': `bytes ${start}-${end}/${sizeBytes}` } : {}),
      });
      pipeline(createReadStream(file, { start, end }), res).catch(() => res.destroy());
    }),
  );
}

/** A floor server (bare-server.ts) in its own process: its URL, its pid for cpuSeconds, and a way to stop it. */
export async function spawnBareServer(args: string[]): Promise<{ url: string; pid: number; close: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'bare-server.js'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => {
      reject(new Error(`the bare server exited (${String(code)}) before listening`));
    });
  });
  return {
    url,
    pid: child.pid ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** The peak resident set (VmHWM) of a process so far, in MiB. */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** CPU seconds (user + system) a process has used so far, from /proc: what a transfer cost it, whatever the load. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * How many times each bench runs the service and the floor, alternately (BENCH_ROUNDS, default 5). On a shared,
 * busy machine one pair of runs can differ by 2x either way; the median of the rounds' ratios is the figure.
 */
export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One round: the service and the floor one after the other, the floor first in every other round, so neither is always second. */
export async function alternate<A, F>(round: number, service: () => Promise<A>, floor: () => Promise<F>): Promise<[A, F]> {
  if (round % 2 === 0) {
    const a = await service();
    return [a, await floor()];
  }
  const f = await floor();
  return [await service(), f];
}

/** The size to move, from the first argument in MiB (default 512), in bytes. */
export const benchSizeBytes = (): number => Number(process.argv[2] ?? 512) * (1 << 20);

/** CPU seconds spent moving `bytes`, per GiB, as printed. */
export const perGiB = (seconds: number, bytes: number): string => (seconds / (bytes / 2 ** 30)).toFixed(2);

/** The rounds' ratios as a line: median, and the spread. */
export function ratioLine(ratios: readonly number[]): string {
  const pct = (value: number) => `${(value * 100).toFixed(0)}%`;
  return `${pct(median(ratios))} of the floor (median of ${ratios.length} rounds; ${pct(Math.min(...ratios))}-${pct(Math.max(...ratios))})`;
}

/** SHA-256 (hex) of a file, streamed. */
export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs a bench's `main`, reports a failure as the exit code, and removes its scratch folder either way. */
export function runBench(main: () => Promise<void>, scratch: string): void {
  main()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => {
      rmSync(scratch, { recursive: true, force: true });
    });
}

/**
 * Runs `each` once on the embedded database (PGlite) and once on a fresh PostgreSQL database on BENCH_DATABASE_URL's
 * server (default postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards; answers the results by label.
 */
export async function onBothDatabases<T>(prefix: string, each: (label: string, databaseUrl: string) => Promise<T>): Promise<[string, T][]> {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `${prefix}_${process.pid}`;
  await onServer(server, `CREATE DATABASE ${database}`);
  try {
    const postgresUrl = new URL(server);
    postgresUrl.pathname = `/${database}`;
    const results: [string, T][] = [];
    for (const [label, url] of [
      ['PGlite', ''],
      ['PostgreSQL', postgresUrl.toString()],
    ] as const) {
      results.push([label, await each(label, url)]);
    }
    return results;
  } finally {
    await dropDatabase(server, database);
  }
}

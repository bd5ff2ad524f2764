/**
 * npm run bench:quote [-- captures]
 *
 * Times POST /v1/quotes where a quote is dearest: one listed dataset of 10,000 captures (a version's maximum, see
 * MAX_DATASET_FILES), all real street drives in one city (bench/street-drives.ts, through the FootprintBuilder) spread
 * over a year, five modalities, with per-km / per-hour prices. A quote reads only its own dataset's rows (the cell
 * index by dataset and version), so the size of the rest of the catalogue does not enter; the version's size does.
 * The version is frozen by the real freezeVersion and inserted by the real repository SQL in one transaction, so the
 * listing trigger indexes it exactly as a publication would.
 * Series, through the HTTP API of the service in its own process, on a fresh database of the PostgreSQL server named
 * by BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres):
 *   - a city district (an irregular 6-8 vertex polygon 2-4 km across) x a 90-day window: the slice, priced per km;
 *   - the whole dataset (every file listed in the quote).
 * Prints p50 / p95 / p99, the slice sizes, and the target from issue 13 (district x 90 days p95 < 200 ms).
 * BENCH_QUERIES sets the quotes timed per series (default 200); BENCH_KEEP=1 keeps the database.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { dropDatabase, onServer, spawnService, waitFor } from './bench-database.js';
import { DAY_MS, MUNICH, YEAR_START, seedListedDrives } from './listed-drives.js';
import { districtRing, random } from './street-drives.js';

const CAPTURES = Number(process.argv[2] ?? 10_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const WARMUP = 20;
const TARGET_P95_MS = 200;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (value: number) => `${value.toFixed(1)} ms`;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function postJson(url: string, token: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), Authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function series(label: string, bodies: object[], base: string, token: string, warmup = WARMUP): Promise<void> {
  const times: number[] = [];
  const sizes: number[] = [];
  let empty = 0;
  for (const [i, body] of bodies.entries()) {
    const start = performance.now();
    const res = await postJson(`${base}/v1/quotes`, token, body);
    const elapsed = performance.now() - start;
    if (res.status !== 201 && res.status !== 422) throw new Error(`quote answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (i < warmup) continue;
    times.push(elapsed);
    if (res.status === 422) empty += 1;
    else sizes.push((res.body as { totals: { captures: number } }).totals.captures);
  }
  times.sort((a, b) => a - b);
  sizes.sort((a, b) => a - b);
  console.log(`\n${label} (${times.length} quotes after ${warmup} untimed):`);
  console.log(`  p50 ${ms(quantile(times, 0.5))}, p95 ${ms(quantile(times, 0.95))}, p99 ${ms(quantile(times, 0.99))}, max ${ms(times.at(-1) ?? 0)}`);
  if (sizes.length > 0) console.log(`  captures per slice: median ${quantile(sizes, 0.5)}, max ${sizes.at(-1) ?? 0}; empty slices (422): ${empty}`);
  if (label.startsWith('District')) {
    const p95 = quantile(times, 0.95);
    console.log(`  target p95 < ${TARGET_P95_MS} ms: ${p95 < TARGET_P95_MS ? 'met' : 'NOT met'}`);
  }
}

async function main(): Promise<void> {
  const server = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = 'mkt_bench_quote';
  await dropDatabase(server, name);
  await onServer(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'mkt-bench-quote-'));
  const here = dirname(fileURLToPath(import.meta.url));
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const api = spawnService(here, port, url.toString(), dataDir);
  const client = new pg.Client({ connectionString: url.toString() });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/health`, 'the service', 300);
    await client.connect();
    const [{ id: adminId }] = (await client.query<{ id: string }>(`SELECT id FROM users WHERE role = 'admin' LIMIT 1`)).rows;
    console.log(`Seeding one listed dataset of ${CAPTURES.toLocaleString()} captures in Munich:`);
    const datasetId = await seedListedDrives(client, adminId, { captures: CAPTURES, ownerIds: [randomUUID()] });
    const registered = await fetch(`${base}/v1/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'buyer@bench.test', password: 'a-long-password', role: 'buyer' }),
    });
    const { accessToken } = (await registered.json()) as { accessToken: string };
    const next = random(99);
    const districts = Array.from({ length: QUERIES + WARMUP }, () => {
      const from = YEAR_START + Math.floor(next() * 275) * DAY_MS;
      return {
        datasetId,
        area: { polygon: { type: 'Polygon', coordinates: [districtRing(next, MUNICH)] } },
        from: new Date(from).toISOString(),
        to: new Date(from + 90 * DAY_MS).toISOString(),
      };
    });
    await series('District polygon (6-8 vertices, 2-4 km) x 90-day window, priced per km', districts, base, accessToken);
    const wholes = Array.from({ length: Math.ceil(QUERIES / 20) + 2 }, () => ({ datasetId }));
    await series(`The whole dataset (${CAPTURES.toLocaleString()} files in the quote)`, wholes, base, accessToken, 2);
  } finally {
    agent.destroy();
    await client.end().catch(() => undefined);
    api.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    // BENCH_KEEP=1 keeps the database, to study the statements with EXPLAIN.
    if (!process.env.BENCH_KEEP) await dropDatabase(server, name);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

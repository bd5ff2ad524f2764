/**
 * npm run bench:search [-- datasets]
 *
 * Seeds a fresh PostgreSQL database (on BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/postgres)
 * with 1,000,000 ready captures from 1,000 contributors in 100,000 published datasets (10 captures each, the real
 * migrations, realistic spread: 60 cities on five continents, five modalities, three years of capture times, four
 * licences, prices from $5 to $5,000), then times the same searches two ways:
 *   - through the HTTP API (`GET /v1/datasets?bbox=&from=&to=&modality=`), on a real app instance listening on a port;
 *   - as raw SQL: exactly the statement the API runs (buildSearchSql), on a pg client against the same database.
 * Prints p50 / p95 / p99 for both, their ratio, and the EXPLAIN (ANALYZE, BUFFERS) plans that justify the indexes.
 * For scale, it also times the floor: the same statement behind a bare Node http server in its own process
 * (bench/search-floor-server.ts), against raw SQL the same way.
 * Also times freezing a 10,000-file version (manifest leaves + Merkle root), which publication does.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildSearchSql } from '../src/catalog/repositories/dataset-search.sql.js';
import { searchFilters } from '../src/catalog/services/catalog-search.service.js';
import type { SearchDatasetsQuery } from '../src/catalog/dto/search-datasets.query.js';
import type { DatasetEntity } from '../src/catalog/entities/dataset.entity.js';
import { freezeVersion } from '../src/catalog/version-freezer.js';
import type { CaptureSnapshot } from '../src/ingestion/dto/capture-snapshot.js';

const DATASETS = Number(process.argv[2] ?? 100_000);
const CAPTURES_PER_DATASET = 10;
const CONTRIBUTORS = 1_000;
const QUERIES = 400;
const WARMUP = 50;

// 60 cities: [lon, lat]. Captures scatter within ~0.3 degrees of their dataset's city.
const CITIES: [number, number][] = [
  [-122.42, 37.77],
  [-118.24, 34.05],
  [-74.0, 40.71],
  [-87.63, 41.88],
  [-95.37, 29.76],
  [-79.38, 43.65],
  [-73.57, 45.5],
  [-99.13, 19.43],
  [-46.63, -23.55],
  [-58.38, -34.6],
  [-70.65, -33.45],
  [-77.04, -12.05],
  [-74.07, 4.71],
  [-0.13, 51.51],
  [2.35, 48.86],
  [13.4, 52.52],
  [11.58, 48.14],
  [14.51, 46.06],
  [16.37, 48.21],
  [4.9, 52.37],
  [12.5, 41.9],
  [-3.7, 40.42],
  [2.17, 41.39],
  [18.07, 59.33],
  [10.75, 59.91],
  [24.94, 60.17],
  [21.01, 52.23],
  [14.42, 50.09],
  [19.04, 47.5],
  [26.1, 44.43],
  [28.98, 41.01],
  [37.62, 55.75],
  [31.24, 30.04],
  [3.38, 6.52],
  [36.82, -1.29],
  [18.42, -33.92],
  [28.05, -26.2],
  [55.27, 25.2],
  [51.53, 25.29],
  [46.68, 24.71],
  [72.88, 19.08],
  [77.21, 28.61],
  [77.59, 12.97],
  [80.27, 13.08],
  [90.41, 23.81],
  [100.5, 13.76],
  [103.82, 1.35],
  [106.85, -6.21],
  [121.47, 31.23],
  [116.4, 39.9],
  [114.17, 22.32],
  [121.56, 25.03],
  [126.98, 37.57],
  [139.69, 35.69],
  [135.5, 34.69],
  [151.21, -33.87],
  [144.96, -37.81],
  [174.76, -36.85],
  [153.03, -27.47],
  [115.86, -31.95],
];
const MODALITIES = ['video', 'pointcloud', 'telemetry', 'gnss', 'mesh'];

// A keep-alive client on one socket, as a server-side caller would use; fetch adds ~0.8 ms of its own per request here.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function getJson(url: string): Promise<{ items: unknown[] }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${res.statusCode} ${body}`));
          else resolve(JSON.parse(body) as { items: unknown[] });
        });
      })
      .on('error', reject);
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (value: number) => `${value.toFixed(2)} ms`;

/** Deterministic pseudo-random numbers, so two runs seed and query the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function seed(client: pg.Client): Promise<void> {
  const started = performance.now();
  await client.query(`INSERT INTO users (id, email, password_hash, role, created_at, updated_at)
    SELECT md5('user' || g)::uuid, 'contributor' || g || '@bench.test', 'x', 'contributor', now(), now() FROM generate_series(1, ${CONTRIBUTORS}) g`);
  await client.query(`CREATE TEMP TABLE cities (n int PRIMARY KEY, lon float8, lat float8)`);
  await client.query(
    `INSERT INTO cities SELECT n - 1, (c->>0)::float8, (c->>1)::float8 FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(c, n)`,
    [JSON.stringify(CITIES)],
  );
  // One row per dataset: its city, modality, start time, contributor, licence and price.
  await client.query(`CREATE TEMP TABLE seed_datasets AS
    SELECT d, (d * 7919) % ${CITIES.length} AS city, (ARRAY['video','pointcloud','telemetry','gnss','mesh'])[1 + (d * 31) % 5] AS modality,
      timestamptz '2024-01-01' + ((d * 104729) % (3 * 365 * 24)) * interval '1 hour' AS start_at,
      1 + (d * 17) % ${CONTRIBUTORS} AS contributor,
      (ARRAY['research-only','commercial-ai-training','commercial-no-resale','exclusive-commercial'])[1 + (d * 13) % 4] AS licence,
      500 + ((d * 7727) % 500) * 1000 AS price
    FROM generate_series(0::bigint, ${DATASETS - 1}) d`);
  // Ten captures per dataset, each a few hours long, within ~0.3 degrees of the city centre.
  await client.query(`CREATE TEMP TABLE seed_captures AS
    SELECT s.d, s.d * ${CAPTURES_PER_DATASET} + k AS i, s.modality, s.contributor,
      c.lon + (((s.d * 97 + k * 13) % 600) - 300) / 1000.0 AS lon, c.lat + (((s.d * 89 + k * 7) % 600) - 300) / 1000.0 AS lat,
      s.start_at + k * interval '3 hours' AS t0,
      1000000 + ((s.d * 31 + k * 17) % 1000) * 100000 AS size
    FROM seed_datasets s JOIN cities c ON c.n = s.city, generate_series(0, ${CAPTURES_PER_DATASET - 1}) k`);
  console.log(`  seed tables: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await client.query(`INSERT INTO captures (id, owner_id, status, filename, declared_size_bytes, declared_sha256, object_key, size_bytes, sha256,
      format, modality, time_start, time_end, min_lon, min_lat, max_lon, max_lat, duration_seconds, metadata, processed_at, created_at, updated_at)
    SELECT md5('capture' || i)::uuid, md5('user' || contributor)::uuid, 'ready', 'capture-' || i || '.bin', size, md5('c' || i) || md5('d' || i),
      'captures/' || i, size, md5('c' || i) || md5('d' || i),
      CASE modality WHEN 'video' THEN 'mp4' WHEN 'pointcloud' THEN 'las' WHEN 'telemetry' THEN 'mcap' WHEN 'gnss' THEN 'rinex' ELSE 'glb' END,
      modality, t0, t0 + interval '2 hours', lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01, 7200, '{}'::jsonb, now(), now(), now()
    FROM seed_captures`);
  console.log(`  captures: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await client.query(`INSERT INTO datasets (id, owner_id, title, description, tags, capture_ids, licence_template_id, licence_terms, price_usd_cents,
      declarations, draft_state, latest_version, created_at, updated_at)
    SELECT md5('dataset' || s.d)::uuid, md5('user' || s.contributor)::uuid, 'Dataset ' || s.d, '', '{}',
      ARRAY(SELECT md5('capture' || (s.d * ${CAPTURES_PER_DATASET} + k))::uuid FROM generate_series(0, ${CAPTURES_PER_DATASET - 1}) k),
      l.id, l.terms, s.price, '{"ownsRights":true,"identifiablePeople":false,"piiRedacted":true,"restrictedLocations":false}', NULL, 1, now(), now()
    FROM seed_datasets s JOIN licence_templates l ON l.slug = s.licence`);
  await client.query(`INSERT INTO dataset_versions (dataset_id, version, owner_id, title, description, tags, modalities, networks,
      licence_template_id, licence_slug, licence_name, licence_terms, licence_text, exclusive, price_usd_cents, declarations,
      contributors, sample_files, min_lon, min_lat, max_lon, max_lat, bbox, time_start, time_end, time_range, file_count,
      total_bytes, total_duration_seconds, total_points, total_messages, merkle_root, search_vector, listed, published_at, approved_by)
    SELECT md5('dataset' || s.d)::uuid, 1, md5('user' || s.contributor)::uuid, x.title, x.description, x.tags, ARRAY[s.modality],
      ARRAY[(ARRAY['bee-maps','dimo','geodnet','rovr'])[1 + s.d % 4]], l.id, l.slug, l.name, l.terms, l.full_text,
      (l.terms->>'exclusive')::boolean, s.price, '{"ownsRights":true,"identifiablePeople":false,"piiRedacted":true,"restrictedLocations":false}',
      jsonb_build_array(jsonb_build_object('contributorId', md5('user' || s.contributor)::uuid, 'files', 10, 'bytes', a.bytes, 'durationSeconds', 72000, 'messages', 0, 'weight', a.bytes)),
      '[]', a.min_lon, a.min_lat, a.max_lon, a.max_lat, box(point(a.min_lon, a.min_lat), point(a.max_lon, a.max_lat)),
      a.t_start, a.t_end, tstzrange(a.t_start, a.t_end, '[]'), ${CAPTURES_PER_DATASET}, a.bytes, 72000, 0, 0,
      md5('root' || s.d) || md5('root2' || s.d),
      setweight(to_tsvector('english', x.title), 'A') || setweight(to_tsvector('english', array_to_string(x.tags, ' ')), 'B') || setweight(to_tsvector('english', x.description), 'C'),
      true, timestamptz '2025-01-01' + s.d * interval '5 minutes', (SELECT id FROM users WHERE role = 'admin' LIMIT 1)
    FROM seed_datasets s
    JOIN licence_templates l ON l.slug = s.licence
    JOIN (SELECT d, min(lon) - 0.01 AS min_lon, min(lat) - 0.01 AS min_lat, max(lon) + 0.01 AS max_lon, max(lat) + 0.01 AS max_lat,
            min(t0) AS t_start, max(t0) + interval '2 hours' AS t_end, sum(size) AS bytes FROM seed_captures GROUP BY d) a ON a.d = s.d
    CROSS JOIN LATERAL (SELECT
      initcap(s.modality) || ' ' || (ARRAY['dashcam drive','survey','fleet log','street scan','rooftop mapping','rural route','night drive','winter roads'])[1 + s.d % 8] || ' #' || s.d AS title,
      'Captured by ' || (ARRAY['bee-maps','dimo','geodnet','rovr'])[1 + s.d % 4] || ' contributors: ' ||
        (ARRAY['urban intersections with pedestrians','highway merges at dusk','snow-covered roads','construction zones','parking garages','bridges and tunnels'])[1 + s.d % 6] AS description,
      ARRAY[s.modality, (ARRAY['urban','highway','rural','night','winter','summer'])[1 + s.d % 6]] AS tags) x`);
  console.log(`  datasets and versions: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await client.query(`INSERT INTO dataset_version_files (dataset_id, version, path, leaf_index, capture_id, contributor_id, object_key, size_bytes, sha256, modality, format, metadata)
    SELECT md5('dataset' || d)::uuid, 1, modality || '/capture-' || i || '.bin', i - d * ${CAPTURES_PER_DATASET}, md5('capture' || i)::uuid,
      md5('user' || contributor)::uuid, 'captures/' || i, size, md5('c' || i) || md5('d' || i), modality, 'bin', '{}'
    FROM seed_captures`);
  await client.query(`VACUUM ANALYZE`);
  console.log(`  manifests, vacuum and analyze: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** A buyer's typical query: one city's surroundings, a quarter of a year, one modality. */
function queries(count: number): SearchDatasetsQuery[] {
  const next = random(42);
  return Array.from({ length: count }, () => {
    const [lon, lat] = CITIES[Math.floor(next() * CITIES.length)];
    const half = 0.1 + next() * 0.4;
    const from = new Date(Date.UTC(2024, 0, 1) + Math.floor(next() * 33) * 30 * 86_400_000);
    const to = new Date(from.getTime() + 90 * 86_400_000);
    return {
      bbox: [lon - half, lat - half, lon + half, lat + half].map((v) => v.toFixed(4)).join(','),
      from: from.toISOString(),
      to: to.toISOString(),
      modality: MODALITIES[Math.floor(next() * MODALITIES.length)],
      limit: 20,
    };
  });
}

type Runner = (query: SearchDatasetsQuery) => Promise<number>;

/**
 * Times the API and the raw SQL on the same queries, query by query, alternating which goes first, so both meet
 * the same cache state (running all of one and then all of the other would hand the second a warmer cache).
 */
async function compare(
  items: SearchDatasetsQuery[],
  viaHttp: Runner,
  viaSql: Runner,
  httpLabel = 'HTTP API',
): Promise<{ http: number[]; sql: number[] }> {
  for (const query of items.slice(0, WARMUP)) {
    await viaHttp(query);
    await viaSql(query);
  }
  const times = { http: [] as number[], sql: [] as number[] };
  const hits = { http: 0, sql: 0 };
  const measured = items.slice(WARMUP);
  for (const [i, query] of measured.entries()) {
    const order: ['http' | 'sql', Runner][] = [
      ['http', viaHttp],
      ['sql', viaSql],
    ];
    if (i % 2) order.reverse();
    for (const [side, run] of order) {
      const start = performance.now();
      hits[side] += await run(query);
      times[side].push(performance.now() - start);
    }
  }
  for (const side of ['http', 'sql'] as const) {
    const sorted = times[side].sort((a, b) => a - b);
    const label = side === 'http' ? httpLabel : 'raw SQL';
    console.log(
      `  ${label.padEnd(10)} p50 ${ms(quantile(sorted, 0.5))}  p95 ${ms(quantile(sorted, 0.95))}  p99 ${ms(quantile(sorted, 0.99))}  (${measured.length} queries, ${(hits[side] / measured.length).toFixed(1)} hits each)`,
    );
  }
  console.log(
    `  HTTP / SQL at p95: ${(quantile(times.http, 0.95) / quantile(times.sql, 0.95)).toFixed(2)}x; at p50: ${(quantile(times.http, 0.5) / quantile(times.sql, 0.5)).toFixed(2)}x`,
  );
  return times;
}

async function explain(client: pg.Client, label: string, query: SearchDatasetsQuery): Promise<void> {
  const { sql, params } = buildSearchSql(searchFilters(query));
  const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
  console.log(`\n  EXPLAIN ${label}:`);
  for (const row of plan.rows as { 'QUERY PLAN': string }[]) console.log(`    ${row['QUERY PLAN']}`);
}

function merkleBench(): void {
  const files = 10_000;
  const captures: CaptureSnapshot[] = Array.from({ length: files }, (_, i) => ({
    id: randomUUID(),
    ownerId: randomUUID(),
    status: 'ready',
    filename: `frame-${String(i).padStart(6, '0')}.las`,
    network: null,
    objectKey: `captures/${i}`,
    sizeBytes: 1_000_000 + i,
    sha256: randomUUID().replace(/-/g, '').repeat(2),
    format: 'las',
    modality: 'pointcloud',
    timeStart: null,
    timeEnd: null,
    bbox: [11, 48, 11.1, 48.1],
    durationSeconds: null,
    counts: { points: 1000, vertices: null, messages: null, rows: null, epochs: null, frames: null, fixes: null },
    metadata: { pointCount: 1000 },
    warnings: [],
    footprint: null,
    footprintReason: null,
    gnssQuality: null,
    deviceId: null,
    devicePublicKey: null,
    deviceSignatureValid: null,
    rejectionReason: null,
  }));
  const draft = {
    id: randomUUID(),
    ownerId: randomUUID(),
    title: 'Merkle bench',
    description: '',
    tags: [],
    captureIds: captures.map((c) => c.id),
    sampleCaptureIds: [],
    licenceTemplateId: randomUUID(),
    licenceTerms: {
      permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: true },
      attributionRequired: false,
      territory: ['WORLD'],
      termMonths: null,
      exclusive: false,
      maxSeats: null,
    },
    priceUsdCents: 100_000,
    declarations: {},
    splitPolicy: null,
  } as unknown as DatasetEntity;
  const licence = { templateId: draft.licenceTemplateId, slug: 'bench', name: 'Bench', text: 'Bench', terms: draft.licenceTerms };
  const times: number[] = [];
  for (let round = 0; round < 7; round += 1) {
    const start = performance.now();
    freezeVersion({ draft, version: 1, captures, licence, approvedBy: draft.ownerId, publishedAt: new Date(), listed: true });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(
    `\nFreezing a 10,000-file version (paths, dsv1 leaves, Merkle root, coverage, weights): median ${ms(quantile(times, 0.5))}, max ${ms(times.at(-1) ?? 0)} over 7 rounds`,
  );
}

async function main(): Promise<void> {
  merkleBench();
  const server = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `mkt_bench_search`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  // BENCH_REUSE=1 keeps a database seeded by an earlier run with BENCH_KEEP=1 (for profiling; full runs reseed).
  const reuse = Boolean(process.env.BENCH_REUSE) && (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount === 1;
  if (!reuse) {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  }
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'mkt-bench-search-'));

  // The service runs as its own process, as in production, so the API and this client do not share one event loop.
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  // The compiled service beside this compiled bench (npm run bench:build puts both under dist-bench/).
  const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.js');
  const api = spawn(process.execPath, [...(process.env.BENCH_API_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []), main], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: url.toString(),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: '0',
      ADMIN_EMAIL: 'admin@bench.test',
      ADMIN_PASSWORD: 'bench-admin-password',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (
    let i = 0;
    !(await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    ));
    i += 1
  ) {
    if (i > 300) throw new Error('the service did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    if (reuse) console.log(`\nReusing the seeded database ${name} (BENCH_REUSE)`);
    else {
      console.log(
        `\nSeeding ${DATASETS.toLocaleString()} datasets, ${(DATASETS * CAPTURES_PER_DATASET).toLocaleString()} captures, ${CONTRIBUTORS} contributors:`,
      );
      await seed(client);
    }
    const items = queries(QUERIES + WARMUP);
    console.log(`\nSearch: bbox (city, 0.2-1.0 degree box) + 90-day time range + modality, newest first, 20 per page:`);
    const base = `http://127.0.0.1:${port}/v1/datasets`;
    const viaHttp: Runner = async (query) =>
      (await getJson(`${base}?${new URLSearchParams(query as unknown as Record<string, string>).toString()}`)).items.length;
    // The statement fetches limit + 1 rows to know whether there is a next page; the API shows `limit`.
    const viaSql: Runner = async (query) => {
      const { sql, params } = buildSearchSql(searchFilters(query));
      return Math.min(query.limit, (await client.query(sql, params)).rowCount ?? 0);
    };
    await compare(items, viaHttp, viaSql);

    // The floor any HTTP service pays over raw SQL on this machine: one more process hop, HTTP, JSON.
    const floorPort = port + 1;
    const floor = spawn(
      process.execPath,
      [join(dirname(fileURLToPath(import.meta.url)), 'search-floor-server.js'), String(floorPort), url.toString()],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    try {
      for (
        let i = 0;
        !(await fetch(`http://127.0.0.1:${floorPort}/?limit=1`).then(
          (r) => r.ok,
          () => false,
        ));
        i += 1
      ) {
        if (i > 100) throw new Error('the floor server did not start');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      console.log(`\nThe same search behind a bare Node http server (no framework), for scale:`);
      const viaFloor: Runner = async (query) =>
        (await getJson(`http://127.0.0.1:${floorPort}/?${new URLSearchParams(query as unknown as Record<string, string>).toString()}`)).items.length;
      await compare(items, viaFloor, viaSql, 'bare HTTP');
    } finally {
      floor.kill('SIGTERM');
    }

    const text = items.map((query, i): SearchDatasetsQuery => ({
      q: ['winter roads', 'highway', 'dashcam drive', 'survey'][i % 4],
      sort: 'relevance',
      limit: 20,
    }));
    console.log(`\nSearch: full text only, by relevance:`);
    await compare(text.slice(0, WARMUP + 100), viaHttp, viaSql);

    await explain(client, 'bbox + time + modality (the benchmark query)', items[0]);
    await explain(client, 'bbox only, sorted by price', { bbox: items[1].bbox, sort: 'price' as const, limit: 20 });
    await explain(client, 'full text, by relevance', text[0]);
  } finally {
    agent.destroy();
    await client.end();
    api.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    if (!process.env.BENCH_KEEP) {
      const cleanup = new pg.Client({ connectionString: server });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

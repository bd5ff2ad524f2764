/**
 * npm run bench:search [-- datasets]
 *
 * Seeds a fresh PostgreSQL database (on BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/postgres)
 * with 1,000,000 ready captures from 1,000 contributors in 100,000 published datasets (10 captures each, the real
 * migrations, realistic spread: 60 cities on five continents, five modalities, three years of capture times, four
 * licences, prices from $5 to $5,000). Every capture is a real drive: a pool of 200 random walks over each city's
 * street grid (bench/street-drives.ts) goes through the FootprintBuilder, and each capture takes one drive of its city
 * at its own start time; the search tables (dataset_search_cells / _captures, catalog_coverage, coverage_cells) are
 * filled set-based with exactly the rows the listing trigger writes (checked on one dataset against the trigger).
 * Then it times, query by query in the same run:
 *   - a city district (an irregular 6-8 vertex GeoJSON polygon 2-4 km across) + 90-day window + modality, through the
 *     HTTP API (`GET /v1/datasets?polygon=`), through a bare Node http server over the same searchFilters + SQL
 *     (bench/search-floor-server.ts, its own process like the service), and as raw SQL (buildSearchSql);
 *   - a bbox (city, 0.2-1.0 degree box) + window + modality, API and raw SQL;
 *   - full text by relevance ("winter road", ...), API and raw SQL;
 *   - the catalogue coverage layer, `GET /v1/coverage?zoom=&bbox=` at zooms 3, 6 and 10 over a city.
 * Prints p50 / p95 / p99, the ratios and targets, and the EXPLAIN (ANALYZE, BUFFERS) plans.
 * Also times freezing a 10,000-file version (manifest leaves + Merkle root), which publication does.
 * BENCH_KEEP=1 keeps the database; BENCH_REUSE=1 then skips seeding. BENCH_QUERIES sets the queries timed per series
 * (default 400). With BENCH_REUSE the service starts over 1,000,000 captures whose objects do not exist, and its start-up
 * content-key backfill then retries the same batch without end (a src bug, reported): the figures of such a run are
 * not valid until that is fixed. A fresh run starts the service before seeding, so the backfill finds nothing.
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
import { buildSearchSql, buildTierSql, runSearch } from '../src/catalog/repositories/dataset-search.sql.js';
import { coverageOutline } from '../src/catalog/dataset-views.js';
import { SERVER_OPTIONS } from '../src/database/data-source-options.js';
import { searchFilters } from '../src/catalog/services/catalog-search.service.js';
import type { SearchDatasetsQuery } from '../src/catalog/dto/search-datasets.query.js';
import type { DatasetEntity } from '../src/catalog/entities/dataset.entity.js';
import { freezeVersion } from '../src/catalog/version-freezer.js';
import type { CaptureSnapshot } from '../src/ingestion/dto/capture-snapshot.js';
import { dropDatabase, spawnService, waitFor } from './bench-database.js';
import { districtRing, driveFootprint, pooledDrive, random } from './street-drives.js';

const DATASETS = Number(process.argv[2] ?? 100_000);
const CAPTURES_PER_DATASET = 10;
const CONTRIBUTORS = 1_000;
const DRIVES_PER_CITY = 200;
/** Datasets per statement when filling the cell table (bounds each statement's sort and foreign-key queue). */
const CELL_CHUNK = 10_000;
/** Queries timed per series (BENCH_QUERIES), after WARMUP untimed ones. */
const QUERIES = Number(process.env.BENCH_QUERIES ?? 400);
const WARMUP = Math.min(50, Math.ceil(QUERIES / 4));
/** Targets from issue 12. */
const TARGET_P95_MS = 20;
const TARGET_FLOOR_RATIO = 1.3;

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
function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${res.statusCode} ${body}`));
          else resolve(JSON.parse(body) as T);
        });
      })
      .on('error', reject);
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (value: number) => `${value.toFixed(2)} ms`;
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const toQueryString = (query: object) =>
  new URLSearchParams(Object.entries(query).map(([key, value]): [string, string] => [key, String(value)])).toString();

/** Drive pool (city, drive) -> cells with the seconds after the capture's start spent in each, as a temp table. */
async function seedDrives(client: pg.Client): Promise<void> {
  const started = performance.now();
  await client.query(`CREATE TEMP TABLE seed_drives (city int, drive int, cells bigint[], start_s float8[], end_s float8[], seconds float8,
    length_km float8, min_lon float8, min_lat float8, max_lon float8, max_lat float8, PRIMARY KEY (city, drive))`);
  let cells = 0;
  let km = 0;
  for (const [city, centre] of CITIES.entries()) {
    const drives = Array.from({ length: DRIVES_PER_CITY }, (_, drive) => pooledDrive(city, centre, drive));
    cells += drives.reduce((n, d) => n + d.cells.length, 0);
    km += drives.reduce((n, d) => n + d.lengthKm, 0);
    await client.query(
      `INSERT INTO seed_drives SELECT d.city, d.drive, d.cells, d.start, d."end", d.seconds, d."lengthKm", d.bbox[1], d.bbox[2], d.bbox[3], d.bbox[4]
       FROM jsonb_to_recordset($1::jsonb) AS d(city int, drive int, cells bigint[], start float8[], "end" float8[], seconds float8, "lengthKm" float8, bbox float8[])`,
      [JSON.stringify(drives)],
    );
  }
  // Each drive's coarser cells, as the trigger derives them: res 6 for coverage_cells, res 7 for catalog_coverage.
  await client.query(`CREATE TEMP TABLE seed_drive_parents AS
    SELECT city, drive, ARRAY(SELECT DISTINCT h3_parent(c, 6) FROM unnest(cells) c) AS res6, ARRAY(SELECT DISTINCT h3_parent(c, 7) FROM unnest(cells) c) AS res7
    FROM seed_drives`);
  const drives = CITIES.length * DRIVES_PER_CITY;
  console.log(
    `  drive pool: ${drives.toLocaleString()} drives through the FootprintBuilder, ${(km / drives).toFixed(1)} km and ${(cells / drives).toFixed(1)} res-8 cells each on average: ${seconds(started)}`,
  );
}

async function seed(client: pg.Client): Promise<void> {
  const started = performance.now();
  await client.query(`SET work_mem = '256MB'`);
  await client.query(`SET maintenance_work_mem = '1GB'`);
  await client.query(`INSERT INTO users (id, email, password_hash, role, created_at, updated_at)
    SELECT md5('user' || g)::uuid, 'contributor' || g || '@bench.test', 'x', 'contributor', now(), now() FROM generate_series(1, ${CONTRIBUTORS}) g`);
  await seedDrives(client);
  // One row per dataset: its city, modality, start time, contributor, licence and price. Every city has all modalities.
  await client.query(`CREATE TEMP TABLE seed_datasets AS
    SELECT d, (d * 7919) % ${CITIES.length} AS city, (ARRAY['video','pointcloud','telemetry','gnss','mesh'])[1 + (d / ${CITIES.length}) % 5] AS modality,
      timestamptz '2024-01-01' + ((d * 104729) % (3 * 365 * 24)) * interval '1 hour' AS start_at,
      1 + (d * 17) % ${CONTRIBUTORS} AS contributor,
      (ARRAY['research-only','commercial-ai-training','commercial-no-resale','exclusive-commercial'])[1 + (d * 13) % 4] AS licence,
      500 + ((d * 7727) % 500) * 1000 AS price
    FROM generate_series(0::bigint, ${DATASETS - 1}) d`);
  // Ten captures per dataset, three hours apart, each one drive of its city (picked by a hash of the capture number).
  await client.query(`CREATE TEMP TABLE seed_captures AS
    SELECT s.d, s.d * ${CAPTURES_PER_DATASET} + k AS i, s.modality, s.contributor, s.city,
      h3_from_hex(substr(md5('drive' || (s.d * ${CAPTURES_PER_DATASET} + k)), 1, 8)) % ${DRIVES_PER_CITY} AS drive,
      s.start_at + k * interval '3 hours' AS t0,
      1000000 + ((s.d * 31 + k * 17) % 1000) * 100000 AS size
    FROM seed_datasets s, generate_series(0, ${CAPTURES_PER_DATASET - 1}) k`);
  await client.query(`CREATE INDEX ON seed_captures (d)`);
  await client.query(`ANALYZE seed_captures`);
  console.log(`  seed tables: ${seconds(started)}`);
  await client.query(`INSERT INTO captures (id, owner_id, status, filename, declared_size_bytes, declared_sha256, object_key, size_bytes, sha256,
      format, modality, time_start, time_end, min_lon, min_lat, max_lon, max_lat, duration_seconds, metadata, processed_at, created_at, updated_at)
    SELECT md5('capture' || i)::uuid, md5('user' || contributor)::uuid, 'ready', 'capture-' || i || '.bin', size, md5('c' || i) || md5('d' || i),
      'captures/' || i, size, md5('c' || i) || md5('d' || i),
      CASE modality WHEN 'video' THEN 'mp4' WHEN 'pointcloud' THEN 'las' WHEN 'telemetry' THEN 'mcap' WHEN 'gnss' THEN 'rinex' ELSE 'glb' END,
      modality, t0, t0 + r.seconds * interval '1 second', r.min_lon, r.min_lat, r.max_lon, r.max_lat, r.seconds, '{}'::jsonb, now(), now(), now()
    FROM seed_captures c JOIN seed_drives r USING (city, drive)`);
  console.log(`  captures: ${seconds(started)}`);
  await client.query(`INSERT INTO datasets (id, owner_id, title, description, tags, capture_ids, licence_template_id, licence_terms, price_usd_cents,
      declarations, draft_state, latest_version, created_at, updated_at)
    SELECT md5('dataset' || s.d)::uuid, md5('user' || s.contributor)::uuid, 'Dataset ' || s.d, '', '{}',
      ARRAY(SELECT md5('capture' || (s.d * ${CAPTURES_PER_DATASET} + k))::uuid FROM generate_series(0, ${CAPTURES_PER_DATASET - 1}) k),
      l.id, l.terms, s.price, '{"ownsRights":true,"identifiablePeople":false,"piiRedacted":true,"restrictedLocations":false}', NULL, 1, now(), now()
    FROM seed_datasets s JOIN licence_templates l ON l.slug = s.licence`);
  // Versions are listed as they are inserted: the search-entries trigger copies them, and the deferred footprint trigger
  // (which finds no files yet) leaves the cell tables empty; they are filled below, set-based.
  await client.query(`INSERT INTO dataset_versions (dataset_id, version, owner_id, title, description, tags, modalities, networks,
      licence_template_id, licence_slug, licence_name, licence_terms, licence_text, exclusive, price_usd_cents, declarations,
      contributors, sample_files, min_lon, min_lat, max_lon, max_lat, bbox, time_start, time_end, time_range, file_count,
      total_bytes, total_duration_seconds, total_points, total_messages, merkle_root, search_vector, listed, published_at, approved_by)
    SELECT md5('dataset' || s.d)::uuid, 1, md5('user' || s.contributor)::uuid, x.title, x.description, x.tags, ARRAY[s.modality],
      ARRAY[(ARRAY['bee-maps','dimo','geodnet','rovr'])[1 + s.d % 4]], l.id, l.slug, l.name, l.terms, l.full_text,
      (l.terms->>'exclusive')::boolean, s.price, '{"ownsRights":true,"identifiablePeople":false,"piiRedacted":true,"restrictedLocations":false}',
      jsonb_build_array(jsonb_build_object('contributorId', md5('user' || s.contributor)::uuid, 'files', 10, 'bytes', a.bytes, 'durationSeconds', a.seconds, 'messages', 0, 'weight', a.bytes)),
      '[]', a.min_lon, a.min_lat, a.max_lon, a.max_lat, box(point(a.min_lon, a.min_lat), point(a.max_lon, a.max_lat)),
      a.t_start, a.t_end, tstzrange(a.t_start, a.t_end, '[]'), ${CAPTURES_PER_DATASET}, a.bytes, a.seconds, 0, 0,
      md5('root' || s.d) || md5('root2' || s.d),
      setweight(to_tsvector('english', x.title), 'A') || setweight(to_tsvector('english', array_to_string(x.tags, ' ')), 'B') || setweight(to_tsvector('english', x.description), 'C'),
      true, timestamptz '2025-01-01' + s.d * interval '5 minutes', (SELECT id FROM users WHERE role = 'admin' LIMIT 1)
    FROM seed_datasets s
    JOIN licence_templates l ON l.slug = s.licence
    JOIN (SELECT c.d, min(r.min_lon) AS min_lon, min(r.min_lat) AS min_lat, max(r.max_lon) AS max_lon, max(r.max_lat) AS max_lat,
            min(c.t0) AS t_start, max(c.t0 + r.seconds * interval '1 second') AS t_end, sum(c.size) AS bytes, round(sum(r.seconds)) AS seconds
          FROM seed_captures c JOIN seed_drives r USING (city, drive) GROUP BY c.d) a ON a.d = s.d
    CROSS JOIN LATERAL (SELECT
      initcap(s.modality) || ' ' || (ARRAY['dashcam drive','survey','fleet log','street scan','rooftop mapping','rural route','night drive','winter roads'])[1 + s.d % 8] || ' #' || s.d AS title,
      'Captured by ' || (ARRAY['bee-maps','dimo','geodnet','rovr'])[1 + s.d % 4] || ' contributors: ' ||
        (ARRAY['urban intersections with pedestrians','highway merges at dusk','snow-covered roads','construction zones','parking garages','bridges and tunnels'])[1 + s.d % 6] AS description,
      ARRAY[s.modality, (ARRAY['urban','highway','rural','night','winter','summer'])[1 + s.d % 6]] AS tags) x`);
  console.log(`  datasets and versions: ${seconds(started)}`);
  await client.query(`INSERT INTO dataset_version_files (dataset_id, version, path, leaf_index, capture_id, contributor_id, object_key, size_bytes, sha256,
      modality, format, metadata, time_start, time_end)
    SELECT md5('dataset' || d)::uuid, 1, modality || '/capture-' || i || '.bin', i - d * ${CAPTURES_PER_DATASET}, md5('capture' || i)::uuid,
      md5('user' || contributor)::uuid, 'captures/' || i, size, md5('c' || i) || md5('d' || i), modality, 'bin', '{}',
      t0, t0 + r.seconds * interval '1 second'
    FROM seed_captures c JOIN seed_drives r USING (city, drive)`);
  console.log(`  manifests: ${seconds(started)}`);
  await fillSearchTables(client);
  console.log(`  search tables: ${seconds(started)}`);
  await fillOutlines(client);
  console.log(`  coverage outlines: ${seconds(started)}`);
  await client.query(`VACUUM ANALYZE`);
  console.log(`  vacuum and analyze: ${seconds(started)}`);
  await checkAgainstTrigger(client, 0);
}

/**
 * What dataset_search_index_version(ds, v, true) writes for every listed version, set-based: one capture row per file,
 * one cell row per (capture, res-8 cell) with the time spent there, catalogue coverage counts at res 3 / 5 / 7 per
 * modality and in all ('*'), and each entry's res-6 coverage cells.
 */
async function fillSearchTables(client: pg.Client): Promise<void> {
  const started = performance.now();
  await client.query(`INSERT INTO dataset_search_captures (dataset_id, version, capture_id, modality, time_range, has_footprint, rtk_fixed, median_hdop)
    SELECT md5('dataset' || d)::uuid, 1, md5('capture' || i)::uuid, modality, tstzrange(t0, t0 + r.seconds * interval '1 second', '[]'), true, NULL, NULL
    FROM seed_captures c JOIN seed_drives r USING (city, drive)`);
  // The cell index is dropped for the load and rebuilt from its own definition (one sorted build instead of ~15M inserts).
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'dataset_search_cells'`,
  );
  for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
  for (let from = 0; from < DATASETS; from += CELL_CHUNK) {
    await client.query(
      `INSERT INTO dataset_search_cells (cell, dataset_id, version, capture_id, modality, span, rtk_fixed, median_hdop)
       SELECT u.cell, md5('dataset' || c.d)::uuid, 1, md5('capture' || c.i)::uuid, c.modality,
              tstzrange(c.t0 + u.s * interval '1 second', c.t0 + u.e * interval '1 second', '[]'), NULL, NULL
       FROM seed_captures c JOIN seed_drives r USING (city, drive) CROSS JOIN LATERAL unnest(r.cells, r.start_s, r.end_s) AS u(cell, s, e)
       WHERE c.d >= $1 AND c.d < $2`,
      [from, from + CELL_CHUNK],
    );
  }
  const { rows: count } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM dataset_search_cells`);
  console.log(`    ${Number(count[0].n).toLocaleString()} cell rows loaded: ${seconds(started)}`);
  for (const index of indexes) await client.query(index.definition);
  console.log(`    cell indexes rebuilt: ${seconds(started)}`);
  await client.query(`CREATE TEMP TABLE seed_dataset_cells AS
    SELECT DISTINCT c.d, c.modality, p.cell
    FROM seed_captures c JOIN seed_drive_parents r USING (city, drive) CROSS JOIN LATERAL unnest(r.res7) AS p(cell)`);
  await client.query(`INSERT INTO catalog_coverage (res, cell, modality, datasets)
    SELECT r.res, h3_parent(x.cell, r.res), m.modality, count(DISTINCT x.d)
    FROM seed_dataset_cells x CROSS JOIN (VALUES (3), (5), (7)) AS r(res) CROSS JOIN LATERAL (VALUES (x.modality), ('*')) AS m(modality)
    GROUP BY 1, 2, 3`);
  await client.query(`UPDATE dataset_search_entries e SET coverage_cells = x.cells
    FROM (SELECT md5('dataset' || c.d)::uuid AS dataset_id, (array_agg(DISTINCT p.cell ORDER BY p.cell))[1:2000] AS cells
          FROM seed_captures c JOIN seed_drive_parents r USING (city, drive) CROSS JOIN LATERAL unnest(r.res6) AS p(cell) GROUP BY c.d) x
    WHERE e.dataset_id = x.dataset_id AND e.version = 1`);
  console.log(`    catalogue coverage and coverage cells: ${seconds(started)}`);
}

/**
 * What the catalogue's footprint-sync job does for entries without a stored outline (VersionFootprintsService):
 * coverageOutline of the entry's cells, stored only while the cells are still those. Set-based, 2,000 per statement.
 */
async function fillOutlines(client: pg.Client): Promise<void> {
  for (;;) {
    const { rows } = await client.query<{ dataset_id: string; version: number; cells: string[] }>(
      `SELECT dataset_id, version, coverage_cells::text[] AS cells FROM dataset_search_entries
       WHERE coverage_outline IS NULL AND coverage_cells <> '{}' ORDER BY dataset_id, version LIMIT 2000`,
    );
    if (rows.length === 0) return;
    const outlines = rows.map((row) => ({ ...row, outline: coverageOutline(row.cells) }));
    await client.query(
      `UPDATE dataset_search_entries e SET coverage_outline = x.outline
       FROM jsonb_to_recordset($1::jsonb) AS x(dataset_id uuid, version int, cells bigint[], outline jsonb)
       WHERE e.dataset_id = x.dataset_id AND e.version = x.version AND e.coverage_cells = x.cells AND e.coverage_outline IS NULL`,
      [JSON.stringify(outlines)],
    );
  }
}

/**
 * Proof that the set-based fill writes what the listing trigger writes: one dataset's files get the footprints the
 * FootprintBuilder makes of their drives at their real start times, then, inside a transaction that is rolled back,
 * dataset_search_index_version re-indexes the dataset from them; its rows must be identical to the seeded ones.
 */
async function checkAgainstTrigger(client: pg.Client, d: number): Promise<void> {
  const { rows: captures } = await client.query<{ i: string; city: number; drive: string; t0: Date }>(
    `SELECT i, city, drive, t0 FROM seed_captures WHERE d = $1 ORDER BY i`,
    [d],
  );
  for (const capture of captures) {
    const footprint = driveFootprint(capture.city, CITIES[capture.city], Number(capture.drive), capture.t0.getTime());
    await client.query(
      `UPDATE dataset_version_files SET footprint = $3::jsonb WHERE dataset_id = md5('dataset' || $1)::uuid AND capture_id = md5('capture' || $2)::uuid`,
      [d, capture.i, JSON.stringify(footprint)],
    );
  }
  const dataset = `md5('dataset' || ${d})::uuid`;
  const snapshot = async () => {
    const results = [
      await client.query(`SELECT cell::text, capture_id, modality, span::text, rtk_fixed, median_hdop FROM dataset_search_cells
        WHERE dataset_id = ${dataset} ORDER BY capture_id, cell`),
      await client.query(`SELECT capture_id, modality, time_range::text, has_footprint, rtk_fixed, median_hdop FROM dataset_search_captures
        WHERE dataset_id = ${dataset} ORDER BY capture_id`),
      await client.query(`SELECT k.res, k.cell::text, k.modality, k.datasets FROM catalog_coverage k
        WHERE (k.res, k.cell) IN (SELECT r.res, h3_parent(c.cell, r.res) FROM dataset_search_cells c CROSS JOIN (VALUES (3), (5), (7)) AS r(res) WHERE c.dataset_id = ${dataset})
        ORDER BY 1, 2, 3`),
      await client.query(`SELECT coverage_cells::text FROM dataset_search_entries WHERE dataset_id = ${dataset}`),
    ];
    return results.map((result) => result.rows as unknown[]);
  };
  await client.query('BEGIN');
  try {
    const seeded = await snapshot();
    await client.query(`SELECT dataset_search_index_version(${dataset}, 1, true)`);
    const byTrigger = await snapshot();
    const names = ['cell rows', 'capture rows', 'coverage rows', 'coverage_cells'];
    for (const [n, name] of names.entries()) {
      if (JSON.stringify(seeded[n]) !== JSON.stringify(byTrigger[n])) {
        throw new Error(
          `the seeded ${name} of dataset ${d} differ from the listing trigger's:\n  seeded ${JSON.stringify(seeded[n]).slice(0, 2000)}\n  trigger ${JSON.stringify(byTrigger[n]).slice(0, 2000)}`,
        );
      }
    }
    console.log(
      `  check: dataset ${d} re-indexed by dataset_search_index_version from real footprints gives identical rows (${seeded.map((rows, n) => `${rows.length} ${names[n]}`).join(', ')})`,
    );
  } finally {
    await client.query('ROLLBACK');
  }
}

const DAY_MS = 86_400_000;

/** A 90-day window in the three seeded years and a modality, for a query. */
function windowAndModality(next: () => number): Pick<SearchDatasetsQuery, 'from' | 'to' | 'modality'> {
  const from = new Date(Date.UTC(2024, 0, 1) + Math.floor(next() * 33) * 30 * DAY_MS);
  return {
    from: from.toISOString(),
    to: new Date(from.getTime() + 90 * DAY_MS).toISOString(),
    modality: MODALITIES[Math.floor(next() * MODALITIES.length)],
  };
}

/**
 * A buyer's district query: an irregular 6-8 vertex polygon 2-4 km across, a few km from a city's centre (where the
 * drives are), as GeoJSON in the query string; a quarter of a year; one modality.
 */
function polygonQueries(count: number): SearchDatasetsQuery[] {
  const next = random(7);
  return Array.from({ length: count }, () => {
    const ring = districtRing(next, CITIES[Math.floor(next() * CITIES.length)]);
    return { polygon: JSON.stringify({ type: 'Polygon', coordinates: [ring] }), ...windowAndModality(next), limit: 20 };
  });
}

/** One city's surroundings as a bbox (0.2-1.0 degree), a quarter of a year, one modality. */
function bboxQueries(count: number): SearchDatasetsQuery[] {
  const next = random(42);
  return Array.from({ length: count }, () => {
    const [lon, lat] = CITIES[Math.floor(next() * CITIES.length)];
    const half = 0.1 + next() * 0.4;
    return { bbox: [lon - half, lat - half, lon + half, lat + half].map((v) => v.toFixed(4)).join(','), ...windowAndModality(next), limit: 20 };
  });
}

/** The storefront's coverage layer over a city, for a 1280 x 800 px map at a zoom. */
function coverageQueries(count: number, zoom: number): { zoom: number; bbox: string }[] {
  const next = random(1000 + zoom);
  return Array.from({ length: count }, () => {
    const [lon, lat] = CITIES[Math.floor(next() * CITIES.length)];
    const width = (1280 / 256) * (360 / 2 ** zoom);
    const height = (800 / 256) * (360 / 2 ** zoom) * Math.cos((lat * Math.PI) / 180);
    const cx = lon + (next() - 0.5) * 0.2 * width;
    const cy = lat + (next() - 0.5) * 0.2 * height;
    const clamp = (v: number, limit: number) => Math.max(-limit, Math.min(limit, v)).toFixed(4);
    return {
      zoom,
      bbox: [clamp(cx - width / 2, 180), clamp(cy - height / 2, 85), clamp(cx + width / 2, 180), clamp(cy + height / 2, 85)].join(','),
    };
  });
}

/** Runs one query one way; answers the number of hits. */
type Runner<Q> = (query: Q) => Promise<number>;

/**
 * Times every way on the same queries, query by query, rotating which goes first, so all meet the same cache state
 * (running all of one and then all of the next would hand the later ones a warmer cache). Answers sorted times by way.
 */
async function compare<Q>(items: Q[], ways: Record<string, Runner<Q>>, warmup = WARMUP): Promise<Record<string, number[]>> {
  const entries = Object.entries(ways);
  for (const query of items.slice(0, warmup)) for (const [, run] of entries) await run(query);
  const times: Record<string, number[]> = Object.fromEntries(entries.map(([label]) => [label, []]));
  const hits: Record<string, number> = Object.fromEntries(entries.map(([label]) => [label, 0]));
  const measured = items.slice(warmup);
  for (const [i, query] of measured.entries()) {
    for (let k = 0; k < entries.length; k++) {
      const [label, run] = entries[(i + k) % entries.length];
      const start = performance.now();
      hits[label] += await run(query);
      times[label].push(performance.now() - start);
    }
  }
  for (const [label] of entries) {
    const sorted = times[label].sort((a, b) => a - b);
    console.log(
      `  ${label.padEnd(10)} p50 ${ms(quantile(sorted, 0.5))}  p95 ${ms(quantile(sorted, 0.95))}  p99 ${ms(quantile(sorted, 0.99))}  (${measured.length} queries, ${(hits[label] / measured.length).toFixed(1)} hits each)`,
    );
  }
  return times;
}

/** One time ratio at p50 and p95, e.g. the API over the floor. */
function ratio(times: Record<string, number[]>, over: string, under: string): number {
  const at = (q: number) => quantile(times[over], q) / quantile(times[under], q);
  console.log(`  ${over} / ${under}: ${at(0.95).toFixed(2)}x at p95, ${at(0.5).toFixed(2)}x at p50`);
  return at(0.95);
}

function target(label: string, value: number, limit: number, unit: string): void {
  const text = unit === 'x' ? `${value.toFixed(2)}x` : ms(value);
  const bound = unit === 'x' ? `${limit}x` : `${limit} ms`;
  console.log(`  target ${label} < ${bound}: ${text} ${value < limit ? 'MET' : 'MISSED'}`);
}

async function explain(client: pg.Client, label: string, query: SearchDatasetsQuery): Promise<void> {
  const filters = searchFilters(query);
  // Relevance: the first tier's walk, which settles a common word's first page.
  const { sql, params } = filters.sort === 'relevance' ? buildTierSql(filters, 3, filters.limit + 1, undefined, 'walk') : buildSearchSql(filters);
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
  const here = dirname(fileURLToPath(import.meta.url));

  // The service runs as its own process, as in production, so the API and this client do not share one event loop.
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  // The compiled service beside this compiled bench (npm run bench:build puts both under dist-bench/).
  const api = spawnService(here, port, url.toString(), dataDir, process.env.BENCH_API_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []);
  // The floor any HTTP service pays over raw SQL on this machine: one more process hop, HTTP, JSON, no framework.
  const floorPort = port + 1;
  const floor = spawn(process.execPath, [join(here, 'search-floor-server.js'), String(floorPort), url.toString()], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // The service's own connection settings (JIT off), so raw SQL is measured as the service runs it.
  const client = new pg.Client({ connectionString: url.toString(), options: SERVER_OPTIONS });
  try {
    await waitFor(`http://127.0.0.1:${port}/health`, 'the service', 300);
    await waitFor(`http://127.0.0.1:${floorPort}/?limit=1`, 'the floor server', 100);
    await client.connect();
    if (reuse) {
      console.log(`\nReusing the seeded database ${name} (BENCH_REUSE)`);
      await fillOutlines(client);
      await client.query(`VACUUM ANALYZE dataset_search_entries`);
    } else {
      console.log(
        `\nSeeding ${DATASETS.toLocaleString()} datasets, ${(DATASETS * CAPTURES_PER_DATASET).toLocaleString()} captures, ${CONTRIBUTORS} contributors:`,
      );
      await seed(client);
    }
    type Page = { items: unknown[] };
    const base = `http://127.0.0.1:${port}/v1`;
    const viaHttp: Runner<SearchDatasetsQuery> = async (query) => (await getJson<Page>(`${base}/datasets?${toQueryString(query)}`)).items.length;
    const viaFloor: Runner<SearchDatasetsQuery> = async (query) =>
      (await getJson<Page>(`http://127.0.0.1:${floorPort}/?${toQueryString(query)}`)).items.length;
    // The statement fetches limit + 1 rows to know whether there is a next page; the API shows `limit`.
    const viaSql: Runner<SearchDatasetsQuery> = async (query) => {
      const rows = await runSearch(searchFilters(query), async (sql, params) => (await client.query<{ sort_value: string }>(sql, params)).rows);
      return Math.min(query.limit, rows.length);
    };

    const polygons = polygonQueries(QUERIES + WARMUP);
    console.log(`\nSearch: city district (6-8 vertex GeoJSON polygon, 2-4 km) + 90-day window + modality, newest first, 20 per page:`);
    const district = await compare(polygons, { 'HTTP API': viaHttp, 'bare HTTP': viaFloor, 'raw SQL': viaSql });
    const floorRatio = ratio(district, 'HTTP API', 'bare HTTP');
    ratio(district, 'HTTP API', 'raw SQL');
    ratio(district, 'bare HTTP', 'raw SQL');
    target('API p95', quantile(district['HTTP API'], 0.95), TARGET_P95_MS, 'ms');
    target('API / bare HTTP at p95', floorRatio, TARGET_FLOOR_RATIO, 'x');

    console.log(`\nSearch: bbox (city, 0.2-1.0 degree box) + 90-day window + modality, newest first, 20 per page:`);
    const boxes = bboxQueries(QUERIES + WARMUP);
    ratio(await compare(boxes, { 'HTTP API': viaHttp, 'raw SQL': viaSql }), 'HTTP API', 'raw SQL');

    const words = ['winter road', 'highway', 'dashcam drive', 'survey'];
    const text = Array.from({ length: QUERIES + WARMUP }, (_, i): SearchDatasetsQuery => ({
      q: words[i % words.length],
      sort: 'relevance',
      limit: 20,
    }));
    console.log(`\nSearch: full text only (${words.map((w) => `"${w}"`).join(', ')}), by relevance, 20 per page:`);
    const relevance = await compare(text, { 'HTTP API': viaHttp, 'bare HTTP': viaFloor, 'raw SQL': viaSql });
    ratio(relevance, 'HTTP API', 'bare HTTP');
    ratio(relevance, 'HTTP API', 'raw SQL');
    target('API p95', quantile(relevance['HTTP API'], 0.95), TARGET_P95_MS, 'ms');

    for (const zoom of [3, 6, 10]) {
      console.log(`\nCatalogue coverage tile: GET /v1/coverage?zoom=${zoom}&bbox= (a 1280 x 800 px map over a city):`);
      const viaCoverage: Runner<{ zoom: number; bbox: string }> = async (query) =>
        (await getJson<{ features: unknown[] }>(`${base}/coverage?${toQueryString(query)}`)).features.length;
      await compare(coverageQueries(Math.ceil(QUERIES / 2) + 20, zoom), { 'HTTP API': viaCoverage }, 20);
    }

    await explain(client, 'district polygon + time + modality (the benchmark query)', polygons[0]);
    await explain(client, 'bbox + time + modality', boxes[0]);
    await explain(client, 'full text, by relevance', text[0]);
  } finally {
    agent.destroy();
    await client.end().catch(() => undefined);
    floor.kill('SIGTERM');
    api.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    if (!process.env.BENCH_KEEP) {
      await dropDatabase(server, name);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
